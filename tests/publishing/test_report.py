"""The progress report: one outline, three formats, no SBU in any public copy, sample data labelled.

A small strategy (two objectives, four indicators) keeps every render under a few seconds.
"""

from __future__ import annotations

import datetime as dt

import pytest
from typer.testing import CliRunner

from icsplan.accounts.actors import SYSTEM
from icsplan import document as doc
from icsplan.errors import InputError, NotFoundError

from helpers import text_of

pytestmark = pytest.mark.django_db

SBU, PUBLIC = doc.Sensitivity.SBU, doc.Sensitivity.PUBLIC
SAMPLE = "Sample data \u2014 illustrative, not official"
CANARIES = {
    "indicator-name": "ZQRPTINDNAME",
    "indicator-definition": "ZQRPTINDDEF",
    "result-comment": "ZQRPTRESNOTE",
    "qualitative-result": "ZQRPTQUALRES",
    "justification": "ZQRPTJUSTIF",
    "risk": "ZQRPTRISK",
}
FORMATS = ("html", "docx", "pdf")


def _pv(period, value, *, result=False, sensitivity=PUBLIC, comment=None):
    extra = {"status": "approved"} if result else {}
    return doc.PeriodValue(period=period, value=value, sensitivity=sensitivity, comment=comment, **extra)


def small_document(*, sample: bool = False) -> doc.Strategy:
    c = CANARIES
    public_ind = doc.Indicator(
        code="1.1-A", name="Officers trained", unit="people", responsible="DAO", sample=sample,
        baseline=doc.Baseline(value="0", date=dt.date(2019, 9, 30)),
        targets=[_pv("FY2020", "100"), _pv("FY2021", "120")],
        results=[_pv("FY2020", "90", result=True, comment="Training resumed after the pause."),
                 _pv("FY2021", "125", result=True, comment=c["result-comment"], sensitivity=SBU)],
    )
    sbu_ind = doc.Indicator(
        code="1.1-S", name=c["indicator-name"], definition=c["indicator-definition"], sensitivity=SBU,
        targets=[_pv("FY2021", "50")], results=[_pv("FY2021", "20", result=True)], sample=sample,
    )
    qualitative = doc.Indicator(
        code="1.2-Q", name="Civic space", value_type="qualitative", sample=sample,
        targets=[_pv("FY2021", "Stable")],
        results=[_pv("FY2021", c["qualitative-result"], result=True, sensitivity=SBU)],
    )
    percent = doc.Indicator(
        code="1.2-P", name="Readers at grade level", value_type="percent", unit="percent", sample=sample,
        targets=[_pv("FY2020", "10"), _pv("FY2021", "20")],
        results=[_pv("FY2020", "9", result=True), _pv("FY2021", "11", result=True)],
    )
    objectives = [
        doc.Objective(number="1.1", title="Security forces protect civilians",
                      justification=c["justification"], justification_sensitivity=SBU,
                      risks=[doc.Risk(statement=c["risk"], sensitivity=SBU)], indicators=[public_ind, sbu_ind]),
        doc.Objective(number="1.2", title="Citizens trust their institutions", justification="Public why.",
                      indicators=[qualitative, percent]),
    ]
    return doc.Strategy(
        mission=doc.Mission(country="Reportland", post="Embassy Reportville", bureau="AF"),
        edition="2019", fiscal_year_start=2020, fiscal_year_end=2023, approved_date=dt.date(2019, 5, 1),
        goals=[doc.Goal(number="1", title="A secure Reportland", description="Public goal.", objectives=objectives)],
        management_objectives=[doc.ManagementObjective(number="1", title="A well-run mission")],
    )


@pytest.fixture
def row():
    from icsplan.strategies import services

    return services.import_strategy(small_document(), status="approved", actor=SYSTEM)


def _render(row, fmt, **kwargs):
    from icsplan.publishing.report import render_report

    return render_report(row, period=kwargs.pop("period", "FY2021"), fmt=fmt, **kwargs)


