"""Requests the fuzzer found answering 500, kept as plain tests (they run on both backends)."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", [{"a": {}}, ["district"], 7, None])
def test_a_segment_kind_that_is_not_a_name_is_a_field_error(make_user, kind):
    client = APIClient()
    client.force_authenticate(make_user("city_staff"))

    response = client.post("/api/v1/notifications/messages/preview/",
                           {"audience": {"segments": [{"kind": kind}]}, "category": "administration"}, format="json")

    assert response.status_code == 400
    assert "audience" in response.json()["errors"]
