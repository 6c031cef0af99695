"""The resident's inbox: only their own messages, in their language, read receipts and the header count."""

from __future__ import annotations

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from apps.accounts.services import update_profile
from apps.notifications import services
from apps.notifications.choices import Channel, Priority
from apps.notifications.context_processors import notifications as notifications_context
from apps.notifications.models import Delivery, Message
from tests.notifications.conftest import district_audience

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def send(sender, demo_map, run_broadcast):
    """send(district="01", **fields) -> a message published and carried to its residents."""

    def publish(*, district: str = "01", **extra) -> Message:
        fields = {"title": "断水のお知らせ", "body": "明日9時から12時まで断水します。", "category": "administration",
                  "audience": district_audience(demo_map.districts[district])}
        fields.update(extra)
        message = services.publish(sender=sender, **fields)
        run_broadcast(message)
        return message

    return publish


@pytest.fixture
def reader(resident_in, client):
    """A resident of district 01, signed in, who reads the site in English (UI text is the msgid)."""
    user = resident_in("01")
    update_profile(user=user, preferred_language="en")
    client.force_login(user)
    return user


def inbox_row(user, message) -> Delivery:
    return Delivery.objects.get(recipient=user, message=message, channel=Channel.INBOX)


def header_link(response) -> str:
    """The Inbox entry of the main menu, as HTML."""
    nav = re.search(r'<nav class="wrap site-nav".*?</nav>', response.content.decode(), re.S).group(0)
    return re.search(r'<a href="/notifications/"[^>]*>.*?</a>', nav, re.S).group(0)


