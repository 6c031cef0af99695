"""CAP 1.2 out (valid against the OASIS schema) and in (hostile and invalid XML refused)."""

from __future__ import annotations

import pytest
from lxml import etree

from apps.alerts import cap, capread
from apps.alerts.capread import CapRejected
from apps.alerts.services import compose, publishing

NS = {"cap": cap.CAP_NS}


def valid_document(identifier: str = "urn:example:1", *, sender: str = "jma@example.jp", extra: str = "",
                   info: str | None = None) -> bytes:
    info = info if info is not None else """
  <info><language>ja-JP</language><category>Met</category><event>大雨</event>
    <urgency>Expected</urgency><severity>Severe</severity><certainty>Likely</certainty>
    <headline>大雨警報</headline><description>大雨のおそれ</description>
    <parameter><valueName>EvacuationLevel</valueName><value>3</value></parameter>
    <area><areaDesc>桜川市</areaDesc><circle>34.66,133.93 2.5</circle></area></info>"""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>{identifier}</identifier><sender>{sender}</sender><sent>2026-11-23T10:00:00+09:00</sent>
  <status>Actual</status><msgType>Alert</msgType><scope>Public</scope>{extra}{info}
</alert>""".encode()


@pytest.fixture
def approved(drafter, approver, flood_content, django_capture_on_commit_callbacks):
    alert = compose.draft(user=drafter, content=flood_content(shelter_ids=[]))
    return publishing.approve(alert=alert, approver=approver)


def test_an_approved_alert_is_valid_cap_with_japanese_english_and_easy_japanese(approved):
    root = etree.fromstring(approved.cap_xml.encode())
    assert cap.schema_errors(root) == []
    assert root.findtext("cap:identifier", namespaces=NS) == approved.identifier
    assert approved.identifier.startswith(f"urn:x-cap:{approved.sender}:")
    languages = [i.findtext("cap:language", namespaces=NS) for i in root.findall("cap:info", NS)]
    assert languages == ["ja-JP", "en-US", cap.EASY_JA]
    easy = root.findall("cap:info", NS)[2]
    assert easy.findtext("cap:description", namespaces=NS) == "かわ の みず が あふれる かもしれません。"
    assert root.find("cap:info/cap:area/cap:polygon", NS) is not None
    assert root.findtext("cap:info/cap:responseType", namespaces=NS) == "Evacuate"
    assert root.findtext("cap:sent", namespaces=NS).endswith("+09:00")


def test_updates_and_cancels_are_valid_cap_and_carry_references(approved, drafter, approver, flood_content):
    update = publishing.approve(alert=compose.draft_update(user=drafter, original=approved, content=flood_content(
        headline="避難指示（範囲拡大）")), approver=approver)
    cancel = publishing.approve(alert=compose.draft_cancel(user=drafter, original=update), approver=approver)
    for alert, kind in ((update, "Update"), (cancel, "Cancel")):
        root = etree.fromstring(alert.cap_xml.encode())
        assert cap.schema_errors(root) == []
        assert root.findtext("cap:msgType", namespaces=NS) == kind
    assert etree.fromstring(update.cap_xml.encode()).findtext("cap:references", namespaces=NS) == approved.reference()
    cancel_refs = etree.fromstring(cancel.cap_xml.encode()).findtext("cap:references", namespaces=NS).split()
    assert cancel_refs == [approved.reference(), update.reference()]
    assert etree.fromstring(cancel.cap_xml.encode()).findtext("cap:info/cap:responseType", namespaces=NS) == "AllClear"


def test_a_valid_outside_document_is_read():
    document = capread.parse(valid_document())
    assert (document.sender, document.identifier, document.status) == ("jma@example.jp", "urn:example:1", "Actual")
    info = document.info("ja")
    assert info.headline == "大雨警報" and info.evacuation_level == 3
    assert document.area is not None and document.area.valid


@pytest.mark.parametrize("data, reason", [
    (valid_document().replace(b"urn:oasis:names:tc:emergency:cap:1.2", b"urn:oasis:names:tc:emergency:cap:1.1"),
     "namespace"),
    (valid_document().replace(b"<sender>jma@example.jp</sender>", b""), "Not valid CAP 1.2"),
    (valid_document().replace(b"<urgency>Expected</urgency>", b"<urgency>Soon</urgency>"), "Not valid CAP 1.2"),
    (b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&lol3;</identifier></alert>""", "DTD or entities"),
    (b"""<?xml version="1.0"?>
<!DOCTYPE alert [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&xxe;</identifier></alert>""", "DTD or entities"),
    (b"<alert", "Not well-formed"),
    (valid_document().replace(b"<circle>34.66,133.93 2.5</circle>", b"<polygon>34.6,133.9 34.7,133.9</polygon>"),
     "Unreadable values"),
    (valid_document().replace(b"<circle>34.66,133.93 2.5</circle>", b"<circle>north of the river</circle>"),
     "Unreadable values"),
])
def test_bad_documents_are_refused_with_the_reason(data, reason):
    with pytest.raises(CapRejected, match=reason):
        capread.parse(data)
