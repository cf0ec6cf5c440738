"""Public warnings as OASIS CAP 1.2: render, convert geometry, validate.

Pure module: no Flask, no database. The report service builds a `CapMessage`
from an approved report, calls `render_cap`, and checks the bytes with
`validate_cap` before serving `GET /reports/{id}/cap.xml`. Keeping this pure
lets the export be tested without an application context and lets a script
validate messages received from others with the same rules.

Safety choices that callers rely on:

* The status is derived from `exercise`. There is no way to pass `Actual`
  for an exercise, and an exercise is also marked in the headline and note,
  because many receivers show only those.
* All text goes through ElementTree, so user text with `<`, `&` or quotes is
  escaped by the library and never assembled by hand.
* `validate_cap` refuses any document that has a DOCTYPE before it parses
  anything, so XXE and entity expansion cannot happen. The parser is also
  defused and not allowed to fetch anything, as a second layer.
"""

from __future__ import annotations

import functools
import heapq
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final, Literal, NamedTuple, get_args
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import xmlschema
from xmlschema.exceptions import XMLResourceError, XMLResourceForbidden

CAP_NS: Final = "urn:oasis:names:tc:emergency:cap:1.2"
SCHEMA_PATH: Final = Path(__file__).resolve().parent / "schema" / "CAP-v1.2.xsd"
STOCKHOLM: Final = ZoneInfo("Europe/Stockholm")
LANGUAGE: Final = "sv-SE"
SCOPE: Final = "Public"

EXERCISE_HEADLINE_PREFIX: Final = "ÖVNING: "
EXERCISE_NOTE_PREFIX: Final = "ÖVNING – "
EXERCISE_DEFAULT_NOTE: Final = "Detta är en övning, inte en verklig händelse."
# CAP 1.2 says a headline SHOULD stay under 160 characters, because SMS
# and sirens with text displays cut it. It is advice, so we do not enforce it.
HEADLINE_RECOMMENDED_MAX: Final = 160
# Larger than any real CAP message. It stops a huge upload before parsing.
MAX_CAP_BYTES: Final = 1_000_000
COORD_DECIMALS: Final = 5  # about 1 m, more than any warning area needs

MsgType = Literal["Alert", "Update", "Cancel"]
Category = Literal[
    "Geo",
    "Met",
    "Safety",
    "Security",
    "Rescue",
    "Fire",
    "Health",
    "Env",
    "Transport",
    "Infra",
    "CBRNE",
    "Other",
]
ResponseType = Literal[
    "Shelter",
    "Evacuate",
    "Prepare",
    "Execute",
    "Avoid",
    "Monitor",
    "Assess",
    "AllClear",
    "None",
]
Urgency = Literal["Immediate", "Expected", "Future", "Past", "Unknown"]
Severity = Literal["Extreme", "Severe", "Moderate", "Minor", "Unknown"]
Certainty = Literal["Observed", "Likely", "Possible", "Unlikely", "Unknown"]

# The runtime sets come from the Literal types, so the two cannot drift apart.
# tests/unit/test_cap.py checks them against the XSD enumerations.
MSG_TYPES: Final = frozenset(get_args(MsgType))
CATEGORIES: Final = frozenset(get_args(Category))
RESPONSE_TYPES: Final = frozenset(get_args(ResponseType))
URGENCIES: Final = frozenset(get_args(Urgency))
SEVERITIES: Final = frozenset(get_args(Severity))
CERTAINTIES: Final = frozenset(get_args(Certainty))

LatLon = tuple[float, float]

# Characters that XML 1.0 cannot carry at all, not even escaped. Text pasted
# from other programs sometimes has them, and ElementTree would write them
# out and produce a document no receiver can parse.
_XML_INVALID_CHARS = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# CAP 1.2 section 3.2.1: identifier and sender "MUST NOT include spaces,
# commas or restricted characters (< and &)", because references joins them
# with commas and spaces.
_CAP_TOKEN_FORBIDDEN = re.compile(r"[\s,<&]")
_CAP_DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[-+]\d\d:\d\d")
# A DOCTYPE is the only way to declare entities. CAP never needs one.
_DTD_MARKUP = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class CapInputError(ValueError):
    """Raised when a `CapMessage` cannot become a correct CAP message.

    `errors` lists every problem at once, so a form can show them all.
    """

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


