"""Networks across associations: set-up by city staff, two channels, reactions, reports, privacy."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from apps.neighbourhood.choices import MemberRole, NetworkChannel, NetworkRole, PostStatus
from apps.neighbourhood.models import ModerationReport, Network, NetworkMember, NetworkPost, PostingRules, Reaction
from apps.notifications.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def network_people(association, other_association, make_member, make_user):
    return {
        "teacher": make_user("school_staff"),
        "asahi_chair": make_member(association, MemberRole.CHAIR),
        "minato_chair": make_member(other_association, MemberRole.CHAIR),
        "police": make_user("resident"),
    }


@pytest.fixture
def network(association, other_association, network_people, demo_map, make_user) -> Network:
    api = APIClient()
    api.force_authenticate(make_user("city_staff"))
    people = network_people
    response = api.post(reverse("api:neighbourhood-networks"), {
        "name": "中央小学校区 安全・安心ネットワーク", "school_district": "E1",
        "associations": ["asahi", "minato"], "members": [
            {"email": people["teacher"].email, "role": "owner", "represents": "中央小学校"},
            {"email": people["asahi_chair"].email, "role": "participant", "represents": "旭町町内会"},
            {"email": people["minato_chair"].email, "role": "participant", "represents": "港町自治会"},
            {"email": people["police"].email, "role": "participant", "represents": "桜川警察署"},
        ]}, format="json")
    assert response.status_code == 201, response.json()
    return Network.objects.get(pk=response.json()["id"])


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_done_when_a_network_spans_two_associations_and_a_school(network, network_people):
    assert sorted(network.associations.values_list("slug", flat=True)) == ["asahi", "minato"]
    roles = dict(NetworkMember.objects.filter(network=network).values_list("represents", "role"))
    assert roles == {"中央小学校": "owner", "旭町町内会": "participant", "港町自治会": "participant",
                     "桜川警察署": "participant"}
    # The school posts information; officers of both associations see it and react.
    teacher_api = _api(network_people["teacher"])
    posted = teacher_api.post(reverse("api:neighbourhood-network-posts", args=[network.pk]), {
        "channel": "information", "title": "不審者情報", "body": "下校時に声かけ事案がありました。"}, format="json")
    assert posted.status_code == 201
    message = Message.objects.get(title="不審者情報")
    assert message.audience["segments"][0]["kind"] == "network_members"
    for chair in ("asahi_chair", "minato_chair"):
        api = _api(network_people[chair])
        listing = api.get(reverse("api:neighbourhood-network-posts", args=[network.pk]), {"channel": "information"})
        assert [p["title"] for p in listing.json()] == ["不審者情報"]
        reacted = api.post(reverse("api:neighbourhood-network-reactions", args=[network.pk, posted.json()["id"]]),
                           {"kind": "confirmed"}, format="json")
        assert reacted.json() == {"kind": "confirmed", "added": True}
    assert Reaction.objects.filter(target_id=posted.json()["id"], kind="confirmed").count() == 2
    listing = teacher_api.get(reverse("api:neighbourhood-network-posts", args=[network.pk])).json()
    assert listing[0]["reactions"] == {"confirmed": 2}


def test_only_owners_post_information_everyone_discusses(network, network_people, client):
    police = _api(network_people["police"])
    url = reverse("api:neighbourhood-network-posts", args=[network.pk])
    refused = police.post(url, {"channel": "information", "body": "x"}, format="json")
    assert refused.status_code == 403
    ok = police.post(url, {"channel": "discussion", "body": "パトロールの日程を相談したいです"}, format="json")
    assert ok.status_code == 201
    assert not Message.objects.filter(body__contains="パトロール").exists()  # discussion does not broadcast

    client.force_login(network_people["asahi_chair"])
    page = client.get(reverse("neighbourhood:network_detail", args=[network.pk]))
    assert page.status_code == 200 and "パトロールの日程" in page.content.decode()
    assert client.post(reverse("neighbourhood:network_post", args=[network.pk, "information"]),
                       {"information-body": "x"}).status_code == 403
    response = client.post(reverse("neighbourhood:network_post", args=[network.pk, "discussion"]),
                           {"discussion-body": "賛成です"})
    assert response.status_code == 302
    assert NetworkPost.objects.filter(body="賛成です", channel=NetworkChannel.DISCUSSION).exists()


def test_non_members_of_a_network_get_404_for_everything(network, network_people, make_member, association,
                                                         client, make_user):
    post = NetworkPost.objects.create(network=network, channel="discussion", body="内部の話",
                                      author=network_people["police"])
    plain_member = make_member(association)  # a member of a member association, but not of the network
    for user in (plain_member, make_user("resident"), make_user("city_staff")):
        api = _api(user)
        assert api.get(reverse("api:neighbourhood-network-posts", args=[network.pk])).status_code == 404
        assert api.post(reverse("api:neighbourhood-network-posts", args=[network.pk]),
                        {"channel": "discussion", "body": "x"}, format="json").status_code == 404
        assert api.post(reverse("api:neighbourhood-network-reactions", args=[network.pk, post.pk]),
                        {"kind": "like"}, format="json").status_code == 404
        assert api.get(reverse("api:neighbourhood-networks")).json() == []
        client.force_login(user)
        for name, args in (("network_detail", [network.pk]),):
            response = client.get(reverse(f"neighbourhood:{name}", args=args))
            assert response.status_code == 404 and "内部の話" not in response.content.decode()
        for name in ("network_report", "network_hide", "network_react"):
            assert client.post(reverse(f"neighbourhood:{name}", args=[network.pk, post.pk]),
                               {"reason": "x", "kind": "like"}).status_code == 404
    assert not ModerationReport.objects.exists()


def test_report_goes_to_the_queue_and_owners_hide_with_a_reason(network, network_people, client):
    post = NetworkPost.objects.create(network=network, channel="discussion", body="デマです",
                                      author=network_people["police"])
    client.force_login(network_people["minato_chair"])
    response = client.post(reverse("neighbourhood:network_report", args=[network.pk, post.pk]),
                           {"reason": "根拠のない噂"})
    assert response.status_code == 302
    report = ModerationReport.objects.get()
    assert report.network == network and report.target == post and report.resolved_at is None
    # A participant cannot hide.
    assert client.post(reverse("neighbourhood:network_hide", args=[network.pk, post.pk]),
                       {"reason": "x"}).status_code == 403

    client.force_login(network_people["teacher"])
    page = client.get(reverse("neighbourhood:network_detail", args=[network.pk])).content.decode()
    assert "根拠のない噂" in page
    client.post(reverse("neighbourhood:network_hide", args=[network.pk, post.pk]), {"reason": "事実でないため"})
    post.refresh_from_db()
    report.refresh_from_db()
    assert post.status == PostStatus.HIDDEN and post.moderation_note == "事実でないため"
    assert report.resolved_by == network_people["teacher"]
    listing = _api(network_people["minato_chair"]).get(reverse("api:neighbourhood-network-posts", args=[network.pk]))
    assert listing.json() == []


def test_network_rules_apply(network, network_people):
    PostingRules.objects.create(network=network, banned_words="死ね", approval_required=True)
    police = _api(network_people["police"])
    url = reverse("api:neighbourhood-network-posts", args=[network.pk])
    refused = police.post(url, {"channel": "discussion", "body": "死ね"}, format="json")
    assert refused.status_code == 400 and "body" in refused.json()["errors"]
    waiting = police.post(url, {"channel": "discussion", "body": "よろしく"}, format="json")
    assert waiting.json()["status"] == PostStatus.PENDING_APPROVAL
    others = _api(network_people["asahi_chair"]).get(url).json()
    assert others == []
    owner_post = _api(network_people["teacher"]).post(url, {"channel": "discussion", "body": "了解"}, format="json")
    assert owner_post.json()["status"] == PostStatus.PUBLISHED


def test_only_city_staff_create_networks_and_errors_name_the_member(make_user, association, demo_map):
    body = {"name": "N", "school_district": "E1", "associations": ["asahi"],
            "members": [{"email": "nobody@example.jp", "role": "owner", "represents": "x"}]}
    assert _api(make_user("association_officer")).post(reverse("api:neighbourhood-networks"), body,
                                                        format="json").status_code == 403
    response = _api(make_user("city_staff")).post(reverse("api:neighbourhood-networks"), body, format="json")
    assert response.status_code == 400 and "members.0.email" in response.json()["errors"]
    assert not Network.objects.exists()
    assert NetworkRole.OWNER == "owner"


def test_demo_seed_is_idempotent(demo_map):
    from apps.accounts import demo as accounts_demo
    from apps.neighbourhood import demo
    from apps.neighbourhood.models import Association, Membership

    accounts_demo.seed(demo_map)
    demo.seed(demo_map)
    demo.seed(demo_map)
    assert Association.objects.count() == 2
    asahi = Association.objects.get(slug="asahi")
    assert Membership.objects.get(association=asahi, user=demo_map.users["association_officer"]).role == "chair"
    assert Membership.objects.filter(association=asahi, status="pending").count() == 1
    network = Network.objects.get()
    assert network.associations.count() == 2
    assert NetworkMember.objects.get(network=network, user=demo_map.users["school_staff"]).role == "owner"
    for membership in Membership.objects.all():
        assert membership.association.area.contains(membership.location)


def test_dashboard_counts(make_user, client, association, make_member):
    from apps.neighbourhood.choices import MembershipStatus
    from apps.neighbourhood.dashboard import _figures

    make_member(association)
    make_member(association, status=MembershipStatus.PENDING)
    figures = [value for _label, value in _figures(None)]
    assert figures == [1, 1, 1, 0, 0]  # associations, members, waiting, networks, open reports
    client.force_login(make_user("city_staff"))
    assert client.get(reverse("dashboard")).status_code == 200
