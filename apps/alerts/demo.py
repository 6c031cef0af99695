"""Demo emergency alerts for 桜川市: a flood evacuation order in force (with its shelter open), an
exercise waiting for approval, a webhook receiver and an import source. Idempotent: found by
identifier / name and made once.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from apps.accounts.roles import Role
from apps.alerts.defaults import ensure_event_types
from apps.alerts.models import Alert, EventType, ImportSource, WebhookReceiver
from apps.alerts.services import compose, publishing
from apps.alerts.services.areas import AreaChoice
from apps.disastermap.choices import Hazard, ShelterStatus
from apps.disastermap.models import HazardZone, Shelter

DEMO_HEADLINE = "【デモ】桜川 氾濫のおそれ 避難指示（警戒レベル4）"


def seed(demo) -> None:
    ensure_event_types()
    WebhookReceiver.objects.get_or_create(name="デモ FM中継（受信なし）", defaults={
        "url": "http://127.0.0.1:9/demo-fm-relay", "secret": "demo-secret-change-me", "active": False})
    ImportSource.objects.get_or_create(slug="demo-prefecture", defaults={
        "name": "デモ 県防災情報（L-Alert相当）", "token": "demo-token-change-me",
        "event_type": EventType.objects.get(code="heavy-rain")})
    if Alert.objects.filter(headline=DEMO_HEADLINE).exists():
        return
    staff = demo.users.get(Role.CITY_STAFF.value)
    zone = HazardZone.objects.filter(hazard=Hazard.FLOOD).order_by("-level").first()
    if staff is None or zone is None:
        demo.notes.append("Alerts demo skipped: it needs the demo city staff and a flood zone.")
        return
    # The second person of the two-person rule: the demo system administrator (also city staff).
    second = demo.users.get(Role.SYSTEM_ADMIN.value)
    if second is None:
        demo.notes.append("Alerts demo skipped: it needs a second member of staff to approve.")
        return
    shelter = Shelter.objects.filter(serves_flood=True).order_by("id").first()
    with transaction.atomic():
        if shelter is not None and shelter.status == ShelterStatus.CLOSED:
            shelter.status, shelter.headcount, shelter.status_changed_at = ShelterStatus.OPEN, 37, timezone.now()
            shelter.save()
        content = compose.AlertContent(
            event_type="evacuation", urgency="Immediate", severity="Severe", certainty="Likely", evacuation_level=4,
            headline=DEMO_HEADLINE, description="桜川の水位が氾濫危険水位に達するおそれがあります。（デモ）",
            instruction="浸水想定区域の方は、直ちに指定避難所へ避難してください。",
            headline_en="[Demo] Evacuation order: the Sakuragawa may flood (level 4)",
            description_en="The Sakuragawa river may reach its flood danger level. (demo)",
            instruction_en="If you live in the flood zone, go to a designated shelter now.",
            headline_easy="かわ が あふれる かもしれません", text_easy="すぐに ひなんじょ へ にげて ください。",
            expires=timezone.now() + dt.timedelta(days=2), area=AreaChoice(hazard_zone_id=zone.id),
            shelter_ids=[shelter.id] if shelter else [])
        alert = compose.draft(user=staff, content=content)
        publishing.approve(alert=alert, approver=second)
        exercise = compose.content_of(alert)
        exercise.cap_status = "Exercise"
        exercise.headline = "【訓練】土砂災害警戒 高齢者等避難（警戒レベル3）"
        exercise.evacuation_level = 3
        compose.draft(user=staff, content=exercise)
    demo.notes.append("Alerts: a demo evacuation order is in force (see /disaster); an exercise waits for approval.")