class CapReference(NamedTuple):
    """An earlier message that an Update or Cancel refers to.

    `sent` must be the same instant the earlier message carried. It is
    rendered with the same function, so it produces the same string.
    """

    sender: str
    identifier: str
    sent: datetime


class CapCircle(NamedTuple):
    """A CAP circle: centre in WGS84 and a radius in kilometres."""

    lat: float
    lon: float
    radius_km: float


@dataclass(frozen=True, kw_only=True)
class CapMessage:
    """Everything needed for one public CAP 1.2 alert with one `sv-SE` info block.

    Frozen and validated on construction, so an invalid warning cannot get
    as far as rendering. Sequences are stored as tuples, so the instance is
    immutable all the way down.
    """

    identifier: str
    sender: str
    sent: datetime
    exercise: bool
    msg_type: MsgType
    category: Category
    event: str
    urgency: Urgency
    severity: Severity
    certainty: Certainty
    sender_name: str
    headline: str
    description: str
    area_desc: str
    references: Sequence[CapReference] = ()
    note: str | None = None
    response_types: Sequence[ResponseType] = ()
    instruction: str | None = None
    web: str | None = None
    contact: str | None = None
    expires: datetime | None = None
    # Rings of (lat, lon), each closed (first == last) with at least 4 points.
    polygons: Sequence[Sequence[LatLon]] = ()
    circles: Sequence[CapCircle] = ()
    # (valueName, value) pairs, e.g. ("Kommunkod", "1463"): receivers that filter on codes, not shapes.
    geocodes: Sequence[tuple[str, str]] = ()
    # RFC 3066 language of the info block (sv-SE unless a translation says otherwise).
    language: str = LANGUAGE

    def __post_init__(self) -> None:
        self._freeze()
        errors = _message_errors(self)
        if errors:
            raise CapInputError(errors)

    def _freeze(self) -> None:
        """Turn caller lists into tuples, so `frozen` really means immutable."""
        if any(isinstance(ring, str) for ring in self.polygons):
            # A common mix-up: polygon strings belong in the XML, not here.
            raise CapInputError(["polygons takes (lat, lon) rings; use geojson_to_cap_rings"])
        set_ = functools.partial(object.__setattr__, self)
        set_("references", tuple(CapReference(*r) for r in self.references))
        set_("response_types", tuple(self.response_types))
        set_("polygons", tuple(tuple((float(lat), float(lon)) for lat, lon in ring) for ring in self.polygons))
        set_("circles", tuple(CapCircle(*(float(v) for v in c)) for c in self.circles))
        set_("geocodes", tuple((str(n), str(v)) for n, v in self.geocodes))

    @property
    def status(self) -> str:
        """`Exercise` or `Actual`. It is derived and cannot be set, on purpose."""
        return "Exercise" if self.exercise else "Actual"

    @property
    def scope(self) -> str:
        """Always `Public`: Krisrum publishes only public warnings as CAP."""
        return SCOPE

    @property
    def cap_headline(self) -> str:
        """The headline as rendered, with the exercise prefix when needed."""
        if self.exercise:
            return _with_prefix(self.headline, EXERCISE_HEADLINE_PREFIX)
        return self.headline

    @property
    def cap_note(self) -> str | None:
        """The note as rendered. An exercise always has one."""
        if self.exercise:
            return _with_prefix(self.note or EXERCISE_DEFAULT_NOTE, EXERCISE_NOTE_PREFIX)
        return self.note


def _with_prefix(text: str, prefix: str) -> str:
    """Add `prefix` once. Running this again on a copied text does not double it."""
    return text if text.startswith(prefix) else prefix + text


# --------------------------------------------------------------------------
# Input validation
# --------------------------------------------------------------------------


