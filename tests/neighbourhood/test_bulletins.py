"""Posting bulletins and circulars: pages, API, attachments and who sees what."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient

from apps.neighbourhood.choices import PostKind, PostStatus, Visibility
from apps.neighbourhood.models import Attachment, Bulletin, PostingRules
from apps.neighbourhood.services.posts import create_bulletin
from apps.notifications.models import Message

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def post(author, association, **extra) -> Bulletin:
    data = {"kind": PostKind.BULLETIN, "category": "notice", "title": "Cleaning day", "body": "<p>Sunday 8:00</p>",
            "visibility": Visibility.MEMBERS}
    data.update(extra)
    return create_bulletin(author=author, association=association, **data)


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_officer_posts_through_the_page_with_attachments(client, association, officer, member):
    client.force_login(officer)
    response = client.post(reverse("neighbourhood:bulletin_new", args=[association.slug]), {
        "kind": "circular", "category": "environment", "title": "Waste sorting",
        "body": "<p>New rules <script>alert(1)</script><strong>from April</strong></p>", "visibility": "members",
        "attachments": [SimpleUploadedFile("rules.pdf", PDF, content_type="application/pdf"),
                        SimpleUploadedFile("map.png", png_bytes(), content_type="image/png")],
    })
    assert response.status_code == 302
    bulletin = Bulletin.objects.get(title="Waste sorting")
    assert bulletin.status == PostStatus.PUBLISHED and bulletin.kind == PostKind.CIRCULAR
    assert "<script>" not in bulletin.body and "<strong>from April</strong>" in bulletin.body
    names = sorted(a.original_name for a in bulletin.attachments.all())
    assert names == ["map.png", "rules.pdf"]
    for attachment in bulletin.attachments.all():
        # Stored under a random name, outside the public media folder.
        assert attachment.original_name not in attachment.file.name
        assert "private" in attachment.file.path
    message = Message.objects.get(pk=bulletin.message_id)
    assert message.audience["segments"][0]["kind"] == "association_members"
    assert message.organisation_kind == "association" and message.created_by == officer

    client.force_login(member)
    page = client.get(reverse("neighbourhood:bulletin_detail", args=[association.slug, bulletin.pk]))
    assert page.status_code == 200 and "I have read it" in page.content.decode()
    pdf = bulletin.attachments.get(original_name="rules.pdf")
    download = client.get(reverse("neighbourhood:bulletin_attachment", args=[association.slug, bulletin.pk, pdf.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


@pytest.mark.parametrize(("name", "content", "message"), [
    ("notice.pdf", png_bytes(), "not really a PDF"),
    ("shell.jpg", b"<?php system($_GET['c']); ?>", "not really a JPEG"),
    ("script.php", b"<?php echo 1; ?>", "PDF, JPEG or PNG"),
])
def test_bad_attachments_are_refused_naming_the_field_and_nothing_is_stored(client, association, officer, name,
                                                                             content, message):
    client.force_login(officer)
    response = client.post(reverse("neighbourhood:bulletin_new", args=[association.slug]), {
        "kind": "bulletin", "category": "notice", "title": "With a bad file", "body": "Text", "visibility": "members",
        "attachments": [SimpleUploadedFile("fine.pdf", PDF), SimpleUploadedFile(name, content)],
    })
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["attachments"])
    assert not Bulletin.objects.exists() and not Attachment.objects.exists()


def test_oversize_and_too_many_attachments_are_refused_through_the_api(association, officer, settings):
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024))
    response = api(officer).post(reverse("api:neighbourhood-bulletins", args=[association.slug]), {
        "title": "Big", "body": "Text", "attachments": [big]}, format="multipart")
    assert response.status_code == 400 and "at most 10 MB" in response.json()["errors"]["attachments"][0]
    files = [SimpleUploadedFile(f"f{i}.pdf", PDF) for i in range(6)]
    response = api(officer).post(reverse("api:neighbourhood-bulletins", args=[association.slug]), {
        "title": "Many", "body": "Text", "attachments": files}, format="multipart")
    assert response.status_code == 400 and "at most 5" in response.json()["errors"]["attachments"][0]
    assert not Bulletin.objects.exists() and not Attachment.objects.exists()


def test_api_posts_lists_edits_and_soft_deletes(association, officer, member):
    url = reverse("api:neighbourhood-bulletins", args=[association.slug])
    response = api(officer).post(url, {"kind": "circular", "title": "Festival", "body": "Saturday",
                                       "visibility": "public", "pinned": True,
                                       "expires_at": "2099-01-01T09:00:00+09:00"}, format="json")
    assert response.status_code == 201, response.json()
    bulletin_id = response.json()["id"]
    assert response.json()["pinned"] is True
    unknown = api(officer).post(url, {"title": "x", "body": "y", "colour": "red"}, format="json")
    assert unknown.status_code == 400 and "colour" in unknown.json()["errors"]
    naive = api(officer).post(url, {"title": "x", "body": "y", "expires_at": "2099-01-01T09:00:00"}, format="json")
    assert naive.status_code == 400 and "expires_at" in naive.json()["errors"]

    listed = api(member).get(url).json()
    assert [row["id"] for row in listed["results"]] == [bulletin_id]
    one = reverse("api:neighbourhood-bulletin", args=[association.slug, bulletin_id])
    assert api(member).patch(one, {"title": "Mine now"}, format="json").status_code == 403
    changed = api(officer).patch(one, {"title": "Summer festival", "pinned": False}, format="json")
    assert changed.status_code == 200 and changed.json()["title"] == "Summer festival"
    no_reason = api(officer).delete(one, {}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]
    assert api(officer).delete(one, {"reason": "Cancelled"}, format="json").status_code == 204
    bulletin = Bulletin.objects.get(pk=bulletin_id)
    assert bulletin.status == PostStatus.DELETED and bulletin.moderation_note == "Cancelled"
    assert api(member).get(one).status_code == 404


def test_posting_rules_decide_who_posts_and_approval(client, association, officer, member):
    # Without rules members may not post.
    response = api(member).post(reverse("api:neighbourhood-bulletins", args=[association.slug]),
                                {"title": "Lost cat", "body": "Grey"}, format="json")
    assert response.status_code == 403
    PostingRules.objects.create(association=association, members_may_post=True, approval_required=True)
    response = api(member).post(reverse("api:neighbourhood-bulletins", args=[association.slug]),
                                {"title": "Lost cat", "body": "Grey"}, format="json")
    assert response.status_code == 201 and response.json()["status"] == PostStatus.PENDING_APPROVAL
    bulletin = Bulletin.objects.get(pk=response.json()["id"])
    assert bulletin.message_id is None
    # Other members do not see it; the officer's queue has it.
    client.force_login(officer)
    queue = client.get(reverse("neighbourhood:bulletin_queue", args=[association.slug]))
    assert "Lost cat" in queue.content.decode()
    client.post(reverse("neighbourhood:bulletin_approve", args=[association.slug, bulletin.pk]))
    bulletin.refresh_from_db()
    assert bulletin.status == PostStatus.PUBLISHED and bulletin.message_id is not None
    assert Message.objects.get(pk=bulletin.message_id).created_by == officer


def test_pin_and_unpin_puts_the_post_first(client, association, officer):
    older = post(officer, association, title="Older")
    post(officer, association, title="Newer")
    client.force_login(officer)
    client.post(reverse("neighbourhood:bulletin_pin", args=[association.slug, older.pk]), {"pinned": "1"})
    page = client.get(reverse("neighbourhood:association_home", args=[association.slug]))
    assert [p.title for p in page.context["posts"]] == ["Older", "Newer"]
    client.post(reverse("neighbourhood:bulletin_pin", args=[association.slug, older.pk]), {"pinned": "0"})
    page = client.get(reverse("neighbourhood:association_home", args=[association.slug]))
    assert [p.title for p in page.context["posts"]] == ["Newer", "Older"]


# --- privacy ---------------------------------------------------------------------------------

@pytest.fixture
def two_posts(association, officer):
    members_only = post(officer, association, title="Members only news",
                        attachments=[SimpleUploadedFile("secret.pdf", PDF)])
    public = post(officer, association, title="Public news", visibility=Visibility.PUBLIC,
                  attachments=[SimpleUploadedFile("open.pdf", PDF)])
    return members_only, public


@pytest.mark.parametrize("who", ["anonymous", "resident", "other_member", "other_officer"])
def test_outsiders_see_only_public_posts(client, association, other_association, make_member, make_user,
                                         two_posts, who):
    members_only, public = two_posts
    user = {"anonymous": None, "resident": make_user("resident"),
            "other_member": make_member(other_association),
            "other_officer": make_member(other_association, role="officer")}[who]
    if user is not None:
        client.force_login(user)
    home = client.get(reverse("neighbourhood:association_home", args=[association.slug]))
    assert home.status_code == 200
    text = home.content.decode()
    assert "Public news" in text and "Members only news" not in text
    detail = reverse("neighbourhood:bulletin_detail", args=[association.slug, members_only.pk])
    assert client.get(detail).status_code == 404
    attachment = members_only.attachments.get()
    assert client.get(reverse("neighbourhood:bulletin_attachment",
                              args=[association.slug, members_only.pk, attachment.pk])).status_code == 404
    public_attachment = public.attachments.get()
    assert client.get(reverse("neighbourhood:bulletin_attachment",
                              args=[association.slug, public.pk, public_attachment.pk])).status_code == 200
    client_api = api(user)
    listed = client_api.get(reverse("api:neighbourhood-bulletins", args=[association.slug])).json()
    assert [row["title"] for row in listed["results"]] == ["Public news"]
    assert client_api.get(reverse("api:neighbourhood-bulletin",
                                  args=[association.slug, members_only.pk])).status_code == 404


def test_a_member_of_a_sees_nothing_of_b_members_only(client, association, other_association, member, make_member):
    b_officer = make_member(other_association, role="officer")
    secret = post(b_officer, other_association, title="Minato members only",
                  attachments=[SimpleUploadedFile("b.pdf", PDF)])
    client.force_login(member)
    assert "Minato members only" not in client.get(
        reverse("neighbourhood:association_home", args=[other_association.slug])).content.decode()
    detail = reverse("neighbourhood:bulletin_detail", args=[other_association.slug, secret.pk])
    assert client.get(detail).status_code == 404
    # Nor through A's address with B's post id.
    assert client.get(reverse("neighbourhood:bulletin_detail", args=[association.slug, secret.pk])).status_code == 404
    assert client.get(reverse("neighbourhood:bulletin_attachment", args=[
        other_association.slug, secret.pk, secret.attachments.get().pk])).status_code == 404
    assert api(member).get(reverse("api:neighbourhood-bulletin", args=[other_association.slug, secret.pk])
                           ).status_code == 404
    assert api(member).post(reverse("api:neighbourhood-bulletin-read", args=[other_association.slug, secret.pk])
                            ).status_code == 404


def test_members_see_members_only_posts_and_join_link_is_for_others(client, association, member, two_posts):
    client.force_login(member)
    text = client.get(reverse("neighbourhood:association_home", args=[association.slug])).content.decode()
    assert "Members only news" in text and "Public news" in text
    assert "Post a bulletin" not in text  # members do not post without rules allowing it
    assert client.get(reverse("neighbourhood:bulletin_new", args=[association.slug])).status_code == 403


def test_expired_posts_leave_the_home_page(association, officer, member, client):
    from datetime import timedelta

    from django.utils import timezone

    bulletin = post(officer, association, title="Soon gone", expires_at=timezone.now() + timedelta(hours=1))
    Bulletin.objects.filter(pk=bulletin.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(member)
    page = client.get(reverse("neighbourhood:association_home", args=[association.slug]))
    assert "Soon gone" not in page.content.decode()
