"""Canaries for everything the public must never read: SBU text *and* unapproved monitoring data.

The world of ``world.py`` already holds an SBU canary in every SBU-capable field. This test adds
the rest, each with a unique string: a submitted result (value and comment), a returned result
(value, comment and the approver's return reason), a draft result, a text saved while public and
marked SBU later, a risk saved public and marked SBU later, and a public risk quoted from an SBU
narrative (``in_narrative``). Then, as anonymous and as a viewer, it fetches every page and API
operation of the matrix, every export format (API and web, with and without ``?public=false``),
the progress report in every format, the API lists, search and the history pages, extracts the
text of DOCX, PDF and XLSX files, and asserts that no canary appears. A reader of the mission
fetches the same and must see every canary somewhere (so the test can fail).
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from icsplan.accounts.actors import SYSTEM
from tests.shared_rows import built_once, fresh_copy

from .test_matrix import _body, _walk
from .world import CANARY_PREFIX, canary_prefix

pytestmark = pytest.mark.django_db

# Short, unhyphenated, unique: they survive line wrapping in PDF and DOCX tables once whitespace
# is removed from the extracted text.
SUBMITTED_VALUE = "918273645"
RETURNED_VALUE = "827364519"
DRAFT_VALUE = "736451928"
UNAPPROVED = {
    "submitted value": SUBMITTED_VALUE,
    "submitted comment": "ZQUNAPPsubmittedcomment",
    "returned value": RETURNED_VALUE,
    "returned comment": "ZQUNAPPreturnedcomment",
    "return reason": "ZQUNAPPreturnreason",
    "draft value": DRAFT_VALUE,
    "draft comment": "ZQUNAPPdraftcomment",
}
LATER_SBU = {
    "justification marked SBU later": "ZQLATERjustification",
    "risk marked SBU later": "ZQLATERrisk",
    "risk quoted from an SBU narrative": "ZQQUOTEDrisk",
}
#: review text the public must never read: an SBU narrative, its decisions and an SBU action item of
#: an approved review, and a public narrative of a review not approved yet
REVIEW = {
    "SBU review narrative": "ZQREVIEWsbunarrative",
    "SBU review decisions": "ZQREVIEWsbudecisions",
    "SBU review action item": "ZQREVIEWsbuaction",
    "unapproved review narrative": "ZQREVIEWunapproved",
}
#: a result status the public must never see in a structured answer
UNAPPROVED_STATUS = re.compile(rb'"status":\s*"(submitted|returned|draft)"')
FORMATS = ("json", "md", "html", "docx", "pdf", "xlsx", "iati")
REPORT_FORMATS = ("html", "docx", "pdf")


def _seed(world) -> dict:
    """Unapproved results and later-SBU history on Testland's approved edition."""
    from icsplan.indicators import models as im
    from icsplan.strategies import models as sm
    from icsplan.strategies import services

    strategy = world.strategy
    indicator = im.Indicator.objects.get(strategy=strategy, code="1.1-P")
    common = {"strategy": strategy, "indicator": indicator}
    im.Result.objects.create(**common, period="FY2025", value=SUBMITTED_VALUE, number=SUBMITTED_VALUE,
                             comment=UNAPPROVED["submitted comment"], status="submitted")
    im.Result.objects.create(**common, period="FY2026", value=RETURNED_VALUE, number=RETURNED_VALUE,
                             comment=UNAPPROVED["returned comment"], status="returned",
                             return_reason=UNAPPROVED["return reason"])
    im.Result.objects.create(**common, period="FY2022", value=DRAFT_VALUE, number=DRAFT_VALUE,
                             comment=UNAPPROVED["draft comment"], status="draft")

    # Saved while public, marked SBU later: the history holds the public version.
    # The edition is in force: each change is a revision the operator proposes and approves.
    def revised(kind, operation, **kw):
        revision = services.propose_change(kind, operation, actor=SYSTEM, reason="seed", **kw)
        services.approve_revision(revision, actor=SYSTEM, expected_version=revision.version)

    objective = sm.Objective.objects.get(strategy=strategy, number="1.1")
    revised("objective", "update", row=objective, expected_version=objective.version,
            changes={"justification": f"Why {LATER_SBU['justification marked SBU later']} matters."})
    objective.refresh_from_db()
    revised("objective", "update", row=objective, expected_version=objective.version,
            changes={"justification_sensitivity": "sbu"})
    objective.refresh_from_db()
    statement = f"Risk {LATER_SBU['risk marked SBU later']}."
    revised("risk", "create", parent=objective, expected_version=objective.version, changes={"statement": statement})
    objective.refresh_from_db()
    risk = sm.Risk.objects.get(objective=objective, statement=statement)
    revised("risk", "update", row=risk, expected_version=objective.version, changes={"sensitivity": "sbu"})
    objective.refresh_from_db()
    # A public risk quoted from an SBU narrative is withheld with that narrative.
    sbu_objective = sm.Objective.objects.get(strategy=strategy, number="1.2")
    sm.Risk.objects.create(strategy=strategy, objective=sbu_objective, in_narrative=True,
                           statement=f"Quoted {LATER_SBU['risk quoted from an SBU narrative']}.")
    reviews = _seed_reviews(world)
    return {"objective": objective, "sbu_objective": sbu_objective, **reviews}


