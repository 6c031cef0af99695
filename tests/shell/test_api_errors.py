"""Every API error is JSON with a "detail" a person can act on and per-field "errors"."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.test import APIRequestFactory

from apps.accounts.roles import Role
from civicportal.api import exception_handler
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def assert_json_error(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["errors"], dict)
    return body


@pytest.mark.parametrize("path", ["/api/v1/whatever", "/api/v1/whatever/deeper/", "/api/nothing-here"])
def test_unknown_api_path_is_a_json_404(client, path):
    assert_json_error(client.get(path), 404)


def test_unknown_district_is_a_json_404(client, demo_map):
    assert_json_error(client.get("/api/v1/districts/999999/"), 404)


def test_unknown_page_outside_the_api_stays_html(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("path", ["/api/v1/districts/", "/api/v1/school-districts/", "/api/v1/geo/lookup/"])
def test_writing_to_a_read_only_endpoint_is_a_json_405(client, path):
    # These endpoints allow anyone, so even an anonymous POST reaches the method check.
    body = assert_json_error(client.post(path, {}, content_type="application/json"), 405)

    assert "POST" in body["detail"]


def test_deleting_a_district_is_a_json_405_for_staff_too(client, make_user, demo_map):
    staff = make_user(Role.CITY_STAFF)
    client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})

    response = client.delete(f"/api/v1/districts/{demo_map.districts['01'].pk}/")

    assert_json_error(response, 405)


def test_unsupported_language_is_a_400_naming_the_field(client, make_user):
    user = make_user(Role.RESIDENT)
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})

    response = client.patch("/api/v1/me/", {"preferred_language": "fr"}, content_type="application/json")

    body = assert_json_error(response, 400)
    assert list(body["errors"]) == ["preferred_language"]
    assert "preferred_language" in body["detail"]
    user.profile.refresh_from_db()
    assert user.profile.preferred_language == "ja"


def test_malformed_json_is_a_json_400(client, make_user):
    user = make_user(Role.RESIDENT)
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})

    response = client.patch("/api/v1/me/", "{not json", content_type="application/json")

    assert_json_error(response, 400)


def _context():
    return {"request": APIRequestFactory().get("/api/v1/anything/"), "view": None}


def test_a_django_validation_error_from_a_service_becomes_field_errors():
    error = ValidationError({"preferred_language": ["Choose Japanese or English."], "lat": ["Too far north."]})

    response = exception_handler(error, _context())

    assert response.status_code == 400
    assert response.data["errors"] == {
        "preferred_language": ["Choose Japanese or English."],
        "lat": ["Too far north."],
    }
    assert "preferred_language" in response.data["detail"] and "lat" in response.data["detail"]


def test_a_django_validation_error_without_fields_becomes_the_detail():
    response = exception_handler(ValidationError("The association is closed."), _context())

    assert response.status_code == 400
    assert response.data == {"detail": "The association is closed.", "errors": {}}


def test_a_django_permission_denied_becomes_a_403_with_its_message():
    response = exception_handler(PermissionDenied("Only officers may post."), _context())

    assert response.status_code == 403
    assert response.data == {"detail": "Only officers may post.", "errors": {}}


def test_an_unexpected_error_is_left_for_the_500_handler():
    assert exception_handler(RuntimeError("boom"), _context()) is None
