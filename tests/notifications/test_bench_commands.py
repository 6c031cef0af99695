"""The benchmark commands still run and count what they claim (tiny sizes; no timing asserted)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=True)


def test_bench_email_sends_every_mail_it_counts(demo_map):
    out = StringIO()
    call_command("bench_email", mails=30, stdout=out)
    result = json.loads(out.getvalue())
    assert result["mails"] == 30
    assert result["raw_smtplib"]["mails"] == 30
    assert result["per_second"] > 0 and result["ratio_to_raw"] > 0
