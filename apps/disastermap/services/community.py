"""Writes of community disaster maps: maps, features, proposals and decisions.

Members (residents of the map's district, see permissions.is_map_member) propose; the
map's editors (association officers) and city staff add directly, accept or decline.
People involved are told through notifications; telling them is best effort and never
costs the proposal or the decision itself.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.disastermap.choices import CommunityFeatureCategory, FeatureStatus
from apps.disastermap.models import CommunityFeature, CommunityMap
from apps.disastermap.permissions import may_create_map, may_edit_map, may_propose
from apps.disastermap.services.community_input import check_geometry, clean_photo
from apps.geo.models import District
from apps.notifications.choices import Category, OrganisationKind
from apps.notifications.services import Organisation, publish

logger = logging.getLogger(__name__)

TITLE_LIMIT = 120
NOTE_LIMIT = 2000
REASON_LIMIT = 200
NAME_LIMIT = 120


# --- maps ---------------------------------------------------------------------------------

@transaction.atomic
def create_map(*, by: User, name: str, association_name: str, district: District, description: str = "",
               is_public: bool = True, editors: list[User] | tuple[User, ...] = ()) -> CommunityMap:
    """City staff set up a map for an association and name its officers as editors."""
    if not may_create_map(by):
        raise PermissionDenied(_("Only city staff can create community maps."))
    errors: dict[str, str] = {}
    name, association_name = (name or "").strip(), (association_name or "").strip()
    for field, value in (("name", name), ("association_name", association_name)):
        if not value:
            errors[field] = _("This field is required.")
        elif len(value) > NAME_LIMIT:
            errors[field] = _("Use at most %(n)d characters.") % {"n": NAME_LIMIT}
    if district is None:
        errors["district"] = _("Choose the district the map covers.")
    if errors:
        raise ValidationError(errors)
    community_map = CommunityMap.objects.create(
        name=name, association_name=association_name, district=district,
        description=(description or "").strip(), is_public=is_public,
    )
    community_map.editors.set(editors)
    return community_map


# --- features -----------------------------------------------------------------------------

def _clean_fields(*, category: str, title: str, note: str) -> tuple[str, str, str]:
    errors: dict[str, str] = {}
    if category not in CommunityFeatureCategory.values:
        errors["category"] = _("Unknown category “%(value)s”; choose one of: %(known)s.") % {
            "value": category, "known": ", ".join(CommunityFeatureCategory.values)}
    title, note = (title or "").strip(), (note or "").strip()
    if not title:
        errors["title"] = _("Give the feature a title.")
    elif len(title) > TITLE_LIMIT:
        errors["title"] = _("Use at most %(n)d characters for the title.") % {"n": TITLE_LIMIT}
    if len(note) > NOTE_LIMIT:
        errors["note"] = _("Use at most %(n)d characters for the note.") % {"n": NOTE_LIMIT}
    if errors:
        raise ValidationError(errors)
    return category, title, note


def _checked(community_map: CommunityMap, geometry: GEOSGeometry | None) -> GEOSGeometry:
    if geometry is None:
        raise ValidationError({"geometry": _("Draw the feature or give its coordinates.")})
    return check_geometry(community_map, geometry)


def add_feature(*, user: User, community_map: CommunityMap, category: str, title: str, note: str = "",
                geometry: GEOSGeometry | None, photo=None) -> CommunityFeature:
    """Editors add straight onto the map; members' features wait as proposals for an editor."""
    if not may_propose(user, community_map):
        raise PermissionDenied(_("Only members of the association can propose features for this map."))
    category, title, note = _clean_fields(category=category, title=title, note=note)
    geometry = _checked(community_map, geometry)
    cleaned_photo = clean_photo(photo) if photo else None
    editor = may_edit_map(user, community_map)
    with transaction.atomic():
        feature = CommunityFeature(
            map=community_map, category=category, title=title, note=note, geometry=geometry,
            proposed_by=user,
            status=FeatureStatus.ACCEPTED if editor else FeatureStatus.PROPOSED,
            decided_by=user if editor else None, decided_at=timezone.now() if editor else None,
        )
        if cleaned_photo is not None:
            feature.photo.save(cleaned_photo.name, cleaned_photo, save=False)
        feature.save()
        if not editor:
            _tell_editors(feature, user)
    return feature


def update_feature(*, user: User, feature: CommunityFeature, category: str | None = None,
                   title: str | None = None, note: str | None = None, geometry: GEOSGeometry | None = None,
                   photo=None, remove_photo: bool = False) -> CommunityFeature:
    """Editors correct a feature; what is not given stays as it was."""
    if not may_edit_map(user, feature.map):
        raise PermissionDenied(_("Only the map's editors can change its features."))
    category, title, note = _clean_fields(
        category=feature.category if category is None else category,
        title=feature.title if title is None else title,
        note=feature.note if note is None else note,
    )
    if geometry is not None:
        feature.geometry = check_geometry(feature.map, geometry)
    cleaned_photo = clean_photo(photo) if photo else None
    feature.category, feature.title, feature.note = category, title, note
    with transaction.atomic():
        if (remove_photo or cleaned_photo is not None) and feature.photo:
            feature.photo.delete(save=False)
        if cleaned_photo is not None:
            feature.photo.save(cleaned_photo.name, cleaned_photo, save=False)
        feature.save()
    return feature


