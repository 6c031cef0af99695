"""Joining, approving, declining, removing, leaving and roles, through pages and the API."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from apps.accounts.models import User
from apps.neighbourhood.choices import MemberRole, MembershipStatus
from apps.neighbourhood.models import Membership
from apps.neighbourhood.services.associations import change_role
from apps.notifications.choices import Category
from apps.notifications.models import Delivery, Message, TopicSubscription

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _inside(association):
    point = association.area.point_on_surface
    return {"lat": point.y, "lon": point.x}


def _recipients(message, run_broadcast) -> set[int]:
    # Residents get community news only if they chose it; here everyone has.
    for user_id in User.objects.values_list("id", flat=True):
        TopicSubscription.objects.get_or_create(user_id=user_id, category=Category.COMMUNITY)
    run_broadcast(message)
    return set(Delivery.objects.filter(message=message).values_list("recipient_id", flat=True))


def test_done_when_a_new_resident_joins_and_an_officer_approves(client, association, make_user, make_member,
                                                                  run_broadcast):
    chair = make_member(association, MemberRole.CHAIR)
    newcomer = make_user("resident")
    client.force_login(newcomer)
    response = client.post(reverse("neighbourhood:join", args=[association.slug]), {
        "real_name": "田中 次郎", "address": "旭町3-1-4", **_inside(association), "phone": ""})
    assert response.status_code == 302
    membership = Membership.objects.get(association=association, user=newcomer)
    assert membership.status == MembershipStatus.PENDING

    # The officers were told of the request (association_officers), in the association's name.
    request_message = Message.objects.get(title__contains="New request to join")
    assert request_message.organisation_name == association.name
    assert _recipients(request_message, run_broadcast) == {chair.pk}

    client.force_login(chair)
    queue = client.get(reverse("neighbourhood:membership_requests", args=[association.slug]))
    assert "田中 次郎" in queue.content.decode()
    response = client.post(reverse("neighbourhood:membership_approve", args=[association.slug, membership.pk]))
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE and membership.decided_by == chair

    welcome = Message.objects.get(title__contains="Welcome")
    assert _recipients(welcome, run_broadcast) == {newcomer.pk}

    client.force_login(newcomer)
    mine = client.get(reverse("neighbourhood:my_associations")).content.decode()
    assert association.name in mine


def test_joining_with_an_address_outside_the_area_is_refused_naming_the_field(client, association, other_association,
                                                                             make_user):
    resident = make_user("resident")
    client.force_login(resident)
    response = client.post(reverse("neighbourhood:join", args=[association.slug]), {
        "real_name": "田中 次郎", "address": "港町1-1", **_inside(other_association)})
    assert response.status_code == 400
    assert response.context["form"].errors["lat"]
    assert "outside the area" in response.content.decode()
    assert not Membership.objects.filter(user=resident).exists()

    api = APIClient()
    api.force_authenticate(resident)
    response = api.post(reverse("api:neighbourhood-join", args=[association.slug]), {
        "real_name": "田中 次郎", "address": "港町1-1", **_inside(other_association)}, format="json")
    assert response.status_code == 400
    assert "location" in response.json()["errors"]


def test_join_by_place_name_and_one_open_request_per_person(client, association, make_user, demo_map):
    resident = make_user("resident")
    client.force_login(resident)
    url = reverse("neighbourhood:join", args=[association.slug])
    response = client.post(url, {"real_name": "田中 次郎", "address": "旭町2-3-1", "place": "旭町"})
    assert response.status_code == 302
    response = client.post(url, {"real_name": "田中 次郎", "address": "旭町2-3-1", "place": "旭町"})
    assert response.status_code == 400
    assert Membership.objects.filter(user=resident).count() == 1


def test_api_join_rejects_unknown_fields(association, make_user):
    api = APIClient()
    api.force_authenticate(make_user("resident"))
    response = api.post(reverse("api:neighbourhood-join", args=[association.slug]), {
        "real_name": "x", "address": "y", **_inside(association), "role": "chair"}, format="json")
    assert response.status_code == 400
    assert "role" in response.json()["errors"]


def test_decline_needs_a_reason_and_tells_the_applicant(client, association, officer, make_member, run_broadcast):
    applicant = make_member(association, status=MembershipStatus.PENDING)
    # Chosen before the decision: a message to one person is resolved the moment it is sent.
    TopicSubscription.objects.create(user=applicant, category=Category.COMMUNITY)
    membership = Membership.objects.get(user=applicant)
    client.force_login(officer)
    url = reverse("neighbourhood:membership_decline", args=[association.slug, membership.pk])
    response = client.post(url, {f"decline-{membership.pk}-reason": ""})
    assert response.status_code == 400
    response = client.post(url, {f"decline-{membership.pk}-reason": "住所が区域外です"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.DECLINED and membership.decision_note == "住所が区域外です"
    message = Message.objects.get(body__contains="住所が区域外です")
    assert _recipients(message, run_broadcast) == {applicant.pk}


def test_api_approve_decline_remove_and_leave(association, make_member, make_user):
    chair = make_member(association, MemberRole.CHAIR)
    pending_user = make_member(association, status=MembershipStatus.PENDING)
    other_pending = make_member(association, status=MembershipStatus.PENDING)
    api = APIClient()
    api.force_authenticate(chair)
    pending = Membership.objects.get(user=pending_user)
    response = api.post(reverse("api:neighbourhood-membership-approve", args=[pending.pk]), {}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "active"
    again = api.post(reverse("api:neighbourhood-membership-approve", args=[pending.pk]), {}, format="json")
    assert again.status_code == 400 and "status" in again.json()["errors"]

    declined = Membership.objects.get(user=other_pending)
    response = api.post(reverse("api:neighbourhood-membership-decline", args=[declined.pk]), {}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["errors"]
    response = api.post(reverse("api:neighbourhood-membership-decline", args=[declined.pk]),
                        {"reason": "重複"}, format="json")
    assert response.json()["status"] == "declined"

    response = api.post(reverse("api:neighbourhood-membership-remove", args=[pending.pk]),
                        {"reason": "転居"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "removed"

    member = make_member(association)
    leaver = APIClient()
    leaver.force_authenticate(member)
    response = leaver.delete(reverse("api:neighbourhood-membership", args=[association.slug]))
    assert response.status_code == 200 and response.json()["status"] == "left"
    # Asking again after leaving reopens the same row as a request.
    response = leaver.post(reverse("api:neighbourhood-join", args=[association.slug]), {
        "real_name": "会員", "address": "旭町", **_inside(association)}, format="json")
    assert response.status_code == 201 and response.json()["status"] == "pending"


def test_plain_member_and_officer_of_another_association_cannot_decide(association, other_association, make_member):
    pending = Membership.objects.get(user=make_member(association, status=MembershipStatus.PENDING))
    for user in (make_member(association), make_member(other_association, MemberRole.CHAIR)):
        api = APIClient()
        api.force_authenticate(user)
        for name in ("approve", "decline", "remove"):
            response = api.post(reverse(f"api:neighbourhood-membership-{name}", args=[pending.pk]),
                                {"reason": "x"} if name != "approve" else {}, format="json")
            assert response.status_code == 404
    pending.refresh_from_db()
    assert pending.status == MembershipStatus.PENDING


def test_the_chair_cannot_leave_the_association_chairless(client, association, make_member):
    chair = make_member(association, MemberRole.CHAIR)
    client.force_login(chair)
    response = client.post(reverse("neighbourhood:leave", args=[association.slug]))
    assert response.status_code == 400
    assert "only chair" in response.content.decode()
    assert Membership.objects.get(user=chair).status == MembershipStatus.ACTIVE

    # With a second chair appointed, leaving works.
    deputy = make_member(association)
    deputy_membership = Membership.objects.get(user=deputy)
    response = client.post(reverse("neighbourhood:member_role", args=[association.slug, deputy_membership.pk]),
                           {f"role-{deputy_membership.pk}-role": "chair"})
    assert response.status_code == 302
    response = client.post(reverse("neighbourhood:leave", args=[association.slug]))
    assert response.status_code == 302
    assert Membership.objects.get(user=chair).status == MembershipStatus.LEFT


def test_roles_are_changed_by_the_chair_only_and_a_chair_remains(client, association, make_member, officer):
    chair = make_member(association, MemberRole.CHAIR)
    member = make_member(association)
    membership = Membership.objects.get(user=member)
    chair_membership = Membership.objects.get(user=chair)
    url = reverse("neighbourhood:member_role", args=[association.slug, membership.pk])

    client.force_login(officer)
    assert client.post(url, {f"role-{membership.pk}-role": "officer"}).status_code == 403
    client.force_login(chair)
    assert client.post(url, {f"role-{membership.pk}-role": "officer"}).status_code == 302
    membership.refresh_from_db()
    assert membership.role == MemberRole.OFFICER

    # The chair cannot demote the only chair (themselves) through someone's hands either.
    with pytest.raises(ValidationError) as error:
        change_role(by=chair, membership=chair_membership, role=MemberRole.MEMBER)
    assert "role" in error.value.message_dict


def test_officer_removes_a_member_with_a_reason_but_not_another_officer(client, association, officer, make_member):
    member = make_member(association)
    other_officer = make_member(association, MemberRole.OFFICER)
    client.force_login(officer)
    membership = Membership.objects.get(user=member)
    url = reverse("neighbourhood:member_remove", args=[association.slug, membership.pk])
    assert client.post(url, {f"remove-{membership.pk}-reason": ""}).status_code == 400
    assert client.post(url, {f"remove-{membership.pk}-reason": "退会届"}).status_code == 302
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.REMOVED and membership.decision_note == "退会届"

    other = Membership.objects.get(user=other_officer)
    response = client.post(reverse("neighbourhood:member_remove", args=[association.slug, other.pk]),
                           {f"remove-{other.pk}-reason": "x"})
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.status == MembershipStatus.ACTIVE


def test_approval_subscribes_the_new_member_to_association_news(association, make_member):
    from apps.neighbourhood.services.associations import approve_membership

    chair = make_member(association, MemberRole.CHAIR)
    applicant = make_member(association, status=MembershipStatus.PENDING)
    assert not TopicSubscription.objects.filter(user=applicant, category=Category.COMMUNITY).exists()
    approve_membership(by=chair, membership=Membership.objects.get(user=applicant))
    assert TopicSubscription.objects.filter(user=applicant, category=Category.COMMUNITY).exists()
