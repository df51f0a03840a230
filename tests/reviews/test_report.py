"""The review report (DOCX, PDF, HTML through the progress report's renderers): ratings,
narratives, action items and a chart; the public version leaves SBU out."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from typer.testing import CliRunner

from icsplan.accounts.actors import SYSTEM
from icsplan.cli import app
from icsplan.reviews import services as svc
from icsplan.reviews.report import render_review_report

SECRET = "ZQREVIEWsecretnarrative"
SECRET_ITEM = "ZQREVIEWsecretitem"
PUBLIC_ITEM = "ZQREVIEWpublicitem"


@pytest.fixture()
def approved(mali, people):
    review = svc.open_review(mali.mission, kind="annual", fiscal_year=2019, actor=SYSTEM)
    for n, row in enumerate(review.assessments.order_by("position")):
        sbu = n == 0
        svc.record_assessment(
            row, rating="off_track" if sbu else "on_track", narrative=SECRET if sbu else f"Public {row.number}.",
            narrative_sensitivity="sbu" if sbu else "public",
            action_items=[{"description": SECRET_ITEM, "owner": "DAO", "due_date": "2020-01-31", "sensitivity": "sbu"},
                          {"description": PUBLIC_ITEM, "owner": "PAS", "due_date": "2020-02-28"}] if sbu else [],
            expected_version=row.version, actor=SYSTEM)
    review.refresh_from_db()
    review = svc.submit_review(review, expected_version=review.version, actor=people["editor"])
    return svc.approve_review(review, expected_version=review.version, actor=people["approver"])


def _pdf_text(data: bytes) -> str:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "".join((page.extract_text() or "") for page in pdf.pages).replace("\n", "").replace(" ", "")


def _docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_internal_and_public_html(approved, people):
    internal = render_review_report(approved, who=SYSTEM, fmt="html").decode()
    assert SECRET in internal and SECRET_ITEM in internal and PUBLIC_ITEM in internal
    assert "SENSITIVE BUT UNCLASSIFIED" in internal and "<svg" in internal  # the ratings chart
    public = render_review_report(approved, who=SYSTEM, fmt="html", public=True).decode()
    assert SECRET not in public and SECRET_ITEM not in public and PUBLIC_ITEM in public
    assert "FOR PUBLIC RELEASE" in public
    # A viewer gets the public version even without asking.
    viewer = render_review_report(approved, who=people["viewer"], fmt="html").decode()
    assert SECRET not in viewer and PUBLIC_ITEM in viewer


def test_docx_and_pdf(approved):
    docx_text = _docx_text(render_review_report(approved, who=SYSTEM, fmt="docx"))
    assert SECRET in docx_text and "Off track" in docx_text
    assert SECRET not in _docx_text(render_review_report(approved, who=SYSTEM, fmt="docx", public=True))
    pdf = render_review_report(approved, who=SYSTEM, fmt="pdf", public=True)
    assert pdf[:4] == b"%PDF"
    text = _pdf_text(pdf)
    assert PUBLIC_ITEM in text and SECRET not in text


def test_web_and_cli(approved, people, tmp_path):
    slug = approved.strategy.mission.slug
    url = f"/missions/{slug}/reviews/{approved.pk}/report/?format=html"
    anonymous = Client().get(url)
    assert anonymous.status_code == 200 and SECRET.encode() not in anonymous.content
    reader = Client()
    reader.force_login(people["reader"])
    assert SECRET.encode() in reader.get(url).content
    assert SECRET.encode() not in reader.get(url + "&public=1").content
    assert reader.get(url.replace("html", "xls")).status_code == 400
    out = tmp_path / "review.html"
    result = CliRunner().invoke(app, ["review-report", "Mali", "-y", "2019", "-f", "html", "--public", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert PUBLIC_ITEM in out.read_text() and SECRET not in out.read_text()
    missing = CliRunner().invoke(app, ["review-report", "Mali", "-y", "2021"])
    assert missing.exit_code == 2 and "FY2021" in missing.output