@pytest.mark.parametrize("fmt", FORMATS)
def test_public_report_has_no_sbu_and_the_internal_one_marks_it(row, fmt):
    public = text_of(fmt, _render(row, fmt, public=True))
    leaked = [name for name, canary in CANARIES.items() if canary in public]
    assert not leaked, f"SBU in the public {fmt} report: {leaked}"
    assert "ZQRPT" not in public
    assert "FOR PUBLIC RELEASE" in public
    assert "Officers trained" in public and "Security forces protect civilians" in public
    internal = text_of(fmt, _render(row, fmt, public=False))
    for name in ("indicator-name", "result-comment", "qualitative-result"):
        assert CANARIES[name] in internal, f"{name} missing from the internal {fmt} report"
    assert "SENSITIVE BUT UNCLASSIFIED" in internal
    assert "(SBU)" in internal


def test_public_figures_leave_out_sbu_results(row):
    """The FY2021 result of 1.1-A is SBU: the public report shows no actual for it, and no status
    computed from it."""
    from icsplan.publishing.report import build_report
    from icsplan.publishing.report.outline import Heading, Table

    def table_of(outline, code):
        blocks = outline.blocks
        start = next(i for i, b in enumerate(blocks) if isinstance(b, Heading) and b.text.startswith(code + ":"))
        return next(b for b in blocks[start:] if isinstance(b, Table))

    public = table_of(build_report(row, period="FY2021", public=True, charts=False), "1.1-A")
    internal = table_of(build_report(row, period="FY2021", public=False, charts=False), "1.1-A")
    assert public.rows[-1] == ("FY2021", "120", "", "No data")
    assert internal.rows[-1] == ("FY2021", "120", "(SBU) 125", "On track")
    assert public.rows[0][0].startswith("Baseline")


def test_reader_without_sbu_rights_gets_the_public_report(row):
    from django.contrib.auth import get_user_model

    from icsplan.accounts.services import add_membership

    viewer = get_user_model().objects.create(username="report-viewer")
    add_membership(viewer, "viewer", mission=row.mission, actor=SYSTEM)
    reader = get_user_model().objects.create(username="report-reader")
    add_membership(reader, "reader", mission=row.mission, actor=SYSTEM)
    as_viewer = _render(row, "html", public=False, user=viewer).decode()
    assert "ZQRPT" not in as_viewer and "FOR PUBLIC RELEASE" in as_viewer
    as_reader = _render(row, "html", public=False, user=reader).decode()
    assert CANARIES["indicator-name"] in as_reader


def test_a_draft_is_not_found_for_a_stranger():
    from django.contrib.auth import get_user_model

    from icsplan.strategies import services

    draft = services.import_strategy(small_document(), status="draft", actor=SYSTEM)
    stranger = get_user_model().objects.create(username="report-stranger")
    with pytest.raises(NotFoundError):
        _render(draft, "html", public=True, user=stranger)


def test_report_outline_status_and_narratives(row):
    html = _render(row, "html", public=False).decode()
    assert "Reporting period" in html and "FY2021" in html and "October 2020 \u2013 September 2021" in html
    assert "Training resumed after the pause." not in html  # an FY2020 narrative is not this period's
    assert "<svg" in html and 'role="img" aria-label="Chart of indicator 1.1-A' in html
    assert "Status matrix of" in html  # the matrix's alt text
    assert html.count('class="status st-') >= 6  # every goal, objective and indicator heading
    fy2020 = _render(row, "html", public=False, period="FY2020").decode()
    assert "Training resumed after the pause." in fy2020
    png = _render(row, "html", public=True, charts="png").decode()
    assert "data:image/png;base64," in png and "<svg" not in png


