"""A community disaster map drawn as SVG on the server, for paper.

Residents without smartphones get the map on A4 or A3: no tiles, no JavaScript. The
district outline and the accepted features are projected equirectangularly (longitude
scaled by the cosine of the middle latitude, which is true to scale over a town), each
feature carries the number of its row in the legend, and every category has its own
pattern, dash style and marker shape so the map still reads when printed in black and
white. A north arrow and a scale bar complete it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from django.contrib.gis.geos import GEOSGeometry
from django.utils.translation import gettext as _

from apps.disastermap.choices import CommunityFeatureCategory as Cat
from apps.disastermap.models import CommunityFeature, CommunityMap

METRES_PER_DEGREE = 111_195  # a degree of latitude on the mean Earth sphere
SCALE_STEPS = (10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10_000)
FONT = "sans-serif"


@dataclass(frozen=True)
class Paper:
    code: str
    width: int  # viewBox units; the page's CSS fits the drawing to the paper
    height: int


PAPERS = {"a4": Paper("a4", 1000, 1150), "a3": Paper("a3", 1500, 960)}


@dataclass(frozen=True)
class Style:
    colour: str
    dash: str  # SVG stroke-dasharray, "" for solid
    marker: str  # circle, square, triangle, diamond, cross-circle, hexagon
    pattern: str  # SVG for one tile of the fill pattern, drawn in the colour


STYLES: dict[str, Style] = {
    Cat.DANGER: Style("#a4000f", "", "triangle",
                      '<path d="M0 12 L12 0" stroke-width="2.5"/>'),
    Cat.BLOCKED_ROAD: Style("#6b3d00", "14 7", "square",
                            '<path d="M0 0 L12 12 M0 12 L12 0" stroke-width="1.5"/>'),
    Cat.MEETING_POINT: Style("#1e6b30", "3 6", "circle",
                             '<circle cx="6" cy="6" r="2" stroke="none"/>'),
    Cat.WATER: Style("#0b5394", "16 5 3 5", "diamond",
                     '<path d="M0 4 L12 4 M0 10 L12 10" stroke-width="1.5"/>'),
    Cat.AED: Style("#5b2a86", "8 4", "hexagon",
                   '<path d="M6 0 L6 12" stroke-width="2"/>'),
    Cat.OTHER: Style("#333333", "2 4", "circle",
                     '<path d="M0 6 L12 6" stroke-width="1.5" stroke-dasharray="2 2"/>'),
}


def style_of(category: str) -> Style:
    return STYLES.get(category, STYLES[Cat.OTHER])


class Projection:
    """lon/lat to viewBox x/y: equirectangular, scaled by cos(latitude), fitted and centred."""

    def __init__(self, bounds: tuple[float, float, float, float], width: float, height: float,
                 margin: float) -> None:
        west, south, east, north = bounds
        self.west, self.north = west, north
        self.k = math.cos(math.radians((south + north) / 2))
        span_x = max((east - west) * self.k, 1e-6)
        span_y = max(north - south, 1e-6)
        self.scale = min((width - 2 * margin) / span_x, (height - 2 * margin) / span_y)
        self.x0 = (width - span_x * self.scale) / 2
        self.y0 = (height - span_y * self.scale) / 2

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return (self.x0 + (lon - self.west) * self.k * self.scale,
                self.y0 + (self.north - lat) * self.scale)

    @property
    def metres_per_unit(self) -> float:
        return METRES_PER_DEGREE / self.scale


def _bounds(geometries: Iterable[GEOSGeometry]) -> tuple[float, float, float, float]:
    extents = [g.extent for g in geometries if g is not None and not g.empty]
    if not extents:
        return (0.0, 0.0, 1e-3, 1e-3)
    west = min(e[0] for e in extents)
    south = min(e[1] for e in extents)
    east = max(e[2] for e in extents)
    north = max(e[3] for e in extents)
    pad_x, pad_y = max((east - west) * 0.04, 2e-4), max((north - south) * 0.04, 2e-4)
    return (west - pad_x, south - pad_y, east + pad_x, north + pad_y)


def _path(projection: Projection, coords: Sequence[Sequence[float]], *, closed: bool) -> str:
    points = [projection.xy(c[0], c[1]) for c in coords]
    d = "M" + " L".join(f"{x:.1f} {y:.1f}" for x, y in points)
    return d + (" Z" if closed else "")


def _polygon_path(projection: Projection, geometry: GEOSGeometry) -> str:
    polygons = geometry.coords if geometry.geom_type == "MultiPolygon" else [geometry.coords]
    return " ".join(_path(projection, ring, closed=True) for polygon in polygons for ring in polygon)


def marker(shape: str, x: float, y: float, r: float, colour: str) -> str:
    """A white shape with a coloured edge; its outline tells the category without colour."""
    common = f'fill="#ffffff" stroke={quoteattr(colour)} stroke-width="3"'
    if shape == "square":
        return f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}" {common}/>'
    if shape == "triangle":
        h = r * 1.35
        return (f'<path d="M{x:.1f} {y - h:.1f} L{x + h:.1f} {y + h * 0.7:.1f} '
                f'L{x - h:.1f} {y + h * 0.7:.1f} Z" {common}/>')
    if shape == "diamond":
        h = r * 1.3
        return (f'<path d="M{x:.1f} {y - h:.1f} L{x + h:.1f} {y:.1f} L{x:.1f} {y + h:.1f} '
                f'L{x - h:.1f} {y:.1f} Z" {common}/>')
    if shape == "hexagon":
        corners = " L".join(f"{x + r * 1.15 * math.cos(math.radians(60 * i)):.1f} "
                            f"{y + r * 1.15 * math.sin(math.radians(60 * i)):.1f}" for i in range(6))
        return f'<path d="M{corners} Z" {common}/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" {common}/>'


def _numbered(shape: str, x: float, y: float, number: int, colour: str, r: float = 17) -> str:
    size = 18 if number < 100 else 14
    return (marker(shape, x, y, r, colour)
            + f'<text x="{x:.1f}" y="{y + size * 0.36:.1f}" font-family="{FONT}" font-size="{size}" '
              f'font-weight="bold" text-anchor="middle" fill="#000000">{number}</text>')


def _defs(prefix: str = "pat", categories: Iterable[str] = tuple(STYLES)) -> str:
    patterns = "".join(
        f'<pattern id="{prefix}-{code}" patternUnits="userSpaceOnUse" width="12" height="12">'
        f'<g stroke={quoteattr(STYLES[code].colour)} fill={quoteattr(STYLES[code].colour)}>{STYLES[code].pattern}</g>'
        '</pattern>'
        for code in categories
    )
    return f"<defs>{patterns}</defs>"


def _feature_svg(projection: Projection, feature: CommunityFeature, number: int) -> tuple[str, str]:
    """The shape (drawn first) and its numbered marker (drawn on top of everything)."""
    style = style_of(feature.category)
    geometry = feature.geometry
    dash = f' stroke-dasharray="{style.dash}"' if style.dash else ""
    label = f"<title>{number}. {escape(feature.title)}</title>"
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        shape = (f'<path d="{_polygon_path(projection, geometry)}" fill="url(#pat-{feature.category})" '
                 f'fill-opacity="0.85" fill-rule="evenodd" stroke={quoteattr(style.colour)} '
                 f'stroke-width="3"{dash}>{label}</path>')
        anchor = geometry.point_on_surface
    elif geometry.geom_type == "LineString":
        d = _path(projection, geometry.coords, closed=False)
        # A white casing keeps the dashes legible across the district outline.
        shape = (f'<path d="{d}" fill="none" stroke="#ffffff" stroke-width="10" stroke-linecap="round"/>'
                 f'<path d="{d}" fill="none" stroke={quoteattr(style.colour)} stroke-width="5" '
                 f'stroke-linecap="round"{dash}>{label}</path>')
        anchor = geometry.interpolate_normalized(0.5)
    else:
        shape, anchor = "", geometry.centroid
    x, y = projection.xy(anchor.x, anchor.y)
    return shape, f'<g class="marker">{label}{_numbered(style.marker, x, y, number, style.colour)}</g>'


def _nice_length(max_metres: float) -> int:
    fitting = [step for step in SCALE_STEPS if step <= max_metres]
    return fitting[-1] if fitting else SCALE_STEPS[0]


def _scale_bar(projection: Projection, paper: Paper) -> tuple[str, int]:
    metres = _nice_length(paper.width * 0.25 * projection.metres_per_unit)
    length = metres / projection.metres_per_unit
    x, y = 30.0, paper.height - 40.0
    label = f"{metres // 1000} km" if metres >= 1000 and metres % 1000 == 0 else f"{metres} m"
    half = length / 2
    return (
        f'<g class="scale-bar"><title>{escape(_("Scale bar"))}</title>'
        f'<rect x="{x - 10:.1f}" y="{y - 38:.1f}" width="{length + 40:.1f}" height="58" fill="#ffffff" '
        f'fill-opacity="0.9" stroke="#000000" stroke-width="1"/>'
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{half:.1f}" height="10" fill="#000000" stroke="#000000"/>'
        f'<rect x="{x + half:.1f}" y="{y:.1f}" width="{half:.1f}" height="10" fill="#ffffff" stroke="#000000"/>'
        f'<text x="{x:.1f}" y="{y - 10:.1f}" font-family="{FONT}" font-size="20">0</text>'
        f'<text x="{x + length:.1f}" y="{y - 10:.1f}" font-family="{FONT}" font-size="20" '
        f'text-anchor="end">{label}</text></g>'
    ), metres


def _north_arrow(paper: Paper) -> str:
    x, y = paper.width - 60.0, 24.0
    return (
        f'<g class="north-arrow"><title>{escape(_("North"))}</title>'
        f'<rect x="{x - 40}" y="{y - 6}" width="80" height="106" rx="8" fill="#ffffff" fill-opacity="0.9" '
        f'stroke="#000000" stroke-width="1"/>'
        f'<text x="{x}" y="{y + 22}" font-family="{FONT}" font-size="26" font-weight="bold" '
        f'text-anchor="middle">N</text>'
        f'<path d="M{x} {y + 32} L{x + 16} {y + 92} L{x} {y + 80} Z" fill="#000000"/>'
        f'<path d="M{x} {y + 32} L{x - 16} {y + 92} L{x} {y + 80} Z" fill="#ffffff" stroke="#000000" '
        f'stroke-width="2"/></g>'
    )


def render(community_map: CommunityMap, features: Sequence[CommunityFeature], *, paper: str = "a4") -> str:
    """The map as an SVG document; features are numbered 1..n in the order given (the legend's)."""
    sheet = PAPERS.get(paper, PAPERS["a4"])
    district = community_map.district.area
    projection = Projection(_bounds([district, *(f.geometry for f in features)]), sheet.width, sheet.height,
                            margin=30)
    areas, lines, markers = [], [], []
    for number, feature in enumerate(features, start=1):
        shape, mark = _feature_svg(projection, feature, number)
        (areas if feature.geometry.geom_type in ("Polygon", "MultiPolygon") else lines).append(shape)
        markers.append(mark)
    scale_bar, _metres = _scale_bar(projection, sheet)
    title = _("Community disaster map %(name)s") % {"name": community_map.name}
    return "".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {sheet.width} {sheet.height}" role="img" '
        f'aria-labelledby="svgmap-title" class="print-map" data-paper="{sheet.code}" '
        f'data-metres-per-unit="{projection.metres_per_unit:.4f}">',
        f'<title id="svgmap-title">{escape(title)}</title>',
        _defs(),
        f'<rect x="0" y="0" width="{sheet.width}" height="{sheet.height}" fill="#ffffff" stroke="#000000" '
        f'stroke-width="2"/>',
        f'<path class="district" d="{_polygon_path(projection, district)}" fill="#f4f4f4" fill-rule="evenodd" '
        f'stroke="#000000" stroke-width="4" stroke-dasharray="22 6 4 6"><title>{escape(community_map.district.name)}'
        f'</title></path>',
        *areas, *lines, *markers,
        _north_arrow(sheet), scale_bar,
        "</svg>",
    ])


def legend_symbol(category: str) -> str:
    """A small key for the legend: the category's fill, line and marker side by side."""
    style = style_of(category)
    dash = f' stroke-dasharray="{style.dash}"' if style.dash else ""
    key = category if category in STYLES else Cat.OTHER
    prefix = f"key-{key}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40" class="legend-symbol" aria-hidden="true">'
        f'{_defs(prefix, [key])}'
        f'<rect x="2" y="6" width="34" height="28" fill="url(#{prefix}-{key})" stroke={quoteattr(style.colour)} '
        f'stroke-width="2"{dash}/>'
        f'<path d="M44 20 L82 20" stroke={quoteattr(style.colour)} stroke-width="5"{dash} fill="none"/>'
        f'{marker(style.marker, 102, 20, 11, style.colour)}</svg>'
    )
