"""Edge in the running bot: background recalculation, pair filter, stoploss and stake."""

import threading
from datetime import UTC, datetime

import pytest

from bot_engine.config.model import EdgeConfig
from bot_engine.edge.positioning import EdgePositioning, edge_from_history
from bot_engine.edge.simulation import PairEdge
from bot_engine.models import Trade
from bot_engine.strategy.loader import load_strategy
from tests.fixtures.engine import ROOT, run_candles

NOW = datetime(2018, 1, 25, tzinfo=UTC)


def pair_edge(pair, *, stoploss=-0.03, winrate=0.7, expectancy=0.5):
    return PairEdge(pair, stoploss, winrate, 2.0, 0.4, expectancy, 12, 45.0)


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def positioning(calculate, clock=None, **config):
    return EdgePositioning(
        EdgeConfig(enabled=True, process_throttle_secs=60, **config),
        calculate,
        fallback_stoploss=-0.10,
        capital_ratio=0.99,
        clock=clock or Clock(),
    )


def test_nothing_is_accepted_before_the_first_calculation():
    edge = positioning(lambda *a: {})
    assert edge.accepted_pairs(["ETH/BTC"]) == []
    assert edge.stoploss("ETH/BTC") == -0.10
    assert edge.rows() == []


def test_filter_stoploss_and_rows_after_a_calculation():
    edges = {
        "XLM/BTC": pair_edge("XLM/BTC", expectancy=0.9),
        "ETH/BTC": pair_edge("ETH/BTC", stoploss=-0.02),
        "ADA/BTC": pair_edge("ADA/BTC", winrate=0.5),  # under minimum_winrate
    }
    edge = positioning(lambda *a: edges)
    assert edge.refresh(pairs=list(edges), now=NOW, fees={}, wait=True)
    assert edge.accepted_pairs(["ETH/BTC", "ADA/BTC", "XLM/BTC"]) == ["XLM/BTC", "ETH/BTC"]
    assert edge.accepted_pairs(["ETH/BTC"]) == ["ETH/BTC"]
    assert edge.stoploss("ETH/BTC") == -0.02
    assert edge.stoploss("ADA/BTC") == -0.03  # figures exist, even if not accepted
    assert [r["Pair"] for r in edge.rows()] == ["XLM/BTC", "ETH/BTC"]
    assert edge.rows()[1] == {
        "Pair": "ETH/BTC",
        "Winrate": 0.7,
        "Expectancy": 0.5,
        "Stoploss": -0.02,
        "RiskRewardRatio": 2.0,
        "RequiredRiskRewardRatio": 0.4,
        "NbTrades": 12,
        "AvgTradeDuration": 45.0,
    }


def test_stake_risks_only_the_allowed_share():
    edge = positioning(lambda *a: {"ETH/BTC": pair_edge("ETH/BTC", stoploss=-0.02)})
    edge.refresh(pairs=["ETH/BTC"], now=NOW, fees={}, wait=True)
    # (0.8 + 0.2) * 0.99 available, 1% of it at risk at a 2% stop -> 0.495
    stake = edge.stake_amount("ETH/BTC", free_capital=0.8, total_capital=0.8, capital_in_trade=0.2)
    assert stake == pytest.approx(0.495)
    assert edge.stake_amount(
        "ETH/BTC", free_capital=0.1, total_capital=0.8, capital_in_trade=0.2
    ) == pytest.approx(0.1)  # never more than is free


