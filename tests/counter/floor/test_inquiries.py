"""Inquiries: question → draft → approval by another person → reply → anonymised FAQ entry."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from apps.counter.models import FaqEntry, Inquiry, InquiryStatus
from apps.counter.services import inquiries as services
from apps.notifications.models import Delivery, Message


def test_a_signed_in_residents_question_is_answered_after_approval_and_reaches_their_inbox(
        client, english, make_user, department, clerk, approver, run_broadcast):
    resident = make_user("resident")
    client.force_login(resident)
    response = client.post(reverse("counter:inquiry_new"), {
        "department": department.pk, "subject": "転入届の持ち物", "body": "何を持っていけばよいですか。"})
    inquiry = Inquiry.objects.get()
    assert response["Location"] == reverse("counter:inquiry_mine", args=[inquiry.pk])
    assert inquiry.asker == resident and inquiry.asker_email == ""

    client.force_login(clerk)
    client.post(reverse("counter:inquiry_staff", args=[inquiry.pk]),
                {"action": "draft", "draft_answer": "本人確認書類と転出証明書をお持ちください。"})
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.AWAITING_APPROVAL
    # The author cannot approve their own draft, even holding the permission.
    clerk.user_permissions.add(*approver.user_permissions.all())
    with pytest.raises(PermissionDenied):
        services.approve_answer(inquiry=inquiry, user=type(clerk).objects.get(pk=clerk.pk))

    client.force_login(approver)
    page = client.get(reverse("counter:inquiry_staff", args=[inquiry.pk])).content.decode()
    assert "Approve and send" in page
    client.post(reverse("counter:inquiry_staff", args=[inquiry.pk]), {"action": "approve"})
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.ANSWERED and inquiry.approved_by == approver
    message = Message.objects.get(pk=inquiry.reply_message_id)
    assert message.organisation_name == department.name and "転入届の持ち物" in message.title
    run_broadcast(message)
    assert set(Delivery.objects.filter(message=message).values_list("recipient_id", flat=True)) == {resident.pk}

    client.force_login(resident)
    page = client.get(reverse("counter:inquiry_mine", args=[inquiry.pk])).content.decode()
    assert "転出証明書" in page


def test_an_anonymous_asker_gets_the_answer_by_mail(client, smtp_sink, department, clerk, approver,
                                                    django_capture_on_commit_callbacks):
    response = client.post(reverse("counter:inquiry_new"), {
        "department": department.pk, "subject": "粗大ごみ", "body": "申し込み方法は？",
        "asker_email": "visitor@example.jp", "asker_name": "佐藤"})
    assert response.status_code == 302
    inquiry = Inquiry.objects.get()
    services.draft_answer(inquiry=inquiry, user=clerk, text="電話かウェブで申し込めます。")
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_answer(inquiry=inquiry, user=approver)
    assert len(smtp_sink.messages) == 1
    mail = smtp_sink.messages[0]
    assert "visitor@example.jp" in mail["To"]
    assert "電話かウェブで申し込めます。" in mail.get_payload(decode=True).decode()


def test_bad_questions_are_refused_naming_the_field(client, english, department):
    response = client.post(reverse("counter:inquiry_new"), {"department": department.pk, "subject": "",
                                                             "body": "x", "asker_email": "not-an-address"})
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"subject", "asker_email"}
    with pytest.raises(ValidationError) as refused:
        services.ask(department=department, subject="s", body="b")
    assert "asker_email" in refused.value.message_dict
    assert Inquiry.objects.count() == 0


def test_a_returned_draft_goes_back_with_the_reason_and_cannot_be_approved(department, clerk, approver):
    inquiry = services.ask(department=department, subject="s", body="b", asker_email="a@example.jp")
    with pytest.raises(ValidationError):
        services.approve_answer(inquiry=inquiry, user=approver)  # nothing drafted yet
    services.draft_answer(inquiry=inquiry, user=clerk, text="draft")
    services.return_draft(inquiry=inquiry, user=approver, reason="根拠の条例を書いてください")
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.RECEIVED and "条例" in inquiry.returned_reason
    with pytest.raises(ValidationError) as refused:
        services.approve_answer(inquiry=inquiry, user=approver)
    assert "status" in refused.value.message_dict


def test_other_departments_and_residents_see_nothing_of_an_inquiry(client, make_user, department, road_clerk, clerk):
    asker = make_user("resident")
    inquiry = services.ask(department=department, subject="個人的な相談", body="body", asker=asker)
    other = make_user("resident")
    client.force_login(other)
    assert client.get(reverse("counter:inquiry_mine", args=[inquiry.pk])).status_code == 404
    assert client.get(reverse("counter:inquiry_staff", args=[inquiry.pk])).status_code == 404
    client.force_login(road_clerk)
    assert client.get(reverse("counter:inquiry_staff", args=[inquiry.pk])).status_code == 404
    assert "個人的な相談" not in client.get(reverse("counter:inquiry_staff_list")).content.decode()
    with pytest.raises(PermissionDenied):
        services.draft_answer(inquiry=inquiry, user=road_clerk, text="x")
    # A clerk without the approve permission drafts but cannot approve.
    services.draft_answer(inquiry=inquiry, user=clerk, text="x")
    second = make_user("city_staff")
    with pytest.raises(PermissionDenied):
        services.approve_answer(inquiry=inquiry, user=second)


def test_staff_reading_an_inquiry_is_audited(client, department, clerk):
    from apps.accounts.models import AuditEntry

    inquiry = services.ask(department=department, subject="s", body="b", asker_email="a@example.jp")
    client.force_login(clerk)
    assert client.get(reverse("counter:inquiry_staff", args=[inquiry.pk])).status_code == 200
    assert AuditEntry.objects.filter(user=clerk, action="counter.inquiry.view", object_id=inquiry.pk).exists()


def test_an_answered_inquiry_goes_to_the_faq_anonymised_and_can_be_searched(
        client, english, department, clerk, approver):
    inquiry = services.ask(department=department, subject="証明書", body="山田です。090-1234-5678 住民票はどこで？",
                           asker_email="yamada@example.jp", asker_name="山田")
    services.draft_answer(inquiry=inquiry, user=clerk, text="市民課の窓口かコンビニで取れます。")
    services.approve_answer(inquiry=inquiry, user=approver)
    client.force_login(clerk)
    page = client.get(reverse("counter:inquiry_staff", args=[inquiry.pk])).content.decode()
    assert "090-1234-5678" not in page.split("Publish to the FAQ")[1]  # the prefill hides the phone number
    # The asker's name left in the text is refused; so is a phone number.
    refused = client.post(reverse("counter:inquiry_staff", args=[inquiry.pk]), {
        "action": "faq", "question": "山田です。住民票はどこで取れますか。", "answer": "窓口かコンビニで。",
        "checked": "on"})
    assert refused.status_code == 200 and "question" in refused.context["faq_form"].errors
    refused = client.post(reverse("counter:inquiry_staff", args=[inquiry.pk]), {
        "action": "faq", "question": "住民票はどこで取れますか。", "answer": "窓口かコンビニで。"})
    assert "checked" in refused.context["faq_form"].errors
    client.post(reverse("counter:inquiry_staff", args=[inquiry.pk]), {
        "action": "faq", "question": "住民票はどこで取れますか。", "answer": "市民課の窓口かコンビニで取れます。",
        "checked": "on"})
    entry = FaqEntry.objects.get()
    assert entry.inquiry == inquiry
    client.logout()
    found = client.get(reverse("counter:faq"), {"q": "住民票"}).content.decode()
    assert "住民票はどこで取れますか。" in found and "1 answer found." in found
    assert "yamada" not in found and "山田" not in found
    assert "No answer matches" in client.get(reverse("counter:faq"), {"q": "犬の登録"}).content.decode()
    with pytest.raises(ValidationError):
        services.publish_to_faq(inquiry=inquiry, user=clerk, question="q", answer="a")  # only once


def test_the_faq_refuses_a_signed_in_askers_account_name(make_user, department, clerk, approver):
    asker = make_user("resident", first_name="花子", last_name="鈴木")
    inquiry = services.ask(department=department, subject="s", body="b", asker=asker)
    services.draft_answer(inquiry=inquiry, user=clerk, text="a")
    services.approve_answer(inquiry=inquiry, user=approver)
    with pytest.raises(ValidationError) as refused:
        services.publish_to_faq(inquiry=inquiry, user=clerk, question="鈴木さんからの質問です", answer="a")
    assert "question" in refused.value.message_dict


def test_a_flood_of_questions_from_one_address_is_stopped(client, english, department):
    from apps.counter.ratelimit_floor import LIMITS

    data = {"department": department.pk, "subject": "s", "body": "b", "asker_email": "a@example.jp"}
    for _ in range(LIMITS["anonymous"]):
        assert client.post(reverse("counter:inquiry_new"), data).status_code == 302
    response = client.post(reverse("counter:inquiry_new"), data)
    assert response.status_code == 429 and "Too many questions" in response.content.decode()
