"""Every fixture name means one thing across tests/fixtures and the test modules."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

TESTS = Path(__file__).resolve().parent
# Overrides on purpose: a module changes the config the API fixtures (running_bot, webserver)
# build their bot from by redefining this one fixture, pytest's own mechanism.
OVERRIDDEN = {"bot_config"}


def _fixture_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for decorator in node.decorator_list:
            if "fixture" not in ast.unparse(decorator):
                continue
            keywords = decorator.keywords if isinstance(decorator, ast.Call) else []
            named = [k.value.value for k in keywords if k.arg == "name"]
            names.add(named[0] if named else node.name)
    return names


def test_each_fixture_name_is_defined_once():
    defined = defaultdict(list)
    for path in sorted(TESTS.rglob("*.py")):
        for name in _fixture_names(path):
            defined[name].append(path.relative_to(TESTS).as_posix())
    twice = {name: paths for name, paths in defined.items() if len(paths) > 1}
    assert set(twice) <= OVERRIDDEN, {n: p for n, p in twice.items() if n not in OVERRIDDEN}
    assert "bot_config" in defined and "make_running_bot" in defined  # the scan sees them