def test_quarter_period_and_bad_periods(row):
    from icsplan.publishing.report import report_period

    assert "FY2021Q2" in _render(row, "html", public=True, period="fy2021q2").decode()
    for bad, words in (("2021", "not a fiscal period"), ("FY2021Q5", "not a fiscal period"),
                       ("FY2030", "outside the years")):
        with pytest.raises(InputError, match=words) as caught:
            report_period(bad, row)
        assert caught.value.code == "bad-period"
        assert "\n" not in str(caught.value)


def test_sample_data_is_labelled_everywhere_it_appears():
    from icsplan.strategies import services

    sample_row = services.import_strategy(small_document(sample=True), status="approved", actor=SYSTEM)
    for fmt in FORMATS:
        text = text_of(fmt, _render(sample_row, fmt, public=True))
        assert SAMPLE in text, fmt
    html = _render(sample_row, "html", public=True).decode()
    # On the cover, in the summary, beside each sample indicator and in the method note.
    assert html.count(SAMPLE) >= 6


def test_docx_report_uses_word_styles_and_has_alt_text(row):
    import io

    import docx

    document = docx.Document(io.BytesIO(_render(row, "docx", public=True)))
    styles = {p.style.name for p in document.paragraphs}
    assert {"Title", "Heading 1", "Heading 2", "Heading 3", "Heading 4"} <= styles
    descriptions = [el.get("descr") for el in document.element.body.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]
    assert descriptions and all(d and d.startswith(("Chart of indicator", "Status matrix")) for d in descriptions)


def test_docx_report_numbers_its_charts_without_walking_the_document(row, monkeypatch):
    # python-docx's Run.add_picture reads StoryPart.next_id (a search of the whole document) and
    # hashes every image part already added, once per chart (tests/publishing/test_docx_pictures.py).
    from docx.parts.image import ImagePart
    from docx.parts.story import StoryPart

    calls = {"next_id": 0, "part sha1": 0}
    for cls, name, key in ((StoryPart, "next_id", "next_id"), (ImagePart, "sha1", "part sha1")):
        original = getattr(cls, name)

        def counted(obj, original=original, key=key):
            calls[key] += 1
            return original.fget(obj)

        monkeypatch.setattr(cls, name, property(counted))
    data = _render(row, "docx", public=False)
    monkeypatch.undo()
    import io

    import docx

    charts = len(docx.Document(io.BytesIO(data)).inline_shapes)
    assert charts >= 3  # the matrix and the numeric indicators
    assert calls == {"next_id": 1, "part sha1": 0}, calls


def test_pdf_report_has_pages_and_embedded_charts(row):
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(_render(row, "pdf", public=True))) as pdf:
        assert len(pdf.pages) >= 3
        assert sum(len(page.images) for page in pdf.pages) >= 3  # matrix + numeric indicators
        assert "Page 2 of" in pdf.pages[1].extract_text()


runner = CliRunner()


def test_cli_report_writes_each_format(row, tmp_path):
    from icsplan.cli import app

    for fmt, magic in (("html", b"<!DOCTYPE html>"), ("docx", b"PK\x03\x04"), ("pdf", b"%PDF")):
        out = tmp_path / f"report.{fmt}"
        result = runner.invoke(app, ["report", "Reportland", "--period", "FY2021", "--format", fmt, "--public",
                                     "--edition", "2019", "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert out.read_bytes().startswith(magic)


@pytest.mark.parametrize("args, words", [
    (["--period", "FY21"], "not a fiscal period"),
    (["--period", "FY2031"], "outside the years"),
    (["--period", "FY2021", "--format", "odt"], "Unknown report format"),
    (["--period", "FY2021", "--edition", "1999"], "has no edition 1999"),
])
def test_cli_report_bad_input_is_one_line_and_exit_2(row, tmp_path, args, words):
    from icsplan.cli import app

    out = tmp_path / "r.pdf"
    result = runner.invoke(app, ["report", "Reportland", *args, "-o", str(out)])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and words in lines[0], result.output
    assert not out.exists()
