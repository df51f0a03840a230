"""Architecture checks over the import graph of src/icsplan (issue 13, item 6).

The graph is built with `ast` from the source alone (nothing is imported), with three kinds of edge:

- "module": an import executed when the module is imported (top level, or inside a class body,
  an ``if``/``try`` at top level);
- "function": an import inside a function or method body, executed only when it is called;
- "typing": an import under ``if TYPE_CHECKING:``, never executed at run time.

Checks:

(a) no NEW cycle between top-level apps (``icsplan.<app>``; a top-level module such as
    ``icsplan.cli`` counts as an app of its own) through module-level imports, nor through
    module-level and function-level imports together; no cycle at all between single modules
    through module-level imports;
(b) no module imports a private name (``from x import _y``) from another module;
(c) the Django-free core (``icsplan.document``, ``icsplan.ingest``, ``icsplan.errors``) imports no
    Django, at any level;
(d) no module under src/ is longer than MAX_MODULE_LINES lines (split it along its seams into a
    package whose ``__init__`` re-exports).

(a) and (b) carry allow-lists of what is there today. They can only shrink: a test fails when an
allowed entry disappears, so whoever removes a cycle or a private import also removes its entry.
Run ``python tests/test_architecture.py`` for a report of the graph.
"""

from __future__ import annotations

import ast
import collections
import dataclasses
import functools
import pathlib
import sys

SRC = pathlib.Path(__file__).resolve().parent.parent / "src"
PACKAGE = "icsplan"

# Django-free core: these may not import django (nor anything that imports django; see the test).
CORE = ("icsplan.document", "icsplan.ingest", "icsplan.errors")

# (a) App-level edges (importer app -> imported app, module-level imports only) that lie on a cycle
# between apps today. Each cycle is one strongly connected component of the app graph; an edge listed
# here may disappear (delete it when it does), none may be added. The goal is an empty set.
ALLOWED_APP_CYCLE_EDGES: frozenset[tuple[str, str]] = frozenset()

# (a') The same, counting function-level (deferred) imports as edges too: an import moved into a
# function hides a cycle from Python but not from the design. None today (issue 13 removed the
# last ones: the lower app now offers a hook the upper one connects at start-up, e.g.
# core.audit_trail and accounts.redaction.connect_document_loader, or the code moved down a layer).
# Keep it empty.
ALLOWED_DEFERRED_APP_CYCLE_EDGES: frozenset[tuple[str, str]] = frozenset()

# (b) `from module import _private` across modules today, as (importer, imported module, name).
# Make the name public (or move the helper) and delete its line here; never add one.
ALLOWED_PRIVATE_IMPORTS: frozenset[tuple[str, str, str]] = frozenset()

# (d) A module longer than this is split into a package along its seams. Generated migrations count
# too (none is close). Keep the allow-list empty (the test fails when an allowed module is back
# under the limit, so an entry cannot outlive its reason).
MAX_MODULE_LINES = 600
ALLOWED_LONG_MODULES: frozenset[str] = frozenset()


@dataclasses.dataclass(frozen=True)
class Edge:
    importer: str
    imported: str
    kind: str  # "module", "function" or "typing"
    names: tuple[str, ...]  # names taken with `from imported import ...` (empty for `import x`)
    lineno: int


