"""Approval and the one action that reaches every medium.

In one transaction: the alert becomes current (an update supersedes, a cancel ends what it
refers to), its CAP document is written and stored (so the document and the feed entry exist
the moment the transaction commits), the notification is published and the webhooks are
queued. The resident deliveries and the webhook POSTs run on workers after the commit.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from apps.accounts.models import User
from apps.accounts.selectors import profile_of
from apps.alerts import cap
from apps.alerts.choices import AlertState, CapMsgType, CapStatus, EvacuationLevel
from apps.alerts.models import Alert, WebhookDelivery, WebhookReceiver
from apps.alerts.permissions import is_alert_staff
from apps.notifications.choices import Category, OrganisationKind, Priority
from apps.notifications.services import Organisation, publish

BODY_LIMIT = 4500


def audience_for(alert: Alert) -> dict:
    area = {"kind": "alert_area", "alert": alert.id}
    if alert.for_testers_only:
        return {"match": "all", "segments": [area, {"kind": "alert_testers"}]}
    return {"match": "any", "segments": [area]}


def _texts(alert: Alert, *, english: bool) -> tuple[str, str]:
    headline = alert.headline_en if english else alert.headline
    description = alert.description_en if english else alert.description
    instruction = alert.instruction_en if english else alert.instruction
    parts = [description, instruction]
    if alert.evacuation_level:
        with override("en" if english else "ja"):
            parts.insert(0, str(EvacuationLevel(alert.evacuation_level).label))
    shelters = list(alert.shelters.values_list("name_en" if english else "name", "name"))
    if shelters:
        names = ", ".join(en or ja for en, ja in shelters) if english else "、".join(ja for _en, ja in shelters)
        parts.append(("Open shelters: " if english else "開設避難所: ") + names)
    if alert.for_testers_only:
        headline = ("[Exercise] " if english else "【訓練】") + headline
    return headline[:120], "\n\n".join(p for p in parts if p)[:BODY_LIMIT]


def _organisation(alert: Alert) -> Organisation:
    if alert.created_by_id:
        department = profile_of(alert.created_by).department
        if department is not None:
            return Organisation(OrganisationKind.DEPARTMENT, department.id, department.name)
    return Organisation(OrganisationKind.DEPARTMENT, 0, alert.sender_name or _("City office"))


def _notify(alert: Alert):
    title, body = _texts(alert, english=False)
    variants = None
    if alert.headline_en and alert.description_en:
        en_title, en_body = _texts(alert, english=True)
        variants = {"en": {"title": en_title, "body": en_body}}
    expires = alert.expires if alert.expires and alert.expires > timezone.now() else None
    # The approver sends (the message records who let it go); an imported alert published
    # directly has nobody, so the system sends it in the source's name.
    return publish(
        sender=alert.approved_by, organisation=_organisation(alert), title=title, body=body, category=Category.DISASTER,
        priority=Priority.EMERGENCY if alert.cap_status == CapStatus.ACTUAL else Priority.HIGH,
        audience=audience_for(alert), variants=variants, link_url=f"{settings.SITE_URL}/alerts/{alert.pk}/",
        expires_at=expires,
    )


def _queue_webhooks(alert: Alert) -> int:
    from apps.alerts.tasks import deliver_alert_webhook

    receivers = WebhookReceiver.objects.filter(active=True)
    if alert.for_testers_only:
        receivers = receivers.filter(include_exercises=True)
    rows = WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(alert=alert, receiver=receiver) for receiver in receivers], ignore_conflicts=True)
    ids = list(WebhookDelivery.objects.filter(alert=alert).values_list("id", flat=True))
    for delivery_id in ids:
        transaction.on_commit(lambda i=delivery_id: deliver_alert_webhook.apply_async(
            args=[i], queue=settings.NOTIFICATION_EMERGENCY_QUEUE))
    return len(rows)


@transaction.atomic
def go_live(alert: Alert, *, cap_xml: bytes | None = None) -> Alert:
    """Make a locked, pending alert current and send it everywhere. Callers check who may."""
    if alert.replaces_id:
        original = Alert.objects.select_for_update().get(id=alert.replaces_id)
        if original.state != AlertState.CURRENT:
            raise ValidationError({"alert": _("The alert this one refers to is no longer in force.")})
        original.state = AlertState.CANCELLED if alert.msg_type == CapMsgType.CANCEL else AlertState.SUPERSEDED
        original.save(update_fields=["state", "updated_at"])
    alert.state = AlertState.CURRENT
    alert.sent = alert.sent or timezone.now()
    if cap_xml is None:
        names = list(alert.shelters.values_list("name", flat=True))
        cap_xml = cap.build(alert, site_url=settings.SITE_URL, shelter_names=names)
    from lxml import etree

    errors = cap.schema_errors(etree.fromstring(cap_xml))
    if errors:  # a bug of ours: nothing goes out
        raise ValueError("The CAP document does not validate: " + "; ".join(errors))
    alert.cap_xml = cap_xml.decode()
    alert.message = _notify(alert)
    alert.save()
    _queue_webhooks(alert)
    return alert


@transaction.atomic
def approve(*, alert: Alert, approver: User) -> Alert:
    """A second person (unless the event type allows one) lets the alert go to every medium."""
    alert = Alert.objects.select_for_update().select_related("event_type").get(id=alert.id)
    if not is_alert_staff(approver):
        raise PermissionDenied(_("Only city staff can approve alerts."))
    if alert.event_type.two_person_rule and alert.created_by_id == approver.id:
        raise PermissionDenied(_("Someone other than the person who drafted this alert must approve it."))
    if alert.state != AlertState.PENDING:
        raise ValidationError({"state": _("Only an alert waiting for approval can be approved.")})
    alert.approved_by = approver
    alert.approved_at = timezone.now()
    return go_live(alert)
