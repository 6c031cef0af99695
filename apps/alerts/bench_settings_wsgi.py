"""WSGI entry for the benchmark's gunicorn (settings: apps.alerts.bench_settings)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "apps.alerts.bench_settings")
application = get_wsgi_application()