def _seed_reviews(world) -> dict:
    """An approved mid-course review with SBU text, and an open one (unapproved) with public text."""
    from icsplan.reviews import services as rsv

    approved = rsv.open_review(world.mission, kind="mid-course", fiscal_year=2024, actor=SYSTEM)
    for row in approved.assessments.order_by("position"):
        first = row.number == "1.1" and row.kind == "objective"
        rsv.record_assessment(
            row, rating="some_concerns", narrative=REVIEW["SBU review narrative"] if first else "Public narrative.",
            narrative_sensitivity="sbu" if first else "public",
            decisions=REVIEW["SBU review decisions"] if first else "",
            action_items=[{"description": REVIEW["SBU review action item"], "owner": "DAO",
                           "due_date": "2025-01-31", "sensitivity": "sbu"}] if first else [],
            expected_version=row.version, actor=SYSTEM)
    approved.refresh_from_db()
    approved = rsv.submit_review(approved, expected_version=approved.version, actor=SYSTEM)
    approved = rsv.approve_review(approved, expected_version=approved.version, actor=SYSTEM)
    pending = rsv.open_review(world.mission, kind="mid-course", fiscal_year=2025, actor=SYSTEM)
    for row in pending.assessments.order_by("position"):
        rsv.record_assessment(row, rating="on_track", narrative=REVIEW["unapproved review narrative"],
                              expected_version=row.version, actor=SYSTEM)
    return {"review": approved, "pending_review": pending}


def _client(world, persona) -> Client:
    client = Client(REMOTE_ADDR="10.9.9.9")
    user = world.user(persona)
    if user is not None:
        client.force_login(user)
    return client


def _docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    for section in document.sections:
        for part in (section.header, section.footer):
            parts += [p.text for p in part.paragraphs]
    # Every XML part too (comments, footnotes, properties): what python-docx does not walk.
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.endswith(".xml"):
                parts.append(re.sub(r"<[^>]+>", "", archive.read(name).decode("utf-8", "replace")))
    return "\n".join(parts)


def _pdf_text(data: bytes) -> str:
    # Every character of every page's text layer, read by pdfium (the reader the importer uses; a
    # few times faster than pdfplumber, which read the same characters and arranged them in lines).
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        pages = []
        for page in pdf:
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
        # pdfium marks a word broken at a line end with U+FFFE where a hyphen was drawn: dropped, a
        # canary broken across two lines is still found whole.
        text = "\n".join(pages).replace("\ufffe", "")
        # The attached files too (the strategy data icsplan's PDF carries): what a text layer hides.
        # pdfium reads the document's embedded files (its EmbeddedFiles name tree) as they are stored.
        attached = [bytes(pdf.get_attachment(i).get_data()).decode("utf-8", "replace")
                    for i in range(pdf.count_attachments())]
    finally:
        pdf.close()
    return text + "\n" + "\n".join(attached)


def _xlsx_text(data: bytes) -> str:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return "\n".join(str(cell.value) for sheet in workbook for row in sheet.iter_rows() for cell in row
                     if cell.value is not None)


