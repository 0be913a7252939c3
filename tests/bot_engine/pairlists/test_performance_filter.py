"""PerformanceFilter on a bot's closed trades: best profit first, then fewer trades, then the
incoming order; ``min_profit`` drops the losers; ``minutes`` looks at recent trades only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot_engine.pairlists.base import PairlistContext
from bot_engine.pairlists.chain import PairlistChain
from tests.bot_engine.pairlists.test_chains import END, PAIRS, replay
from tests.fixtures.freqtrade_data import make_bot_row, make_closed_trade

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def performance_replay():
    return replay()


def trade(bot, trade_id, pair, profit_ratio, closed):
    make_closed_trade(
        bot,
        trade_id,
        pair=pair,
        open_rate=1.0,
        close_rate=1.0 + profit_ratio,
        opened=closed - timedelta(hours=1),
        closed=closed,
    )


def run(exchange, bot, entry):
    context = PairlistContext(
        exchange=exchange, stake_currency="BTC", whitelist=tuple(PAIRS), bot_id=bot.pk
    )
    return PairlistChain([{"method": "StaticPairList"}, entry], context).refresh()


def test_pairs_ranked_by_their_closed_trades(performance_replay):
    bot = make_bot_row()
    long_ago = datetime(2018, 1, 20, tzinfo=UTC)
    trade(bot, 1, "XMR/BTC", 0.05, long_ago)  # +5 %: first
    trade(bot, 2, "ETH/BTC", 0.02, long_ago)
    trade(bot, 3, "ETH/BTC", 0.02, END - timedelta(minutes=30))  # ETH: +4 % over 2 trades
    trade(bot, 4, "ADA/BTC", -0.03, END - timedelta(minutes=20))  # a loser: last
    ranked = run(performance_replay, bot, {"method": "PerformanceFilter"})
    untraded = [p for p in PAIRS if p not in {"XMR/BTC", "ETH/BTC", "ADA/BTC"}]
    assert ranked == ["XMR/BTC", "ETH/BTC", *untraded, "ADA/BTC"]
    assert run(performance_replay, bot, {"method": "PerformanceFilter", "min_profit": 0.0}) == [
        "XMR/BTC",
        "ETH/BTC",
        *untraded,
    ]
    # The last hour only: ETH's recent +2 % first, ADA's loss last, XMR counts as untraded.
    recent = run(performance_replay, bot, {"method": "PerformanceFilter", "minutes": 60})
    assert recent[0] == "ETH/BTC" and recent[-1] == "ADA/BTC"
    assert recent[1:-1] == [p for p in PAIRS if p not in {"ETH/BTC", "ADA/BTC"}]


def test_no_trades_keeps_the_order(performance_replay):
    bot = make_bot_row()
    assert (
        run(performance_replay, bot, {"method": "PerformanceFilter", "min_profit": 0.01}) == PAIRS
    )
