"""One list of error codes: every code used in src/ is in ``icsplan.errors.ERROR_CODES`` (with its
meaning), nothing listed is unused, and docs/error-codes.md is written from the list."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from icsplan.errors import ERROR_CODES, error_codes_markdown

REPO = Path(__file__).resolve().parent.parent
SRC = REPO / "src" / "icsplan"
#: the shape of a code: lowercase words joined by hyphens
CODE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)+$")


def _called(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _codes_in_source() -> dict[str, set[str]]:
    """code -> modules, for ``code="…"`` keywords, ``code = "…"`` class attributes and the API's
    ``problem(request, status, "code", …)`` calls."""
    found: dict[str, set[str]] = {}
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        relative = str(path.relative_to(SRC))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            value = None
            if isinstance(node, ast.keyword) and node.arg == "code" and isinstance(node.value, ast.Constant):
                value = node.value.value
            elif (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                  and node.targets[0].id == "code" and isinstance(node.value, ast.Constant)):
                value = node.value.value
            elif (isinstance(node, ast.Call) and _called(node) == "problem"
                  and len(node.args) >= 3 and isinstance(node.args[0], ast.Name) and node.args[0].id == "request"
                  and isinstance(node.args[2], ast.Constant)):
                value = node.args[2].value
            elif isinstance(node, ast.Call) and any(word in (_called(node) or "") for word in ("refuse", "fail", "Error")):
                # A refusal helper or an error class given its code positionally.
                for arg in node.args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and CODE.match(arg.value):
                        found.setdefault(arg.value, set()).add(relative)
            elif (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                  and node.targets[0].id.endswith("_CODES") and isinstance(node.value, ast.Dict)):
                # A table of codes (the API's code for each HTTP status).
                for item in node.value.values:
                    if isinstance(item, ast.Constant) and isinstance(item.value, str) and CODE.match(item.value):
                        found.setdefault(item.value, set()).add(relative)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                # ``code: str = "bad-upload"``: a default code.
                arguments = node.args.args + node.args.kwonlyargs
                defaults = [None] * (len(node.args.args) - len(node.args.defaults)) + list(node.args.defaults)
                defaults += list(node.args.kw_defaults)
                for argument, default in zip(arguments, defaults):
                    if argument.arg == "code" and isinstance(default, ast.Constant):
                        value = default.value
            if isinstance(value, str):
                found.setdefault(value, set()).add(relative)
    return found


def test_every_code_used_is_listed_with_its_meaning():
    used = _codes_in_source()
    missing = {code: sorted(where) for code, where in used.items() if code not in ERROR_CODES}
    assert not missing, f"add these codes to icsplan.errors.ERROR_CODES (and regenerate docs): {missing}"
    assert all(meaning.strip() for meaning in ERROR_CODES.values())


def test_no_listed_code_is_unused():
    used = _codes_in_source()
    stale = sorted(set(ERROR_CODES) - set(used) - {"invalid"})  # "invalid": Problem's default code
    assert not stale, f"codes no longer used anywhere: delete them from ERROR_CODES: {stale}"


def test_the_document_is_written_from_the_list():
    path = REPO / "docs" / "error-codes.md"
    assert path.read_text(encoding="utf-8") == error_codes_markdown(), (
        "docs/error-codes.md is stale: write it with "
        "`python -c 'from icsplan.errors import error_codes_markdown as m; print(m(), end=\"\")' > docs/error-codes.md`")
