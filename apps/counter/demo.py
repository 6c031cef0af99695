"""Demo counter: the standard catalogue and life events, a second clerk, and the demo resident's
moving-in list with two online applications on their way through two departments.

Idempotent: the catalogue is updated by code; the resident's list and applications are made once.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from apps.accounts.models import Department
from apps.accounts.roles import Role
from apps.accounts.services import grant_role, update_profile
from apps.counter import catalogue_seed, demo_floor
from apps.counter.models import LifeEvent, LifeEventPlan
from apps.counter.permissions_applications import may_work_in
from apps.counter.services import routing
from apps.counter.services.applications import submit_application
from apps.counter.services.lifeevents import create_plan

INSURANCE_CLERK = "clerk-insurance@demo.civicportal.jp"
ANSWERS = {
    "full_name": "山田 花子", "postal_code": "290-0050", "address": "桜川市旭町2-5-8", "phone": "0436-22-1111",
    "birth_date": "1990-04-01", "reason": "転入", "members": 3, "children": 2, "bank_account": "桜川銀行 普通 1234567",
    "copies": 1, "purpose": "就職", "include_household": False,
}


def _clerk(demo, email: str, department: Department):
    user, _created = get_user_model().objects.get_or_create(email=email, defaults={"last_name": "中村",
                                                                                  "first_name": "聡"})
    if demo.password:
        user.set_password(demo.password)
    else:
        user.set_unusable_password()
    user.save()
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    update_profile(user=user, display_name="中村 聡")
    grant_role(user=user, role=Role.RESIDENT)
    grant_role(user=user, role=Role.CITY_STAFF, department=department)
    demo.logins.append((f"{Role.CITY_STAFF.label}（{department.name}）", email,
                        demo.password or "(no password: DEBUG is off)"))
    return user


def _answers(procedure) -> dict:
    keys = set(procedure.fields.values_list("key", flat=True))
    return {k: v for k, v in ANSWERS.items() if k in keys}


def seed(demo) -> None:
    _seed_procedures(demo)
    demo_floor.seed(demo)


def _seed_procedures(demo) -> None:
    procedures = catalogue_seed.load()
    insurance = Department.objects.get(code="insurance-pension")
    _clerk(demo, INSURANCE_CLERK, insurance)
    resident, clerk = demo.users.get("resident"), demo.users.get("city_staff")
    if resident is None or LifeEventPlan.objects.filter(user=resident).exists():
        return
    plan = create_plan(user=resident, event=LifeEvent.objects.get(slug="moving-in"),
                       answers={"nhi": True, "has_children": True, "school_children": False, "bulky_waste": False})
    items = {item.procedure.slug: item for item in plan.items.select_related("procedure")}
    nhi = submit_application(procedure=procedures["national-health-insurance"], applicant=resident,
                             answers=_answers(procedures["national-health-insurance"]),
                             plan_item=items["national-health-insurance"])
    submit_application(procedure=procedures["child-allowance"], applicant=resident,
                       answers=_answers(procedures["child-allowance"]), plan_item=items["child-allowance"])
    submit_application(procedure=procedures["residence-certificate"], applicant=resident,
                       answers=_answers(procedures["residence-certificate"]))
    first = nhi.steps.get(order=1)
    if clerk is not None and may_work_in(clerk, first.department_id):
        routing.claim(step_id=first.id, staff=clerk)
        routing.complete(step_id=first.id, staff=clerk, note="住民記録を確認しました")
    demo.notes.append("Counter: the demo resident has a moving-in list and three applications; "
                      "the NHI one waits in 保険年金課's queue (clerk-insurance@demo.civicportal.jp).")