def _text(response) -> str:
    """What a reader of the response could see, with whitespace removed (line wraps in PDF and
    DOCX cells then do not split a canary)."""
    body = _body(response)
    kind = response.get("Content-Type", "")
    if body[:4] == b"%PDF":
        text = _pdf_text(body)
    elif body[:2] == b"PK" and "word" in kind:
        text = _docx_text(body)
    elif body[:2] == b"PK":
        text = _xlsx_text(body)
    else:
        text = body.decode("utf-8", "replace")
    return re.sub(r"\s+", "", text)


def _extra_urls(world, seeded) -> list[str]:
    """Every export format, report format, list, search and history page the matrix does not walk."""
    strategy, slug = world.strategy, world.mission.slug
    urls = []
    for fmt in FORMATS:
        for query in ("", "?public=false"):
            urls.append(f"/api/v1/exports/strategies/{strategy.pk}/{fmt}{query}")
        base = reverse("web:export-download", kwargs={"slug": slug, "edition": strategy.edition, "fmt": fmt})
        urls += [base, base + "?public=0"]
    report = reverse("web:progress-report", kwargs={"slug": slug, "edition": strategy.edition})
    # Each period in HTML (the figures of one period each); the file formats once, for the last year
    # (their text comes from the same outline, and a PDF costs a second to render).
    urls += [f"{report}?period={period}&format=html" for period in ("FY2025", "FY2026", "FY2022")]
    urls += [f"{report}?period=FY2026&format={fmt}" for fmt in REPORT_FORMATS if fmt != "html"]
    urls += [
        f"/api/v1/strategies/{strategy.pk}/document",
        f"/api/v1/strategies/{strategy.pk}/tree",
        f"/api/v1/results?strategy={strategy.pk}&page_size=200",
        f"/api/v1/targets?strategy={strategy.pk}&page_size=200",
        f"/api/v1/indicators?strategy={strategy.pk}&page_size=200",
        f"/api/v1/risks?strategy={strategy.pk}&page_size=200",
        reverse("web:status-matrix", kwargs={"slug": slug, "edition": strategy.edition}),
        reverse("web:dashboard", kwargs={"slug": slug}),
        reverse("web:strategy", kwargs={"slug": slug, "edition": strategy.edition}),
        # The day's pages (issue 15): work lists, queue, calendar, reporters, people, notifications.
        reverse("web:results", kwargs={"slug": slug}) + "?period=FY2025",
        reverse("web:approvals", kwargs={"slug": slug}),
        reverse("web:reporting-calendar", kwargs={"slug": slug}),
        reverse("web:reporters", kwargs={"slug": slug}),
        reverse("web:people"),
        reverse("web:notifications"),
    ]
    for row in (seeded["review"], seeded["pending_review"]):
        page = reverse("web:review", kwargs={"slug": slug, "pk": row.pk})
        report = reverse("web:review-report", kwargs={"slug": slug, "pk": row.pk})
        urls += [page, f"/api/v1/reviews/{row.pk}", f"{report}?format=html", f"{report}?format=docx"]
        urls += [f"/api/v1/reviews/assessments/{a.pk}" for a in row.assessments.all()[:2]]
    urls += [f"{reverse('web:review-report', kwargs={'slug': slug, 'pk': seeded['review'].pk})}?format=pdf",
             f"/api/v1/reviews?strategy={strategy.pk}", reverse("web:reviews", kwargs={"slug": slug})]
    # The bureau's view (Testland is in AF), with its filters.
    bureau = world.mission.bureau.code
    urls += [f"/bureaus/{bureau}/?theme=Objective&period=FY2024", f"/bureaus/{bureau}/?framework=CDCS",
             f"/api/v1/portfolio/bureaus/{bureau}?period=FY2025", "/api/v1/portfolio/bureaus", "/bureaus/",
             "/api/v1/portfolio/rollup", "/frameworks/CDCS/crosswalk/", "/api/v1/portfolio/crosswalk/CDCS",
             f"/api/v1/missions/{world.mission.pk}/metadata"]
    for term in ("ZQ", "Quoted", "Risk", "CANARY"):
        urls.append(f"/api/v1/search?q={term}&page_size=200")
        urls.append(f"/search/?q={term}")
    for objective in (seeded["objective"], seeded["sbu_objective"]):
        urls.append(reverse("web:element-history", kwargs={"slug": slug, "edition": strategy.edition,
                                                           "kind": "objective", "pk": objective.pk}))
    from icsplan.indicators.models import Indicator

    for indicator in Indicator.objects.filter(strategy=strategy):
        urls.append(reverse("web:indicator-chart", kwargs={"slug": slug, "edition": strategy.edition,
                                                           "pk": indicator.pk}))
        urls.append(f"/api/v1/indicators/{indicator.pk}")
    return urls