def _message_errors(msg: CapMessage) -> list[str]:
    """Collect every reason why `msg` would not be a correct CAP message."""
    errors: list[str] = []
    errors += _token_errors("identifier", msg.identifier)
    errors += _token_errors("sender", msg.sender)
    errors += _datetime_errors("sent", msg.sent)
    errors += _enum_errors(msg)
    errors += _required_text_errors(msg)
    errors += _reference_input_errors(msg)
    errors += _optional_field_errors(msg)
    errors += _area_input_errors(msg)
    return errors


def _token_errors(name: str, value: str) -> list[str]:
    if not value:
        return [f"{name} is required"]
    if _CAP_TOKEN_FORBIDDEN.search(value):
        return [f"{name} must not contain spaces, commas, '<' or '&'"]
    return []


def _datetime_errors(name: str, value: object) -> list[str]:
    if not isinstance(value, datetime):
        return [f"{name} must be a datetime"]
    if value.tzinfo is None or value.utcoffset() is None:
        return [f"{name} must be timezone-aware"]
    return []


def _enum_errors(msg: CapMessage) -> list[str]:
    checks: list[tuple[str, object, frozenset[str]]] = [
        ("msg_type", msg.msg_type, MSG_TYPES),
        ("category", msg.category, CATEGORIES),
        ("urgency", msg.urgency, URGENCIES),
        ("severity", msg.severity, SEVERITIES),
        ("certainty", msg.certainty, CERTAINTIES),
    ]
    checks += [("response_types", r, RESPONSE_TYPES) for r in msg.response_types]
    return [
        f"{name} {value!r} is not one of {sorted(allowed)}" for name, value, allowed in checks if value not in allowed
    ]


def _required_text_errors(msg: CapMessage) -> list[str]:
    required = {
        "event": msg.event,
        "sender_name": msg.sender_name,
        "headline": msg.headline,
        "description": msg.description,
        "area_desc": msg.area_desc,
    }
    return [
        f"{name} is required" for name, value in required.items() if not isinstance(value, str) or not value.strip()
    ]


def _reference_input_errors(msg: CapMessage) -> list[str]:
    errors: list[str] = []
    if msg.msg_type in ("Update", "Cancel") and not msg.references:
        errors.append(f"an {msg.msg_type} must reference the message(s) it replaces")
    for i, ref in enumerate(msg.references, start=1):
        errors += _token_errors(f"references[{i}].sender", ref.sender)
        errors += _token_errors(f"references[{i}].identifier", ref.identifier)
        errors += _datetime_errors(f"references[{i}].sent", ref.sent)
    return errors


def _optional_field_errors(msg: CapMessage) -> list[str]:
    errors: list[str] = []
    if msg.web is not None and not _is_http_url(msg.web):
        # Receivers turn this into a link. Only http(s) is safe to publish.
        errors.append("web must be an absolute http(s) URL")
    if msg.expires is not None:
        expires_errors = _datetime_errors("expires", msg.expires)
        if not expires_errors and not _datetime_errors("sent", msg.sent) and msg.expires <= msg.sent:
            expires_errors.append("expires must be later than sent")
        errors += expires_errors
    return errors


def _is_http_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not re.search(r"\s", value)


def _area_input_errors(msg: CapMessage) -> list[str]:
    errors: list[str] = []
    if not msg.polygons and not msg.circles and not msg.geocodes:
        # Receivers filter on geometry (or codes). A warning without either reaches no one.
        errors.append("the area needs at least one polygon, circle or geocode")
    for i, (name, value) in enumerate(msg.geocodes, start=1):
        if not name.strip() or not value.strip():
            errors.append(f"geocodes[{i}]: valueName and value are required")
    for i, ring in enumerate(msg.polygons, start=1):
        errors += _ring_errors(f"polygons[{i}]", ring)
    for i, circle in enumerate(msg.circles, start=1):
        errors += _point_errors(f"circles[{i}]", circle.lat, circle.lon)
        if not (math.isfinite(circle.radius_km) and circle.radius_km >= 0):
            errors.append(f"circles[{i}]: radius must be a finite number >= 0")
    return errors


def _ring_errors(name: str, ring: Sequence[LatLon]) -> list[str]:
    errors: list[str] = []
    if len(ring) < 4:
        errors.append(f"{name}: a CAP polygon needs at least 4 points")
    elif ring[0] != ring[-1]:
        errors.append(f"{name}: a CAP polygon must be closed (first point == last)")
    for lat, lon in ring:
        errors += _point_errors(name, lat, lon)
    return errors


