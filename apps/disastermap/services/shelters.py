"""Live shelter status: staff report from a phone; residents of the districts served are told."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.disastermap.choices import ShelterStatus
from apps.disastermap.models import Shelter, ShelterStatusChange
from apps.disastermap.permissions import is_city_staff, may_update_shelter
from apps.notifications.choices import Category, OrganisationKind, Priority
from apps.notifications.services import Organisation, organisation_of, publish

MAX_HEADCOUNT = 100_000


def _announcement(shelter: Shelter, status: str) -> tuple[str, str]:
    """Title and body of the broadcast, in the active language."""
    name = shelter.display_name
    if status == ShelterStatus.OPEN:
        title = _("Shelter open: %(name)s") % {"name": name}
        body = _("%(name)s (%(address)s) is now open as a shelter.") % {"name": name, "address": shelter.address}
    elif status == ShelterStatus.FULL:
        title = _("Shelter full: %(name)s") % {"name": name}
        body = _("%(name)s is full. Please go to another open shelter; the list shows which are open.") % {
            "name": name}
    else:
        title = _("Shelter closed: %(name)s") % {"name": name}
        body = _("%(name)s has closed as a shelter.") % {"name": name}
    hazards = "、".join(shelter.hazard_labels())
    if hazards and status != ShelterStatus.CLOSED:
        body += "\n" + _("Suitable for: %(hazards)s") % {"hazards": hazards}
    return title, body


def _organisation(user: User) -> Organisation:
    # Shelter staff are often school or community-centre staff, not city staff: their
    # reports still go out in the city's name.
    if is_city_staff(user):
        return organisation_of(user)
    return Organisation(OrganisationKind.DEPARTMENT, 0, _("City office"))


def _broadcast(shelter: Shelter, status: str, user: User) -> int | None:
    if not shelter.districts_served.exists():
        return None
    with translation.override("ja"):
        title, body = _announcement(shelter, status)
    with translation.override("en"):
        title_en, body_en = _announcement(shelter, status)
    link = settings.SITE_URL.rstrip("/") + reverse("disastermap:shelter_detail", args=[shelter.pk])
    message = publish(
        sender=user,
        title=title,
        body=body,
        category=Category.DISASTER,
        priority=Priority.HIGH,
        audience={"segments": [{"kind": "shelter_area", "shelter": shelter.pk}]},
        organisation=_organisation(user),
        variants={"en": {"title": title_en, "body": body_en}},
        link_url=link,
    )
    return message.pk


@transaction.atomic
def update_status(
    *, shelter: Shelter, user: User, status: str, headcount: int | None = None, note: str = ""
) -> ShelterStatusChange:
    """Record a status report; a change of open/full/closed is broadcast once to the districts served."""
    errors: dict[str, str] = {}
    if status not in ShelterStatus.values:
        errors["status"] = _("Choose open, full or closed.")
    if headcount is not None and (isinstance(headcount, bool) or not isinstance(headcount, int)
                                  or not 0 <= headcount <= MAX_HEADCOUNT):
        errors["headcount"] = _("The number of people must be a whole number from 0 to %(max)d.") % {
            "max": MAX_HEADCOUNT}
    if len(note) > 200:
        errors["note"] = _("Keep the note to 200 characters.")
    if errors:
        raise ValidationError(errors)
    if not may_update_shelter(user, shelter):
        raise PermissionDenied(_("You are not staff of this shelter."))

    # Lock the row: two staff pressing "open" at once must not broadcast twice.
    locked = Shelter.objects.select_for_update().get(pk=shelter.pk)
    if status == ShelterStatus.CLOSED:
        headcount = 0
    elif headcount is None:
        headcount = locked.headcount
    changed = locked.status != status
    locked.status = status
    locked.headcount = headcount
    if changed:
        locked.status_changed_at = timezone.now()
    locked.save(update_fields=["status", "headcount", "status_changed_at", "updated_at"])
    message_id = _broadcast(locked, status, user) if changed else None
    shelter.refresh_from_db()
    return ShelterStatusChange.objects.create(
        shelter=locked, status=status, headcount=headcount, note=note.strip(), changed_by=user, message_id=message_id,
    )