def test_recalculation_runs_in_the_background_and_waits_for_the_interval():
    release = threading.Event()
    calls = []

    def slow(pairs, now, fees):
        calls.append(now)
        release.wait(5)
        return {"ETH/BTC": pair_edge("ETH/BTC")}

    clock = Clock()
    edge = positioning(slow, clock)
    assert edge.refresh(pairs=["ETH/BTC"], now=NOW, fees={})  # returns at once
    assert edge.calculating and edge.snapshot is None
    assert not edge.refresh(pairs=["ETH/BTC"], now=NOW, fees={})  # one at a time
    release.set()
    edge.join(5)
    assert edge.accepted_pairs(["ETH/BTC"]) == ["ETH/BTC"]
    clock.now = 30
    assert not edge.refresh(pairs=["ETH/BTC"], now=NOW, fees={})  # not due yet
    clock.now = 61
    assert edge.refresh(pairs=["ETH/BTC"], now=NOW, fees={})
    edge.join(5)
    assert len(calls) == 2


def test_a_failing_calculation_keeps_the_previous_figures():
    results = [{"ETH/BTC": pair_edge("ETH/BTC")}, RuntimeError("boom")]

    def flaky(*args):
        result = results.pop(0)
        if isinstance(result, Exception):
            raise result
        return result

    clock = Clock()
    edge = positioning(flaky, clock)
    edge.refresh(pairs=["ETH/BTC"], now=NOW, fees={}, wait=True)
    clock.now = 100
    edge.refresh(pairs=["ETH/BTC"], now=NOW, fees={}, wait=True)
    assert edge.accepted_pairs(["ETH/BTC"]) == ["ETH/BTC"]


def test_edge_from_history_uses_only_candles_before_now():
    strategy = load_strategy(
        "SampleStrategy", config={}, search_dirs=[ROOT / "user_data" / "strategies"]
    )
    config = EdgeConfig(enabled=True, calculate_since_number_of_days=5, min_trade_number=1)
    kwargs = dict(
        config=config,
        strategy=strategy,
        data_dir=ROOT / "user_data" / "data" / "binance",
        pairs=["ETH/BTC", "XLM/BTC", "NOPE/BTC"],
        timeframe="5m",
        fees={},
    )
    edges = edge_from_history(now=NOW, **kwargs)
    assert set(edges) <= {"ETH/BTC", "XLM/BTC"} and edges
    assert all(e.nb_trades >= 1 and -0.1 <= e.stoploss <= -0.01 for e in edges.values())
    # The bundled data starts 2018-01-10: nothing is known before it.
    assert edge_from_history(now=datetime(2018, 1, 10, 4, 55, tzinfo=UTC), **kwargs) == {}


EDGE_CONFIG = {
    "enabled": True,
    "calculate_since_number_of_days": 7,
    "min_trade_number": 1,
    "minimum_winrate": 0.0,
    "minimum_expectancy": -100.0,
    "allowed_risk": 0.01,
}


def test_engine_trades_only_edge_pairs_with_edge_stoploss_and_stake(make_running_bot):
    bot = make_running_bot(
        edge=EDGE_CONFIG,
        stake_amount="unlimited",
        exchange={"replay": {"speed": 0, "start": "20180120"}},
    )
    assert bot.edge is not None
    now = bot.exchange.now()
    bot.edge.refresh(
        pairs=["ETH/BTC", "XLM/BTC"], now=now, fees={"ETH/BTC": 0.001, "XLM/BTC": 0.001}, wait=True
    )
    accepted = bot.edge.accepted_pairs(["ETH/BTC", "XLM/BTC"])
    assert accepted
    run_candles(bot, 600)
    trades = list(Trade.objects.filter(bot_id=bot.bot_id))
    assert trades
    for trade in trades:
        assert trade.pair in accepted
        assert trade.initial_stop_loss_pct == pytest.approx(bot.edge.stoploss(trade.pair))
        # 1% of the (1 BTC, growing with profits) wallet at risk at the pair's stoploss
        assert trade.stake_amount <= 0.0099 / abs(trade.initial_stop_loss_pct) * 1.05
    first = min(trades, key=lambda t: t.trade_id)
    assert first.stake_amount == pytest.approx(0.0099 / abs(first.initial_stop_loss_pct))


def test_engine_without_edge_has_none(make_running_bot):
    assert make_running_bot().edge is None