def _point_errors(name: str, lat: float, lon: float) -> list[str]:
    if math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180:
        return []
    return [f"{name}: ({lat}, {lon}) is not a WGS84 lat, lon"]


# --------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------


def render_cap(msg: CapMessage) -> bytes:
    """Render `msg` as UTF-8 CAP 1.2 XML, with elements in the schema's order.

    The output passes `validate_cap` for every `CapMessage` that can be
    constructed. The tests check this for the kinds of message we send.
    """
    alert = ET.Element(_q("alert"))
    _sub(alert, "identifier", msg.identifier)
    _sub(alert, "sender", msg.sender)
    _sub(alert, "sent", format_cap_datetime(msg.sent))
    _sub(alert, "status", msg.status)
    _sub(alert, "msgType", msg.msg_type)
    _sub(alert, "scope", msg.scope)
    _sub(alert, "note", msg.cap_note)
    if msg.references:
        _sub(alert, "references", format_references(msg.references))
    _render_info(ET.SubElement(alert, _q("info")), msg)
    ET.indent(alert, space="  ")
    xml: bytes = ET.tostring(alert, encoding="utf-8", xml_declaration=True, default_namespace=CAP_NS)
    return xml


def _render_info(info: ET.Element, msg: CapMessage) -> None:
    """Fill the single info block. The order follows the XSD sequence."""
    _sub(info, "language", msg.language)
    _sub(info, "category", msg.category)
    _sub(info, "event", msg.event)
    for response_type in msg.response_types:
        _sub(info, "responseType", response_type)
    _sub(info, "urgency", msg.urgency)
    _sub(info, "severity", msg.severity)
    _sub(info, "certainty", msg.certainty)
    if msg.expires is not None:
        _sub(info, "expires", format_cap_datetime(msg.expires))
    _sub(info, "senderName", msg.sender_name)
    _sub(info, "headline", msg.cap_headline)
    _sub(info, "description", msg.description)
    _sub(info, "instruction", msg.instruction)
    _sub(info, "web", msg.web)
    _sub(info, "contact", msg.contact)
    _render_area(ET.SubElement(info, _q("area")), msg)


def _render_area(area: ET.Element, msg: CapMessage) -> None:
    _sub(area, "areaDesc", msg.area_desc)
    for ring in msg.polygons:
        _sub(area, "polygon", format_cap_polygon(ring))
    for circle in msg.circles:
        _sub(area, "circle", format_cap_circle(circle))
    for name, value in msg.geocodes:
        geocode = ET.SubElement(area, _q("geocode"))
        _sub(geocode, "valueName", name)
        _sub(geocode, "value", value)


def _q(local: str) -> str:
    return f"{{{CAP_NS}}}{local}"


def _sub(parent: ET.Element, local: str, text: str | None) -> ET.Element | None:
    """Append a text element, or nothing when the optional value is empty.

    CAP treats an empty optional element as an error rather than as
    missing, so empty values are left out.
    """
    if text is None or not text.strip():
        return None
    element = ET.SubElement(parent, _q(local))
    element.text = _XML_INVALID_CHARS.sub("", text)
    return element


def format_cap_datetime(value: datetime) -> str:
    """Format as CAP wants: `2026-11-24T14:32:00+01:00`, Stockholm offset.

    Fractional seconds and `Z` are dropped because the CAP schema's pattern
    does not allow them.
    """
    local = value.astimezone(STOCKHOLM).replace(microsecond=0)
    return local.isoformat(timespec="seconds")


def format_references(references: Iterable[CapReference]) -> str:
    """`sender,identifier,sent` for each reference, separated by spaces (CAP 3.2.1)."""
    return " ".join(f"{r.sender},{r.identifier},{format_cap_datetime(r.sent)}" for r in references)


def format_cap_polygon(ring: Sequence[LatLon]) -> str:
    """`lat,lon lat,lon ...`, with at most 5 decimals."""
    return " ".join(f"{_fmt(lat)},{_fmt(lon)}" for lat, lon in ring)


