"""The indicator chart drawn directly as a small SVG document, without matplotlib.

The strategy browser embeds one chart per indicator (180 at ten times the demo size), so the
web chart must cost well under a millisecond to draw: this module writes the SVG elements by
hand from ``charts.IndicatorChart`` figures. It follows the same visual rules as the matplotlib
figure that documents use (PNG): targets are hatched bars (a ``<pattern>``, readable in
grayscale), approved results black markers joined by a line and labelled with their value, the
baseline a dashed line, statuses written under each period, sample data labelled. Text stays
text, so screen readers, search and copy work; the ``<img>`` carries the full alt text.

The drawing is a fixed 560 x 240 canvas (the size the page reserves for it, no layout shift).
"""

from __future__ import annotations

import math
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 560, 240
# Plot area (user units = CSS px at the displayed size).
LEFT, RIGHT, TOP, BOTTOM = 58, 418, 34, 190
NOTE_LINE = 12
FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"


def _nice_step(span: float, ticks: int = 4) -> float:
    """A round tick step (1, 2 or 5 times a power of ten) giving about ``ticks`` intervals."""
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def _tick_label(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:g}"


def _text(x: float, y: float, body: str, *, size: float = 10, anchor: str = "start", extra: str = "") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" text-anchor="{anchor}"{extra}>'
            f"{escape(body)}</text>")


def draw(data, fmt_value, sample_label: str) -> bytes:
    """The SVG of one ``charts.IndicatorChart`` (``fmt_value(value, value_type)`` formats figures)."""
    title = f"{data.code} {data.name}"
    title = title if len(title) < 80 else title[:77] + "…"
    out = [
        f'<?xml version="1.0" encoding="utf-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" '
        f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" font-family="{FONT}" fill="#000000">',
        f"<title>{escape(title)}</title>",
        '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#000000" stroke-width="1"/></pattern></defs>',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        _text(8, 16, title, size=12),
    ]
    notes = []
    if data.cumulative:
        notes.append("Cumulative: values are per-period increments; status uses running totals.")
    if data.sample:
        notes.append(sample_label)
    if data.value_type == "qualitative" or not data.periods:
        message = ("Qualitative indicator: results are text, see the table" if data.periods else
                   "No targets or results yet")
        out.append(_text(WIDTH / 2, HEIGHT / 2, message, size=12, anchor="middle"))
    else:
        # Each note gets a line of its own under the period labels; the plot shrinks to make room.
        out.extend(_plot(data, fmt_value, BOTTOM - NOTE_LINE * len(notes)))
    for i, note in enumerate(notes):
        out.append(_text(8, HEIGHT - 5 - NOTE_LINE * (len(notes) - 1 - i), note, size=9, extra=' font-style="italic"'))
    out.append("</svg>\n")
    return "\n".join(out).encode("utf-8")


def _plot(data, fmt_value, bottom: float) -> list[str]:
    n = len(data.periods)
    values = [v for v in data.targets + data.results if v is not None]
    if data.baseline is not None:
        values.append(data.baseline)
    milestone = data.value_type == "milestone"
    low = min([0.0, *values])
    high = max([1.0 if milestone else 0.0, *values])
    if high <= low:
        high = low + 1
    step = 1.0 if milestone else _nice_step(high - low)
    low = math.floor(low / step) * step
    high = math.ceil(high / step) * step
    if high <= low:
        high = low + step

    def y_of(value: float) -> float:
        return bottom - (value - low) / (high - low) * (bottom - TOP)

    slot = (RIGHT - LEFT) / n

    def x_of(index: int) -> float:
        return LEFT + slot * (index + 0.5)

    out = []
    # Y axis with ticks (no/yes for milestones).
    ticks = [(0.0, "no"), (1.0, "yes")] if milestone else [
        (low + i * step, _tick_label(low + i * step)) for i in range(int(round((high - low) / step)) + 1)]
    for value, label in ticks:
        y = y_of(value)
        out.append(f'<line x1="{LEFT - 4}" y1="{y:.1f}" x2="{LEFT}" y2="{y:.1f}" stroke="#000000"/>')
        out.append(_text(LEFT - 6, y + 3.5, label, size=10, anchor="end"))
    out.append(f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{bottom}" stroke="#000000"/>')
    out.append(f'<line x1="{LEFT}" y1="{bottom}" x2="{RIGHT}" y2="{bottom}" stroke="#000000"/>')
    out.append(_text(12, (TOP + bottom) / 2, data.unit or data.value_type, size=10, anchor="middle",
                     extra=f' transform="rotate(-90 12 {(TOP + bottom) / 2:.1f})"'))
    label_size = 10 if n <= 6 else 8
    bar = min(48.0, slot * 0.6)
    zero = y_of(max(low, 0.0))
    for i, (period, target, status) in enumerate(zip(data.periods, data.targets, data.statuses)):
        x = x_of(i)
        if target is not None:
            bar_top, bar_foot = sorted((y_of(target), zero))
            out.append(f'<rect x="{x - bar / 2:.1f}" y="{bar_top:.1f}" width="{bar:.1f}" '
                       f'height="{max(bar_foot - bar_top, 0.5):.1f}" '
                       'fill="url(#hatch)" stroke="#000000"/>')
            if n <= 8:  # narrower slots leave no room: the table and the alt text carry every figure
                label = fmt_value(target, data.value_type)
                out.append(_text(x, zero - 4, f"target {label}" if n <= 5 else label, size=8, anchor="middle",
                                 extra=' fill="#333333" stroke="#ffffff" stroke-width="3" paint-order="stroke"'))
        out.append(_text(x, bottom + 14, period, size=label_size, anchor="middle"))
        if getattr(status, "rated", False):
            out.append(_text(x, bottom + 27, status.label, size=label_size, anchor="middle"))
    if data.baseline is not None:
        y = y_of(data.baseline)
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{RIGHT}" y2="{y:.1f}" stroke="#555555" stroke-dasharray="5 3"/>')
    points = [(x_of(i), y_of(r), r) for i, r in enumerate(data.results) if r is not None]
    if points:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points)
        out.append(f'<polyline points="{path}" fill="none" stroke="#000000" stroke-width="1.5"/>')
        for x, y, r in points:
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#000000"/>')
            out.append(_text(x + 7, y - 5, fmt_value(r, data.value_type), size=10,
                             extra=' font-weight="bold" stroke="#ffffff" stroke-width="3" paint-order="stroke"'))
    # Legend, right of the plot.
    lx, ly = RIGHT + 14, TOP + 4
    out.append(f'<rect x="{lx}" y="{ly}" width="16" height="10" fill="url(#hatch)" stroke="#000000"/>')
    out.append(_text(lx + 22, ly + 9, "Target", size=10))
    out.append(f'<line x1="{lx}" y1="{ly + 24}" x2="{lx + 16}" y2="{ly + 24}" stroke="#000000" stroke-width="1.5"/>')
    out.append(f'<circle cx="{lx + 8}" cy="{ly + 24}" r="4" fill="#000000"/>')
    out.append(_text(lx + 22, ly + 28, "Result (approved)", size=10))
    if data.baseline is not None:
        out.append(f'<line x1="{lx}" y1="{ly + 42}" x2="{lx + 16}" y2="{ly + 42}" stroke="#555555" '
                   'stroke-dasharray="5 3"/>')
        out.append(_text(lx + 22, ly + 46, f"Baseline {fmt_value(data.baseline, data.value_type)}", size=10))
    return out


__all__ = ["HEIGHT", "WIDTH", "draw"]
