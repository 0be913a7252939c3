"""simulate(): what a caller (the command, the job runner) sees besides the trades themselves.

Progress reports, a stop request, a strategy that does not exist, and the bundled strategies'
tags (kept: they assign their tag columns). Trade-for-trade parity with Freqtrade is
``test_freqtrade_parity.py``.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bot_engine.backtest.options import BacktestOptions
from bot_engine.backtest.simulator import BacktestStopped, simulate
from bot_engine.config.loader import load_config
from bot_engine.data.gaps import fill_gaps
from bot_engine.exceptions import StrategyError
from bot_engine.strategy import persistence

ROOT = Path(__file__).resolve().parents[3]
CONFIG = ROOT / "tests/data/freqtrade/backtest/runs/sample/config.json"
CANDLES = ROOT / "user_data/data/binance"
BUNDLED = ROOT / "user_data/strategies"
SHORT = "20180111-20180114"
REFERENCE_HOURS = ROOT / "tests/data/freqtrade/backtest/data"


def options(strategy: str = "SampleStrategy", **changes) -> BacktestOptions:
    return BacktestOptions(
        strategy=strategy, strategy_path=BUNDLED, timerange=SHORT, datadir=CANDLES, **changes
    )


@pytest.fixture(scope="module")
def config():
    return load_config(CONFIG)


def test_progress_goes_from_startup_through_the_backtest_to_the_end(config):
    reports = []
    outcome = simulate(config, options(), progress=lambda *report: reports.append(report))
    steps = [step for step, _, _ in reports]
    started = steps.index("backtest")
    assert started > 1
    assert set(steps[:started]) == {"startup"}  # loading and analysing, pair by pair
    assert set(steps[started:]) == {"backtest"}
    for step in ("startup", "backtest"):
        fractions = [fraction for name, fraction, _ in reports if name == step]
        assert fractions == sorted(fractions)
        assert fractions[0] == 0.0
    assert reports[-1][1] == 1.0
    assert reports[-1][2] == len(outcome.trades) > 0


def test_a_stop_request_aborts_the_run(config):
    asked = []

    def stop_after_a_while() -> bool:
        asked.append(1)
        return len(asked) > 20

    with pytest.raises(BacktestStopped, match="Stop requested"):
        simulate(config, options(), should_stop=stop_after_a_while)


def test_an_unknown_strategy_is_refused_by_name(config):
    with pytest.raises(StrategyError, match="NoSuchStrategy"):
        simulate(config, options("NoSuchStrategy"))


def test_the_bundled_sample_strategy_keeps_its_tags(config):
    # It assigns its enter_tag/exit_tag columns, so the empty ones the analysis adds first
    # (as Freqtrade does) are replaced, here and in Freqtrade alike.
    trades = simulate(config, options()).trades
    assert {t["enter_tag"] for t in trades} <= {"rsi_cross", "bb_rebound"}
    assert {t["enter_tag"] for t in trades} != set()


def test_flags_override_the_config(config):
    outcome = simulate(config, options(max_open_trades=1, stake_amount="unlimited"))
    assert outcome.settings["max_open_trades"] == 1
    opened = sorted((t["open_date"], t["close_date"]) for t in outcome.trades)
    # One slot: a trade opens only once the previous one closed.
    assert all(later[0] >= earlier[1] for earlier, later in itertools.pairwise(opened))
    # "unlimited" with one slot stakes the tradable balance (0.99 BTC), less the amount step.
    assert outcome.trades[0]["stake_amount"] > 0.95


@pytest.mark.parametrize("pair", ["ETH/BTC", "ADA/BTC"])  # ADA/BTC has gaps in its 5m candles
def test_informative_hours_are_built_like_freqtrades_files(pair):
    # Freqtrade reads @informative("1h") candles from files (missing hours filled on load); a
    # backtest here builds them from the 5m candles: they must be the references' files.
    from bot_engine.backtest.data import BacktestDataProvider, Timerange

    dp = BacktestDataProvider(
        {},
        timeframe="5m",
        data_dir=CANDLES,
        pairs=[pair],
        timerange=Timerange(None, None),
        startup=0,
        base_frames={pair: pd.read_feather(CANDLES / f"{pair.replace('/', '_')}-5m.feather")},
    )
    built = dp.get_pair_dataframe(pair, "1h")
    stored = fill_gaps(
        pd.read_feather(REFERENCE_HOURS / f"{pair.replace('/', '_')}-1h.feather"), "1h"
    )
    assert built["date"].tolist() == stored["date"].tolist()
    columns = ["open", "high", "low", "close"]
    assert (built[columns].to_numpy() == stored[columns].to_numpy()).all()
    assert np.allclose(built["volume"], stored["volume"], rtol=1e-12)


PROBE = """
from freqtrade.persistence import PairLocks, Trade
from freqtrade.strategy import IStrategy


class ProxyProbe(IStrategy):
    timeframe = "5m"
    minimal_roi = {"0": 0.01}
    stoploss = -0.02
    seen = []

    def populate_indicators(self, dataframe, metadata):
        return dataframe

    def populate_entry_trend(self, dataframe, metadata):
        dataframe["enter_long"] = (dataframe["close"] < dataframe["open"]).astype(int)
        return dataframe

    def populate_exit_trend(self, dataframe, metadata):
        dataframe["exit_long"] = 0
        return dataframe

    def confirm_trade_entry(self, pair, current_time, **kwargs):
        opened = Trade.get_trades_proxy(is_open=True)
        closed = Trade.get_trades_proxy(is_open=False)
        mine = Trade.get_trades_proxy(pair=pair, close_date=current_time)
        self.seen.append(
            (current_time, len(opened), len(closed), Trade.get_open_trade_count(), len(mine))
        )
        return True
"""


@pytest.mark.django_db
def test_strategies_see_the_backtests_own_trades_and_no_database_is_asked(
    config, tmp_path, django_assert_num_queries
):
    (tmp_path / "probe.py").write_text(PROBE)
    with django_assert_num_queries(0):
        outcome = simulate(
            config,
            BacktestOptions(
                strategy="ProxyProbe", strategy_path=tmp_path, timerange=SHORT, datadir=CANDLES
            ),
        )
    assert persistence.Trade.get_trades_proxy() == []  # nothing bound after the run
    modules = list(sys.modules.values())
    seen = next(vars(m)["ProxyProbe"] for m in modules if "ProxyProbe" in vars(m)).seen
    assert len(seen) >= len(outcome.trades) > 10
    dates = [(t["open_date"], t["close_date"]) for t in outcome.trades]
    for when, opened, closed, counted, later_closes in seen:
        stamp = when.isoformat(sep=" ")
        assert opened == counted <= 5  # max_open_trades
        assert later_closes == 0  # no trade of the pair closed after "now"
        # Every trade entered before this candle is there, open or closed.
        assert (
            sum(o < stamp for o, _ in dates) <= opened + closed <= sum(o <= stamp for o, _ in dates)
        )
        assert sum(c < stamp for _, c in dates) <= closed <= sum(c <= stamp for _, c in dates)
