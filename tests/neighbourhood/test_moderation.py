"""Comments, reactions, reports and moderation on bulletins."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from apps.neighbourhood.choices import PostStatus
from apps.neighbourhood.models import Bulletin, Comment, ModerationReport, Reaction
from apps.neighbourhood.services.posts import create_bulletin

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def bulletin(association, officer) -> Bulletin:
    return create_bulletin(author=officer, association=association, kind="bulletin", category="notice",
                           title="Park cleaning", body="Saturday", visibility="public")


def test_members_comment_and_react_outsiders_cannot(client, association, other_association, bulletin, member,
                                                    make_member):
    comments = reverse("api:neighbourhood-bulletin-comments", args=[association.slug, bulletin.pk])
    response = api(member).post(comments, {"body": "I'll bring <b>gloves</b><script>x</script>"}, format="json")
    assert response.status_code == 201
    assert Comment.objects.get().body == "I'll bring gloves"  # tags outside the allowed set are dropped
    empty = api(member).post(comments, {"body": "   "}, format="json")
    assert empty.status_code == 400 and "body" in empty.json()["errors"]
    react = reverse("api:neighbourhood-bulletin-reactions", args=[association.slug, bulletin.pk])
    result = api(member).post(react, {"kind": "thanks"}, format="json").json()
    assert {r["kind"]: r["count"] for r in result["reactions"]}["thanks"] == 1
    api(member).post(react, {"kind": "thanks"}, format="json")
    assert Reaction.objects.count() == 1

    outsider = make_member(other_association)  # the post is public, but talking is for members
    assert api(outsider).post(comments, {"body": "Hello"}, format="json").status_code == 403
    assert api(outsider).get(comments).status_code == 403
    assert api(outsider).post(react, {"kind": "like"}, format="json").status_code == 403
    client.force_login(outsider)
    page = client.get(reverse("neighbourhood:bulletin_detail", args=[association.slug, bulletin.pk]))
    assert "gloves" not in page.content.decode()
    assert Comment.objects.count() == 1 and Reaction.objects.count() == 1


def test_officers_close_comments(client, association, bulletin, officer, member):
    client.force_login(officer)
    client.post(reverse("neighbourhood:bulletin_comments_closed", args=[association.slug, bulletin.pk]),
                {"closed": "1"})
    response = api(member).post(reverse("api:neighbourhood-bulletin-comments", args=[association.slug, bulletin.pk]),
                                {"body": "Late"}, format="json")
    assert response.status_code == 400 and "closed" in response.json()["errors"]["body"][0]
    client.force_login(member)
    response = client.post(reverse("neighbourhood:bulletin_comments_closed", args=[association.slug, bulletin.pk]),
                           {"closed": "0"})
    assert response.status_code == 403


def test_report_hide_and_record(client, association, bulletin, officer, member, make_member, make_user):
    other = make_member(association)
    comment_response = api(other).post(
        reverse("api:neighbourhood-bulletin-comments", args=[association.slug, bulletin.pk]),
        {"body": "The chair steals the fees"}, format="json")
    comment = Comment.objects.get(pk=comment_response.json()["id"])

    client.force_login(member)
    response = client.post(reverse("neighbourhood:comment_report", args=[association.slug, bulletin.pk, comment.pk]),
                           {"reason": "Defamation"})
    assert response.status_code == 302
    report = ModerationReport.objects.get()
    assert report.association == association and report.target == comment
    assert client.get(reverse("neighbourhood:moderation", args=[association.slug])).status_code == 403
    assert api(member).get(reverse("api:neighbourhood-moderation", args=[association.slug])).status_code == 403

    queue = api(officer).get(reverse("api:neighbourhood-moderation", args=[association.slug])).json()
    assert [r["id"] for r in queue] == [report.pk]
    client.force_login(officer)
    page = client.get(reverse("neighbourhood:moderation", args=[association.slug]))
    assert "The chair steals the fees" in page.content.decode()
    missing = client.post(reverse("neighbourhood:moderation_decide", args=[association.slug, report.pk]),
                          {"action": "hide", "reason": ""})
    assert missing.status_code == 302 and not Comment.objects.get().hidden
    client.post(reverse("neighbourhood:moderation_decide", args=[association.slug, report.pk]),
                {"action": "hide", "reason": "Unfounded accusation"})
    comment.refresh_from_db()
    report.refresh_from_db()
    assert comment.hidden and comment.hidden_reason == "Unfounded accusation" and comment.hidden_by == officer
    assert report.resolved_by == officer and "Unfounded accusation" in report.resolution
    client.force_login(member)
    page = client.get(reverse("neighbourhood:bulletin_detail", args=[association.slug, bulletin.pk])).content.decode()
    assert "Hidden by a moderator" in page and "steals" not in page
    listed = api(member).get(reverse("api:neighbourhood-bulletin-comments", args=[association.slug, bulletin.pk]))
    assert listed.json()["results"][0] == {**listed.json()["results"][0], "hidden": True, "body": ""}


def test_reported_post_deleted_with_reason_and_city_staff_see_counts_only(client, association, bulletin, officer,
                                                                          member, make_user, other_association,
                                                                          make_member):
    response = api(member).post(reverse("api:neighbourhood-reports", args=[association.slug]),
                                {"target_type": "bulletin", "target_id": bulletin.pk, "reason": "Hoax"},
                                format="json")
    assert response.status_code == 201
    outsider = make_member(other_association)
    assert api(outsider).post(reverse("api:neighbourhood-reports", args=[association.slug]),
                              {"target_type": "bulletin", "target_id": bulletin.pk, "reason": "x"},
                              format="json").status_code == 403
    other_officer = make_member(other_association, role="officer")
    client.force_login(other_officer)
    assert client.get(reverse("neighbourhood:moderation", args=[association.slug])).status_code == 403

    staff = make_user("city_staff")
    client.force_login(staff)
    overview = client.get(reverse("neighbourhood:moderation_overview"))
    assert overview.status_code == 200
    text = overview.content.decode()
    assert association.name in text and "Hoax" not in text
    assert overview.context["rows"][0]["n"] == 1
    client.force_login(member)
    assert client.get(reverse("neighbourhood:moderation_overview")).status_code == 403

    client.force_login(officer)
    report = ModerationReport.objects.get()
    client.post(reverse("neighbourhood:moderation_decide", args=[association.slug, report.pk]),
                {"action": "delete", "reason": "A hoax about the water supply"})
    bulletin.refresh_from_db()
    assert bulletin.status == PostStatus.DELETED and bulletin.moderation_note == "A hoax about the water supply"
    assert api(member).get(reverse("api:neighbourhood-bulletin", args=[association.slug, bulletin.pk])
                           ).status_code == 404
