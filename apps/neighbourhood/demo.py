"""Demo associations of 桜川市: 旭町町内会 and 港町自治会, and the 中央小学校区 network.

Idempotent: rows are found by slug, e-mail or name and created only once. Other parts of the
app add bulletins and events to these associations from their own functions.
"""

from __future__ import annotations

import datetime as dt

from allauth.account.models import EmailAddress
from django.contrib.gis.geos import MultiPolygon, Point
from django.utils import timezone

from apps.accounts.models import User
from apps.neighbourhood.choices import MemberRole, MembershipStatus, NetworkRole, PostCategory, PostKind
from apps.neighbourhood.models import Association, Bulletin, Event, Membership, Network, NetworkMember

ASSOCIATIONS = [
    # slug, name, English name, district code, description
    ("asahi", "旭町町内会", "Asahimachi Neighbourhood Association", "02",
     "旭町の町内会です。回覧板、行事、防災訓練のお知らせをお届けします。"),
    ("minato", "港町自治会", "Minatomachi Residents' Association", "05",
     "港町の自治会です。津波・高潮への備えと見守り活動をしています。"),
]
NEWCOMER = "newcomer@demo.civicportal.jp"
POLICE = "police-liaison@demo.civicportal.jp"


def _area(district) -> MultiPolygon:
    area = district.area
    return area if area.geom_type == "MultiPolygon" else MultiPolygon(area, srid=4326)


def _inside(association: Association, fx: float, fy: float) -> Point:
    west, south, east, north = association.area.extent
    return Point(west + (east - west) * fx, south + (north - south) * fy, srid=4326)


def _person(email: str, family: str, given: str) -> User:
    """A demo person without a login of their own (no password)."""
    user, created = User.objects.get_or_create(email=email, defaults={"last_name": family, "first_name": given})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def _membership(association: Association, user: User, *, real_name: str, address: str, point: Point,
                role: str = MemberRole.MEMBER, status: str = MembershipStatus.ACTIVE) -> None:
    Membership.objects.get_or_create(association=association, user=user, defaults={
        "real_name": real_name, "address": address, "location": point, "role": role, "status": status,
        "decided_at": timezone.now() if status == MembershipStatus.ACTIVE else None,
    })


def seed(demo) -> None:
    associations = {}
    for slug, name, english, code, description in ASSOCIATIONS:
        association, created = Association.objects.get_or_create(slug=slug, defaults={
            "name": name, "name_en": english, "description": description, "area": _area(demo.districts[code])})
        if created:
            association.districts.set([demo.districts[code]])
        associations[slug] = association
    asahi, minato = associations["asahi"], associations["minato"]
    officer, resident = demo.users.get("association_officer"), demo.users.get("resident")
    if officer is not None:
        _membership(asahi, officer, real_name="佐藤 一郎", address="旭町1-2-3", point=_inside(asahi, 0.3, 0.3),
                    role=MemberRole.CHAIR)
    if resident is not None:
        _membership(asahi, resident, real_name="山田 花子", address="旭町2-5-8", point=_inside(asahi, 0.6, 0.5))
    newcomer = _person(NEWCOMER, "田中", "次郎")
    _membership(asahi, newcomer, real_name="田中 次郎", address="旭町3-1-4", point=_inside(asahi, 0.7, 0.7),
                status=MembershipStatus.PENDING)

    network, created = Network.objects.get_or_create(
        name="中央小学校区 安全・安心ネットワーク", defaults={
            "school_district": demo.school_districts["E1"],
            "description": "登下校の見守り、不審者情報、防犯パトロールの連絡に使います。"})
    if created:
        network.associations.set([asahi, minato])
    people = [(demo.users.get("school_staff"), NetworkRole.OWNER, "桜川市立中央小学校"),
              (officer, NetworkRole.PARTICIPANT, asahi.name),
              (_person(POLICE, "伊藤", "巡査"), NetworkRole.PARTICIPANT, "桜川警察署 生活安全課")]
    for user, role, represents in people:
        if user is not None:
            NetworkMember.objects.get_or_create(network=network, user=user,
                                                defaults={"role": role, "represents": represents})
    if officer is not None:
        _posts(asahi, officer)


def _posts(association: Association, chair: User) -> None:
    """A circular and an upcoming event, through the services, so members are notified as in life."""
    from apps.neighbourhood.services.events import create_event
    from apps.neighbourhood.services.posts import create_bulletin

    if not Bulletin.objects.filter(association=association).exists():
        create_bulletin(
            author=chair, association=association, kind=PostKind.CIRCULAR, category=PostCategory.DISASTER,
            title="防災訓練のお知らせ（回覧）",
            body="<p>来月の第2日曜日、午前9時から旭町公園で防災訓練を行います。"
                 "消火器の使い方と、避難所までの道順を確かめます。読んだら「読みました」を押してください。</p>",
            pinned=True,
        )
    if not Event.objects.filter(association=association).exists():
        start = (timezone.now() + dt.timedelta(days=14)).replace(hour=0, minute=0, second=0, microsecond=0)
        create_event(author=chair, association=association, title="旭町公園 清掃活動",
                     description="軍手とごみ袋は町内会で用意します。", starts_at=start,
                     ends_at=start + dt.timedelta(hours=2), place="旭町公園", capacity=40)
