"""The disaster map's admin, one module per topic."""

from apps.disastermap.admin import community, core, layers, transfer  # noqa: F401