def format_cap_circle(circle: CapCircle) -> str:
    """`lat,lon radius`, with the radius in km (CAP 3.2.4)."""
    return f"{_fmt(circle.lat)},{_fmt(circle.lon)} {_fmt(circle.radius_km)}"


def _fmt(value: float) -> str:
    """Fixed-point with at most COORD_DECIMALS decimals. No exponent and no `-0`."""
    text = f"{value:.{COORD_DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# --------------------------------------------------------------------------
# Geometry: GeoJSON -> CAP polygons
# --------------------------------------------------------------------------


def geojson_to_cap_polygons(geometry: dict[str, Any], max_points: int = 100) -> list[str]:
    """Turn a GeoJSON Polygon or MultiPolygon into CAP polygon strings.

    Each outer ring becomes one string with at most `max_points` points
    (the closing point included). See `geojson_to_cap_rings`.
    """
    return [format_cap_polygon(r) for r in geojson_to_cap_rings(geometry, max_points)]


def geojson_to_cap_rings(geometry: dict[str, Any], max_points: int = 100) -> list[list[LatLon]]:
    """Like `geojson_to_cap_polygons`, but returns (lat, lon) rings for `CapMessage.polygons`.

    GeoJSON is (lon, lat) and CAP is (lat, lon). Coordinates are rounded to
    5 decimals before simplifying, so the output is exactly what will be
    rendered. Rings that collapse to fewer than 3 distinct points are dropped.
    A bare Feature is unwrapped for convenience.
    """
    if max_points < 4:
        raise ValueError("max_points must be at least 4 (a CAP polygon's minimum)")
    rings: list[list[LatLon]] = []
    for ring in _outer_rings(geometry):
        points = _distinct_vertices(_to_lat_lon(ring))
        if len(points) >= 3:
            rings.append(simplify_ring(points, max_points))
    return rings


def _outer_rings(geometry: dict[str, Any]) -> list[Sequence[Sequence[float]]]:
    """The outer ring of every polygon.

    Holes are ignored because a CAP polygon has no way to express one. The
    warning then also covers the hole, which is the safe direction for a
    public warning (some people are warned who need not be, no one is missed).
    """
    kind = geometry.get("type")
    if kind == "Feature":
        return _outer_rings(geometry.get("geometry") or {})
    coordinates = geometry.get("coordinates")
    if kind == "Polygon" and coordinates:
        return [coordinates[0]]
    if kind == "MultiPolygon" and coordinates:
        return [polygon[0] for polygon in coordinates if polygon]
    raise ValueError(f"expected a GeoJSON Polygon or MultiPolygon, got {kind!r}")


def _to_lat_lon(ring: Iterable[Sequence[float]]) -> list[LatLon]:
    """Swap GeoJSON (lon, lat[, alt]) to CAP (lat, lon) and round to CAP precision."""
    points: list[LatLon] = []
    for position in ring:
        lon, lat = float(position[0]), float(position[1])
        if _point_errors("", lat, lon):
            raise ValueError(f"position {list(position)!r} is not WGS84 (lon, lat)")
        points.append((round(lat, COORD_DECIMALS), round(lon, COORD_DECIMALS)))
    return points


def _distinct_vertices(points: Sequence[LatLon]) -> list[LatLon]:
    """Drop the closing point and repeated neighbours (rounding can create them)."""
    out: list[LatLon] = []
    for point in points:
        if not out or point != out[-1]:
            out.append(point)
    while len(out) > 1 and out[0] == out[-1]:
        out.pop()
    return out


def simplify_ring(ring: Sequence[LatLon], max_points: int) -> list[LatLon]:
    """Simplify a (lat, lon) ring to at most `max_points` points, returned closed.

    We use Visvalingam-Whyatt because its stopping rule is a point count,
    which is what CAP receivers limit. It repeatedly removes the vertex whose
    triangle with its two neighbours has the smallest area. That is about
    the least visible change, and it never adds points. The ring is treated
    as cyclic, so the starting vertex can be removed too. Like the original
    algorithm, this does not prevent self-intersections in extreme
    reductions. At about 100 points for a kommun, that does not happen in
    practice.
    """
    if max_points < 4:
        raise ValueError("max_points must be at least 4 (a CAP polygon's minimum)")
    vertices = _distinct_vertices(ring)
    if len(vertices) < 3:
        raise ValueError("a ring needs at least 3 distinct points")
    kept = _visvalingam(vertices, keep=max_points - 1)
    return kept + [kept[0]]


