"""Neighbourhood admin, one module per topic."""

from apps.neighbourhood.admin import associations, events, networks, posts, safety, surveys  # noqa: F401
