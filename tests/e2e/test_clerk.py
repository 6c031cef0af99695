"""A resident applies online; a clerk of the first step's department signs in with the TOTP code,
claims and completes the step from the work queue; the applicant's timeline shows it."""

from __future__ import annotations

import pytest
from django.utils import translation

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_clerk_moves_an_application(new_visit, sign_in, make_user, language, eager_tasks):
    from apps.accounts.models import Department
    from apps.accounts.roles import Role
    from apps.accounts.services import grant_role
    from apps.counter import catalogue_seed
    from apps.counter.choices_procedures import EventKind
    from apps.counter.models import Application

    procedure = catalogue_seed.load()["national-health-insurance"]
    first_step = procedure.steps.get(order=1)  # citizen affairs checks the resident record
    resident = make_user(Role.RESIDENT)
    clerk = make_user(Role.RESIDENT)
    grant_role(user=clerk, role=Role.CITY_STAFF, department=Department.objects.get(pk=first_step.department_id))

    # The resident applies online.
    applicant = new_visit()
    sign_in(applicant, resident)
    applicant.open(f"/counter/procedures/{procedure.slug}/apply/")
    applicant.fill({"full_name": "山田 花子", "birth_date": "1990-04-01", "postal_code": "290-0050",
                    "address": "市原市更級5丁目1番地1", "phone": "0436-22-1111", "members": "2"})
    applicant.page.select_option('[name="reason"]', "退職")
    applicant.click('main [type="submit"]')
    application = Application.objects.get(applicant=resident)
    assert applicant.path == f"/counter/applications/{application.pk}/"
    assert application.receipt_number in applicant.text()

    # The clerk signs in (password, then the authenticator code) and works the queue.
    desk = new_visit()
    sign_in(desk, clerk)
    desk.open("/counter/staff/queue/")
    assert application.receipt_number in desk.text()
    desk.click(f'main form[action*="/claim/"] button[aria-label*="{application.receipt_number}"]')
    step = application.steps.get(order=1)
    step.refresh_from_db()
    assert step.status == "claimed" and step.claimed_by_id == clerk.pk
    desk.click(f'main form[action*="/complete/"] button[aria-label*="{application.receipt_number}"]')
    step.refresh_from_db()
    assert step.status == "done"
    desk.open(f"/counter/staff/applications/{application.pk}/")  # the clerk's view of it (audited)
    assert "市原市更級5丁目1番地1" in desk.text()

    # The applicant's timeline shows the claim and the completed step.
    applicant.open(f"/counter/applications/{application.pk}/")
    timeline = applicant.page.inner_text("ol.counter-timeline")
    with translation.override(language):
        for kind in (EventKind.CLAIMED, EventKind.STEP_DONE):
            assert str(kind.label) in timeline, (kind, timeline)
    assert first_step.name in timeline
