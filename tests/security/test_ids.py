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