def _canaries() -> dict[str, str]:
    return {**UNAPPROVED, **LATER_SBU, **REVIEW}


def _responses(world, seeded, persona):
    """(url, response) for every matrix cell and every extra URL, as ``persona``."""
    for _key, _persona, url, _expected, response in _walk(world, personas=(persona,)):
        yield url, response
    client = _client(world, persona)
    for url in _extra_urls(world, seeded):
        response = client.get(url)
        yield url, response
        # PDF/DOCX exports and reports answer a progress page (icsplan.jobs): walk it and its file.
        location = response.get("Location", "") if response.status_code == 302 else ""
        if "/downloads/" in location:
            yield location, client.get(location)
            yield location + "file/", client.get(location + "file/")
    yield from _job_responses(world, client)


def _job_responses(world, client):
    """The export-job API as the persona: start every background export and report (asking for the
    full copy), then read each job's status and file."""
    import json

    strategy = world.strategy.pk
    bodies = [{"strategy": strategy, "kind": "export", "format": fmt, "public": False} for fmt in ("pdf", "docx")]
    bodies += [{"strategy": strategy, "kind": "report", "format": "docx", "period": period, "public": False}
               for period in ("FY2024", "FY2025", "FY2026")]
    bodies.append({"strategy": strategy, "kind": "report", "format": "pdf", "period": "FY2026", "public": False})
    for body in bodies:
        started = client.post("/api/v1/export-jobs", json.dumps(body), content_type="application/json")
        assert started.status_code in (200, 202), (body, started.status_code, started.content[:300])
        yield "POST /api/v1/export-jobs " + json.dumps(body), started
        job = started.json()
        yield job["status_url"], client.get(job["status_url"])
        yield job["file_url"], client.get(job["file_url"])


def _leaks(world, seeded, persona) -> tuple[list[str], set[str]]:
    """(leaks found, canaries seen) over every response to ``persona``."""
    canaries = _canaries()
    leaks, seen = [], set()
    testland = canary_prefix("Testland")
    for url, response in _responses(world, seeded, persona):
        if response.status_code != 200:
            continue
        text = _text(response)
        for name, value in canaries.items():
            if value in text:
                seen.add(name)
                leaks.append(f"{url}: {name} ({value})")
        if testland in text:
            seen.add("world SBU canary")
            leaks.append(f"{url}: an SBU canary of the world ({CANARY_PREFIX}...)")
        if "json" in response.get("Content-Type", ""):
            found = UNAPPROVED_STATUS.search(_body(response))
            if found:
                leaks.append(f"{url}: a result with status {found.group(1).decode()}")
    return leaks, seen


#: the background files the walks ask for (``_job_responses``, the export and report downloads and
#: the matrix's export jobs): (edition, kind, format, period)
WALKED_FILES = (
    [("strategy", "export", fmt, "") for fmt in ("pdf", "docx")]
    + [("strategy", "report", "docx", period) for period in ("FY2024", "FY2025", "FY2026")]
    + [("strategy", "report", "pdf", "FY2026"), ("draft", "export", "docx", "")]
)


def _make_walked_files(world) -> None:
    """Every background file the walks ask for, made once per module in both copies.

    A finished job is the product's cache of a file until the edition's data changes
    (``jobs.services.start`` finds it by a key of the output, the copy and the edition's stamp),
    so each persona's walk is served these files, found by the key of the copy it is entitled to,
    instead of rendering every PDF and DOCX again for each persona. The walk still starts each job,
    reads it and searches its file for every canary."""
    from django.test import override_settings

    from icsplan.jobs import services as jobs
    from icsplan.jobs.models import ExportJob

    # Made at once whatever the database (the PostgreSQL pass queues tasks for a worker otherwise).
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}):
        for edition, kind, fmt, period in WALKED_FILES:
            for public in (True, False):
                job = jobs.start(SYSTEM, getattr(world, edition), kind=kind, fmt=fmt, period=period, public=public)
                assert job.state == ExportJob.DONE, (edition, kind, fmt, period, public, job.error)


