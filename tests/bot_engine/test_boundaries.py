"""The one-way import rules of /work/shared/style.md, read from the source with `ast`.

`bot_engine` never imports the API layer (management commands aside, they are entry points),
only the ccxt adapter imports ccxt, and no two modules import each other.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot_engine", "api", "controlplane")

# Top-level names bot_engine must not import: the API layer, the project settings and the web
# frameworks, so the engine runs (and is tested) without any of them.
FORBIDDEN_IN_ENGINE = (
    "api",
    "controlplane",
    "rest_framework",
    "rest_framework_simplejwt",
    "channels",
    "drf_spectacular",
)
ENGINE_ENTRY_POINTS = "bot_engine/management/"
CCXT_ADAPTER = "bot_engine/exchange/ccxt_exchange.py"


@dataclass(frozen=True)
class Import:
    """One import statement's target, resolved to an absolute dotted name."""

    module: str  # the module named after `import` / `from`
    names: tuple[str, ...]  # the names after `from x import`, empty for `import x`
    deferred: bool  # inside a function body or under `if TYPE_CHECKING:`
    line: int


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _project_modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    }


MODULES = _project_modules()


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path) -> Iterator[Import]:
    """Every import in the file, marked deferred unless it runs when the module is imported."""
    module = _module_name(path)
    is_package = path.name == "__init__.py"

    def resolve(node: ast.ImportFrom) -> str:
        if not node.level:
            return node.module or ""
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        return ".".join(base + ([node.module] if node.module else []))

    def visit(nodes: list[ast.stmt], deferred: bool) -> Iterator[Import]:
        for node in nodes:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield Import(alias.name, (), deferred, node.lineno)
            elif isinstance(node, ast.ImportFrom):
                names = tuple(alias.name for alias in node.names)
                yield Import(resolve(node), names, deferred, node.lineno)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield from visit(node.body, True)
            elif isinstance(node, ast.If) and _is_type_checking(node.test):
                yield from visit(node.body, True)
                yield from visit(node.orelse, deferred)
            else:
                # class, if, try, with and for bodies run when the enclosing code runs.
                for field in ("body", "orelse", "finalbody", "handlers"):
                    children = getattr(node, field, None) or []
                    stmts = [c for c in children if isinstance(c, ast.stmt)]
                    handlers = [c for c in children if isinstance(c, ast.ExceptHandler)]
                    yield from visit(stmts, deferred)
                    for handler in handlers:
                        yield from visit(handler.body, deferred)

    yield from visit(ast.parse(path.read_text(), filename=str(path)).body, False)


def _targets(imp: Import) -> set[str]:
    """The project modules an import loads: `from x import y` means x.y when y is a submodule."""
    targets = set()
    for name in imp.names:
        if f"{imp.module}.{name}" in MODULES:
            targets.add(f"{imp.module}.{name}")
        elif imp.module in MODULES:
            targets.add(imp.module)
    if not imp.names and imp.module in MODULES:
        targets.add(imp.module)
    return targets


def _graph(*, include_deferred: bool) -> dict[str, set[str]]:
    graph = {}
    for module, path in MODULES.items():
        edges = set()
        for imp in _imports(path):
            if include_deferred or not imp.deferred:
                edges |= _targets(imp)
        edges.discard(module)
        graph[module] = edges
    return graph


def _circles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[frozenset[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    circles.append(frozenset(component))
    return circles


def _describe(circles: list[frozenset[str]]) -> list[str]:
    return [" <-> ".join(sorted(circle)) for circle in circles]


def test_the_scan_sees_the_project():
    # A path mistake would make every test below pass vacuously.
    assert "bot_engine.runtime" in MODULES
    assert "api.urls" in MODULES
    assert any(imp.module == "ccxt" for imp in _imports(ROOT / CCXT_ADAPTER))


def test_bot_engine_imports_no_api_layer():
    offences = []
    for module, path in MODULES.items():
        relative = path.relative_to(ROOT).as_posix()
        if not module.startswith("bot_engine") or relative.startswith(ENGINE_ENTRY_POINTS):
            continue
        for imp in _imports(path):
            if imp.module.split(".")[0] in FORBIDDEN_IN_ENGINE:
                offences.append(f"{relative}:{imp.line} imports {imp.module}")
    assert offences == []


def test_only_the_exchange_adapter_imports_ccxt():
    offences = [
        f"{path.relative_to(ROOT).as_posix()}:{imp.line}"
        for path in MODULES.values()
        for imp in _imports(path)
        if imp.module.split(".")[0] == "ccxt" and path != ROOT / CCXT_ADAPTER
    ]
    assert offences == []


def test_no_import_circle():
    assert _describe(_circles(_graph(include_deferred=False))) == []


def test_no_circle_through_deferred_imports():
    # A function-level import that closes a circle hides it from the test above.
    assert _describe(_circles(_graph(include_deferred=True))) == []
