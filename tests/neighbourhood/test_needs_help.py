"""Members who need help (要援護者): consent, withdrawal, supporters, and who may see them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from apps.accounts.models import AuditEntry
from apps.neighbourhood.models import Membership
from apps.neighbourhood.services import safety as services

pytestmark = pytest.mark.django_db


def _membership(user, association) -> Membership:
    return Membership.objects.get(user=user, association=association)


def _register(client, user, association, needs="車椅子を使っています", consent=True):
    client.force_login(user)
    data = {"needs": needs, "action": "register"}
    if consent:
        data["consent"] = "on"
    return client.post(reverse("neighbourhood:needs_help", args=[association.slug]), data)


def test_registration_needs_consent_and_withdrawal_clears_everything(client, association, member, make_member,
                                                                      officer):
    refused = _register(client, member, association, consent=False)
    assert refused.status_code == 200 and refused.context["form"].errors.keys() == {"consent"}
    assert not _membership(member, association).needs_help
    empty = _register(client, member, association, needs="")
    assert "needs" in empty.context["form"].errors

    assert _register(client, member, association).status_code == 302
    registered = _membership(member, association)
    assert registered.needs_help and registered.needs_help_consent_at and registered.needs_help_note

    helper = make_member(association)
    services.set_supporters(membership=registered, officer=officer, supporter_ids=[helper.pk])
    client.force_login(member)
    client.post(reverse("neighbourhood:needs_help", args=[association.slug]), {"action": "withdraw"})
    withdrawn = _membership(member, association)
    assert (withdrawn.needs_help, withdrawn.needs_help_note, withdrawn.needs_help_consent_at) == (False, "", None)
    assert withdrawn.supporters.count() == 0


def test_non_member_cannot_register(client, association, make_user, other_association, make_member):
    outsider = make_member(other_association)
    client.force_login(outsider)
    assert client.get(reverse("neighbourhood:needs_help", args=[association.slug])).status_code == 404


def test_officers_designate_supporters_and_only_they_and_supporters_see_details(
        client, association, officer, make_member, other_association, make_user):
    x, y = make_member(association), make_member(association)
    supporter_x, supporter_y, plain = make_member(association), make_member(association), make_member(association)
    _register(client, x, association, needs="Xは耳が聞こえにくい")
    _register(client, y, association, needs="Yは寝たきり")

    # Officers: the list, then the supporters page (both audited).
    client.force_login(officer)
    listing = client.get(reverse("neighbourhood:needs_help_list", args=[association.slug]))
    assert listing.status_code == 200
    assert "Xは耳が聞こえにくい" in listing.content.decode() and "Yは寝たきり" in listing.content.decode()
    assert AuditEntry.objects.filter(user=officer, action="neighbourhood.needs_help.list").exists()
    mx = _membership(x, association)
    url = reverse("neighbourhood:needs_help_supporters", args=[association.slug, mx.pk])
    sx = _membership(supporter_x, association)
    assert client.post(url, {"supporters": [sx.pk]}).status_code == 302
    assert list(mx.supporters.all()) == [supporter_x]
    services.set_supporters(membership=_membership(y, association), officer=officer, supporter_ids=[supporter_y.pk])
    # Supporters must be active members of the same association.
    stranger = make_member(other_association)
    with pytest.raises(ValidationError) as excinfo:
        services.set_supporters(membership=mx, officer=officer, supporter_ids=[stranger.pk])
    assert "supporters" in excinfo.value.message_dict

    # A safety check: the officer's live page lists both with their needs and supporters.
    check = services.start_check(user=officer, title="地震", association=association)
    services.answer(safety_check=check, user_id=x.pk, status="need_help", note="動けない")
    live = client.get(reverse("neighbourhood:safety_live", args=[check.pk]))
    needs = {p.user_id: p for p in live.context["live"].needs_help}
    assert set(needs) == {x.pk, y.pk} and needs[x.pk].status == "need_help"
    assert needs[x.pk].supporters == [sx.real_name]

    # Supporter of X sees X (and X's answer), never Y.
    client.force_login(supporter_x)
    page = client.get(reverse("neighbourhood:safety_supporter"))
    html = page.content.decode()
    assert "Xは耳が聞こえにくい" in html and "動けない" in html and "Yは寝たきり" not in html
    assert AuditEntry.objects.filter(user=supporter_x, action="neighbourhood.safety.supporter").exists()
    # ...and, being a plain member, not the live page's details nor the officers' list.
    live_as_supporter = client.get(reverse("neighbourhood:safety_live", args=[check.pk]))
    assert "Yは寝たきり" not in live_as_supporter.content.decode()
    assert client.get(reverse("neighbourhood:needs_help_list", args=[association.slug])).status_code == 404
    assert client.get(url).status_code == 404

    # A plain member, a member of another association and city staff see none of it.
    for user in (plain, make_member(other_association, "officer"), make_user("city_staff")):
        client.force_login(user)
        assert "Xは耳が聞こえにくい" not in client.get(reverse("neighbourhood:safety_supporter")).content.decode()
        assert client.get(reverse("neighbourhood:needs_help_list", args=[association.slug])).status_code == 404
        api = APIClient()
        api.force_authenticate(user)
        assert "Xは耳が聞こえにくい" not in api.get(
            reverse("api:neighbourhood-safety-check", args=[check.pk])).content.decode()


def test_withdrawn_member_disappears_from_supporters_page(client, association, officer, make_member):
    x, helper = make_member(association), make_member(association)
    _register(client, x, association, needs="見守りが必要")
    services.set_supporters(membership=_membership(x, association), officer=officer, supporter_ids=[helper.pk])
    services.withdraw_needs_help(membership=_membership(x, association))
    client.force_login(helper)
    assert "見守りが必要" not in client.get(reverse("neighbourhood:safety_supporter")).content.decode()
