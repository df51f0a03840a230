"""Charts: valid SVG and PNG, grayscale cues, alt text with the figures, sample label."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace

import pytest

from icsplan.indicators import charts
from icsplan.indicators.progress import strategy_progress
from icsplan.indicators.status import Status

from .conftest import approve

pytestmark = pytest.mark.django_db


def test_indicator_chart_svg_png_and_alt_text(strategy, trainees, literacy):
    approve(trainees, "FY2022", 95)
    approve(trainees, "FY2023", 40)
    item = strategy_progress(strategy).indicators[0]
    data = charts.indicator_chart_data(item)
    svg = charts.indicator_chart(data, "svg")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert b"FY2022" in svg and b"Target" in svg  # text is kept as text
    assert b"hatch" in svg or b"pattern" in svg.lower()  # targets are hatched, not only coloured
    png = charts.indicator_chart(data, "png")
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 1000
    alt = charts.indicator_alt_text(data)
    assert "T-1" in alt and "FY2022: target 100, result 95, on track" in alt
    assert "FY2023: target 100, result 40" in alt and "Cumulative" in alt


def test_status_matrix_chart_and_alt_text(mali_strategy):
    progress = strategy_progress(mali_strategy)
    svg = charts.status_matrix_chart(progress, "svg")
    ET.fromstring(svg)
    assert b"On track" in svg and b"Off track" in svg and b"Sample data" in svg
    assert charts.status_matrix_chart(progress, "png").startswith(b"\x89PNG")
    alt = charts.status_matrix_alt_text(progress)
    assert alt.startswith("Status matrix of 10 objectives over FY2019–FY2022.")
    assert "Objective 1.1: FY2019" in alt and "Sample data" in alt and "In all:" in alt


def test_qualitative_indicator_chart_says_so(mali_strategy):
    progress = strategy_progress(mali_strategy)
    item = next(i for i in progress.indicators if i.indicator.value_type == "qualitative")
    data = charts.indicator_chart_data(item)
    assert b"Qualitative" in charts.indicator_chart(data, "svg")
    assert "Qualitative indicator" in charts.indicator_alt_text(data)


def test_unknown_format_is_refused(strategy, trainees):
    data = charts.indicator_chart_data(strategy_progress(strategy).indicators[0])
    with pytest.raises(ValueError):
        charts.indicator_chart(data, "gif")


DASHBOARD = Path(charts.__file__).resolve().parents[1] / "web" / "templates" / "web" / "dashboard.html"


def _displayed_text_px(svg: bytes) -> list[float]:
    """Every text size of the matrix in CSS px, as the dashboard's <img> shows it."""
    template = DASHBOARD.read_text(encoding="utf-8")
    img = re.search(r"<img src=\"\{% url 'web:status-matrix'[^>]*>", template)
    assert img, "the dashboard shows the status matrix in an <img>"
    shown_px = float(re.search(r'width="(\d+)"', img.group(0)).group(1))
    root = ET.fromstring(svg)
    view_width = float(root.get("viewBox", "").split()[2])  # user units (points)
    sizes = [float(m) for m in re.findall(rb"font(?:-size)?:[^;\"]*?([\d.]+)px", svg)]
    assert sizes, "the SVG keeps its text as text"
    return [size * shown_px / view_width for size in sizes]


def test_status_matrix_text_is_at_least_12_css_px_on_the_dashboard(mali_strategy):
    svg = charts.status_matrix_chart(strategy_progress(mali_strategy), "svg")
    assert min(_displayed_text_px(svg)) >= 12.0 - 1e-6


def test_status_matrix_text_stays_12_px_with_many_periods_and_rows():
    # A made-up progress object: the figure only reads labels, statuses, periods and the title.
    periods = [f"FY{y}" for y in range(2019, 2027)]
    rows = [SimpleNamespace(label=f"Objective {i}.{j}", statuses={p: Status.OFF_TRACK for p in periods})
            for i in range(1, 6) for j in range(1, 4)]
    progress = SimpleNamespace(objectives=rows, goals=[], periods=periods, strategy="Mali ICS 2018", sample=True)
    svg = charts.status_matrix_chart(progress, "svg")
    assert min(_displayed_text_px(svg)) >= 12.0 - 1e-6
    assert charts.status_matrix_rows(progress)[0] == ("Objective 1.1", ["off_track"] * len(periods))


def test_status_matrix_img_height_matches_the_svg(mali_strategy):
    progress = strategy_progress(mali_strategy)
    root = ET.fromstring(charts.status_matrix_chart(progress, "svg"))
    _, _, width, height = (float(v) for v in root.get("viewBox", "").split())
    assert abs(charts.status_matrix_height_px(progress) - height * charts.MATRIX_DISPLAY_PX / width) <= 1
