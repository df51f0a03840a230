"""``icsplan review open | assess | submit | approve``: one review cycle from the command line, as
the system actor or as a named user whose permissions apply."""

from __future__ import annotations

from typer.testing import CliRunner

from icsplan.cli import app
from icsplan.reviews.models import Review


def _run(*args):
    return CliRunner().invoke(app, ["review", *args])


def test_a_review_cycle_from_the_command_line(mali, people):
    opened = _run("open", "Mali", "--year", "FY2019", "--as", "mali-editor")
    assert opened.exit_code == 0, opened.output
    review = Review.objects.get(strategy=mali, fiscal_year=2019, kind="annual")
    assert review.opened_by == people["editor"] and "objectives to rate" in opened.output

    # The reporter owns objective 1.1 only.
    mine = _run("assess", "Mali", "-y", "2019", "-o", "1.1", "-r", "some_concerns", "-n", "Slower.",
                "--as", "mali-reporter")
    assert mine.exit_code == 0, mine.output
    not_mine = _run("assess", "Mali", "-y", "2019", "-o", "1.2", "-r", "on_track", "--as", "mali-reporter")
    assert not_mine.exit_code == 2 and "Traceback" not in not_mine.output
    missing = _run("assess", "Mali", "-y", "2019", "-o", "9.9", "-r", "on_track")
    assert missing.exit_code == 2 and "no objective 9.9" in missing.output
    bad = _run("assess", "Mali", "-y", "2019", "-o", "1.2", "-r", "splendid")
    assert bad.exit_code == 2
    for row in review.assessments.exclude(number="1.1", kind="objective"):
        number = ("M" if row.kind == "management_objective" else "") + row.number
        done = _run("assess", "Mali", "-y", "2019", "-o", number, "-r", "on_track")
        assert done.exit_code == 0, done.output

    assert _run("submit", "Mali", "-y", "2019", "--as", "mali-editor").exit_code == 0
    refused = _run("approve", "Mali", "-y", "2019", "--as", "mali-editor")  # not an approver
    assert refused.exit_code == 2
    approved = _run("approve", "Mali", "-y", "2019", "--as", "mali-approver")
    assert approved.exit_code == 0, approved.output
    review.refresh_from_db()
    assert review.status == "approved" and review.approved_by == people["approver"] and review.snapshot


def test_unknown_user_year_and_review_are_named(mali, people):
    assert "No active user named 'ghost'" in _run("open", "Mali", "-y", "2019", "--as", "ghost").output
    assert "not a fiscal year" in _run("open", "Mali", "-y", "soon").output
    missing = _run("submit", "Mali", "-y", "2020")
    assert missing.exit_code == 2 and "icsplan review open Mali --year 2020" in missing.output
