"""One demo login per role, each with a verified email so it can sign in at once."""

from allauth.account.models import EmailAddress
from django.contrib.gis.geos import Point

from apps.accounts.mfa import SECOND_FACTOR_ROLES, give_totp
from apps.accounts.models import Department, Language, User
from apps.accounts.roles import Role
from apps.accounts.services import grant_role, update_profile

# The demo staff's authenticator secret (base32), known so a newcomer can sign in: add it to an
# authenticator app or run `manage.py demo_totp` for the current code. Only set with DEBUG on.
DEMO_TOTP_SECRET = "CIVICPORTALDEMO2FACODE23"  # noqa: S105  (demo only, documented)

DEPARTMENTS = [
    ("crisis-management", "危機管理課", "Crisis Management Division"),
    ("citizen-affairs", "市民課", "Citizen Affairs Division"),
    ("education", "教育委員会 学校教育課", "Board of Education, School Education Division"),
]

# (email, role, display name, family name, given name, district code, language)
PEOPLE = [
    ("resident@demo.civicportal.jp", Role.RESIDENT, "山田 花子", "山田", "花子", "01", Language.JAPANESE),
    ("resident-en@demo.civicportal.jp", Role.RESIDENT, "Alex Smith", "Smith", "Alex", "05", Language.ENGLISH),
    ("officer@demo.civicportal.jp", Role.ASSOCIATION_OFFICER, "佐藤 一郎", "佐藤", "一郎", "03", Language.JAPANESE),
    ("teacher@demo.civicportal.jp", Role.SCHOOL_STAFF, "鈴木 恵子", "鈴木", "恵子", "02", Language.JAPANESE),
    ("clerk@demo.civicportal.jp", Role.CITY_STAFF, "高橋 誠", "高橋", "誠", "04", Language.JAPANESE),
    ("admin@demo.civicportal.jp", Role.SYSTEM_ADMIN, "システム管理者", "管理", "太郎", "01", Language.JAPANESE),
]


def seed(demo) -> None:
    departments = {}
    for code, name, english in DEPARTMENTS:
        departments[code], _ = Department.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": english}
        )
    for email, role, display, family, given, district_code, language in PEOPLE:
        user, _created = User.objects.get_or_create(email=email, defaults={"last_name": family, "first_name": given})
        if demo.password:
            user.set_password(demo.password)
        else:
            # Also clears a demo password left from an earlier run with DEBUG on.
            user.set_unusable_password()
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        district = demo.districts[district_code]
        centre = district.area.centroid
        update_profile(
            user=user, display_name=display, preferred_language=language,
            home_location=Point(centre.x, centre.y, srid=4326), district=district,
        )
        grant_role(user=user, role=Role.RESIDENT)
        if role == Role.CITY_STAFF:
            grant_role(user=user, role=role, department=departments["citizen-affairs"])
        elif role != Role.RESIDENT:
            grant_role(user=user, role=role)
        if role in SECOND_FACTOR_ROLES and demo.password:
            give_totp(user, DEMO_TOTP_SECRET)
        demo.users.setdefault(role.value, user)
        demo.logins.append((str(role.label), email, demo.password or "(no password: DEBUG is off)"))
    if demo.password:
        demo.notes.append(
            f"Staff, school staff, officer and admin logins ask for a second-factor code: "
            f"run `python manage.py demo_totp` for the current one (secret {DEMO_TOTP_SECRET})."
        )
    if not demo.password:
        demo.notes.append(
            "DEBUG is off, so demo accounts have no password. Set one with: "
            "python manage.py changepassword <email>"
        )
