"""Find strategy classes by name in strategy folders, list them, and load one."""

from __future__ import annotations

import ast
import importlib.util
import itertools
import logging
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from bot_engine.exceptions import StrategyError
from bot_engine.strategy.base import IStrategy

logger = logging.getLogger(__name__)

SHIM_DIR = Path(__file__).resolve().parent / "shim"
NOT_FOUND = "Strategy '{name}' not found. Available strategies: {available}."
LOAD_FAILED = "Strategy '{name}' could not be loaded from {path}: {error}"
NOT_A_STRATEGY = "'{name}' in {path} is not a strategy (it does not subclass IStrategy)."
# Freqtrade's wording, word for word: traders search for it.
SHORT_IN_SPOT = (
    "Short strategies cannot run in spot markets. Please make sure that this is the correct "
    "strategy and that your trading mode configuration is correct. You can run this strategy "
    "in spot markets by setting `can_short=False` in your strategy. Please note that short "
    "signals will be ignored in that case."
)

_module_counter = itertools.count(1)


@dataclass(frozen=True)
class _SourceFile:
    """What parsing one strategy file (without importing it) tells us."""

    path: Path
    classes: Mapping[str, tuple[str, ...]]  # top-level class name -> base class names
    error: str | None = None  # syntax or read error; the file then lists no class
    text: str = ""


def install_freqtrade_shim() -> bool:
    """Make ``import freqtrade...`` work in strategy files when Freqtrade is not installed.

    A real installation wins: the shim folder is appended to ``sys.path`` only when no
    ``freqtrade`` package can be found. Returns True when the shim is (now) in use.
    """
    shim = str(SHIM_DIR)
    if shim in sys.path:
        return True
    if importlib.util.find_spec("freqtrade") is not None:
        return False
    sys.path.append(shim)
    return True


def list_strategies(search_dirs: Sequence[Path]) -> list[str]:
    """Sorted names of the strategy classes defined in ``search_dirs`` (parsed, not imported)."""
    return sorted(_strategy_classes(_scan(search_dirs)))


def strategy_source(name: str, search_dirs: Sequence[Path]) -> tuple[str, Path]:
    """The source code and path of the file that defines strategy ``name``."""
    files = _scan(search_dirs)
    found = _strategy_classes(files)
    if name not in found:
        raise StrategyError(_not_found(name, found))
    source = found[name]
    return source.text, source.path


def strategy_classes_in_file(path: Path) -> list[type[IStrategy]]:
    """Import ``path`` and return the strategy classes it defines (not those it imports), in
    definition order; a file that cannot be imported raises ``StrategyError``."""
    install_freqtrade_shim()
    module = _import_file(path.stem, path)
    return [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, IStrategy)
        and value.__module__ == module.__name__
    ]


def load_strategy(
    name: str,
    *,
    config: Mapping[str, Any],
    search_dirs: Sequence[Path],
    for_trading: bool = True,
) -> IStrategy:
    """Import the file defining strategy class ``name`` and return an instance of it.

    ``for_trading=False`` (only showing the strategy, as ``/strategy/{name}``) skips the checks
    that refuse to trade it, such as shorting in spot mode; Freqtrade shows those too.
    """
    files = _scan(search_dirs)
    found = _strategy_classes(files)
    source = found.get(name) or _broken_file_defining(name, files)
    if source is None:
        raise StrategyError(_not_found(name, found))
    if source.error is not None:
        raise StrategyError(LOAD_FAILED.format(name=name, path=source.path, error=source.error))
    install_freqtrade_shim()
    strategy_class = _import_class(name, source.path)
    try:
        strategy = strategy_class(config)
    except Exception as exc:
        raise StrategyError(
            LOAD_FAILED.format(name=name, path=source.path, error=repr(exc))
        ) from exc
    strategy.__file__ = str(source.path)
    if for_trading:
        _refuse_short_in_spot(strategy, config)
    logger.info("Loaded strategy %s from %s", name, source.path)
    return strategy


