"""Child watch admin, one module per topic."""

from apps.childwatch.admin import alerts, gates, reports, schools  # noqa: F401