def _build_seeded_world():
    from .world import build_world

    world = build_world()
    seeded = _seed(world)
    _make_walked_files(world)
    return world, seeded


@pytest.fixture(scope="module")
def seeded_world_built(django_db_setup, django_db_blocker):
    """The world, its seeded canaries and the walked files, built once per module (each test is
    rolled back to them: tests/shared_rows.py)."""
    with built_once(django_db_blocker, _build_seeded_world) as built:
        yield built


@pytest.fixture()
def seeded_world(request, seeded_world_built, db):
    return fresh_copy(request, seeded_world_built)


@pytest.fixture()
def world(seeded_world):
    return seeded_world[0]


@pytest.fixture()
def seeded(seeded_world):
    return seeded_world[1]


@pytest.mark.parametrize("persona", ["anonymous", "viewer", "other_member"])
def test_no_unapproved_or_sbu_canary_reaches_the_public(world, seeded, persona):
    leaks, _seen = _leaks(world, seeded, persona)
    assert not leaks, f"{len(leaks)} leaks to {persona}:\n  " + "\n  ".join(sorted(set(leaks))[:80])


def test_a_reader_of_the_mission_sees_every_canary(world, seeded):
    """The same walk as a reader finds every canary: the leak check above can fail."""
    _leaks_found, seen = _leaks(world, seeded, "reader")
    missing = sorted(set(_canaries()) - seen)
    assert not missing, f"a reader never saw: {missing}"
    assert "world SBU canary" in seen


def test_the_document_endpoint_drops_unapproved_results_and_reasons(world, seeded):
    """The canonical document, field by field: approved public results only, for the public."""
    import json

    for persona in ("anonymous", "viewer"):
        for query in ("", "?public=false"):
            for url in (f"/api/v1/strategies/{world.strategy.pk}/document",
                        f"/api/v1/exports/strategies/{world.strategy.pk}/json{query}"):
                response = _client(world, persona).get(url)
                assert response.status_code == 200, (url, response.status_code)
                document = json.loads(_body(response))
                results = [r for goal in document["goals"] for o in goal["objectives"]
                           for i in o["indicators"] for r in i["results"]]
                assert results, "the public copy keeps the approved public results"
                assert {r["status"] for r in results} <= {"approved", None}, (persona, url)
                assert all(r["return_reason"] is None for r in results), (persona, url)
    reader = json.loads(_body(_client(world, "reader").get(
        f"/api/v1/exports/strategies/{world.strategy.pk}/json?public=false")))
    statuses = {r["status"] for goal in reader["goals"] for o in goal["objectives"]
                for i in o["indicators"] for r in i["results"]}
    assert {"submitted", "returned", "draft"} <= statuses


def test_cli_public_export_is_exactly_the_public_copy(world, seeded, tmp_path):
    """``icsplan export --public`` writes what an anonymous caller downloads, byte for byte."""
    from typer.testing import CliRunner

    from icsplan.cli import app

    out = tmp_path / "public.json"
    result = CliRunner().invoke(app, ["export", "Testland", "--edition", "2022", "--format", "json", "--public",
                                      "-o", str(out)])
    assert result.exit_code == 0, result.output
    anonymous = _body(Client().get(f"/api/v1/exports/strategies/{world.strategy.pk}/json"))
    assert out.read_bytes() == anonymous
    text = out.read_text()
    for name, value in _canaries().items():
        assert value not in text, name
    assert CANARY_PREFIX not in text


def test_the_walk_reaches_the_files_of_export_jobs(world, seeded):
    """The walk above follows "Download" to the job's file: as a reader the files hold SBU canaries,
    so the public walk's silence about them means something."""
    client = _client(world, "reader")
    files = [(url, response) for url, response in _job_responses(world, client) if url.endswith("/file")]
    assert files and all(response.status_code == 200 for _url, response in files)
    assert all(canary_prefix("Testland") in _text(response) for _url, response in files)
    report = reverse("web:progress-report", kwargs={"slug": world.mission.slug, "edition": world.strategy.edition})
    start = client.get(f"{report}?period=FY2026&format=pdf")
    assert start.status_code == 302 and "/downloads/" in start["Location"]
    assert canary_prefix("Testland") in _text(client.get(start["Location"] + "file/"))