def _visvalingam(vertices: list[LatLon], keep: int) -> list[LatLon]:
    """Keep the `keep` most significant vertices of a cyclic ring, in order.

    A heap with lazy deletion gives O(n log n), so even a full-resolution
    boundary with tens of thousands of vertices simplifies at once.
    """
    n = len(vertices)
    if n <= keep:
        return list(vertices)
    xy = _planar(vertices)
    prev = [(i - 1) % n for i in range(n)]
    nxt = [(i + 1) % n for i in range(n)]
    alive = [True] * n
    area = [_triangle_area(xy[prev[i]], xy[i], xy[nxt[i]]) for i in range(n)]
    heap = [(a, i) for i, a in enumerate(area)]
    heapq.heapify(heap)
    remaining = n
    while remaining > keep:
        a, i = heapq.heappop(heap)
        if not alive[i] or a != area[i]:
            continue  # stale entry: the vertex was removed or its area changed
        alive[i] = False
        remaining -= 1
        p, q = prev[i], nxt[i]
        nxt[p], prev[q] = q, p
        for j in (p, q):
            area[j] = _triangle_area(xy[prev[j]], xy[j], xy[nxt[j]])
            heapq.heappush(heap, (area[j], j))
    return [v for v, keep_it in zip(vertices, alive, strict=True) if keep_it]


def _planar(vertices: Sequence[LatLon]) -> list[tuple[float, float]]:
    """Project to an x/y plane where a degree of lon and of lat are about equal.

    At 57.5 N a degree of longitude is only about 0.54 of a degree of
    latitude. Without this, east-west detail would count for twice as much
    as it should.
    """
    mean_lat = sum(lat for lat, _ in vertices) / len(vertices)
    scale = math.cos(math.radians(mean_lat))
    return [(lon * scale, lat) for lat, lon in vertices]


def _triangle_area(a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]) -> float:
    return abs((b[0] - a[0]) * (c[1] - a[1]) - (c[0] - a[0]) * (b[1] - a[1])) / 2


# --------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------


@functools.cache
def _schema() -> xmlschema.XMLSchema:
    """Load the shipped XSD once per process.

    `use_fallback=False` keeps xmlschema from loading its bundled xmldsig
    schema lazily during validation. That would change a shared object
    while requests use it, and it would check signature internals that the
    CAP schema leaves `lax`. `allow="sandbox"` keeps schema loading inside
    our folder.
    """
    return xmlschema.XMLSchema(
        str(SCHEMA_PATH),
        base_url=str(SCHEMA_PATH.parent),
        allow="sandbox",
        use_fallback=False,
    )


def validate_cap(xml: bytes) -> list[str]:
    """Check `xml` against the CAP 1.2 XSD and the rules the XSD cannot express.

    Returns readable errors; an empty list means valid. A DOCTYPE or entity
    declaration anywhere is refused before any parsing. This is the XXE and
    "billion laughs" protection, and a CAP message never needs one. The
    parser is also defused and may not open any URL or file.
    """
    if len(xml) > MAX_CAP_BYTES:
        return [f"document is larger than {MAX_CAP_BYTES} bytes"]
    if _has_dtd_markup(xml):
        return ["document has a DOCTYPE or entity declaration; refused unparsed (XXE protection)"]
    try:
        resource = xmlschema.XMLResource(xml, allow="none", defuse="always")
    except XMLResourceForbidden as exc:
        return [f"document refused by the safe parser: {exc}"]
    except (XMLResourceError, SyntaxError) as exc:
        return [f"not well-formed XML: {exc}"]
    errors = [_describe(e) for e in _schema().iter_errors(resource)]
    return errors or _semantic_errors(resource.root)


