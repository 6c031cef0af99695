"""A resident's own profile: the page, the /api/v1/me/ endpoint and token access."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from apps.accounts.models import Profile
from apps.accounts.roles import Role
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def resident(make_user):
    return make_user(Role.RESIDENT)


@pytest.fixture
def signed_in(client, resident) -> Client:
    response = client.post("/accounts/login/", {"login": resident.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def form_data(**overrides) -> dict:
    data = {"display_name": "花子", "preferred_language": "ja", "district": "", "latitude": "", "longitude": ""}
    data.update(overrides)
    return data


# --- the profile page -------------------------------------------------------------------


def test_profile_page_needs_sign_in(client):
    response = client.get("/accounts/profile/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_profile_page_shows_the_form_and_roles(signed_in, resident):
    response = signed_in.get("/accounts/profile/")

    assert response.status_code == 200
    assert resident.email in response.content.decode()
    assert response.context["roles"] == ["resident"]
    assert set(response.context["form"].fields) == {
        "display_name", "preferred_language", "district", "latitude", "longitude"
    }


def test_saving_a_home_location_finds_its_district(signed_in, resident, demo_map, point_in):
    district = demo_map.districts["07"]
    point = point_in(district)

    response = signed_in.post(
        "/accounts/profile/",
        form_data(display_name=" Alex ", preferred_language="en", latitude=point.y, longitude=point.x),
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/profile/"
    assert response.cookies["django_language"].value == "en"
    profile = Profile.objects.get(user=resident)
    assert profile.display_name == "Alex"
    assert profile.preferred_language == "en"
    assert profile.district == district
    assert profile.home_location.x == pytest.approx(point.x)
    assert profile.home_location.y == pytest.approx(point.y)


def test_clearing_the_location_clears_the_district(signed_in, resident, demo_map, point_in):
    point = point_in(demo_map.districts["03"])
    signed_in.post("/accounts/profile/", form_data(latitude=point.y, longitude=point.x))

    signed_in.post("/accounts/profile/", form_data())

    profile = Profile.objects.get(user=resident)
    assert profile.home_location is None
    assert profile.district is None


def test_latitude_without_longitude_is_a_form_error(signed_in, resident, demo_map):
    response = signed_in.post("/accounts/profile/", form_data(display_name="変更", latitude="34.65"))

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Profile.objects.get(user=resident).display_name == ""


def test_latitude_out_of_range_names_the_field(signed_in, resident):
    response = signed_in.post("/accounts/profile/", form_data(latitude="200", longitude="133.9"))

    assert response.status_code == 200
    assert "latitude" in response.context["form"].errors
    assert "longitude" not in response.context["form"].errors
    assert Profile.objects.get(user=resident).home_location is None


# --- /api/v1/me/ --------------------------------------------------------------------------


def test_me_shows_the_signed_in_profile(signed_in, resident):
    response = signed_in.get("/api/v1/me/")

    assert response.status_code == 200
    assert response.json() == {
        "email": resident.email,
        "display_name": "",
        "preferred_language": "ja",
        "district": None,
        "latitude": None,
        "longitude": None,
        "roles": ["resident"],
    }


def test_patch_me_saves_and_finds_the_district(signed_in, resident, demo_map, point_in):
    district = demo_map.districts["10"]
    point = point_in(district)

    response = signed_in.patch(
        "/api/v1/me/",
        {"display_name": "Alex", "preferred_language": "en", "latitude": point.y, "longitude": point.x},
        content_type="application/json",
    )

    assert response.status_code == 200
    body = response.json()
    assert body["display_name"] == "Alex"
    assert body["preferred_language"] == "en"
    assert body["district"] == district.pk
    assert body["latitude"] == pytest.approx(point.y)
    profile = Profile.objects.get(user=resident)
    assert profile.district == district
    assert profile.preferred_language == "en"


def test_patch_me_with_bad_latitude_is_a_400_naming_the_field(signed_in, resident):
    response = signed_in.patch(
        "/api/v1/me/", {"latitude": 95, "longitude": 133.9}, content_type="application/json"
    )

    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert "latitude" in body["detail"]
    assert list(body["errors"]) == ["latitude"]
    assert body["errors"]["latitude"]
    assert Profile.objects.get(user=resident).home_location is None


def test_patch_me_with_latitude_alone_is_refused(signed_in):
    response = signed_in.patch("/api/v1/me/", {"latitude": 34.65}, content_type="application/json")

    assert response.status_code == 400
    assert "latitude" in response.json()["errors"]


def test_anonymous_me_is_refused_as_json(client):
    response = client.get("/api/v1/me/")

    # Token authentication comes first, so the answer is 401 with a challenge.
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


def test_token_authentication_works(resident):
    token = Token.objects.create(user=resident)
    client = Client()

    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == 200
    assert response.json()["email"] == resident.email


def test_a_wrong_token_is_refused(resident):
    Token.objects.create(user=resident)

    response = Client().get("/api/v1/me/", HTTP_AUTHORIZATION="Token " + "0" * 40)

    assert response.status_code == 401
    assert response.json()["detail"]


def test_out_of_range_latitude_gives_only_that_field_error(client, make_user):
    user = make_user("resident")
    client.force_login(user)
    response = client.post("/accounts/profile/", {"display_name": "", "preferred_language": "ja", "district": "",
                                                  "latitude": "200", "longitude": "133.9"})
    form = response.context["form"]
    assert "latitude" in form.errors
    assert form.non_field_errors() == []
