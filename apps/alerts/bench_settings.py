"""Settings for the benchmark's server: the real ones, with a trivial baseline view added."""

from civicportal.settings import *  # noqa: F403

ROOT_URLCONF = "apps.alerts.bench_urls"
