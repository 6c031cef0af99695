"""Counter tables, one module per topic."""

from apps.counter.models.applications import *  # noqa: F403
from apps.counter.models.catalogue import *  # noqa: F403
from apps.counter.models.lifeevents import *  # noqa: F403

# isort: split
from apps.counter.models.floor import *  # noqa: F403
from apps.counter.models.inquiries import *  # noqa: F403
from apps.counter.models.reports import *  # noqa: F403
