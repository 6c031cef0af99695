"""No personal data in open data: every registered dataset and every catalogue record is walked.

Field names and labels are checked against what personal data is called, and the rows of a city
with a planted person (member of an association, shelter staff, recipient of a broadcast) are
searched for anything of that person. A dataset a future app declares is walked the same way.
"""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from apps.accounts.models import User
from apps.opendata.models import Resource, ResourceVersion
from apps.opendata.services.export import csv_chunks, json_chunks
from civicportal.datasets import live_datasets

pytestmark = pytest.mark.django_db

# What personal fields are called, in names and in (English or Japanese) labels.
PERSONAL = re.compile(
    r"e-?mail|mail_?address|メール|phone|(?<![a-z])tel(?![a-z])|電話|birth|生年月日|誕生|(?<![a-z])age(?![a-z])|年齢|user|ユーザー|account|"
    r"member|会員|line_?id|line_?user|recipient|受信者|guardian|保護者|resident|住民|real_name|full_name|"
    r"first_name|last_name|family_name|given_name|氏名|person|個人|address|住所|postal|郵便|ip_?address|"
    r"staff|職員|applicant|申請者|reporter|通報者|changed_by|created_by|decided_by|supporter|child|児童|生徒|"
    r"gender|性別|my_number|マイナンバー|passport|token|password",
    re.IGNORECASE,
)
# A facility's own address, postal code and switchboard number are public (the national
# recommended datasets list them); only in datasets whose rows are places.
PLACE_DATASETS = {"facilities", "aed", "shelters"}
PLACE_FIELDS = {"address", "postal_code", "phone"}
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def _allowed(slug: str, name: str) -> bool:
    return slug in PLACE_DATASETS and name in PLACE_FIELDS


def test_no_registered_dataset_declares_a_personal_field():
    offending = [
        (live.slug, field.name, str(field.label))
        for live in live_datasets().values() for field in live.fields
        if not _allowed(live.slug, field.name)
        and (PERSONAL.search(field.name) or PERSONAL.search(str(field.label)))
    ]
    assert offending == []


def test_the_walker_would_catch_a_personal_field():
    # The check above is only worth something if it fires on what it guards against.
    for name in ("email", "member_names", "line_user_id", "birth_date", "user_id", "applicant_address",
                 "phone", "address", "real_name", "guardian", "age_band", "tel"):
        assert PERSONAL.search(name), name
    # A word that merely contains one (message type) is not personal.
    assert not PERSONAL.search("msg_type") and not PERSONAL.search("Message type")
    assert not _allowed("neighbourhood-associations", "address")


def test_rows_hold_no_personal_data_of_a_planted_person(city):
    person = city["person"]
    secrets = [person.email, "花子", "秘密山", "桜川市中央9-99-999", "090-9999-8888"]
    staff_emails = set(User.objects.values_list("email", flat=True))
    for live in live_datasets().values():
        allowed_keys = {field.name for field in live.fields} | ({"geometry"} if live.spatial else set())
        for row in live.rows():
            assert set(row) <= allowed_keys, f"{live.slug} yields undeclared keys {set(row) - allowed_keys}"
        text = b"".join(csv_chunks(live)).decode() + b"".join(json_chunks(live)).decode()
        for secret in secrets:
            assert secret not in text, f"{live.slug} leaks {secret!r}"
        emails = set(EMAIL.findall(text))
        assert not emails & staff_emails and not emails, f"{live.slug} holds email addresses {emails}"


def test_catalogue_records_hold_no_personal_fields(client, city, uploaded, staff):
    for field in (*Resource._meta.get_fields(), *ResourceVersion._meta.get_fields()):
        if field.name == "uploaded_by":
            continue  # kept for the record; the next checks prove it is never published
        assert not PERSONAL.search(field.name), field.name
    for name in client.get("/api/3/action/package_list").json()["result"]:
        package = client.get("/api/3/action/package_show", {"id": name}).json()["result"]
        for resource in package["resources"]:
            assert not [key for key in resource if PERSONAL.search(key)], resource
        text = json.dumps(package, ensure_ascii=False)
        assert staff.email not in text and city["person"].email not in text
        assert "uploaded_by" not in text
        if package["maintainer_email"]:
            assert package["maintainer_email"] not in set(User.objects.values_list("email", flat=True))
    dcat = client.get(reverse("dcat-catalogue", args=["ttl"])).content.decode()
    assert staff.email not in dcat and city["person"].email not in dcat
