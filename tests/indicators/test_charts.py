"""Charts: valid SVG and PNG, grayscale cues, alt text with the figures, sample label."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from icsplan.indicators import charts
from icsplan.indicators.progress import strategy_progress

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
