"""Reads of safety checks, scoped to whoever asks.

Who follows a check (sees answers, the unanswered list): the officers of its association; for a
district check, city staff (everyone asked) and the officers of each covering association (their
own members). Members who need help (要援護者) are shown only to officers of their association and
to their designated supporters, never to city staff or other members.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from apps.accounts.models import Profile, User
from apps.neighbourhood.choices import MembershipStatus, SafetyStatus
from apps.neighbourhood.models import Membership, SafetyAnswer, SafetyCheck
from apps.neighbourhood.permissions import (
    AnyUser,
    active_association_ids,
    is_city_staff,
    officer_association_ids,
)
from apps.neighbourhood.services.safety import in_audience


def _district_ids(check: SafetyCheck) -> list[int]:
    return list(check.districts.values_list("id", flat=True))


def followed_association_ids(user: AnyUser, check: SafetyCheck) -> set[int] | None:
    """Associations whose members this user follows in the check; None means everyone asked."""
    if not user.is_authenticated:
        return set()
    officer_of = officer_association_ids(user)
    if check.association_id:
        return {check.association_id} & officer_of
    if is_city_staff(user):
        return None
    covering = set(check.districts.values_list("associations__id", flat=True)) - {None}
    return covering & officer_of


def may_follow(user: AnyUser, check: SafetyCheck) -> bool:
    scope = followed_association_ids(user, check)
    return scope is None or bool(scope)


def may_see(user: AnyUser, check: SafetyCheck) -> bool:
    return user.is_authenticated and (may_follow(user, check) or in_audience(safety_check=check, user_id=user.pk))


def visible_check(user: AnyUser, check_id: int) -> SafetyCheck:
    """The check if this user was asked or follows it; 404 otherwise, so its existence does not leak."""
    check = SafetyCheck.objects.select_related("association").filter(pk=check_id).first()
    if check is None or not may_see(user, check):
        raise Http404
    return check


def checks_for(user: AnyUser) -> tuple[list[SafetyCheck], list[SafetyCheck]]:
    """(checks I was asked in, checks I follow), newest first, for the overview page."""
    if not user.is_authenticated:
        return [], []
    member_of = active_association_ids(user)
    district_id = Profile.objects.filter(user=user).values_list("district_id", flat=True).first()
    member_districts = set(Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE)
                           .values_list("association__districts__id", flat=True)) - {None}
    if district_id:
        member_districts.add(district_id)
    asked = list(SafetyCheck.objects.filter(Q(association_id__in=member_of) | Q(districts__in=member_districts))
                 .select_related("association").distinct()[:50])
    officer_of = officer_association_ids(user)
    follow_q = Q(association_id__in=officer_of) | Q(districts__associations__in=officer_of)
    if is_city_staff(user):
        follow_q |= Q(association__isnull=True)
    followed = list(SafetyCheck.objects.filter(follow_q).select_related("association").distinct()[:50])
    return asked, followed


def own_answer(check: SafetyCheck, user: AnyUser) -> SafetyAnswer | None:
    if not user.is_authenticated:
        return None
    return SafetyAnswer.objects.filter(safety_check=check, user=user).first()


@dataclass
class Person:
    user_id: int
    name: str
    address: str = ""
    phone: str = ""
    association: str = ""
    status: str = ""
    status_label: str = ""
    note: str = ""
    answered_at: object = None
    needs: str = ""
    supporters: list[str] = field(default_factory=list)


@dataclass
class Live:
    check: SafetyCheck
    expected: int
    counts: dict[str, int]
    answered: list[Person]
    unanswered: list[Person]
    needs_help: list[Person]

    @property
    def unanswered_count(self) -> int:
        return len(self.unanswered)


def _memberships(check: SafetyCheck, scope: set[int] | None) -> QuerySet[Membership]:
    qs = Membership.objects.filter(status=MembershipStatus.ACTIVE).select_related("association")
    if check.association_id:
        qs = qs.filter(association_id=check.association_id)
    else:
        qs = qs.filter(association__districts__in=_district_ids(check))
    if scope is not None:
        qs = qs.filter(association_id__in=scope)
    return qs.distinct()


def live(check: SafetyCheck, user: User) -> Live:
    """Everything the live page shows; the caller has checked `may_follow` and writes the audit entry."""
    scope = followed_association_ids(user, check)
    people: dict[int, Person] = {}
    for m in _memberships(check, scope).order_by("real_name"):
        people.setdefault(m.user_id, Person(user_id=m.user_id, name=m.real_name, address=m.address, phone=m.phone,
                                            association=m.association.name))
    if scope is None:
        # City staff on a district check also follow residents placed there by their own profile.
        for p in Profile.objects.filter(district_id__in=_district_ids(check)).exclude(user_id__in=people):
            people[p.user_id] = Person(user_id=p.user_id, name=p.display_name or "—")
    answers = SafetyAnswer.objects.filter(safety_check=check, user_id__in=list(people)).order_by("-answered_at")
    labels = dict(SafetyStatus.choices)
    answered: list[Person] = []
    for a in answers:
        person = people[a.user_id]
        person.status, person.status_label, person.note, person.answered_at = (
            a.status, labels[a.status], a.note, a.answered_at)
        answered.append(person)
    counts = {value: 0 for value in SafetyStatus.values}
    for row in answers.order_by().values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    unanswered = [p for p in people.values() if not p.status]
    # 要援護者: officers only (city staff are not shown them).
    officer_scope = officer_association_ids(user)
    needs_help = _needs_help(_memberships(check, scope).filter(association_id__in=officer_scope), people)
    return Live(check=check, expected=len(people), counts=counts, answered=answered, unanswered=unanswered,
                needs_help=needs_help)


def _needs_help(memberships: QuerySet[Membership], people: dict[int, Person]) -> list[Person]:
    result = []
    for m in (memberships.filter(needs_help=True, needs_help_consent_at__isnull=False)
              .prefetch_related("supporters__memberships")):
        person = people.get(m.user_id) or Person(user_id=m.user_id, name=m.real_name)
        person.needs = m.needs_help_note
        person.supporters = [_name_in(s, m.association_id) for s in m.supporters.all()]
        result.append(person)
    return result


def _name_in(user: User, association_id: int) -> str:
    for m in user.memberships.all():
        if m.association_id == association_id:
            return m.real_name
    return str(user)


def supported_by(user: AnyUser) -> list[tuple[Membership, list[tuple[SafetyCheck, SafetyAnswer | None]]]]:
    """The people this user supports, each with their answers to their association's recent checks."""
    if not user.is_authenticated:
        return []
    supported = list(Membership.objects.filter(supporters=user, status=MembershipStatus.ACTIVE, needs_help=True,
                                               needs_help_consent_at__isnull=False).select_related("association"))
    result = []
    for m in supported:
        checks = list(SafetyCheck.objects.filter(Q(association_id=m.association_id)
                                                 | Q(districts__associations=m.association_id)).distinct()[:5])
        answers = {a.safety_check_id: a for a in
                   SafetyAnswer.objects.filter(user_id=m.user_id, safety_check__in=checks)}
        result.append((m, [(c, answers.get(c.pk)) for c in checks]))
    return result


def needs_help_members(association_id: int) -> QuerySet[Membership]:
    """Officers' list of registered members who need help (the caller checks officer and audits)."""
    return (Membership.objects.filter(association_id=association_id, status=MembershipStatus.ACTIVE,
                                      needs_help=True, needs_help_consent_at__isnull=False)
            .prefetch_related("supporters").order_by("real_name"))


def unanswered_users(check: SafetyCheck, user: User) -> list[Person]:
    return live(check, user).unanswered