# --- who may see what ---------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/notifications/"),
    ("get", "/notifications/1/"),
    ("get", "/notifications/settings/"),
    ("post", "/notifications/read-all/"),
])
def test_signed_out_visitors_are_sent_to_sign_in(client, method, path):
    response = getattr(client, method)(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_the_inbox_shows_only_my_own_messages(client, reader, resident_in, send):
    neighbour = resident_in("02")
    mine = send(title="01地区の断水")
    theirs = send(district="02", title="02地区の停電")

    response = client.get("/notifications/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "01地区の断水" in page
    assert "02地区の停電" not in page
    assert [entry.message.id for entry in response.context["entries"]] == [mine.id]
    # Someone else's message is simply not there, and opening it does not mark it read.
    assert client.get(f"/notifications/{theirs.id}/").status_code == 404
    assert inbox_row(neighbour, theirs).read_at is None
    assert client.get("/notifications/999999/").status_code == 404


def test_each_entry_shows_sender_category_priority_date_and_unread_marker(client, reader, send):
    message = send(title="避難所の開設", category="disaster", priority=Priority.EMERGENCY)
    received = timezone.localtime(inbox_row(reader, message).queued_at, TOKYO)

    response = client.get("/notifications/")

    page = response.content.decode()
    item = re.search(r'<li class="card inbox-entry.*?</li>', page, re.S).group(0)
    assert "避難所の開設" in item
    assert message.organisation_name in item
    assert "Disaster and weather" in item
    # Emergency and unread are said in words, not by colour alone.
    assert "Emergency" in item
    assert '<span class="badge">Unread</span>' in item
    assert received.strftime("%Y-%m-%d %H:%M") in item
    assert f'datetime="{received.isoformat()}"' in item


def test_newest_first_twenty_a_page_with_links_that_keep_the_filter(client, reader, send):
    messages = [send(title=f"お知らせ {n:02d}") for n in range(23)]

    first = client.get("/notifications/", {"category": "administration"})
    second = client.get("/notifications/", {"category": "administration", "page": "2"})

    assert [e.message.id for e in first.context["entries"]] == [m.id for m in reversed(messages)][:20]
    assert [e.message.id for e in second.context["entries"]] == [m.id for m in reversed(messages)][20:]
    page = first.content.decode()
    assert 'href="?category=administration&amp;page=2" rel="next"' in page
    assert 'aria-current="page"' in page
    assert "?category=administration&amp;page=1" in second.content.decode()


def test_the_list_costs_the_same_queries_for_two_or_six_messages(client, reader, send):
    def queries_for_inbox() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/notifications/").status_code == 200
        return len(queries)

    for n in range(2):
        send(title=f"一通目 {n}", variants={"en": {"title": f"First {n}", "body": "Body"}})
    queries_for_inbox()  # the first page a process renders also loads the alert banner into the cache
    few = queries_for_inbox()
    for n in range(4):
        send(title=f"二通目 {n}", variants={"en": {"title": f"Second {n}", "body": "Body"}})

    assert queries_for_inbox() == few


def test_many_pages_are_elided(client, reader, send, monkeypatch):
    from apps.notifications.views import inbox as inbox_views

    monkeypatch.setattr(inbox_views, "PAGE_SIZE", 1)  # twelve pages without publishing 240 messages
    for n in range(12):
        send(title=f"お知らせ {n}")

    page = client.get("/notifications/", {"page": "6"}).content.decode()

    shown = {int(n) for n in re.findall(r'href="\?page=(\d+)"', page)}
    assert shown == {1, 4, 5, 6, 7, 8, 12}  # first, last, two either side; the rest are "…"
    assert '<a href="?page=6" aria-current="page">' in page


# --- finding messages -----------------------------------------------------------------------


def test_filter_by_category(client, reader, send):
    services.set_topics(user=reader, categories=["administration", "events"])
    event = send(title="夏祭り", category="events")
    send(title="住民税の納期", category="administration")

    response = client.get("/notifications/", {"category": "events"})

    assert [e.message.id for e in response.context["entries"]] == [event.id]
    assert 'value="events" selected' in response.content.decode()


def test_search_finds_words_in_either_language(client, reader, send):
    water = send(title="断水のお知らせ", body="水道工事のため断水します。",
                 variants={"en": {"title": "Water outage", "body": "Water will be off for pipe works."}})
    send(title="ごみ収集日の変更", body="年末年始の収集日です。")

    assert [e.message.id for e in client.get("/notifications/", {"q": "水道工事"}).context["entries"]] == [water.id]
    assert [e.message.id for e in client.get("/notifications/", {"q": "pipe works"}).context["entries"]] == [water.id]
    empty = client.get("/notifications/", {"q": "花火大会"})
    assert empty.context["entries"] == []
    assert "No messages match your search or category." in empty.content.decode()


def test_only_unread(client, reader, send):
    read, unread = send(title="既読にするもの"), send(title="未読のもの")
    client.get(f"/notifications/{read.id}/")

    response = client.get("/notifications/", {"unread": "on"})

    assert [e.message.id for e in response.context["entries"]] == [unread.id]
    assert 'name="unread" id="id_unread" checked' in response.content.decode()


def test_an_empty_inbox_says_what_will_appear_there(client, reader):
    response = client.get("/notifications/")

    page = response.content.decode()
    assert "Your inbox is empty." in page
    assert 'href="/notifications/settings/"' in page
    assert "Mark all as read" not in page  # nothing to mark


def test_all_read_with_only_unread_says_so(client, reader, send):
    message = send()
    client.get(f"/notifications/{message.id}/")

    page = client.get("/notifications/", {"unread": "on"}).content.decode()

    assert "No unread messages match your choice." in page


# --- reading --------------------------------------------------------------------------------


def test_opening_a_message_marks_it_read_and_lowers_the_header_count(client, reader, send):
    first, second = send(title="一通目"), send(title="二通目")
    before = client.get("/notifications/")
    assert before.context["unread_notifications"] == 2
    assert '<span class="badge">2 unread</span>' in header_link(before)

    response = client.get(f"/notifications/{first.id}/")

    assert response.status_code == 200
    assert inbox_row(reader, first).read_at is not None
    assert inbox_row(reader, second).read_at is None
    # The page that opened it already shows the lower count.
    assert response.context["unread_notifications"] == 1
    assert "1 unread" in header_link(response)
    listing = {e.message.id: e.unread for e in client.get("/notifications/").context["entries"]}
    assert listing == {first.id: False, second.id: True}


def test_mark_all_as_read(client, reader, send):
    messages = [send(title=f"お知らせ{n}") for n in range(3)]

    response = client.post("/notifications/read-all/", follow=True)

    assert response.redirect_chain == [("/notifications/", 302)]
    assert all(inbox_row(reader, m).read_at is not None for m in messages)
    assert response.context["unread_notifications"] == 0
    assert "3 messages marked as read." in response.content.decode()
    assert "(" not in header_link(response)
    # A GET never changes anything.
    assert client.get("/notifications/read-all/").status_code == 405


def test_the_detail_shows_text_with_line_breaks_link_and_sender(client, reader, send):
    message = send(title="防災訓練", body="10月1日に訓練を行います。\n集合場所は小学校です。<b>持ち物</b>",
                   link_url="https://city.example.jp/bousai", category="disaster")

    response = client.get(f"/notifications/{message.id}/")

    page = response.content.decode()
    assert "10月1日に訓練を行います。<br>集合場所は小学校です。&lt;b&gt;持ち物&lt;/b&gt;" in page
    assert 'href="https://city.example.jp/bousai" rel="noopener noreferrer"' in page
    assert message.organisation_name in page
    assert "expired" not in page


def test_formatted_body_is_shown_as_cleaned_on_the_way_in(client, reader, send):
    message = send(body="本文", body_html='<p>本文 <strong>重要</strong></p><script>alert(1)</script>')

    page = client.get(f"/notifications/{message.id}/").content.decode()

    assert "<p>本文 <strong>重要</strong></p>" in page
    assert "<script>alert(1)</script>" not in page


def test_an_expired_message_says_so(client, reader, send):
    message = send(expires_at=timezone.now() + dt.timedelta(hours=1))
    # Time passes: the message's validity ends.
    Message.objects.filter(id=message.id).update(expires_at=timezone.now() - dt.timedelta(minutes=5))

    page = client.get(f"/notifications/{message.id}/").content.decode()

    assert "This message expired on" in page


def test_the_image_is_shown_with_a_text_alternative(client, reader, send, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    message = send(title="給水所の地図", image=SimpleUploadedFile("map.png", buffer.getvalue(), "image/png"))

    page = client.get(f"/notifications/{message.id}/").content.decode()

    assert re.search(r'<img src="/media/notifications/\d{4}/\d{2}/map[^"]*\.png"', page)
    assert "Image sent with “給水所の地図”" in page


# --- language ---------------------------------------------------------------------------------


def test_an_english_reader_sees_the_english_variant(client, reader, send):
    message = send(title="断水のお知らせ", body="明日は断水です。",
                   variants={"en": {"title": "Water outage", "body": "Water is off tomorrow."}})

    listing = client.get("/notifications/").content.decode()
    detail = client.get(f"/notifications/{message.id}/").content.decode()
    original = client.get(f"/notifications/{message.id}/", {"lang": "ja"}).content.decode()

    assert "Water outage" in listing and "断水のお知らせ" not in listing
    assert '<h1 lang="en">Water outage</h1>' in detail
    assert "Water is off tomorrow." in detail
    assert 'href="?lang=ja"' in detail  # the Japanese original is one click away
    assert '<h1 lang="ja">断水のお知らせ</h1>' in original


def test_a_japanese_reader_sees_the_original(client, resident_in, send):
    user = resident_in("01")
    client.force_login(user)
    message = send(title="断水のお知らせ", body="明日は断水です。",
                   variants={"en": {"title": "Water outage", "body": "Water is off tomorrow."}})

    detail = client.get(f"/notifications/{message.id}/").content.decode()

    assert '<h1 lang="ja">断水のお知らせ</h1>' in detail
    assert "Water outage" not in detail
    assert 'href="?lang=en"' in detail


def test_an_english_reader_is_told_when_there_is_no_translation(client, reader, send):
    message = send(title="回覧板", body="本文")

    response = client.get(f"/notifications/{message.id}/")

    assert response.context["untranslated"] is True
    assert '<h1 lang="ja">回覧板</h1>' in response.content.decode()
    assert "The sender wrote this message in Japanese only." in response.content.decode()


# --- the header count -------------------------------------------------------------------------


def test_no_query_and_no_count_for_visitors(client, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert notifications_context(request) == {"unread_notifications": 0}

    page = client.get("/").content.decode()
    assert 'href="/notifications/"' not in page


def test_the_header_count_is_on_every_page_for_signed_in_residents(client, reader, send):
    send()

    response = client.get("/")

    assert response.context["unread_notifications"] == 1
    assert re.search(r">Inbox <span class=\"badge\">1 unread</span></a>", header_link(response))
