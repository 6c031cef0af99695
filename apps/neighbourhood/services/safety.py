"""Safety checks (安否確認) and members who need help (要援護者): every write and rule.

A check goes out as ONE notification to everyone; each person answers with one tap, either
signed in or through a personal signed link (LINE, mail) that works until the check closes.
The answer path is the hot one (20,000 people in minutes): one indexed membership query and
one upsert.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Profile, User
from apps.geo.models import District
from apps.neighbourhood.choices import MembershipStatus, SafetyStatus
from apps.neighbourhood.models import Association, Membership, SafetyAnswer, SafetyCheck
from apps.neighbourhood.permissions import is_city_staff, is_officer
from apps.notifications.choices import Category, OrganisationKind, Priority
from apps.notifications.services import Organisation, publish

TOKEN_SALT = "neighbourhood.safety-answer"  # noqa: S105 (a salt, not a secret)
# A link also stops working when the check closes; this caps a check someone forgot to close.
TOKEN_MAX_AGE = 14 * 24 * 3600
TITLE_LIMIT = 120
NOTE_LIMIT = 300
NEEDS_LIMIT = 300


# --- tokens ------------------------------------------------------------------------------

def make_token(*, safety_check: SafetyCheck | int, user: User | int) -> str:
    """A personal, signed, timestamped answer link token: check id and user id."""
    check_id = safety_check if isinstance(safety_check, int) else safety_check.pk
    user_id = user if isinstance(user, int) else user.pk
    return signing.dumps([check_id, user_id], salt=TOKEN_SALT, compress=False)


def read_token(token: str) -> tuple[int, int]:
    """(check id, user id) of a valid token; a ValidationError naming `token` otherwise."""
    try:
        value = signing.loads(str(token), salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError({"token": _("This answer link has expired.")}) from None
    except signing.BadSignature:
        raise ValidationError({"token": _("This answer link is not valid.")}) from None
    if (not isinstance(value, list) or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)):
        raise ValidationError({"token": _("This answer link is not valid.")})
    return value[0], value[1]


def answer_path(safety_check: SafetyCheck) -> str:
    return reverse("neighbourhood:safety_answer", args=[safety_check.pk])


def absolute(path: str) -> str:
    base = getattr(settings, "SITE_URL", "") or "http://localhost:8000"
    return base.rstrip("/") + path


# --- audience ----------------------------------------------------------------------------

def covering_association_ids(district_ids: Iterable[int]) -> list[int]:
    return sorted(set(Association.objects.filter(districts__in=list(district_ids)).values_list("id", flat=True)))


def in_audience(*, safety_check: SafetyCheck, user_id: int) -> bool:
    """Whether this person was asked: one indexed query for an association check.

    A district check asks the active members of the associations covering those districts
    and the residents whose profile district is among them.
    """
    if safety_check.association_id:
        return Membership.objects.filter(association_id=safety_check.association_id, user_id=user_id,
                                         status=MembershipStatus.ACTIVE).exists()
    district_ids = list(safety_check.districts.values_list("id", flat=True))
    return (Profile.objects.filter(user_id=user_id, district_id__in=district_ids).exists()
            or Membership.objects.filter(user_id=user_id, status=MembershipStatus.ACTIVE,
                                         association__districts__in=district_ids).exists())


# --- starting and closing ----------------------------------------------------------------

def may_start_for(user: User, association: Association | None) -> bool:
    if association is not None:
        return is_officer(user, association)
    return is_city_staff(user)


@transaction.atomic
def start_check(*, user: User, title: str, association: Association | None = None,
                districts: Iterable[District] | None = None, note: str = "") -> SafetyCheck:
    """Store a check and send ONE message to everyone asked, with the one-tap answer link."""
    errors: dict[str, str] = {}
    title = (title or "").strip()
    note = (note or "").strip()
    districts = list(districts or [])
    if not title:
        errors["title"] = _("This field is required.")
    elif len(title) > TITLE_LIMIT:
        errors["title"] = _("Use at most %(limit)d characters.") % {"limit": TITLE_LIMIT}
    if len(note) > 1000:
        errors["note"] = _("Use at most %(limit)d characters.") % {"limit": 1000}
    if association is None and not districts:
        errors["association"] = _("Choose an association or at least one district.")
    if association is not None and districts:
        errors["districts"] = _("A check is for one association or for districts, not both.")
    if errors:
        raise ValidationError(errors)
    if not may_start_for(user, association):
        raise PermissionDenied(_("You may not start a safety check here."))

    check = SafetyCheck.objects.create(association=association, title=title, started_by=user)
    if districts:
        check.districts.set(districts)
    link = absolute(answer_path(check))
    body = "\n".join(part for part in (
        note,
        _("Please tell us if you are safe: one tap on the link below (safe / need help / away)."),
    ) if part)
    if association is not None:
        message = publish(
            sender=user, title=title, body=body, category=Category.DISASTER, priority=Priority.HIGH,
            organisation=Organisation(OrganisationKind.ASSOCIATION, association.pk, association.name),
            audience={"segments": [{"kind": "association_members", "association": association.pk}]},
            link_url=link,
        )
    else:
        segments: list[dict] = [{"kind": "district", "ids": sorted(d.pk for d in districts)}]
        segments += [{"kind": "association_members", "association": a}
                     for a in covering_association_ids(d.pk for d in districts)]
        message = publish(
            sender=user, title=title, body=body, category=Category.DISASTER, priority=Priority.EMERGENCY,
            audience={"match": "any", "segments": segments}, link_url=link,
        )
    check.message_id = message.pk
    check.save(update_fields=["message_id"])
    return check


def close_check(*, safety_check: SafetyCheck, user: User) -> SafetyCheck:
    from apps.neighbourhood.selectors.safety import may_follow

    if not may_follow(user, safety_check):
        raise PermissionDenied(_("You may not close this safety check."))
    if safety_check.closed_at is not None:
        raise ValidationError({"closed_at": _("This safety check is already closed.")})
    safety_check.closed_at = timezone.now()
    safety_check.save(update_fields=["closed_at"])
    return safety_check


# --- answering ---------------------------------------------------------------------------

def _clean_answer(status: str, note: str) -> tuple[str, str]:
    errors: dict[str, str] = {}
    if status not in SafetyStatus.values:
        errors["status"] = _("Choose one of: %(choices)s.") % {"choices": ", ".join(SafetyStatus.values)}
    note = (note or "").strip()
    if len(note) > NOTE_LIMIT:
        errors["note"] = _("Use at most %(limit)d characters.") % {"limit": NOTE_LIMIT}
    if errors:
        raise ValidationError(errors)
    return status, note


def answer(*, safety_check: SafetyCheck, user_id: int, status: str, note: str = "",
           asked: bool | None = None) -> SafetyAnswer:
    """Record (or replace) one person's answer: one membership query and one upsert.

    Refuses a closed check or someone who was not asked. `asked` lets the API pass what it
    already learnt in the same query that fetched the check (see `check_for_answer`).
    """
    status, note = _clean_answer(status, note)
    if safety_check.closed_at is not None:
        raise ValidationError({"status": _("This safety check is closed; answers are no longer taken. "
                                           "If you need help, call your officers or 119.")})
    if not (asked or in_audience(safety_check=safety_check, user_id=user_id)):
        raise PermissionDenied(_("You were not asked in this safety check."))
    row = SafetyAnswer(safety_check_id=safety_check.pk, user_id=user_id, status=status, note=note,
                       answered_at=timezone.now())
    _upsert(row)
    return row


def _upsert(row: SafetyAnswer) -> None:
    """INSERT ... ON CONFLICT DO UPDATE: answering twice replaces the answer and its time.

    One statement in autocommit, so one round trip: bulk_create(update_conflicts=True) would wrap
    it in BEGIN/COMMIT, three round trips, which in a disaster (20,000 answers in minutes) shows.
    PostgreSQL and SQLite both speak this syntax.
    """
    table = connection.ops.quote_name(SafetyAnswer._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (safety_check_id, user_id, status, note, answered_at) "  # noqa: S608 (names only)
            "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (safety_check_id, user_id) DO UPDATE SET "
            "status = excluded.status, note = excluded.note, answered_at = excluded.answered_at",
            [row.safety_check_id, row.user_id, row.status, row.note,
             connection.ops.adapt_datetimefield_value(row.answered_at)],
        )


def record_answer(*, check_id: int, user_id: int, status: str, note: str = "") -> SafetyAnswer | None:
    """The answer as one statement: ONE round trip when it can be taken, None otherwise.

    The INSERT ... SELECT writes only if the check is an open association check and the person
    is an active member of that association; otherwise it writes nothing and the caller takes
    the slow path (`answer`), which handles district checks and says why an answer is refused.
    In a disaster thousands of members answer within minutes: this is the whole database cost
    of each of them.
    """
    status, note = _clean_answer(status, note)
    row = SafetyAnswer(safety_check_id=check_id, user_id=user_id, status=status, note=note,
                       answered_at=timezone.now())
    quote = connection.ops.quote_name
    answers, checks, members = (quote(m._meta.db_table) for m in (SafetyAnswer, SafetyCheck, Membership))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {answers} (safety_check_id, user_id, status, note, answered_at) "  # noqa: S608 (names only)
            f"SELECT c.id, %s, %s, %s, %s FROM {checks} c WHERE c.id = %s AND c.closed_at IS NULL "
            f"AND EXISTS (SELECT 1 FROM {members} m WHERE m.association_id = c.association_id "
            "AND m.user_id = %s AND m.status = %s) "
            "ON CONFLICT (safety_check_id, user_id) DO UPDATE SET "
            "status = excluded.status, note = excluded.note, answered_at = excluded.answered_at "
            "RETURNING safety_check_id",
            [user_id, status, note, connection.ops.adapt_datetimefield_value(row.answered_at), check_id,
             user_id, MembershipStatus.ACTIVE],
        )
        return row if cursor.fetchone() is not None else None


def check_for_answer(*, check_id: int, user_id: int) -> tuple[SafetyCheck | None, bool | None]:
    """The check and whether this person was asked, in ONE query for an association check.

    For a district check `asked` is None and `answer` works it out.
    """
    member = Membership.objects.filter(association_id=OuterRef("association_id"), user_id=user_id,
                                       status=MembershipStatus.ACTIVE)
    check = (SafetyCheck.objects.filter(pk=check_id).only("id", "association_id", "closed_at")
             .annotate(asked=Exists(member)).first())
    if check is None:
        return None, None
    return check, (check.asked if check.association_id else None)


def answer_by_token(*, token: str, status: str, note: str = "") -> SafetyAnswer:
    check_id, user_id = read_token(token)
    row = record_answer(check_id=check_id, user_id=user_id, status=status, note=note)
    if row is not None:
        return row
    safety_check = SafetyCheck.objects.filter(pk=check_id).first()
    if safety_check is None:
        raise ValidationError({"token": _("This answer link is not valid.")})
    if safety_check.closed_at is not None:
        raise ValidationError({"token": _("This safety check is closed; answers are no longer taken. "
                                          "If you need help, call your officers or 119.")})
    try:
        return answer(safety_check=safety_check, user_id=user_id, status=status, note=note)
    except PermissionDenied:
        # Someone who has left the association since: the link no longer speaks for them.
        raise ValidationError({"token": _("This answer link is not valid.")}) from None


# --- members who need help (要援護者) ------------------------------------------------------

def register_needs_help(*, membership: Membership, needs: str, consent: bool) -> Membership:
    """A member registers themselves, with explicit consent to share with supporters and officers."""
    errors: dict[str, str] = {}
    needs = (needs or "").strip()
    if not needs:
        errors["needs"] = _("Say what help you would need.")
    elif len(needs) > NEEDS_LIMIT:
        errors["needs"] = _("Use at most %(limit)d characters.") % {"limit": NEEDS_LIMIT}
    if consent is not True:
        errors["consent"] = _("Tick the box to agree that your supporters and officers may see this.")
    if membership.status != MembershipStatus.ACTIVE:
        errors["membership"] = _("Only active members can register.")
    if errors:
        raise ValidationError(errors)
    membership.needs_help = True
    membership.needs_help_note = needs
    membership.needs_help_consent_at = timezone.now()
    membership.save(update_fields=["needs_help", "needs_help_note", "needs_help_consent_at"])
    return membership


@transaction.atomic
def withdraw_needs_help(*, membership: Membership) -> Membership:
    """Withdrawing consent clears everything: needs, consent time and supporters."""
    membership.needs_help = False
    membership.needs_help_note = ""
    membership.needs_help_consent_at = None
    membership.save(update_fields=["needs_help", "needs_help_note", "needs_help_consent_at"])
    membership.supporters.clear()
    return membership


@transaction.atomic
def set_supporters(*, membership: Membership, officer: User, supporter_ids: Iterable[int]) -> Membership:
    """Officers designate supporters: other active members of the same association."""
    if not is_officer(officer, membership.association_id):
        raise PermissionDenied(_("Only officers designate supporters."))
    if not membership.needs_help or membership.needs_help_consent_at is None:
        raise ValidationError({"supporters": _("This member has not registered as needing help.")})
    ids = set(supporter_ids)
    if membership.user_id in ids:
        raise ValidationError({"supporters": _("A member cannot be their own supporter.")})
    valid = set(Membership.objects.filter(association_id=membership.association_id, status=MembershipStatus.ACTIVE,
                                          user_id__in=ids).values_list("user_id", flat=True))
    if ids - valid:
        raise ValidationError({"supporters": _("Supporters must be active members of this association.")})
    membership.supporters.set(valid)
    return membership
