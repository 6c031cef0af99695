"""Posting rules through check_posting: who may post, categories, banned words, weekly limit, approval."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from apps.neighbourhood.choices import PostStatus
from apps.neighbourhood.models import Bulletin, Event, PostingRules
from apps.neighbourhood.services.rules import check_posting

pytestmark = pytest.mark.django_db


def test_defaults_officers_post_members_do_not(association, officer, member, make_user):
    assert check_posting(user=officer, category="notice", text="回覧です", association=association) is False
    with pytest.raises(PermissionDenied):
        check_posting(user=member, category="notice", text="x", association=association)
    with pytest.raises(PermissionDenied):
        check_posting(user=make_user("resident"), category="notice", text="x", association=association)


def test_members_may_post_when_allowed_and_wait_for_approval(association, officer, member):
    PostingRules.objects.create(association=association, members_may_post=True, approval_required=True)
    assert check_posting(user=member, category="notice", text="x", association=association) is True
    # Officers' own posts never wait.
    assert check_posting(user=officer, category="notice", text="x", association=association) is False


def test_category_and_banned_word_errors_name_the_field(association, officer):
    PostingRules.objects.create(association=association, allowed_categories=["notice", "safety"],
                                banned_words="バカ\nspam")
    with pytest.raises(ValidationError) as error:
        check_posting(user=officer, category="groups", text="ok", association=association)
    assert list(error.value.message_dict) == ["category"]
    with pytest.raises(ValidationError) as error:
        check_posting(user=officer, category="notice", text="Buy SPAM now", association=association)
    assert "spam" in error.value.message_dict["body"][0]
    # Full-width letters are the same word.
    with pytest.raises(ValidationError):
        check_posting(user=officer, category="notice", text="ＳＰＡＭ", association=association)


def test_weekly_limit_counts_published_and_pending_bulletins_and_events(association, officer):
    from django.utils import timezone

    PostingRules.objects.create(association=association, max_posts_per_week=2)
    Bulletin.objects.create(association=association, title="a", body="a", author=officer)
    assert check_posting(user=officer, category="notice", text="x", association=association) is False
    Event.objects.create(association=association, title="e", author=officer, status=PostStatus.PENDING_APPROVAL,
                         starts_at=timezone.now(), ends_at=timezone.now())
    Bulletin.objects.create(association=association, title="h", body="h", author=officer, status=PostStatus.HIDDEN)
    with pytest.raises(ValidationError) as error:
        check_posting(user=officer, category="notice", text="x", association=association)
    assert "non_field_errors" in error.value.message_dict
    # Older posts do not count.
    Bulletin.objects.filter(author=officer).update(created_at=timezone.now() - timezone.timedelta(days=8))
    Event.objects.filter(author=officer).update(created_at=timezone.now() - timezone.timedelta(days=8))
    assert check_posting(user=officer, category="notice", text="x", association=association) is False


def test_rules_page_for_officers_only(client, association, officer, member):
    url = reverse("neighbourhood:rules", args=[association.slug])
    client.force_login(member)
    assert client.get(url).status_code == 403
    client.force_login(officer)
    response = client.post(url, {"members_may_post": "on", "allowed_categories": ["notice", "safety"],
                                 "max_posts_per_week": "3", "banned_words": "spam\n\n  バカ ",
                                 "approval_required": "on"})
    assert response.status_code == 302
    rules = PostingRules.objects.get(association=association)
    assert rules.members_may_post and rules.approval_required and rules.max_posts_per_week == 3
    assert rules.allowed_categories == ["notice", "safety"] and rules.banned_words == "spam\nバカ"
    bad = client.post(url, {"max_posts_per_week": "0"})
    assert bad.status_code == 400 and bad.context["form"].errors["max_posts_per_week"]
