"""An id in a URL larger than any database column answers 404, on pages and in the API (found by the fuzzer)."""

import pytest

pytestmark = pytest.mark.django_db

HUGE = "16611077183427692544"  # > 2**63


@pytest.mark.parametrize("url", [f"/api/v1/map/shelters/{HUGE}/", f"/map/shelters/{HUGE}/",
                                 f"/api/v1/map/facilities/{HUGE}/", f"/map/facilities/{HUGE}/"])
def test_an_id_beyond_64_bits_is_not_found(client, url):
    response = client.get(url)

    assert response.status_code == 404
    if url.startswith("/api/"):
        assert response.json()["detail"]


def test_the_largest_64_bit_id_is_an_ordinary_miss(client):
    assert client.get(f"/api/v1/map/shelters/{2**63 - 1}/").status_code == 404


@pytest.mark.parametrize("segment", [{"kind": "district", "ids": [2**70]}, {"kind": "explicit", "user_ids": [2**63]}])
def test_audience_ids_beyond_64_bits_are_refused_with_the_field(make_user, segment):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(make_user("city_staff"))

    response = client.post("/api/v1/notifications/messages/preview/",
                           {"audience": {"segments": [segment]}, "category": "administration"}, format="json")

    assert response.status_code == 400
    assert "audience" in response.json()["errors"]