def _module_name(path: pathlib.Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@functools.cache
def modules() -> dict[str, pathlib.Path]:
    return {_module_name(p): p for p in sorted((SRC / PACKAGE).rglob("*.py"))}


def _is_package(module: str) -> bool:
    return modules()[module].name == "__init__.py"


def _resolve_relative(importer: str, level: int, module: str | None) -> str:
    base = importer.split(".")
    if not _is_package(importer):
        base = base[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join(base + ([module] if module else []))


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.Module) -> list[tuple[ast.Import | ast.ImportFrom, str]]:
    """Every import statement of a module with its kind."""
    found: list[tuple[ast.Import | ast.ImportFrom, str]] = []

    def visit(node: ast.AST, kind: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                found.append((child, kind))
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                visit(child, "function" if kind == "module" else kind)
            elif isinstance(child, ast.If) and _is_type_checking(child.test):
                for stmt in child.body:
                    visit_stmt(stmt, "typing")
                for stmt in child.orelse:
                    visit_stmt(stmt, kind)
            else:
                visit(child, kind)

    def visit_stmt(stmt: ast.stmt, kind: str) -> None:
        if isinstance(stmt, ast.Import | ast.ImportFrom):
            found.append((stmt, kind))
        else:
            visit(stmt, kind)

    visit(tree, "module")
    return found


@functools.cache
def edges() -> tuple[Edge, ...]:
    """Edges to any module, in the project or not (external ones keep their dotted name)."""
    mods = modules()
    result: list[Edge] = []
    for importer, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node, kind in _imports(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    result.append(Edge(importer, alias.name, kind, (), node.lineno))
                continue
            target = (
                _resolve_relative(importer, node.level, node.module) if node.level else node.module or ""
            )
            plain: list[str] = []
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                if submodule in mods:  # `from package import submodule`
                    result.append(Edge(importer, submodule, kind, (), node.lineno))
                else:
                    plain.append(alias.name)
            if plain or target not in mods:
                result.append(Edge(importer, target, kind, tuple(plain), node.lineno))
    return tuple(result)


def internal_edges() -> list[Edge]:
    mods = modules()
    return [e for e in edges() if e.imported in mods and e.imported != e.importer]


def app_of(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else module


def _strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm; returns the components of more than one node (or with a self-loop)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []
    counter = 0
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))

    def connect(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph.get(node, ())):
            if succ not in index:
                connect(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component: set[str] = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                components.append(component)

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return components


def graph_of(pairs: set[tuple[str, str]]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = collections.defaultdict(set)
    for a, b in pairs:
        graph[a].add(b)
    return graph


def cycle_edges(pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The edges that lie inside a strongly connected component, i.e. on some cycle."""
    members: dict[str, int] = {}
    for number, component in enumerate(_strongly_connected(graph_of(pairs))):
        for node in component:
            members[node] = number
    return {(a, b) for a, b in pairs if a in members and members.get(b) == members[a]}


def app_edges(kind: str) -> set[tuple[str, str]]:
    return {
        (app_of(e.importer), app_of(e.imported))
        for e in internal_edges()
        if e.kind == kind and app_of(e.importer) != app_of(e.imported)
    }


def private_imports() -> set[tuple[str, str, str]]:
    found: set[tuple[str, str, str]] = set()
    mods = modules()
    for e in edges():
        if not e.imported.startswith(PACKAGE) or e.imported == e.importer:
            continue
        for name in e.names:
            if name.startswith("_") and not name.startswith("__"):
                found.add((e.importer, e.imported, name))
        leaf = e.imported.rsplit(".", 1)[-1]
        if not e.names and e.imported in mods and leaf.startswith("_") and not leaf.startswith("__"):
            found.add((e.importer, e.imported.rsplit(".", 1)[0], leaf))  # a private module
    return found


def _in_core(module: str) -> bool:
    return any(module == c or module.startswith(c + ".") for c in CORE)


# --- the tests ------------------------------------------------------------------------------------


def test_graph_is_not_empty() -> None:
    # Guards the checks below against a broken walker passing vacuously.
    assert len(modules()) > 50
    assert len(internal_edges()) > 100
    assert app_edges("module")


def test_no_new_cycle_between_apps() -> None:
    found = cycle_edges(app_edges("module"))
    new = found - ALLOWED_APP_CYCLE_EDGES
    assert not new, (
        "module-level imports close a new cycle between apps through "
        f"{sorted(new)}; import inside the function that needs it is NOT the fix: move the code "
        "to the layer that both can depend on."
    )
    gone = ALLOWED_APP_CYCLE_EDGES - found
    assert not gone, f"cycle edges gone, delete them from ALLOWED_APP_CYCLE_EDGES: {sorted(gone)}"


def test_no_cycle_between_modules() -> None:
    # Module by module (not only app by app), through module-level imports: none today.
    pairs = {(e.importer, e.imported) for e in internal_edges() if e.kind == "module"}
    cycles = _strongly_connected(graph_of(pairs))
    assert not cycles, f"module-level import cycles between modules: {[sorted(c) for c in cycles]}"


def test_no_new_cycle_between_apps_through_deferred_imports() -> None:
    found = cycle_edges(app_edges("module") | app_edges("function"))
    new = found - ALLOWED_DEFERRED_APP_CYCLE_EDGES
    assert not new, (
        f"imports (deferred into functions or not) close a new cycle between apps through {sorted(new)}"
    )
    gone = ALLOWED_DEFERRED_APP_CYCLE_EDGES - found
    assert not gone, f"cycle edges gone, delete them from ALLOWED_DEFERRED_APP_CYCLE_EDGES: {sorted(gone)}"


def test_no_new_private_import_across_modules() -> None:
    found = private_imports()
    new = found - ALLOWED_PRIVATE_IMPORTS
    assert not new, f"private names imported from another module (make them public): {sorted(new)}"
    gone = ALLOWED_PRIVATE_IMPORTS - found
    assert not gone, f"private imports gone, delete them from ALLOWED_PRIVATE_IMPORTS: {sorted(gone)}"


def long_modules(limit: int = MAX_MODULE_LINES) -> dict[str, int]:
    lengths = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in modules().items()}
    return {name: length for name, length in lengths.items() if length > limit}


def test_no_module_is_too_long() -> None:
    found = long_modules()
    new = {name: length for name, length in found.items() if name not in ALLOWED_LONG_MODULES}
    assert not new, (
        f"modules over {MAX_MODULE_LINES} lines (split each along its seams into a package that "
        f"re-exports): {sorted(new.items())}"
    )
    gone = ALLOWED_LONG_MODULES - set(found)
    assert not gone, f"modules back under {MAX_MODULE_LINES} lines, delete them from ALLOWED_LONG_MODULES: {sorted(gone)}"


def test_the_length_check_counts_lines() -> None:
    # Guards the check above against a walker that sees nothing: the longest module is long.
    longest = max(long_modules(limit=0).values())
    assert longest > 300
    assert long_modules(limit=longest) == {}
    assert len(long_modules(limit=longest - 1)) >= 1


def test_core_imports_no_django() -> None:
    core = [m for m in modules() if _in_core(m)]
    assert "icsplan.errors" in core and any(m.startswith("icsplan.ingest.") for m in core)
    offenders = []
    for e in edges():
        if not _in_core(e.importer):
            continue
        top = e.imported.split(".")[0]
        if top in {"django", "ninja", "simple_history"}:
            offenders.append(f"{e.importer}:{e.lineno} imports {e.imported} ({e.kind})")
        elif e.imported.startswith(PACKAGE + ".") and not _in_core(e.imported):
            # Anything in the project outside the core may pull Django in.
            offenders.append(f"{e.importer}:{e.lineno} imports {e.imported} outside the core ({e.kind})")
    assert not offenders, "the document core must stay Django-free:\n" + "\n".join(offenders)


def test_walker_sees_every_kind_of_edge() -> None:
    tree = ast.parse(
        "import a\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    import b\n"
        "try:\n    import c\nexcept ImportError:\n    pass\n"
        "class K:\n    import d\n    def m(self):\n        import e\n"
        "def f():\n    def g():\n        import h\n"
    )
    kinds = {alias.name: kind for node, kind in _imports(tree) for alias in node.names}
    assert kinds == {
        "a": "module",
        "TYPE_CHECKING": "module",
        "b": "typing",
        "c": "module",
        "d": "module",
        "e": "function",
        "h": "function",
    }


# --- report ---------------------------------------------------------------------------------------


def report() -> None:
    inter = [e for e in internal_edges() if app_of(e.importer) != app_of(e.imported)]
    by_kind = collections.Counter(e.kind for e in inter)
    print(f"{len(modules())} modules, {len(internal_edges())} internal import edges")
    print(f"edges between apps by kind (one per imported module per statement): {dict(by_kind)}")
    fn_statements = {(e.importer, e.lineno) for e in inter if e.kind == "function"}
    print(f"function-level import statements crossing apps: {len(fn_statements)}")
    mod_cycles = _strongly_connected(graph_of(app_edges("module")))
    print(f"app-level cycles (module-level imports): {len(mod_cycles)} SCCs {mod_cycles}")
    print("  cycle edges:", sorted(cycle_edges(app_edges("module"))))
    all_pairs = app_edges("module") | app_edges("function")
    print(f"app-level SCCs counting function-level imports too: {_strongly_connected(graph_of(all_pairs))}")
    module_pairs = {(e.importer, e.imported) for e in internal_edges() if e.kind == "module"}
    print(f"module-level cycles between single modules: {_strongly_connected(graph_of(module_pairs))}")
    priv = sorted(private_imports())
    print(f"private imports across modules: {len(priv)}")
    for p in priv:
        print("   ", p)


if __name__ == "__main__":
    report()
