"""Every page in the site map answers each role with 200 or a redirect, as that role should."""

import pytest
from django.urls import reverse

from civicportal import sitemap

pytestmark = pytest.mark.django_db

ROLES = [None, "resident", "association_officer", "school_staff", "city_staff", "system_admin"]
STAFF = {"city_staff", "system_admin"}


def expected_ok(entry: sitemap.Entry, role: str | None) -> bool:
    if entry.audience == sitemap.EVERYONE:
        return True
    if entry.audience == sitemap.SIGNED_IN:
        return role is not None
    return role in STAFF if entry.audience in STAFF else role == entry.audience


@pytest.mark.parametrize("role", ROLES)
def test_site_map_pages_answer_each_role(client, make_user, demo_map, celery_worker_process, role):
    # /healthz is in the site map; it answers 200 only with a live worker.
    if role:
        client.force_login(make_user(role))
    for entry in sitemap.ENTRIES:
        url = reverse(entry.url_name)
        response = client.get(url)
        if expected_ok(entry, role):
            assert response.status_code in (200, 302), f"{role} {url}: {response.status_code}"
            if response.status_code == 302:
                # A signed-in user is sent on from the sign-in page; never to an error.
                assert entry.url_name in {"account_login", "account_signup"}, f"{role} {url} redirected"
        else:
            # Not for this role: sent to sign in (anonymous) or refused, never shown.
            assert response.status_code in (302, 403), f"{role} {url}: {response.status_code}"


@pytest.mark.parametrize("role", ROLES)
def test_site_map_page_lists_only_what_the_role_can_open(client, make_user, role):
    if role:
        client.force_login(make_user(role))
    page = client.get(reverse("sitemap")).content.decode()
    assert ('href="/dashboard/"' in page) == (role in STAFF)
    assert ('href="/accounts/profile/"' in page) == (role is not None)
