"""School alert mail pages: who receives it, read receipts, the call list, replies, and wrong users."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.accounts.models import AuditEntry
from apps.accounts.roles import Role
from apps.accounts.services import grant_role
from apps.childwatch.choices import AlertCategory, AlertScope, ReplyChoice
from apps.childwatch.models import AlertReply, School, SchoolAlert
from apps.childwatch.services.alerts import send_alert
from apps.notifications.choices import Category, Channel, OrganisationKind, Priority
from apps.notifications.models import Delivery, Message
from apps.notifications.services import set_topics

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def classes(school, other_school, make_class, make_child, make_guardian):
    """Class 1-1 and 2-1 of the school, 1-1 of the other school, each with guardians."""
    c11, c21, other = make_class(school, 1, "1組"), make_class(school, 2, "1組"), make_class(other_school, 1, "1組")
    hanako, taro, jiro = make_child(c11, "はなこ"), make_child(c11, "たろう"), make_child(c11, "じろう")
    kenta = make_child(c21, "けんた")
    sora = make_child(other, "そら")
    return {
        "c11": c11, "c21": c21, "other": other, "hanako": hanako, "taro": taro, "kenta": kenta, "sora": sora,
        # Two children in the same class: one message, not two.
        "twice": make_guardian(taro, jiro),
        "g11": make_guardian(hanako),
        "g21": make_guardian(kenta),
        "g_other": make_guardian(sora),
    }


def _send(staff, school, **extra):
    values = {"scope": AlertScope.CLASS, "category": AlertCategory.CHILD_SUSPICIOUS, "priority": Priority.NORMAL,
              "title": "不審者情報", "body": "下校時は複数で帰りましょう。"}
    values.update(extra)
    return send_alert(sender=staff, school=school, **values)


def _recipients(message) -> set[int]:
    return set(Delivery.objects.filter(message=message).values_list("recipient_id", flat=True))


def test_a_class_alert_reaches_exactly_that_class_once_per_guardian(school, classes, make_staff, run_broadcast):
    staff = make_staff(school)
    alert = _send(staff, school, school_class_id=classes["c11"].pk)
    run_broadcast(alert.message)

    assert _recipients(alert.message) == {classes["twice"].pk, classes["g11"].pk}
    assert not Delivery.objects.filter(recipient__in=[classes["g21"], classes["g_other"]]).exists()
    # The guardian of two children in the class has one inbox copy of one message.
    inbox = Delivery.objects.filter(message=alert.message, recipient=classes["twice"], channel=Channel.INBOX)
    assert inbox.count() == 1
    message = alert.message
    assert message.category == Category.CRIME_SAFETY
    assert (message.organisation_kind, message.organisation_id) == (OrganisationKind.SCHOOL, school.pk)
    assert message.link_url.endswith(reverse("childwatch:alert_reply", args=[alert.pk]))


def test_grade_and_chosen_children_scopes(school, classes, make_staff, run_broadcast):
    staff = make_staff(school)
    grade = _send(staff, school, scope=AlertScope.GRADE, grade=2)
    chosen = _send(staff, school, scope=AlertScope.CHILDREN, child_ids=[classes["hanako"].pk, classes["kenta"].pk])
    whole = _send(staff, school, scope=AlertScope.SCHOOL, category=AlertCategory.DISASTER)
    for alert in (grade, chosen, whole):
        run_broadcast(alert.message)
    assert _recipients(grade.message) == {classes["g21"].pk}
    assert _recipients(chosen.message) == {classes["g11"].pk, classes["g21"].pk}
    assert _recipients(whole.message) == {classes["g11"].pk, classes["g21"].pk, classes["twice"].pk}
    assert whole.message.category == Category.DISASTER
    assert set(chosen.children.values_list("pk", flat=True)) == {classes["hanako"].pk, classes["kenta"].pk}


def test_emergency_priority_is_passed_on_and_reaches_guardians_who_chose_other_topics(
        school, classes, make_staff, run_broadcast):
    staff = make_staff(school)
    set_topics(user=classes["g11"], categories=[])  # wants nothing ... but an emergency is for everyone
    alert = _send(staff, school, school_class_id=classes["c11"].pk, category=AlertCategory.CLOSURE,
                  priority=Priority.EMERGENCY)
    run_broadcast(alert.message)
    assert alert.message.priority == Priority.EMERGENCY
    assert alert.message.category == Category.CHILDREN
    assert classes["g11"].pk in _recipients(alert.message)


def test_done_when_a_teacher_sends_a_class_alert_and_sees_who_has_not_read_it(
        client, school, classes, make_staff, run_broadcast):
    teacher = make_staff(school)
    client.force_login(teacher)
    page = client.get(reverse("childwatch:alert_new"))
    assert page.status_code == 200
    assert "けんた" in page.content.decode()  # the school's children are offered by class
    assert "そら" not in page.content.decode()  # never another school's

    form = {"school": school.pk, "scope": "class", "school_class": classes["c11"].pk,
            "category": AlertCategory.TRAFFIC_SAFETY, "priority": "high", "title": "交通安全",
            "body": "通学路の工事にご注意ください。", "replies_allowed": "on"}
    preview = client.post(reverse("childwatch:alert_new"), {**form, "action": "preview"})
    assert preview.status_code == 200
    assert '<strong id="guardian-count">2</strong>' in preview.content.decode()
    assert not SchoolAlert.objects.exists()  # a preview stores nothing

    sent = client.post(reverse("childwatch:alert_new"), {**form, "action": "send"})
    alert = SchoolAlert.objects.get()
    assert sent.status_code == 302 and sent["Location"] == reverse("childwatch:alert_detail", args=[alert.pk])
    assert alert.message.priority == Priority.HIGH and alert.sent_by == teacher
    run_broadcast(alert.message)

    # One guardian opens the alert: that is the read receipt.
    client.force_login(classes["g11"])
    opened = client.get(reverse("childwatch:alert_reply", args=[alert.pk]))
    assert opened.status_code == 200 and "通学路の工事" in opened.content.decode()
    assert Delivery.objects.get(message=alert.message, recipient=classes["g11"], channel=Channel.INBOX).read_at

    client.force_login(teacher)
    detail = client.get(reverse("childwatch:alert_detail", args=[alert.pk])).content.decode()
    assert '<dd id="figure-read">1</dd>' in detail and '<dd id="figure-unread">1</dd>' in detail
    call_list = client.get(reverse("childwatch:alert_unread", args=[alert.pk]))
    assert call_list.status_code == 200
    text = call_list.content.decode()
    assert classes["twice"].email in text and "桜川 たろう" in text and "桜川 じろう" in text
    assert classes["g11"].email not in text
    assert "@media print" in text
    assert AuditEntry.objects.filter(user=teacher, action="childwatch.alert.unread", object_id=alert.pk).exists()
    assert AuditEntry.objects.filter(user=teacher, action="childwatch.alert.guardians", object_id=alert.pk).exists()
    listing = client.get(reverse("childwatch:alert_list")).content.decode()
    assert "交通安全" in listing


def test_guardians_not_reached_are_on_the_call_list(client, school, classes, make_staff, run_broadcast):
    """A normal school-event alert skips guardians who have not chosen 'children'; staff must see them."""
    staff = make_staff(school)
    set_topics(user=classes["twice"], categories=[Category.CHILDREN])
    alert = _send(staff, school, school_class_id=classes["c11"].pk, category=AlertCategory.SCHOOL_EVENT)
    run_broadcast(alert.message)
    assert _recipients(alert.message) == {classes["twice"].pk}
    client.force_login(staff)
    text = client.get(reverse("childwatch:alert_unread", args=[alert.pk])).content.decode()
    assert classes["g11"].email in text and "Not reached" in text
    # The guardian who was not reached may still open the alert (their children are in scope).
    client.force_login(classes["g11"])
    assert client.get(reverse("childwatch:alert_reply", args=[alert.pk])).status_code == 200


def test_a_second_reply_replaces_the_first(client, school, classes, make_staff, run_broadcast):
    alert = _send(make_staff(school), school, school_class_id=classes["c11"].pk)
    run_broadcast(alert.message)
    client.force_login(classes["g11"])
    url = reverse("childwatch:alert_reply", args=[alert.pk])
    assert client.post(url, {"reply": ReplyChoice.CONFIRMED}).status_code == 302
    first = AlertReply.objects.get(alert=alert, guardian=classes["g11"])
    assert client.post(url, {"reply": ReplyChoice.WILL_PICK_UP}).status_code == 302
    reply = AlertReply.objects.get(alert=alert, guardian=classes["g11"])
    assert reply.reply == ReplyChoice.WILL_PICK_UP and reply.replied_at >= first.replied_at
    assert AlertReply.objects.filter(alert=alert).count() == 1
    page = client.get(url).content.decode()
    assert 'id="current-reply"' in page
    bad = client.post(url, {"reply": "maybe"})
    assert bad.status_code == 400 and 'role="alert"' in bad.content.decode()
    assert AlertReply.objects.get(alert=alert).reply == ReplyChoice.WILL_PICK_UP


def test_no_replies_when_the_school_takes_none(client, school, classes, make_staff, run_broadcast):
    alert = _send(make_staff(school), school, school_class_id=classes["c11"].pk, replies_allowed=False)
    run_broadcast(alert.message)
    client.force_login(classes["g11"])
    url = reverse("childwatch:alert_reply", args=[alert.pk])
    assert 'name="reply"' not in client.get(url).content.decode()
    assert client.post(url, {"reply": ReplyChoice.CONFIRMED}).status_code == 400
    assert not AlertReply.objects.exists()


def test_wrong_people_get_404(client, school, other_school, classes, make_staff, make_user, run_broadcast):
    alert = _send(make_staff(school), school, school_class_id=classes["c11"].pk, title="秘密の連絡")
    run_broadcast(alert.message)
    pages = [reverse("childwatch:alert_detail", args=[alert.pk]), reverse("childwatch:alert_unread", args=[alert.pk])]
    reply = reverse("childwatch:alert_reply", args=[alert.pk])

    client.force_login(make_staff(other_school))
    for url in pages:
        assert client.get(url).status_code == 404
    assert "秘密の連絡" not in client.get(reverse("childwatch:alert_list")).content.decode()

    for person in (make_user("resident"), classes["g21"], classes["g_other"]):
        client.force_login(person)
        for url in [*pages, reverse("childwatch:alert_list"), reverse("childwatch:alert_new")]:
            assert client.get(url).status_code == 404
        # A guardian of another class or school was not in the audience.
        assert client.get(reply).status_code == 404
        assert client.post(reply, {"reply": ReplyChoice.CONFIRMED}).status_code == 404
    assert not AlertReply.objects.exists()

    client.logout()
    for url in [*pages, reply]:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"]
    assert not AuditEntry.objects.filter(action__startswith="childwatch.alert").exists()


def test_staff_cannot_aim_at_another_schools_class_or_children(client, school, other_school, classes, make_staff):
    theirs = make_staff(other_school)
    client.force_login(theirs)
    base = {"school": other_school.pk, "category": AlertCategory.GENERAL, "priority": "normal", "title": "t",
            "body": "b", "action": "send"}
    page = client.post(reverse("childwatch:alert_new"), {**base, "scope": "class",
                                                         "school_class": classes["c11"].pk})
    assert page.status_code == 200 and 'class="error"' in page.content.decode()
    page = client.post(reverse("childwatch:alert_new"), {**base, "scope": "children",
                                                         "children": [classes["hanako"].pk]})
    assert page.status_code == 200 and 'class="error"' in page.content.decode()
    # Choosing our school itself is not among their choices.
    page = client.post(reverse("childwatch:alert_new"), {**base, "school": school.pk, "scope": "school"})
    assert page.status_code == 200 and 'class="error"' in page.content.decode()
    assert not SchoolAlert.objects.exists() and not Message.objects.exists()


def test_compose_errors_name_the_field(client, school, classes, make_staff):
    client.force_login(make_staff(school))
    page = client.post(reverse("childwatch:alert_new"), {
        "school": school.pk, "scope": "class", "category": "", "priority": "normal", "title": "",
        "body": "b", "title_en": "English only", "action": "preview"})
    text = page.content.decode()
    assert page.status_code == 200
    for field in ("school_class", "category", "title", "body_en"):
        assert f'href="#id_{field}"' in text  # the error summary links to each field at fault
    assert not SchoolAlert.objects.exists()


def test_nothing_is_stored_when_publishing_fails(school, classes, make_staff):
    # Fits the body limit, but not LINE's limit with the title and link: publish refuses it.
    with pytest.raises(ValidationError) as exc:
        _send(make_staff(school), school, school_class_id=classes["c11"].pk, body="あ" * 4990)
    assert "body" in exc.value.message_dict
    assert not SchoolAlert.objects.exists() and not Message.objects.exists()


def test_admin_shows_alerts_read_only(client, school, classes, make_staff, make_user, run_broadcast):
    alert = _send(make_staff(school), school, school_class_id=classes["c11"].pk)
    AlertReply.objects.create(alert=alert, guardian=classes["g11"], reply=ReplyChoice.CONFIRMED)
    admin = make_user(None, is_staff=True, is_superuser=True)
    client.force_login(admin)
    assert client.get(reverse("admin:childwatch_schoolalert_changelist")).status_code == 200
    change = client.get(reverse("admin:childwatch_schoolalert_change", args=[alert.pk]))
    assert change.status_code == 200 and "不審者情報" in change.content.decode()
    assert client.get(reverse("admin:childwatch_schoolalert_add")).status_code == 403


def test_staff_of_two_schools_choose_the_school_and_see_only_their_children(
        client, school, other_school, classes, make_staff, make_class, make_child, demo_map):
    third = School.objects.create(code="kita-es", name="桜川市立北小学校")
    make_child(make_class(third, 1, "1組"), "みらい")
    both = make_staff(school)
    grant_role(user=both, role=Role.SCHOOL_STAFF, scope=other_school)
    client.force_login(both)
    text = client.get(reverse("childwatch:alert_new")).content.decode()
    assert 'name="school"' in text and "桜川市立港小学校" in text
    assert "そら" in text and "はなこ" in text and "みらい" not in text
    # The other school chosen, but a class of the first: refused on the class field.
    page = client.post(reverse("childwatch:alert_new"), {
        "school": other_school.pk, "scope": "class", "school_class": classes["c11"].pk, "category": "general",
        "priority": "normal", "title": "t", "body": "b", "action": "send"})
    assert page.status_code == 200 and 'href="#id_school_class"' in page.content.decode()
    assert not SchoolAlert.objects.exists()
