"""The staff dashboard's panels. Each app registers its own from `<app>/dashboard.py`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    # Returns rows of (label, value) the template shows as a small table.
    figures: Callable[[HttpRequest], list[tuple[str, object]]]
    order: int = 100
    link_name: str = ""


_panels: dict[str, Panel] = {}


def register(panel: Panel) -> None:
    _panels[panel.key] = panel


def panels() -> list[Panel]:
    return sorted(_panels.values(), key=lambda panel: (panel.order, panel.key))
