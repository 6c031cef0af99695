"""Demo counter floor, inquiries and resident reports for 桜川市. Call `seed(demo)` after accounts and geo.

Idempotent: rows are found by natural keys (queue code, service code, subject) and made once;
today's tickets are made only when the queue has none today.
"""

from __future__ import annotations

from django.contrib.auth.models import Permission

from apps.accounts.models import Department
from apps.accounts.roles import Role
from apps.counter.models import (
    CounterWindow,
    FaqEntry,
    FloorQueue,
    Inquiry,
    ReportService,
    ReportServiceAttribute,
    ResidentReport,
    Ticket,
)
from apps.counter.open311.keys import new_key
from apps.counter.services import floor as floor_services
from apps.counter.services import reports as report_services

DEPARTMENTS = [
    ("road-maintenance", "道路維持課", "Road Maintenance Division"),
    ("parks", "公園緑地課", "Parks and Green Spaces Division"),
    ("environment", "環境保全課", "Environmental Conservation Division"),
]
QUEUES = [  # (code, prefix, name, name_en, department code, windows)
    ("citizen-notifications", "A", "住民異動・証明書", "Moves and certificates", "citizen-affairs",
     ["1番窓口", "2番窓口", "3番窓口"]),
    ("insurance-pension", "B", "国民健康保険・年金", "Health insurance and pension", "citizen-affairs",
     ["5番窓口", "6番窓口"]),
]
SERVICES = [  # (code, name, name_en, group, department code, keywords, attributes)
    ("road-damage", "道路の損傷", "Damaged road", "道路", "road-maintenance", "穴,陥没,段差,pothole",
     [("size", "singlevaluelist", True, "損傷の大きさ", [("small", "30cm未満"), ("large", "30cm以上")]),
      ("danger", "multivaluelist", False, "危険な点", [("car", "車が通れない"), ("walk", "歩行者がつまずく")])]),
    ("park", "公園の遊具・設備", "Park equipment", "公園", "parks", "遊具,ベンチ,トイレ", []),
    ("river", "河川・水路", "Rivers and channels", "河川", "road-maintenance", "水路,ごみ,あふれ", []),
    ("street-light", "街灯の故障", "Street light out", "道路", "road-maintenance", "街灯,防犯灯",
     [("pole_number", "string", False, "電柱・街灯の番号（分かれば）", [])]),
    ("dumping", "不法投棄", "Illegal dumping", "環境", "environment", "ごみ,粗大ごみ,不法投棄", []),
]


def _departments() -> dict[str, Department]:
    found = {d.code: d for d in Department.objects.all()}
    for code, name, english in DEPARTMENTS:
        if code not in found:
            found[code] = Department.objects.create(code=code, name=name, name_en=english)
    return found


def seed(demo) -> None:
    departments = _departments()
    clerk = demo.users.get(Role.CITY_STAFF.value)
    admin = demo.users.get(Role.SYSTEM_ADMIN.value)
    resident = demo.users.get(Role.RESIDENT.value)
    for code, prefix, name, name_en, department, windows in QUEUES:
        queue, _created = FloorQueue.objects.get_or_create(code=code, defaults={
            "prefix": prefix, "name": name, "name_en": name_en, "department": departments[department]})
        for label in windows:
            CounterWindow.objects.get_or_create(queue=queue, label=label)
        if clerk and not Ticket.objects.filter(queue=queue, date__gte=_today()).exists():
            tickets = [floor_services.issue_ticket(queue=queue, issued_by=clerk) for _ in range(4)]
            floor_services.call_next(window=queue.windows.order_by("label").first(), user=clerk)
            floor_services.move_ticket(ticket=tickets[0], action="serve", user=clerk)
    for code, name, name_en, group, department, keywords, attributes in SERVICES:
        service, _created = ReportService.objects.get_or_create(code=code, defaults={
            "name": name, "name_en": name_en, "group": group, "keywords": keywords,
            "department": departments[department], "service_notice": "担当課が3開庁日以内に確認します。"})
        for order, (attr_code, datatype, required, question, values) in enumerate(attributes, start=1):
            ReportServiceAttribute.objects.get_or_create(service=service, code=attr_code, defaults={
                "datatype": datatype, "required": required, "description": question, "order": order,
                "values": [{"key": k, "name": n} for k, n in values]})
    if not ResidentReport.objects.exists() and demo.districts:
        centres = [d.area.point_on_surface for d in list(demo.districts.values())[:4]]
        road = ReportService.objects.get(code="road-damage")
        report_services.submit_report(service=road, description="交差点の手前に深い穴があります。",
                                      lat=centres[0].y, lon=centres[0].x, attributes={"size": "large"},
                                      reporter=resident)
        report_services.submit_report(service=ReportService.objects.get(code="street-light"),
                                      description="夜になっても点灯しません。", lat=centres[1].y, lon=centres[1].x,
                                      reporter=resident)
        report_services.submit_report(service=ReportService.objects.get(code="dumping"),
                                      description="川沿いに家電が捨てられています。", lat=centres[2].y,
                                      lon=centres[2].x, address_string="桜川河川敷")
    if admin and not Inquiry.objects.exists():
        citizen = departments["citizen-affairs"]
        inquiry = Inquiry.objects.create(
            department=citizen, asker=resident, subject="住民票の写しはコンビニで取れますか",
            body="マイナンバーカードがあればコンビニで住民票の写しを取れると聞きました。何時まで使えますか。",
            status="answered", draft_answer="", answer="マイナンバーカードをお持ちの方は、全国のコンビニで"
            "6時30分から23時まで取得できます（年末年始を除く）。", drafted_by=clerk, approved_by=admin)
        FaqEntry.objects.create(department=citizen, inquiry=inquiry,
                                question="住民票の写しはコンビニで取れますか。", answer=inquiry.answer,
                                published_by=clerk)
        Inquiry.objects.create(department=citizen, asker_email="visitor@example.jp", subject="転入届の持ち物",
                               body="来月転入します。何を持っていけばよいですか。")
    if clerk:
        clerk.user_permissions.add(Permission.objects.get(codename="approve_inquiry_answer"))
    if not demo.notes or "Open311" not in " ".join(demo.notes):
        from apps.counter.models import Open311ApiKey

        if not Open311ApiKey.objects.filter(name="demo client").exists():
            _key, plain = new_key(name="demo client")
            demo.notes.append(f"Open311 demo API key (shown once): {plain}")


def _today():
    from django.utils import timezone

    return timezone.localdate()