def _refuse_short_in_spot(strategy: IStrategy, config: Mapping[str, Any]) -> None:
    """A shorting strategy in spot mode is refused, not run with its short signals dropped:
    its author expects trades that would never happen (read on the instance, since some
    strategies make ``can_short`` a property of the config's trading mode)."""
    if strategy.can_short and (config.get("trading_mode") or "spot") == "spot":
        raise StrategyError(SHORT_IN_SPOT)


def _not_found(name: str, found: Mapping[str, _SourceFile]) -> str:
    return NOT_FOUND.format(name=name, available=", ".join(sorted(found)) or "none")


def _iter_files(search_dirs: Sequence[Path]) -> Iterator[Path]:
    for directory in search_dirs:
        directory = Path(directory)
        if not directory.is_dir():
            logger.debug("Strategy folder %s does not exist; skipped.", directory)
            continue
        for path in sorted(directory.glob("*.py")):
            if not path.name.startswith("__") and path.is_file():
                yield path


def _parse(path: Path) -> _SourceFile:
    text = ""
    try:
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text, filename=str(path))
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError) as exc:
        logger.warning("Skipping strategy file %s: %r", path, exc)
        return _SourceFile(path=path, classes={}, error=repr(exc), text=text)
    classes = {
        node.name: tuple(_base_name(base) for base in node.bases)
        for node in tree.body
        if isinstance(node, ast.ClassDef)
    }
    return _SourceFile(path=path, classes=classes, text=text)


def _base_name(node: ast.expr) -> str:
    """``IStrategy`` for ``IStrategy``, ``strategy.IStrategy`` and ``interface.IStrategy``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _scan(search_dirs: Sequence[Path]) -> list[_SourceFile]:
    return [_parse(path) for path in _iter_files(search_dirs)]


def _strategy_classes(files: Sequence[_SourceFile]) -> dict[str, _SourceFile]:
    """Classes that derive from IStrategy directly or through other classes in these files.

    The first file (in folder order, then file name) that defines a name wins.
    """
    bases_of: dict[str, tuple[str, ...]] = {}
    defined_in: dict[str, _SourceFile] = {}
    for source in files:
        for name, bases in source.classes.items():
            bases_of.setdefault(name, bases)
            defined_in.setdefault(name, source)
    strategies: set[str] = set()
    changed = True
    while changed:  # fixpoint: a subclass of a strategy is a strategy
        changed = False
        for name, bases in bases_of.items():
            if name not in strategies and any(
                base.endswith("IStrategy") or base in strategies for base in bases
            ):
                strategies.add(name)
                changed = True
    return {name: defined_in[name] for name in strategies}


def _broken_file_defining(name: str, files: Sequence[_SourceFile]) -> _SourceFile | None:
    """A file that failed to parse but textually defines class ``name``."""
    pattern = re.compile(rf"^\s*class\s+{re.escape(name)}\b", re.MULTILINE)
    return next((f for f in files if f.error is not None and pattern.search(f.text)), None)


def _import_class(name: str, path: Path) -> type[IStrategy]:
    module = _import_file(name, path)
    strategy_class = getattr(module, name, None)
    if not (isinstance(strategy_class, type) and issubclass(strategy_class, IStrategy)):
        raise StrategyError(NOT_A_STRATEGY.format(name=name, path=path))
    return strategy_class


def _import_file(name: str, path: Path) -> ModuleType:
    """Import ``path`` as a fresh module, so a reload sees edits to the file."""
    module_name = f"tradeplane_strategy_{path.stem}_{next(_module_counter)}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise StrategyError(LOAD_FAILED.format(name=name, path=path, error="not importable"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # dataclasses and pickling look modules up here
    # The strategy's folder is importable while it loads, for helper modules beside it.
    folder = str(path.parent)
    added = folder not in sys.path
    if added:
        sys.path.insert(0, folder)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        sys.modules.pop(module_name, None)
        raise StrategyError(LOAD_FAILED.format(name=name, path=path, error=repr(exc))) from exc
    finally:
        if added:
            sys.path.remove(folder)
    return module
