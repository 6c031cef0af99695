"""Messages a service sends on its own (no person behind them) are recorded under a system account."""

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from apps.notifications.choices import OrganisationKind
from apps.notifications.models import Delivery
from apps.notifications.services import SYSTEM_SENDER_EMAIL, Organisation, publish
from tests.notifications.conftest import district_audience

pytestmark = pytest.mark.django_db


def test_service_message_reaches_the_audience_and_names_its_organisation(resident_in, demo_map, run_broadcast):
    resident = resident_in("01")
    message = publish(sender=None, title="水位情報", body="避難判断水位に達しました。", category="disaster",
                      audience=district_audience(demo_map.districts["01"]),
                      organisation=Organisation(OrganisationKind.SCHOOL, 7, "桜川市立中央小学校"))
    assert message.created_by.email == SYSTEM_SENDER_EMAIL
    assert (message.organisation_kind, message.organisation_name) == ("school", "桜川市立中央小学校")
    run_broadcast(message)
    assert Delivery.objects.filter(message=message, recipient=resident, channel="inbox").exists()
    # The system account can never sign in.
    system = message.created_by
    assert not system.is_active and not system.has_usable_password()
    assert authenticate(RequestFactory().post("/"), email=SYSTEM_SENDER_EMAIL, password="") is None


def test_service_message_must_say_in_whose_name(demo_map):
    with pytest.raises(ValueError):
        publish(sender=None, title="t", body="b", category="disaster",
                audience=district_audience(demo_map.districts["01"]))
