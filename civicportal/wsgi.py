"""WSGI entry point (gunicorn civicportal.wsgi)."""

import os
import sys

from django.core.wsgi import get_wsgi_application

from civicportal.config import ConfigError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicportal.settings")

try:
    application = get_wsgi_application()
except ConfigError as exc:
    sys.stderr.write(f"civicportal: configuration error: {exc}\n")
    sys.exit(2)
