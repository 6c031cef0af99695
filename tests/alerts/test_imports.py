"""CAP from outside: the POST endpoint (per-source secret or HMAC), the feed poller, bad input."""

from __future__ import annotations

import hashlib
import hmac
import time
from http.server import BaseHTTPRequestHandler

import pytest
from rest_framework.test import APIClient

from apps.alerts.choices import AlertState, ImportPolicy
from apps.alerts.models import Alert, ImportSource
from apps.alerts.services import imports
from tests.alerts.test_cap import valid_document
from tests.support.http import LoopbackServer, send_reply

URL = "/api/v1/alerts/import/jma-relay/"


@pytest.fixture
def source(event_types, demo_map) -> ImportSource:
    return ImportSource.objects.create(name="JMA relay", slug="jma-relay", token="t0ken-for-tests",
                                       event_type=event_types["heavy-rain"])


def post(data: bytes, **headers):
    return APIClient().post(URL, data=data, content_type="application/cap+xml", **headers)


BEARER = {"HTTP_AUTHORIZATION": "Bearer t0ken-for-tests"}


def test_a_posted_document_becomes_a_draft_for_approval(source):
    response = post(valid_document(), **BEARER)
    assert response.status_code == 201 and response.json()["outcome"] == "created"
    alert = Alert.objects.get()
    assert (alert.sender, alert.identifier, alert.state) == ("jma@example.jp", "urn:example:1", AlertState.PENDING)
    assert alert.evacuation_level == 3 and alert.source == source and alert.message_id is None


def test_the_same_sender_and_identifier_twice_is_dropped(source):
    assert post(valid_document(), **BEARER).status_code == 201
    again = post(valid_document(), **BEARER)
    assert again.status_code == 200 and again.json()["outcome"] == "duplicate"
    assert Alert.objects.count() == 1
    assert post(valid_document(sender="pref@example.jp"), **BEARER).status_code == 201  # another sender's


def test_a_publishing_source_sends_at_once(source, make_user, django_capture_on_commit_callbacks):
    source.policy = ImportPolicy.PUBLISH
    source.save()
    with django_capture_on_commit_callbacks(execute=False):
        response = post(valid_document(), **BEARER)
    alert = Alert.objects.get()
    assert response.json()["outcome"] == "published" and alert.state == AlertState.CURRENT
    assert alert.message.priority == "emergency" and alert.cap_xml.startswith("<?xml")


def test_an_imported_cancel_ends_the_alert_it_references(source, django_capture_on_commit_callbacks):
    source.policy = ImportPolicy.PUBLISH
    source.save()
    post(valid_document(), **BEARER)
    cancel = valid_document("urn:example:2", extra="<references>jma@example.jp,urn:example:1,"
                                                   "2026-11-23T10:00:00+09:00</references>").replace(
        b"<msgType>Alert</msgType>", b"<msgType>Cancel</msgType>")
    assert post(cancel, **BEARER).status_code == 201
    assert Alert.objects.get(identifier="urn:example:1").state == AlertState.CANCELLED


def test_hmac_signed_posts_are_accepted(source):
    body = valid_document()
    timestamp = str(int(time.time()))
    digest = hmac.new(b"t0ken-for-tests", timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    response = post(body, HTTP_X_CAP_TIMESTAMP=timestamp, HTTP_X_CAP_SIGNATURE=f"sha256={digest}")
    assert response.status_code == 201
    stale = str(int(time.time()) - 3600)
    digest = hmac.new(b"t0ken-for-tests", stale.encode() + b"." + body, hashlib.sha256).hexdigest()
    assert post(body, HTTP_X_CAP_TIMESTAMP=stale, HTTP_X_CAP_SIGNATURE=f"sha256={digest}").status_code == 401


@pytest.mark.parametrize("headers", [{}, {"HTTP_AUTHORIZATION": "Bearer wrong"},
                                     {"HTTP_X_CAP_TIMESTAMP": "1", "HTTP_X_CAP_SIGNATURE": "sha256=00"}])
def test_unauthenticated_posts_are_refused(source, headers):
    assert post(valid_document(), **headers).status_code == 401
    assert not Alert.objects.exists()


def test_an_unknown_source_is_404(source):
    response = APIClient().post("/api/v1/alerts/import/nobody/", data=valid_document(),
                                content_type="application/cap+xml", **BEARER)
    assert response.status_code == 404


@pytest.mark.parametrize("data, reason", [
    (valid_document().replace(b"cap:1.2", b"cap:1.1"), "namespace"),
    (valid_document().replace(b"<status>Actual</status>", b""), "Not valid CAP 1.2"),
    (b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
     b'<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&b;</identifier></alert>', "entities"),
    (b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/hostname">]>'
     b'<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&x;</identifier></alert>', "entities"),
])
def test_hostile_or_invalid_posts_are_refused_with_the_reason_and_nothing_is_stored(source, data, reason):
    response = post(data, **BEARER)
    assert response.status_code == 400 and reason in response.json()["document"][0]
    assert not Alert.objects.exists()


class FeedServer(LoopbackServer):
    """An outside publisher: an Atom feed linking to CAP documents."""

    def __init__(self, documents: dict[str, bytes]) -> None:
        self.documents = documents
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                if self.path == "/feed.atom":
                    send_reply(self, 200, server.feed(), "application/atom+xml")
                elif self.path in server.documents:
                    send_reply(self, 200, server.documents[self.path], "application/cap+xml")
                else:
                    send_reply(self, 404, b"", "text/plain")

        super().__init__(Handler)

    def feed(self) -> bytes:
        entries = "".join(
            f'<entry><id>{path}</id><title>t</title><updated>2026-11-23T01:00:00Z</updated>'
            f'<link rel="alternate" type="application/cap+xml" href="{self.http_origin}{path}"/></entry>'
            for path in self.documents)
        return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><id>x</id>'
                f'<title>CAP</title><updated>2026-11-23T01:00:00Z</updated>{entries}</feed>').encode()


def test_the_poller_imports_new_documents_and_skips_bad_and_known_ones(source):
    with FeedServer({"/a.xml": valid_document("urn:a"), "/b.xml": valid_document("urn:b"),
                     "/bad.xml": valid_document("urn:c").replace(b"cap:1.2", b"cap:1.1")}) as server:
        source.feed_url = f"{server.http_origin}/feed.atom"
        source.save()
        assert imports.poll(source) == {"created": 2, "published": 0, "duplicate": 0, "rejected": 1}
        assert imports.poll_all() == {"jma-relay": {"created": 0, "published": 0, "duplicate": 2, "rejected": 1}}
    assert sorted(Alert.objects.values_list("identifier", flat=True)) == ["urn:a", "urn:b"]
    source.refresh_from_db()
    assert "namespace" in source.last_result and source.last_polled_at


def test_a_feed_with_a_dtd_is_refused(source):
    class Hostile(FeedServer):
        def feed(self) -> bytes:
            return b'<?xml version="1.0"?><!DOCTYPE f [<!ENTITY e "x">]><feed xmlns="http://www.w3.org/2005/Atom">&e;</feed>'

    with Hostile({}) as server:
        source.feed_url = f"{server.http_origin}/feed.atom"
        source.save()
        assert sum(imports.poll(source).values()) == 0
    source.refresh_from_db()
    assert source.last_result.startswith("feed:") and not Alert.objects.exists()
