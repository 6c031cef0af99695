"""A water level line chart drawn on the server as SVG: works without JavaScript and in print.

Returns plain numbers for the template (`layers/_level_chart.html`); the readings table next
to it carries the same data for screen readers.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.disastermap.choices import WaterStage
from apps.disastermap.models import WaterLevelReading, WaterLevelStation

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 60, 470, 20, 250  # the plot area; threshold labels go right of it
HOURS = 24
NICE_STEPS = (0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10, 20, 50)
# Presentation attributes, not style attributes: allowed by the CSP and kept in print.
STAGE_COLOURS = {1: "#0b5394", 2: "#8a6d00", 3: "#c62828", 4: "#6a1b9a"}


def _short_names() -> dict[int, str]:
    return {1: _("Standby"), 2: _("Caution"), 3: _("Evacuation"), 4: _("Danger")}


def _scale(value: float, lo: float, hi: float, out_lo: float, out_hi: float) -> float:
    return out_lo + (value - lo) * (out_hi - out_lo) / (hi - lo)


def level_chart(station: WaterLevelStation, readings: list[WaterLevelReading]) -> dict | None:
    """Chart geometry for the last 24 hours, or None when there is nothing to draw."""
    if not readings:
        return None
    end = readings[-1].measured_at
    start = end - dt.timedelta(hours=HOURS)
    levels = [float(r.level) for r in readings]
    thresholds = [(stage, float(level)) for stage, level in station.thresholds()]
    values = levels + [level for _stage, level in thresholds]
    lo, hi = min(values), max(values)
    pad = max((hi - lo) * 0.05, 0.1)
    step = next(s for s in NICE_STEPS if (hi - lo + 2 * pad) / s <= 6)
    lo, hi = math.floor((lo - pad) / step) * step, math.ceil((hi + pad) / step) * step

    def x(moment: dt.datetime) -> float:
        return round(_scale((moment - start).total_seconds(), 0, HOURS * 3600, LEFT, RIGHT), 1)

    def y(level: float) -> float:
        return round(_scale(level, lo, hi, BOTTOM, TOP), 1)

    points = [(x(r.measured_at), y(float(r.level))) for r in readings]
    y_ticks = [{"y": y(lo + step * i), "label": f"{lo + step * i:.2f}"} for i in range(round((hi - lo) / step) + 1)]
    x_ticks = []
    for i in range(5):
        moment = start + dt.timedelta(hours=6 * i)
        x_ticks.append({"x": x(moment), "label": timezone.localtime(moment).strftime("%H:%M")})
    names = _short_names()
    lines = [{"y": y(level), "colour": STAGE_COLOURS[stage], "label": f"{names[stage]} {level:.2f} m",
              "title": WaterStage(stage).label} for stage, level in thresholds]
    latest = readings[-1]
    summary = _("From %(start)s to %(end)s the level went from %(first)s m to %(last)s m "
                "(lowest %(min)s m, highest %(max)s m).") % {
        "start": timezone.localtime(readings[0].measured_at).strftime("%m/%d %H:%M"),
        "end": timezone.localtime(latest.measured_at).strftime("%m/%d %H:%M"),
        "first": readings[0].level, "last": latest.level,
        "min": min(Decimal(r.level) for r in readings), "max": max(Decimal(r.level) for r in readings),
    }
    return {
        "width": WIDTH, "height": HEIGHT, "left": LEFT, "right": RIGHT, "top": TOP, "bottom": BOTTOM,
        "polyline": " ".join(f"{px},{py}" for px, py in points),
        "dots": [{"x": px, "y": py} for px, py in points] if len(points) <= 150 else [],
        "y_ticks": y_ticks, "x_ticks": x_ticks, "thresholds": lines, "summary": summary,
        "label_x": RIGHT + 8,
    }