def _has_dtd_markup(xml: bytes) -> bool:
    """Find `<!DOCTYPE`/`<!ENTITY` in any common encoding.

    Removing NUL bytes turns UTF-16 and UTF-32 into ASCII-compatible text,
    so the check cannot be bypassed by re-encoding. The same text inside a
    comment or CDATA section is also refused. That is deliberate, because it
    fails closed.
    """
    return bool(_DTD_MARKUP.search(xml.replace(b"\x00", b"")))


def _describe(error: xmlschema.XMLSchemaValidationError) -> str:
    where = error.path or "/"
    return f"{where}: {error.reason or error.message}"


def _semantic_errors(root: ET.Element) -> list[str]:
    """CAP 1.2 rules that the XSD leaves as plain strings (spec section 3.2)."""
    errors: list[str] = []
    for name in ("identifier", "sender"):
        errors += [f"/alert/{name}: {e}" for e in _token_errors(name, _text(root, name))]
    errors += _references_errors(root)
    errors += _scope_errors(root)
    for i, info in enumerate(root.findall(_q("info")), start=1):
        for j, area in enumerate(info.findall(_q("area")), start=1):
            errors += _area_errors(f"/alert/info[{i}]/area[{j}]", area)
    return errors


def _text(parent: ET.Element, local: str) -> str:
    child = parent.find(_q(local))
    return (child.text or "").strip() if child is not None else ""


def _references_errors(root: ET.Element) -> list[str]:
    """An Update or Cancel without references cannot be applied by a receiver.

    CAP 1.2 defines them as replacing "the earlier message(s) identified in
    <references>".
    """
    refs = _text(root, "references")
    msg_type = _text(root, "msgType")
    if msg_type in ("Update", "Cancel") and not refs:
        return [f"/alert/references: an {msg_type} must name the message(s) it replaces"]
    return [
        f"/alert/references: {ref!r} is not 'sender,identifier,sent'" for ref in refs.split() if not _is_reference(ref)
    ]


def _is_reference(ref: str) -> bool:
    parts = ref.split(",")
    return len(parts) == 3 and all(parts) and bool(_CAP_DATETIME.fullmatch(parts[2]))


def _scope_errors(root: ET.Element) -> list[str]:
    """CAP 1.2 requires restriction for Restricted scope and addresses for Private scope.

    An empty element is tolerated when the scope does not need it. Real
    Canadian NAADS alerts always carry empty `<restriction/>` and
    `<addresses/>`, and refusing them would help no one.
    """
    scope = _text(root, "scope")
    return [
        f"/alert/{local}: required when scope is {needed_for}"
        for local, needed_for in (("restriction", "Restricted"), ("addresses", "Private"))
        if scope == needed_for and not _text(root, local)
    ]


def _area_errors(where: str, area: ET.Element) -> list[str]:
    errors: list[str] = []
    for k, polygon in enumerate(area.findall(_q("polygon")), start=1):
        errors += _polygon_text_errors(f"{where}/polygon[{k}]", polygon.text or "")
    for k, circle in enumerate(area.findall(_q("circle")), start=1):
        errors += _circle_text_errors(f"{where}/circle[{k}]", circle.text or "")
    return errors


def _polygon_text_errors(where: str, text: str) -> list[str]:
    points = [_parse_pair(pair) for pair in text.split()]
    if any(p is None for p in points):
        return [f"{where}: every point must be 'lat,lon' in WGS84"]
    return _ring_errors(where, [p for p in points if p is not None])


def _circle_text_errors(where: str, text: str) -> list[str]:
    parts = text.split()
    centre = _parse_pair(parts[0]) if len(parts) == 2 else None
    radius = _parse_float(parts[1]) if len(parts) == 2 else None
    if centre is None or radius is None or radius < 0:
        return [f"{where}: must be 'lat,lon radius_km' in WGS84"]
    return []


def _parse_pair(pair: str) -> LatLon | None:
    parts = pair.split(",")
    if len(parts) != 2:
        return None
    lat, lon = _parse_float(parts[0]), _parse_float(parts[1])
    if lat is None or lon is None or _point_errors("", lat, lon):
        return None
    return (lat, lon)


def _parse_float(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None
