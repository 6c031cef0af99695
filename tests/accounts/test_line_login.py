"""LINE Login is offered only when its channel keys are configured.

INSTALLED_APPS depends on the environment, so each case runs in its own process.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.conf import settings
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
page = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
print("line-app", "allauth.socialaccount.providers.line" in settings.INSTALLED_APPS)
print("line-link", "/accounts/line/login/" in page)
"""


def login_page_facts(tmp_path, **env) -> set[str]:
    # A throwaway SpatiaLite database in tmp_path: never the suite's or a real one.
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("LINE_") and k not in {"DATABASE_URL", "REDIS_URL"}}
    clean.update(env, DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="civicportal.settings")
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=clean, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return set(result.stdout.strip().splitlines())


def test_line_login_is_absent_without_keys(tmp_path):
    assert login_page_facts(tmp_path) == {"line-app False", "line-link False"}


def test_line_login_appears_with_keys(tmp_path):
    facts = login_page_facts(tmp_path, LINE_LOGIN_CHANNEL_ID="1650000000", LINE_LOGIN_CHANNEL_SECRET="s3cret")
    assert facts == {"line-app True", "line-link True"}
