"""IStrategy: analyze's column guarantees, v2 names, parameters and the default callbacks."""

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bot_engine.exceptions import StrategyError
from bot_engine.strategy import (
    SIGNAL_COLUMNS,
    BooleanParameter,
    CategoricalParameter,
    DecimalParameter,
    IntParameter,
    IStrategy,
    RealParameter,
    load_strategy,
)
from bot_engine.strategy.signals import normalise_signals

TEST_STRATEGIES = Path(__file__).resolve().parents[3] / "tests" / "data" / "strategies"
NOW = datetime(2018, 1, 20, tzinfo=UTC)


def candles(closes: list[float]) -> pd.DataFrame:
    dates = pd.date_range("2018-01-10", periods=len(closes), freq="5min", tz="UTC")
    close = np.asarray(closes, dtype=float)
    return pd.DataFrame(
        {
            "date": dates,
            "open": close * 0.999,
            "high": close * 1.01,
            "low": close * 0.99,
            "close": close,
            "volume": 10.0,
        }
    )


def wave(rows: int = 200) -> pd.DataFrame:
    """A sine-shaped price path: RSI swings through 30 and 70 several times."""
    return candles(list(1.0 + 0.05 * np.sin(np.arange(rows) / 6.0)))


class NothingStrategy(IStrategy):
    minimal_roi = {"30": 0.01, 0: 0.04, "10": 0.02}

    def populate_indicators(self, dataframe, metadata):
        return dataframe

    def populate_entry_trend(self, dataframe, metadata):
        return dataframe

    def populate_exit_trend(self, dataframe, metadata):
        return dataframe


class PartialStrategy(NothingStrategy):
    def populate_entry_trend(self, dataframe, metadata):
        dataframe.loc[dataframe["close"] > 1.0, "enter_long"] = 1
        dataframe.loc[dataframe["close"] > 1.04, "enter_tag"] = "high"
        dataframe["enter_short"] = 0
        return dataframe


class DropsRowsStrategy(NothingStrategy):
    def populate_indicators(self, dataframe, metadata):
        return dataframe.dropna().iloc[:-1]


class RaisingStrategy(NothingStrategy):
    def populate_indicators(self, dataframe, metadata):
        raise KeyError("no_such_column")


class ParamStrategy(NothingStrategy):
    buy_params = {"buy_level": 7, "buy_flag": False}
    sell_params = {"sell_choice": "c"}

    buy_level = IntParameter(1, 10, default=3)
    buy_flag = BooleanParameter(default=True, load=False)
    sell_choice = CategoricalParameter(["a", "b", "c"], default="b", space="sell")
    sell_ratio = DecimalParameter([0.1, 0.9], default=0.33333, decimals=2)
    real = RealParameter(0, 1, default=0.5, space="protection")
    no_space = IntParameter(1, 3, default=2)


def test_normalise_adds_every_missing_signal_column() -> None:
    out = normalise_signals(NothingStrategy({}).analyze(wave(), "ETH/BTC"))
    for column in SIGNAL_COLUMNS:
        assert out[column].dtype == float
        assert out[column].isna().all()
    for column in ("enter_tag", "exit_tag"):
        # Created before populate_*_trend, "" (untagged), as in Freqtrade's frames.
        assert out[column].dtype == object
        assert (out[column] == "").all()
    bare = normalise_signals(wave())
    for column in ("enter_tag", "exit_tag"):
        assert bare[column].dtype == object
        assert bare[column].map(lambda tag: tag is None).all()


def test_normalise_keeps_columns_the_strategy_set() -> None:
    out = normalise_signals(PartialStrategy({}).analyze(wave(), "ETH/BTC"))
    assert set(out["enter_long"].dropna()) == {1.0}
    assert out["enter_long"].isna().any()
    assert out["enter_short"].dtype.kind == "i"  # an int column the strategy wrote stays int
    assert (out["enter_short"] == 0).all()
    tags = out["enter_tag"]
    assert tags.dtype == object
    assert set(tags.dropna()) == {"high", ""}
    assert all(tag == "" for tag in tags[out["close"] <= 1.04])  # Freqtrade's untagged value


def test_analyze_leaves_the_input_frame_alone() -> None:
    frame = wave()
    columns = list(frame.columns)
    PartialStrategy({}).analyze(frame, "ETH/BTC")
    assert list(frame.columns) == columns


def test_analyze_refuses_a_frame_with_rows_dropped() -> None:
    with pytest.raises(StrategyError, match="mismatching length"):
        DropsRowsStrategy({}).analyze(wave(), "ETH/BTC")


def test_analyze_wraps_strategy_exceptions() -> None:
    with pytest.raises(StrategyError, match="RaisingStrategy failed analysing ETH/BTC"):
        RaisingStrategy({}).analyze(wave(), "ETH/BTC")


def test_a_strategy_without_entry_trend_says_so() -> None:
    class NoEntry(IStrategy):
        def populate_indicators(self, dataframe, metadata):
            return dataframe

    with pytest.raises(StrategyError, match="implements no populate_entry_trend"):
        NoEntry({}).analyze(wave(), "ETH/BTC")


