"""Finding, listing and loading strategies by class name, with clear errors for bad files."""

import logging
import shutil
import sys
from pathlib import Path

import pytest

from bot_engine.exceptions import StrategyError
from bot_engine.strategy import (
    IStrategy,
    install_freqtrade_shim,
    list_strategies,
    load_strategy,
    strategy_source,
)
from bot_engine.strategy.loader import SHIM_DIR

ROOT = Path(__file__).resolve().parents[3]
USER_STRATEGIES = ROOT / "user_data" / "strategies"
TEST_STRATEGIES = ROOT / "tests" / "data" / "strategies"

BROKEN_SYNTAX = '''"""Deliberately invalid."""
from freqtrade.strategy import IStrategy


class BrokenSyntaxStrategy(IStrategy):
    def populate_indicators(self, dataframe, metadata)
        return dataframe
'''


@pytest.fixture
def strategy_dir(tmp_path: Path) -> Path:
    """The test strategies plus a file with a syntax error, in a scratch folder."""
    folder = tmp_path / "strategies"
    shutil.copytree(TEST_STRATEGIES, folder)
    (folder / "broken_syntax.py").write_text(BROKEN_SYNTAX)
    return folder


def test_sample_strategy_is_found_by_name() -> None:
    strategy = load_strategy("SampleStrategy", config={}, search_dirs=[USER_STRATEGIES])
    assert type(strategy).__name__ == "SampleStrategy"
    assert isinstance(strategy, IStrategy)
    assert strategy.config == {}
    assert strategy.dp is None
    assert Path(strategy.__file__) == USER_STRATEGIES / "sample_strategy.py"


def test_config_is_kept_as_given() -> None:
    config = {"stake_currency": "BTC", "dry_run": True}
    strategy = load_strategy("EmaCrossStrategy", config=config, search_dirs=[USER_STRATEGIES])
    assert strategy.config == config


def test_unknown_name_lists_available_strategies() -> None:
    with pytest.raises(StrategyError) as err:
        load_strategy("NoSuchStrategy", config={}, search_dirs=[USER_STRATEGIES])
    assert str(err.value) == (
        "Strategy 'NoSuchStrategy' not found. "
        "Available strategies: EmaCrossStrategy, SampleStrategy."
    )


def test_listing_skips_a_syntax_error_and_helpers(strategy_dir: Path, caplog) -> None:
    with caplog.at_level(logging.WARNING):
        names = list_strategies([strategy_dir, USER_STRATEGIES])
    assert names == [
        "BrokenImportStrategy",  # importable only when loaded; listing does not import
        "DerivedStrategy",
        "EmaCrossStrategy",
        "FreqtradeStyleStrategy",
        "LegacyV2Strategy",
        "RaisingStrategy",
        "SampleStrategy",
    ]
    assert "broken_syntax.py" in caplog.text


def test_loading_the_file_with_a_syntax_error_names_file_and_error(strategy_dir: Path) -> None:
    with pytest.raises(StrategyError) as err:
        load_strategy("BrokenSyntaxStrategy", config={}, search_dirs=[strategy_dir])
    message = str(err.value)
    assert "broken_syntax.py" in message
    assert "SyntaxError" in message


def test_loading_a_file_with_an_import_error_names_file_and_error(strategy_dir: Path) -> None:
    with pytest.raises(StrategyError) as err:
        load_strategy("BrokenImportStrategy", config={}, search_dirs=[strategy_dir])
    message = str(err.value)
    assert "broken_import.py" in message
    assert "tradeplane_no_such_module" in message


def test_other_strategies_load_beside_broken_files(strategy_dir: Path) -> None:
    strategy = load_strategy("FreqtradeStyleStrategy", config={}, search_dirs=[strategy_dir])
    assert strategy.stoploss == -0.08


def test_subclass_of_a_strategy_in_another_file(strategy_dir: Path) -> None:
    strategy = load_strategy("DerivedStrategy", config={}, search_dirs=[strategy_dir])
    assert strategy.stoploss == -0.02
    assert strategy.timeframe == "5m"  # inherited from FreqtradeStyleStrategy
    assert str(strategy_dir) not in sys.path  # the folder was importable only while loading


def test_a_class_that_is_not_a_strategy_is_not_found(strategy_dir: Path) -> None:
    with pytest.raises(StrategyError, match="Strategy 'Helper' not found"):
        load_strategy("Helper", config={}, search_dirs=[strategy_dir])


def test_reloading_picks_up_edits(tmp_path: Path) -> None:
    path = tmp_path / "edit_me.py"
    shutil.copy(TEST_STRATEGIES / "legacy_v2.py", path)
    first = load_strategy("LegacyV2Strategy", config={}, search_dirs=[tmp_path])
    path.write_text(path.read_text().replace("stoploss = -0.05", "stoploss = -0.07"))
    second = load_strategy("LegacyV2Strategy", config={}, search_dirs=[tmp_path])
    assert (first.stoploss, second.stoploss) == (-0.05, -0.07)


def test_strategy_source_returns_code_and_path() -> None:
    code, path = strategy_source("SampleStrategy", [USER_STRATEGIES])
    assert path == USER_STRATEGIES / "sample_strategy.py"
    assert "class SampleStrategy(IStrategy)" in code


def test_strategy_source_of_unknown_name() -> None:
    with pytest.raises(StrategyError, match="Strategy 'Nope' not found"):
        strategy_source("Nope", [USER_STRATEGIES])


def test_missing_folder_lists_nothing(tmp_path: Path) -> None:
    assert list_strategies([tmp_path / "absent"]) == []
    with pytest.raises(StrategyError, match="Available strategies: none."):
        load_strategy("SampleStrategy", config={}, search_dirs=[tmp_path / "absent"])


def test_shim_is_installed_once_and_is_our_class() -> None:
    assert install_freqtrade_shim() is True
    assert install_freqtrade_shim() is True
    assert sys.path.count(str(SHIM_DIR)) == 1
    import freqtrade
    from freqtrade.strategy import IStrategy as ShimIStrategy
    from freqtrade.strategy.interface import IStrategy as InterfaceIStrategy

    assert freqtrade.__version__ == "tradeplane-shim"
    assert ShimIStrategy is IStrategy
    assert InterfaceIStrategy is IStrategy
