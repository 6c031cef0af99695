"""The alerts API: staff draft and approve, field errors, nobody approves their own alert."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from apps.alerts.choices import AlertState
from apps.alerts.models import Alert


@pytest.fixture
def body(flood_zone, event_types) -> dict:
    return {"event_type": "evacuation", "urgency": "Immediate", "severity": "Severe", "certainty": "Likely",
            "evacuation_level": 4, "headline": "避難指示", "description": "氾濫のおそれ", "hazard_zone": flood_zone.id}


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_staff_draft_and_another_approves(drafter, approver, body):
    created = as_user(drafter).post("/api/v1/alerts/", body, format="json")
    assert created.status_code == 201 and created.json()["state"] == AlertState.PENDING
    pk = created.json()["id"]
    assert as_user(drafter).post(f"/api/v1/alerts/{pk}/approve/").status_code == 403
    approved = as_user(approver).post(f"/api/v1/alerts/{pk}/approve/")
    assert approved.status_code == 200 and approved.json()["cap_url"] == f"/alerts/{pk}/cap.xml"
    assert [a["id"] for a in APIClient().get("/api/v1/alerts/").json()] == [pk]
    media = as_user(approver).get(f"/api/v1/alerts/{pk}/media/").json()
    assert media["cap"]["available"] is True
    cancel = as_user(drafter).post(f"/api/v1/alerts/{pk}/cancel/", {"note": "解除"}, format="json")
    assert cancel.status_code == 201 and cancel.json()["msg_type"] == "Cancel"


def test_field_errors_come_back_by_field(drafter, body):
    response = as_user(drafter).post("/api/v1/alerts/", {**body, "urgency": "Soon", "headline": "",
                                                         "circle": {"lat": 99, "lon": 0, "radius_m": 5}}, format="json")
    assert response.status_code == 400 and {"urgency", "headline", "circle"} <= set(response.json()["errors"])
    response = as_user(drafter).post("/api/v1/alerts/", {**body, "event_type": "unknown", "hazard_zone": None},
                                     format="json")
    assert response.status_code == 400 and {"event_type", "area"} <= set(response.json()["errors"])
    assert not Alert.objects.exists()


def test_residents_and_anonymous_cannot_draft_or_see_drafts(make_user, drafter, body):
    assert as_user(make_user("resident")).post("/api/v1/alerts/", body, format="json").status_code == 403
    assert APIClient().post("/api/v1/alerts/", body, format="json").status_code in (401, 403)
    pk = as_user(drafter).post("/api/v1/alerts/", body, format="json").json()["id"]
    assert APIClient().get(f"/api/v1/alerts/{pk}/").status_code == 404
    assert as_user(make_user("resident")).get(f"/api/v1/alerts/{pk}/media/").status_code == 403
