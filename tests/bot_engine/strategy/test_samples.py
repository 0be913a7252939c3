"""The bundled strategies trade on the bundled candles, fast enough for a replay."""

import time
from pathlib import Path

import pandas as pd
import pytest

from bot_engine.strategy import load_strategy
from bot_engine.strategy.signals import normalise_signals

ROOT = Path(__file__).resolve().parents[3]
USER_STRATEGIES = ROOT / "user_data" / "strategies"
DATA = ROOT / "user_data" / "data" / "binance"
PAIRS = ["ADA/BTC", "ETH/BTC", "LTC/BTC", "XLM/BTC", "XMR/BTC"]


def bundled_candles(pair: str) -> pd.DataFrame:
    return pd.read_feather(DATA / f"{pair.replace('/', '_')}-5m.feather")


@pytest.fixture(scope="module")
def sample():
    return load_strategy("SampleStrategy", config={}, search_dirs=[USER_STRATEGIES])


@pytest.mark.parametrize("pair", PAIRS)
def test_sample_strategy_enters_and_exits_on_every_pair(sample, pair: str) -> None:
    out = normalise_signals(sample.analyze(bundled_candles(pair), pair))
    entries = out["enter_long"] == 1
    exits = out["exit_long"] == 1
    assert entries.sum() > 3
    assert exits.sum() > 3
    assert set(out.loc[entries, "enter_tag"]) <= {"rsi_cross", "bb_rebound"}
    assert set(out.loc[exits, "exit_tag"]) == {"rsi_overbought"}
    assert out["enter_short"].isna().all()


def test_sample_strategy_settings(sample) -> None:
    assert sample.timeframe == "5m"
    assert sample.startup_candle_count == 30
    assert sample.roi_table() == {0: 0.04, 30: 0.02, 60: 0.01}
    assert sample.stoploss == -0.10
    assert sample.trailing_stop is False
    assert set(sample.plot_config["main_plot"]) == {
        "tema",
        "bb_upperband",
        "bb_middleband",
        "bb_lowerband",
    }
    assert "rsi" in sample.plot_config["subplots"]["RSI"]
    assert [p["name"] for p in sample.describe_parameters()] == ["buy_rsi", "sell_rsi"]


def test_plot_config_columns_exist(sample) -> None:
    out = sample.analyze(bundled_candles("ETH/BTC").iloc[:300], "ETH/BTC")
    plotted = set(sample.plot_config["main_plot"])
    for subplot in sample.plot_config["subplots"].values():
        plotted |= set(subplot)
    assert plotted <= set(out.columns)


def test_signals_on_a_window_match_the_full_history(sample) -> None:
    """What the engine sees on a 300-candle window is what a full-history analysis shows."""
    frame = bundled_candles("ETH/BTC")
    full = sample.analyze(frame, "ETH/BTC")
    signal_rows = full.index[(full["enter_long"] == 1) & (full.index >= 1000)]
    window_end = int(signal_rows[0]) + 1
    window = sample.analyze(frame.iloc[window_end - 300 : window_end], "ETH/BTC")
    assert window["enter_long"].iloc[-1] == 1
    assert window["enter_tag"].iloc[-1] == full["enter_tag"].iloc[window_end - 1]


def test_ema_cross_strategy_trades(sample) -> None:
    ema = load_strategy("EmaCrossStrategy", config={}, search_dirs=[USER_STRATEGIES])
    out = ema.analyze(bundled_candles("XMR/BTC"), "XMR/BTC")
    assert (out["enter_long"] == 1).sum() > 3
    assert (out["exit_long"] == 1).sum() > 3


def test_analyze_on_a_replay_window_is_fast(sample) -> None:
    """A generous bound (the target is ~3 ms); it catches accidental per-row Python loops."""
    window = bundled_candles("XMR/BTC").iloc[-300:].reset_index(drop=True)
    sample.analyze(window, "XMR/BTC")
    timings = []
    for _ in range(30):
        start = time.perf_counter()
        sample.analyze(window, "XMR/BTC")
        timings.append(time.perf_counter() - start)
    assert sorted(timings)[len(timings) // 2] < 0.05
