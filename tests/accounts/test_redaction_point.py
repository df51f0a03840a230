"""One redaction point: no module outside ``accounts.redaction`` compares against the SBU value.

Every hand-written ``exclude(sensitivity="sbu")`` or ``== "sbu"`` is a second copy of the rule that
can drift from the first (it did: the API tree let unapproved results through while the lists did
not). Modules ask ``accounts.redaction`` (``visible``/``visible_to``, ``is_sbu``, ``document_for``)
or use the ``Sensitivity`` enum instead. This test reads the string tokens of every module in
``src/`` and fails on a bare ``"sbu"`` anywhere but the allowed places below.
"""

from __future__ import annotations

import ast
import tokenize
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "icsplan"
SBU_VALUE = "sbu"
#: where the value may be written, and why
ALLOWED = {
    "accounts/redaction.py": "the redaction point itself",
    "core/choices.py": "the Sensitivity enum (Django choices)",
    "document/model.py": "the Sensitivity enum (the canonical document)",
    "api/schemas.py": "the API's Sensitivity type, the enum of the OpenAPI document",
}


def _sbu_literals(path: Path) -> list[int]:
    """Line numbers of string tokens whose value is exactly the SBU value."""
    lines = []
    with path.open("rb") as handle:
        for token in tokenize.tokenize(handle.readline):
            if token.type != tokenize.STRING:
                continue
            try:
                value = ast.literal_eval(token.string)
            except (ValueError, SyntaxError):  # f-strings and the like: never the bare value
                continue
            if value in (SBU_VALUE, SBU_VALUE.encode()):
                lines.append(token.start[0])
    return lines


def _modules():
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        if "/migrations/" in f"/{relative}" or relative in ALLOWED:
            continue
        yield relative, path


def test_no_module_outside_the_redaction_point_names_the_sbu_value():
    offenders = [f"src/icsplan/{name}:{line}" for name, path in _modules() for line in _sbu_literals(path)]
    assert not offenders, (
        "compare through icsplan.accounts.redaction (is_sbu, visible/visible_to) or the Sensitivity enum, "
        "not the literal:\n  " + "\n  ".join(offenders)
    )


def test_the_allowed_places_exist():
    """A renamed module must not leave a stale exemption behind."""
    for name in ALLOWED:
        assert (SRC / name).is_file(), name


@pytest.mark.parametrize("source, found", [
    ('x.exclude(sensitivity="sbu")\n', [1]),
    ("if value == 'sbu':\n    pass\n", [1]),
    ('LABEL = "SBU"\nCLASS = f"{x}-sbu"\n', []),
    ('\n\nmarks = ("public", "sbu")\n', [3]),
])
def test_the_check_finds_the_literal(tmp_path, source, found):
    """The scanner itself: it sees the literal however it is quoted, and nothing else."""
    path = tmp_path / "module.py"
    path.write_text(source)
    assert _sbu_literals(path) == found


def test_every_output_path_reads_through_the_redaction_point():
    """The modules that once filtered by hand now import the redaction point (or the API's
    ``Access``, which delegates to it)."""
    expected = {
        "api/tree.py": "access.readable", "api/routers/indicators/common.py": "access.readable",
        "api/routers/search.py": "portfolio_search.search", "portfolio/search.py": "visible(qs", "api/routers/attachments.py": "access.readable",
        "api/access.py": "redaction.", "indicators/progress.py": "visible_to",
        "web/monitoring.py": "visible_to", "web/views/results.py": "redaction import visible",
        "web/views/charts.py": "shared_progress(strategy, audience=", "web/views/history.py": "hidden_history_rows",
        "publishing/report/outline/build.py": "wants_public_copy", "audit/services.py": "wants_public_copy",
        "api/routers/exports.py": "wants_public_copy", "web/views/exports.py": "wants_public_copy",
    }
    missing = [f"{name} ({needle})" for name, needle in expected.items() if needle not in (SRC / name).read_text()]
    assert not missing, missing
