from io import StringIO

import pytest
from django.core.management import call_command

from apps.notifications.demo import TITLE
from apps.notifications.models import Message


@pytest.mark.django_db
def test_demo_city_queues_one_welcome_message_however_often_it_is_seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    message = Message.objects.get(title=TITLE)
    assert message.status == "sending"
    assert message.variants.get(language="en").title.startswith("Welcome")