def test_legacy_v2_buy_and_sell_columns_are_mapped() -> None:
    strategy = load_strategy("LegacyV2Strategy", config={}, search_dirs=[TEST_STRATEGIES])
    frame = wave()
    out = strategy.analyze(frame, "ETH/BTC")
    green = frame["close"] > frame["open"]
    assert "buy" not in out.columns and "sell" not in out.columns
    assert (out.loc[green, "enter_long"] == 1).all()
    assert out.loc[~green, "enter_long"].isna().all()
    assert (out.loc[~green, "exit_long"] == 1).all()
    assert (out.loc[green, "enter_tag"] == "green").all()
    assert all(tag is None for tag in out.loc[~green, "enter_tag"])


def test_freqtrade_style_file_analyses_through_the_shim() -> None:
    strategy = load_strategy("FreqtradeStyleStrategy", config={}, search_dirs=[TEST_STRATEGIES])
    out = strategy.analyze(wave(400), "LTC/BTC")
    assert (out["pair_seen"] == "LTC/BTC").all()  # metadata reached populate_indicators
    assert {"rsi", "sma"} <= set(out.columns)
    entries = out["enter_long"] == 1
    assert entries.sum() >= 2
    assert (out.loc[entries, "enter_tag"] == "rsi_up").all()
    assert (out["exit_long"] == 1).sum() >= 2
    assert strategy.custom_exit("LTC/BTC", None, NOW, 1.0, 0.0) is None


def test_parameters_are_described_in_the_contract_shape() -> None:
    strategy = ParamStrategy({})
    params = {p["name"]: p for p in strategy.describe_parameters()}
    assert "no_space" not in params  # no space and no buy_/sell_ prefix: not a hyperopt param
    assert params["buy_level"] == {
        "param_type": "IntParameter",
        "name": "buy_level",
        "space": "buy",
        "load": True,
        "optimize": True,
        "value": 7,
        "low": 1,
        "high": 10,
    }
    assert params["buy_flag"] == {
        "param_type": "BooleanParameter",
        "name": "buy_flag",
        "space": "buy",
        "load": False,
        "optimize": True,
        "value": True,
        "opt_range": [False, True],
    }
    assert params["sell_choice"]["value"] == "c"
    assert params["sell_choice"]["opt_range"] == ["a", "b", "c"]
    assert params["sell_ratio"] == {
        "param_type": "DecimalParameter",
        "name": "sell_ratio",
        "space": "sell",
        "load": True,
        "optimize": True,
        "value": 0.33,
        "low": 0.1,
        "high": 0.9,
        "decimals": 2,
    }
    assert params["real"]["space"] == "protection"
    assert params["real"]["low"] == 0.0 and isinstance(params["real"]["low"], float)
    assert strategy.buy_level.value == 7  # populate_* read the loaded value


def test_loaded_values_do_not_leak_into_the_class() -> None:
    ParamStrategy({})
    assert ParamStrategy.buy_level.value == 3
    assert NothingStrategy({}).describe_parameters() == []


def test_freqtrade_style_parameters() -> None:
    strategy = load_strategy("FreqtradeStyleStrategy", config={}, search_dirs=[TEST_STRATEGIES])
    params = {p["name"]: p for p in strategy.describe_parameters()}
    assert list(params) == [
        "buy_rsi",
        "sell_rsi",
        "buy_factor",
        "sell_ratio",
        "buy_use_volume",
        "sell_mode",
    ]
    assert params["buy_rsi"]["value"] == 35  # from buy_params
    assert params["sell_rsi"]["space"] == "sell"  # from the name
    assert params["buy_factor"]["value"] == 1.01
    assert params["sell_ratio"]["optimize"] is False


def test_a_name_contradicting_its_space_is_refused() -> None:
    class Confused(NothingStrategy):
        buy_x = IntParameter(1, 2, default=1, space="sell")

    with pytest.raises(StrategyError, match="Inconclusive parameter name buy_x"):
        Confused({})


def test_parameter_constructor_errors() -> None:
    with pytest.raises(StrategyError):
        IntParameter(1, default=1)
    with pytest.raises(StrategyError):
        CategoricalParameter(["only"], default="only")


def test_roi_table_has_sorted_int_keys() -> None:
    strategy = NothingStrategy({})
    assert strategy.roi_table() == {0: 0.04, 10: 0.02, 30: 0.01}
    assert strategy.roi_at(5) == 0.04
    assert strategy.roi_at(30) == 0.01


def test_default_callbacks_change_nothing() -> None:
    strategy = NothingStrategy({})
    assert strategy.confirm_trade_entry("ETH/BTC", "limit", 1.0, 0.1, "GTC", NOW, None, "long")
    assert strategy.confirm_trade_exit("ETH/BTC", None, "limit", 1.0, 0.1, "GTC", "roi", NOW)
    assert (
        strategy.custom_stake_amount("ETH/BTC", NOW, 0.1, 0.05, 0.001, 1.0, 1.0, None, "long")
        == 0.05
    )
    assert strategy.custom_exit("ETH/BTC", None, NOW, 0.1, 0.01) is None
    assert strategy.custom_stoploss("ETH/BTC", None, NOW, 0.1, 0.01) == strategy.stoploss
    assert strategy.informative_pairs() == []
    assert strategy.bot_start() is None
    assert strategy.version() is None
    assert strategy.get_strategy_name() == "NothingStrategy"