def delete_feature(*, user: User, feature: CommunityFeature) -> None:
    if not may_edit_map(user, feature.map):
        raise PermissionDenied(_("Only the map's editors can delete its features."))
    photo = feature.photo.name if feature.photo else ""
    feature.delete()
    if photo:
        # The file goes once the row is surely gone.
        storage = CommunityFeature._meta.get_field("photo").storage
        transaction.on_commit(lambda: storage.delete(photo))


# --- decisions ----------------------------------------------------------------------------

def _decide(*, user: User, feature: CommunityFeature, status: str, reason: str = "") -> CommunityFeature:
    if not may_edit_map(user, feature.map):
        raise PermissionDenied(_("Only the map's editors can decide on proposals."))
    with transaction.atomic():
        locked = CommunityFeature.objects.select_for_update().select_related("map").get(pk=feature.pk)
        if locked.status != FeatureStatus.PROPOSED:
            raise ValidationError({"status": _("This proposal has already been decided (%(status)s).") % {
                "status": locked.get_status_display()}})
        locked.status, locked.decided_by, locked.decided_at = status, user, timezone.now()
        locked.decline_reason = reason
        locked.save(update_fields=["status", "decided_by", "decided_at", "decline_reason"])
        _tell_proposer(locked, user)
    return locked


def accept_feature(*, user: User, feature: CommunityFeature) -> CommunityFeature:
    return _decide(user=user, feature=feature, status=FeatureStatus.ACCEPTED)


def decline_feature(*, user: User, feature: CommunityFeature, reason: str) -> CommunityFeature:
    """Declining needs a reason: the member is told why, so they can propose better."""
    if not may_edit_map(user, feature.map):
        raise PermissionDenied(_("Only the map's editors can decide on proposals."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the proposal is declined; the member is told.")})
    if len(reason) > REASON_LIMIT:
        raise ValidationError({"reason": _("Use at most %(n)d characters for the reason.") % {"n": REASON_LIMIT}})
    return _decide(user=user, feature=feature, status=FeatureStatus.DECLINED, reason=reason)


# --- telling people -----------------------------------------------------------------------

def _link(feature: CommunityFeature) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("disastermap:community_detail", args=[feature.map_id])


def _publish_quietly(*, sender: User, feature: CommunityFeature, audience: dict, texts) -> int | None:
    """Store the message in a savepoint: if notifying fails, the feature is kept regardless."""
    try:
        with translation.override("ja"):
            title, body = texts()
        with translation.override("en"):
            title_en, body_en = texts()
        with transaction.atomic():
            message = publish(
                sender=sender, title=title, body=body,
                # Disaster preparedness; residents hear about this category unless they opt out.
                category=Category.DISASTER,
                audience=audience,
                organisation=Organisation(OrganisationKind.ASSOCIATION, feature.map_id,
                                          feature.map.association_name),
                variants={"en": {"title": title_en, "body": body_en}},
                link_url=_link(feature),
            )
        return message.pk
    except Exception:  # best effort by design: whatever went wrong, the feature stays
        logger.exception("Could not notify about community map feature %s", feature.pk)
        return None


def _tell_editors(feature: CommunityFeature, proposer: User) -> int | None:
    if not feature.map.editors.exists():
        return None

    def texts() -> tuple[str, str]:
        title = _("New proposal for %(map)s") % {"map": feature.map.name}
        body = _("A member proposed “%(title)s” (%(category)s) for the community disaster map %(map)s. "
                 "Open the map to accept or decline it.") % {
            "title": feature.title, "category": feature.get_category_display(), "map": feature.map.name}
        return title, body

    return _publish_quietly(sender=proposer, feature=feature, texts=texts,
                            audience={"segments": [{"kind": "community_map_editors", "map": feature.map_id}]})


def _tell_proposer(feature: CommunityFeature, editor: User) -> int | None:
    if feature.proposed_by_id is None or feature.proposed_by_id == editor.pk:
        return None

    def texts() -> tuple[str, str]:
        if feature.status == FeatureStatus.ACCEPTED:
            title = _("Your proposal was accepted")
            body = _("“%(title)s” is now on the community disaster map %(map)s. Thank you.") % {
                "title": feature.title, "map": feature.map.name}
        else:
            title = _("Your proposal was declined")
            body = _("“%(title)s” was not added to the community disaster map %(map)s. Reason: %(reason)s") % {
                "title": feature.title, "map": feature.map.name, "reason": feature.decline_reason}
        return title, body

    return _publish_quietly(sender=editor, feature=feature, texts=texts,
                            audience={"segments": [{"kind": "community_feature_proposer", "feature": feature.pk}]})
