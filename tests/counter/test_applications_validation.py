"""Answers are checked against the fields staff defined; errors name the field, on pages and in the API."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from apps.counter.choices_procedures import FieldKind
from apps.counter.models import Application, ProcedureField
from apps.counter.services.catalogue import check_field_definition, clean_answers, clean_value
from tests.counter.conftest import answers_for

pytestmark = pytest.mark.django_db


def field(kind, **extra) -> ProcedureField:
    return ProcedureField(key="x", label="x", kind=kind, **extra)


@pytest.mark.parametrize(("kind", "extra", "given", "stored"), [
    (FieldKind.TEXT, {"max_length": 5}, "  山田  ", "山田"),
    (FieldKind.NUMBER, {"min_value": 1, "max_value": 10}, "３", 3),
    (FieldKind.NUMBER, {}, 7, 7),
    (FieldKind.DATE, {}, "2026-11-23", "2026-11-23"),
    (FieldKind.CHOICE, {"choices": ["就職", "年金"]}, "年金", "年金"),
    (FieldKind.YES_NO, {}, "yes", True),
    (FieldKind.YES_NO, {}, False, False),
    (FieldKind.POSTAL_CODE, {}, "２９０００５０", "290-0050"),
    (FieldKind.POSTAL_CODE, {}, "290-0050", "290-0050"),
    (FieldKind.PHONE, {}, "0436-22-1111", "0436-22-1111"),
    (FieldKind.EMAIL, {}, "a@example.jp", "a@example.jp"),
])
def test_good_answers_are_stored_in_their_clean_form(kind, extra, given, stored):
    assert clean_value(field(kind, **extra), given) == stored


@pytest.mark.parametrize(("kind", "extra", "given", "words"), [
    (FieldKind.TEXT, {"max_length": 5}, "あいうえおか", "at most 5 characters"),
    (FieldKind.TEXT, {}, 12, "Give text"),
    (FieldKind.NUMBER, {"min_value": 1}, "0", "1 or more"),
    (FieldKind.NUMBER, {"max_value": 10}, "11", "10 or less"),
    (FieldKind.NUMBER, {}, "three", "whole number"),
    (FieldKind.NUMBER, {}, True, "whole number"),
    (FieldKind.DATE, {}, "23/11/2026", "YYYY-MM-DD"),
    (FieldKind.CHOICE, {"choices": ["就職", "年金"]}, "旅行", "Choose one of"),
    (FieldKind.YES_NO, {}, "maybe", "yes or no"),
    (FieldKind.POSTAL_CODE, {}, "12-345", "seven digits"),
    (FieldKind.PHONE, {}, "12345", "10 or 11 digits"),
    (FieldKind.EMAIL, {}, "not-an-email", "valid email"),
])
def test_bad_answers_are_refused_with_a_reason(english, kind, extra, given, words):
    with pytest.raises(ValidationError) as error:
        clean_value(field(kind, **extra), given)
    assert words in " ".join(error.value.messages)


def test_missing_required_and_unknown_fields_are_named(english, catalogue):
    procedure = catalogue["child-allowance"]
    answers = answers_for(procedure)
    del answers["children"]
    with pytest.raises(ValidationError) as error:
        clean_answers(procedure, {**answers, "favourite_colour": "blue"})
    assert error.value.message_dict["answers.children"] == ["This field is required."]
    assert "favourite_colour" in error.value.message_dict["answers"][0]


def test_an_optional_field_may_be_left_empty(catalogue):
    procedure = catalogue["school-transfer"]
    answers = answers_for(procedure)
    answers.pop("start_on", None)
    assert "start_on" not in clean_answers(procedure, answers)


def test_the_apply_page_shows_each_error_at_its_field(client, english, catalogue, resident):
    client.force_login(resident)
    procedure = catalogue["national-health-insurance"]
    answers = {**answers_for(procedure), "postal_code": "abc", "members": "0"}
    response = client.post(reverse("counter:apply", args=(procedure.slug,)), answers)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Please correct the fields marked below." in page
    assert "Give a postal code of seven digits" in page and "Give 1 or more." in page
    assert not Application.objects.exists()


def test_a_counter_only_procedure_cannot_be_applied_for_online(client, english, catalogue, resident):
    client.force_login(resident)
    response = client.get(reverse("counter:apply", args=("moving-in",)), follow=True)
    assert "cannot be done online" in response.content.decode()
    api = APIClient()
    api.force_authenticate(resident)
    procedure = catalogue["moving-in"]
    answer = api.post(reverse("api:counter-applications"), {"procedure": "moving-in",
                                                             "answers": answers_for(procedure)}, format="json")
    assert answer.status_code == 400 and "procedure" in answer.json()["errors"]


def test_the_api_answers_400_with_dotted_field_keys(english, catalogue, resident):
    api = APIClient()
    api.force_authenticate(resident)
    procedure = catalogue["residence-certificate"]
    response = api.post(reverse("api:counter-applications"), {
        "procedure": procedure.slug, "answers": {**answers_for(procedure), "copies": 50, "purpose": "旅行"},
        "surprise": 1}, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) >= {"surprise"}
    # The service's own errors come back on a second, clean request.
    response = api.post(reverse("api:counter-applications"), {
        "procedure": procedure.slug, "answers": {**answers_for(procedure), "copies": 50, "purpose": "旅行"}},
        format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "answers.copies" in errors and "answers.purpose" in errors


def test_the_api_applies_and_returns_the_receipt_number(catalogue, resident):
    api = APIClient()
    api.force_authenticate(resident)
    procedure = catalogue["bulky-waste"]
    response = api.post(reverse("api:counter-applications"), {"procedure": procedure.slug,
                                                              "answers": answers_for(procedure)}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["receipt_number"].startswith("R-") and body["status"] == "in_progress"
    assert [s["status"] for s in body["steps"]] == ["queued"]
    assert [e["kind"] for e in body["timeline"]] == ["submitted", "queued"]


def test_staff_field_definitions_must_make_sense(english):
    with pytest.raises(ValidationError) as error:
        check_field_definition(field(FieldKind.CHOICE, choices=["one"]))
    assert "choices" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        check_field_definition(field(FieldKind.NUMBER, min_value=5, max_value=1, max_length=3))
    assert {"max_value", "max_length"} <= set(error.value.message_dict)
    check_field_definition(field(FieldKind.CHOICE, choices=["a", "b"]))


def test_once_only_prefill_uses_the_profile_then_earlier_applications(catalogue, resident):
    from apps.counter.selectors.applications import prefill_for
    from apps.counter.services.applications import submit_application

    nhi = catalogue["national-health-insurance"]
    first = prefill_for(resident, nhi)
    assert first == {"full_name": "山田 花子"}
    submit_application(procedure=nhi, applicant=resident, answers=answers_for(nhi, phone="0436-99-0000"))
    later = prefill_for(resident, catalogue["child-allowance"])
    assert later["phone"] == "0436-99-0000" and later["postal_code"] == "290-0050"
    assert later["address"] == "市原市更級5丁目1番地1"


def test_prefill_never_uses_another_residents_answers(catalogue, resident, other_resident):
    from apps.counter.selectors.applications import prefill_for
    from apps.counter.services.applications import submit_application

    nhi = catalogue["national-health-insurance"]
    submit_application(procedure=nhi, applicant=resident, answers=answers_for(nhi))
    assert "phone" not in prefill_for(other_resident, catalogue["child-allowance"])
