"""iCalendar feeds: RFC 5545 shape checked with the `icalendar` parser, folding, escaping, tokens."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse
from django.utils import timezone

from apps.neighbourhood import ical
from apps.neighbourhood.choices import MembershipStatus, Visibility
from apps.neighbourhood.models import Membership
from apps.neighbourhood.services import events as services

pytestmark = pytest.mark.django_db


def make_event(association, author, **extra):
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=5)
    fields = {"title": "夏祭り", "description": "", "starts_at": start, "ends_at": start + dt.timedelta(hours=2),
              "place": "", "visibility": Visibility.PUBLIC}
    fields.update(extra)
    return services.create_event(author=author, association=association, **fields)


def feed(client, url) -> tuple[bytes, icalendar.Calendar]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response.content, icalendar.Calendar.from_ical(response.content)


def test_public_feed_conforms(client, association, officer):
    event = make_event(association, officer, title="防災訓練; 集合, 説明",
                       description="<p>持ち物: 水\\タオル</p><p>雨天中止</p>", place="旭町公園, 東口",
                       location=Point(133.92, 34.66, srid=4326))
    make_event(association, officer, title="役員会", visibility=Visibility.MEMBERS)
    cancelled = make_event(association, officer, title="中止の催し")
    services.cancel_event(user=officer, event=cancelled)
    raw, calendar = feed(client, reverse("neighbourhood:event_feed", args=[association.slug]))

    # CRLF everywhere and no bare LF; every physical line at most 75 octets.
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"] and calendar["X-WR-CALNAME"] == association.name
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"防災訓練; 集合, 説明", "中止の催し"}  # members-only left out
    vevent = events["防災訓練; 集合, 説明"]
    assert str(vevent["UID"]) == f"{event.uid}@{ical.site_domain()}"
    assert vevent.decoded("DTSTART") == event.starts_at and vevent.decoded("DTEND") == event.ends_at
    assert vevent.decoded("DTSTART").tzinfo is not None and vevent["DTSTAMP"]
    assert str(vevent["DESCRIPTION"]) == "持ち物: 水\\タオル\n雨天中止"
    assert str(vevent["LOCATION"]) == "旭町公園, 東口"
    assert vevent["GEO"].latitude == pytest.approx(34.66) and vevent["GEO"].longitude == pytest.approx(133.92)
    assert int(vevent["SEQUENCE"]) == 0 and str(vevent["STATUS"]) == "CONFIRMED"
    assert str(vevent["URL"]).endswith(reverse("neighbourhood:event_detail", args=[association.slug, event.pk]))
    assert str(events["中止の催し"]["STATUS"]) == "CANCELLED" and int(events["中止の催し"]["SEQUENCE"]) == 1
    # The escapes are on the wire, not only understood by the parser.
    assert "SUMMARY:防災訓練\\; 集合\\, 説明".encode() in raw


def test_long_japanese_lines_fold_on_character_boundaries():
    text = "町内会の秋祭りについてのお知らせです。" * 12
    line = f"DESCRIPTION:{ical.escape_text(text)}"
    folded = ical.fold(line)
    physical = folded.encode("utf-8").split(b"\r\n")
    assert len(physical) > 5
    assert all(len(part) <= 75 for part in physical)
    assert all(part.startswith(b" ") for part in physical[1:])
    for part in physical:
        part.decode("utf-8")  # no character cut in half
    assert folded.replace("\r\n ", "") == line
    # And the parser unfolds it to the same text.
    calendar = icalendar.Calendar.from_ical(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTAMP:20300101T000000Z\r\n"
        + folded + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    assert str(calendar.walk("VEVENT")[0]["DESCRIPTION"]) == text


def test_escaping():
    assert ical.escape_text("a\\b;c,d\r\ne\nf") == "a\\\\b\\;c\\,d\\ne\\nf"


def test_private_feed_includes_member_events_and_revocation(client, association, officer, member):
    make_event(association, officer, title="役員会", visibility=Visibility.MEMBERS)
    make_event(association, officer, title="清掃活動")
    membership = Membership.objects.get(user=member, association=association)
    token = services.feed_token(membership)
    url = reverse("neighbourhood:event_feed_private", args=[association.slug, token])
    _raw, calendar = feed(client, url)  # no session: the token is the credential
    assert {str(e["SUMMARY"]) for e in calendar.walk("VEVENT")} == {"役員会", "清掃活動"}
    _raw, public = feed(client, reverse("neighbourhood:event_feed", args=[association.slug]))
    assert {str(e["SUMMARY"]) for e in public.walk("VEVENT")} == {"清掃活動"}

    # Revoked from the page: the old address answers 404, the new one works.
    client.force_login(member)
    assert client.post(reverse("neighbourhood:event_feed_revoke", args=[association.slug])).status_code == 302
    client.logout()
    assert client.get(url).status_code == 404
    new_url = reverse("neighbourhood:event_feed_private", args=[association.slug, services.feed_token(membership)])
    assert client.get(new_url).status_code == 200
    # A tampered token, a token for another association, and a member who left: all 404.
    assert client.get(reverse("neighbourhood:event_feed_private",
                              args=[association.slug, token[:-2] + "xx"])).status_code == 404
    Membership.objects.filter(pk=membership.pk).update(status=MembershipStatus.LEFT)
    assert client.get(new_url).status_code == 404


def test_token_of_another_association_is_refused(client, association, other_association, make_member):
    outsider = make_member(other_association)
    token = services.feed_token(Membership.objects.get(user=outsider))
    assert client.get(reverse("neighbourhood:event_feed_private", args=[association.slug, token])).status_code == 404
    assert client.get(reverse("neighbourhood:event_feed_private",
                              args=[other_association.slug, token])).status_code == 200


def test_single_event_download(client, association, officer, member):
    event = make_event(association, officer, visibility=Visibility.MEMBERS)
    url = reverse("neighbourhood:event_ics", args=[association.slug, event.pk])
    assert client.get(url).status_code == 404
    client.force_login(member)
    _raw, calendar = feed(client, url)
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "夏祭り"
