"""profit_summary on small hand-built trade sets, with the expected numbers worked out here."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from api.serializers.formats import naturaltime
from api.serializers.profit import profit_body
from bot_engine.engine.wallet import loaded_stake_wallet, stake_wallet
from bot_engine.selectors.closed_cache import closed_trades
from bot_engine.selectors.profit import profit_summary
from bot_engine.selectors.trades import open_trades
from tests.fixtures.freqtrade_data import (
    fixture_freqtrade_config,  # noqa: F401 - registers the fixture
    freqtrade_bot_config,
    freqtrade_response,
    make_bot_row,
    make_closed_trade,
    make_open_trade,
)

pytestmark = pytest.mark.django_db

T0 = datetime(2024, 1, 1, 10, 0, tzinfo=UTC)
NOW = datetime(2024, 3, 1, tzinfo=UTC)
START = 990.0  # dry_run_wallet 1000 × tradable_balance_ratio 0.99


def summary(bot, **kwargs):
    values = {"config": freqtrade_bot_config(), "current_rates": {}, "bot_start": None, "now": NOW}
    values.update(kwargs)
    return profit_body(profit_summary(bot_id=bot.pk, **values))


def test_empty_database_gives_the_documented_zeros(freqtrade_config):
    bot = make_bot_row()
    body = summary(bot, bot_start=None)
    assert body.keys() == freqtrade_response("profit").keys()
    assert body["trade_count"] == body["closed_trade_count"] == 0
    assert body["profit_closed_coin"] == body["profit_all_coin"] == 0.0
    assert body["profit_closed_ratio_mean"] == body["profit_all_ratio_sum"] == 0.0
    assert (body["first_trade_date"], body["first_trade_humanized"]) == ("", "")
    assert (body["first_trade_timestamp"], body["latest_trade_timestamp"]) == (0, 0)
    assert body["avg_duration"] == "0:00:00"
    assert (body["best_pair"], body["best_rate"], body["best_pair_profit_abs"]) == ("", 0, 0)
    assert (body["winning_trades"], body["losing_trades"], body["winrate"]) == (0, 0, 0)
    assert body["profit_factor"] is None  # no losing profit: ∞, written as null
    assert (body["expectancy"], body["expectancy_ratio"]) == (0.0, 100.0)
    assert (body["sharpe"], body["sortino"], body["calmar"], body["sqn"]) == (0, 0, 0, 0)
    assert body["cagr"] == 0.0  # final balance == starting balance
    assert (body["max_drawdown"], body["max_drawdown_abs"], body["max_drawdown_start"]) == (
        0.0,
        0.0,
        "",
    )
    assert (body["current_drawdown_start"], body["current_drawdown_start_timestamp"]) == ("", 0)
    assert body["trading_volume"] == 0.0
    # Never "" or 0 (ftui parses it): with nothing stored and no trades, the start is now.
    assert body["bot_start_date"] == "2024-03-01 00:00:00"
    assert body["bot_start_timestamp"] == int(NOW.timestamp() * 1000)


def test_one_win_and_one_loss():
    bot = make_bot_row()
    # +2.0 (ratio 0.2) and -1.0 (ratio -0.1), no fees.
    make_closed_trade(
        bot,
        1,
        open_rate=1.0,
        close_rate=1.2,
        opened=T0,
        closed=T0 + timedelta(hours=1),
        pair="ETH/BTC",
    )
    make_closed_trade(
        bot,
        2,
        open_rate=1.0,
        close_rate=0.9,
        opened=T0 + timedelta(days=2),
        closed=T0 + timedelta(days=2, hours=3),
        pair="LTC/BTC",
    )
    body = summary(bot)

    assert body["profit_closed_coin"] == body["profit_all_coin"] == 1.0
    assert body["profit_closed_ratio_sum"] == pytest.approx(0.1)
    assert body["profit_closed_ratio_mean"] == pytest.approx(0.05)
    assert body["profit_closed_percent_mean"] == 5.0
    assert body["profit_closed_ratio"] == 1.0 / START
    assert body["profit_closed_percent"] == 0.1
    assert (body["trade_count"], body["closed_trade_count"]) == (2, 2)
    assert (body["winning_trades"], body["losing_trades"], body["winrate"]) == (1, 1, 0.5)
    assert body["profit_factor"] == pytest.approx(2.0)
    # avg win 2, avg loss 1, half and half: 0.5·2 − 0.5·1 and (1 + 2/1)·0.5 − 1.
    assert body["expectancy"] == pytest.approx(0.5)
    assert body["expectancy_ratio"] == pytest.approx(0.5)
    assert (body["best_pair"], body["best_pair_profit_abs"]) == ("ETH/BTC", pytest.approx(2.0))
    assert body["best_pair_profit_ratio"] == pytest.approx(0.2)  # 2.0 / entry cost 10.0
    assert body["best_rate"] == 20.0
    assert body["avg_duration"] == "2:00:00"  # (1 h + 3 h) / 2
    assert body["first_trade_date"] == "2024-01-01 10:00:00"
    assert body["latest_trade_date"] == "2024-01-03 10:00:00"
    assert body["first_trade_humanized"] == "a month ago"  # 59 days: humanize's month is 30.5
    assert body["trading_volume"] == pytest.approx(10 * 1.0 + 10 * 1.2 + 10 * 1.0 + 10 * 0.9)
    # days between the first and last open = 2; sharpe with the population std.
    scaled = np.array([2.0, -1.0]) / START
    assert body["sharpe"] == pytest.approx(scaled.sum() / 2 / scaled.std() * math.sqrt(365))
    assert body["sortino"] == -100.0  # one losing trade: its spread is 0
    assert body["sqn"] == round(math.sqrt(2) * scaled.mean() / scaled.std(ddof=1), 4)
    final = (1000 + 1.0) * 0.99
    assert body["cagr"] == pytest.approx((final / START) ** (365 / 2) - 1)


def test_drawdown_on_three_trades():
    bot = make_bot_row()
    day = timedelta(days=1)
    make_closed_trade(bot, 1, open_rate=1.0, close_rate=1.2, opened=T0, closed=T0 + day)
    make_closed_trade(bot, 2, open_rate=1.0, close_rate=0.7, opened=T0, closed=T0 + 2 * day)
    make_closed_trade(bot, 3, open_rate=1.0, close_rate=1.05, opened=T0, closed=T0 + 3 * day)
    body = summary(bot)
    # Cumulative +2, −1, −0.5; the peak stays at +2 (after trade 1).
    assert body["max_drawdown_abs"] == pytest.approx(3.0)
    assert body["max_drawdown"] == pytest.approx(3.0 / (START + 2.0))
    assert body["max_drawdown_start"] == "2024-01-02 10:00:00"
    assert body["max_drawdown_start_timestamp"] == int((T0 + day).timestamp() * 1000)
    assert body["max_drawdown_end"] == "2024-01-03 10:00:00"
    assert body["current_drawdown_abs"] == pytest.approx(2.5)
    assert body["current_drawdown"] == pytest.approx(2.5 / (START + 2.0))
    assert body["current_drawdown_high"] == pytest.approx(2.0)
    assert body["current_drawdown_start"] == "2024-01-02 10:00:00"
    # all three opened together: first == last open date, so these ratios are 0
    assert (body["sharpe"], body["sortino"], body["calmar"]) == (0, 0, 0)


def test_drawdown_without_losses_is_zero_at_the_first_close():
    bot = make_bot_row()
    make_closed_trade(
        bot, 1, open_rate=1.0, close_rate=1.1, opened=T0, closed=T0 + timedelta(hours=1)
    )
    body = summary(bot)
    assert (body["max_drawdown"], body["max_drawdown_abs"]) == (0.0, 0.0)
    assert body["max_drawdown_start"] == body["max_drawdown_end"] == "2024-01-01 11:00:00"
    assert body["profit_factor"] is None
    assert body["sqn"] == -100.0  # one trade: no sample spread


def test_open_trades_count_at_the_current_rate():
    bot = make_bot_row()
    make_closed_trade(
        bot, 1, open_rate=1.0, close_rate=1.2, opened=T0, closed=T0 + timedelta(hours=1)
    )
    make_open_trade(
        bot, 2, open_rate=2.0, amount=5.0, opened=T0 + timedelta(days=1), pair="LTC/BTC"
    )
    make_open_trade(
        bot, 3, open_rate=2.0, opened=T0 + timedelta(days=2), pair="XRP/BTC", filled=False
    )  # no filled entry: counted, but not in the sums
    body = summary(bot, current_rates={"LTC/BTC": 2.2})
    assert body["profit_closed_coin"] == 2.0
    assert body["profit_all_coin"] == pytest.approx(2.0 + 5 * 0.2)
    assert body["profit_all_ratio_sum"] == pytest.approx(0.2 + 0.1)
    assert (body["trade_count"], body["closed_trade_count"]) == (3, 1)
    assert body["latest_trade_date"] == "2024-01-03 10:00:00"  # highest id, open or not
    # The open stake (10) leaves the wallet but the starting balance does not move.
    assert body["profit_closed_ratio"] == 2.0 / START


def test_missing_rate_makes_the_all_trade_sums_null():
    bot = make_bot_row()
    make_open_trade(bot, 1, open_rate=2.0, opened=T0)
    body = summary(bot, current_rates={})
    assert body["profit_all_coin"] is None
    assert body["profit_all_ratio_mean"] is None
    assert body["profit_closed_coin"] == 0.0


def test_direction_filter():
    bot = make_bot_row()
    make_closed_trade(
        bot, 1, open_rate=1.0, close_rate=1.2, opened=T0, closed=T0 + timedelta(hours=1)
    )
    make_closed_trade(
        bot,
        2,
        open_rate=1.0,
        close_rate=0.9,
        opened=T0,
        closed=T0 + timedelta(hours=2),
        is_short=True,
        pair="LTC/BTC",
    )
    long_body = summary(bot, direction="long")
    short_body = summary(bot, direction="short")
    assert (long_body["closed_trade_count"], long_body["profit_closed_coin"]) == (1, 2.0)
    assert (short_body["closed_trade_count"], short_body["profit_closed_coin"]) == (1, 1.0)
    assert short_body["best_pair"] == "LTC/BTC"
    assert summary(bot)["closed_trade_count"] == 2


def test_cache_follows_new_closed_trades():
    bot = make_bot_row()
    make_closed_trade(
        bot, 1, open_rate=1.0, close_rate=1.2, opened=T0, closed=T0 + timedelta(hours=1)
    )
    assert summary(bot)["profit_closed_coin"] == 2.0
    make_closed_trade(
        bot, 2, open_rate=1.0, close_rate=1.1, opened=T0, closed=T0 + timedelta(hours=2)
    )
    assert summary(bot)["profit_closed_coin"] == 3.0
    bot.trades.get(trade_id=1).delete()
    assert summary(bot)["profit_closed_coin"] == 1.0


def test_wallet_matches_the_engine_wallet():
    """profit_summary's wallet comes from loaded rows; the engine's from aggregates: both agree."""
    bot = make_bot_row()
    make_closed_trade(
        bot, 1, open_rate=1.0, close_rate=1.23, fee=0.001, opened=T0, closed=T0 + timedelta(hours=1)
    )
    make_open_trade(bot, 2, open_rate=2.0, opened=T0, realized_profit=0.5)
    make_open_trade(bot, 3, open_rate=3.0, opened=T0, filled=False, pair="XRP/BTC")
    config = freqtrade_bot_config()
    rebuilt = loaded_stake_wallet(
        config,
        closed_profit=closed_trades(bot.pk).profit_sum,
        open_trades=open_trades(bot_id=bot.pk),
    )
    assert rebuilt == stake_wallet(bot.pk, config)


def test_available_capital_is_the_starting_balance():
    bot = make_bot_row()
    make_closed_trade(
        bot, 1, open_rate=1.0, close_rate=1.2, opened=T0, closed=T0 + timedelta(hours=1)
    )
    body = summary(bot, config=freqtrade_bot_config(available_capital=500.0))
    assert body["profit_closed_ratio"] == 2.0 / 500.0


@pytest.mark.parametrize(
    ("delta", "words"),
    [
        (timedelta(0), "now"),
        (timedelta(seconds=1), "a second ago"),
        (timedelta(seconds=30), "30 seconds ago"),
        (timedelta(seconds=90), "a minute ago"),
        (timedelta(minutes=5), "5 minutes ago"),
        (timedelta(minutes=70), "an hour ago"),
        (timedelta(hours=5), "5 hours ago"),
        (timedelta(days=1), "a day ago"),
        (timedelta(days=20), "20 days ago"),
        (timedelta(days=40), "a month ago"),
        (timedelta(days=200), "6 months ago"),
        (timedelta(days=365), "a year ago"),
        (timedelta(days=400), "1 year, 1 month ago"),
        (timedelta(days=3250), "8 years ago"),
        (-timedelta(minutes=5), "5 minutes from now"),
    ],
)
def test_naturaltime(delta, words):
    assert naturaltime(delta) == words


def test_query_count_once_the_closed_trades_are_cached(django_assert_num_queries):
    """A repeated poll reads the fingerprint (5 aggregates on a small bot) and the open
    trades with their orders (2): no reload of the closed trades."""
    bot = make_bot_row()
    make_closed_trade(
        bot, 1, open_rate=1.0, close_rate=1.2, opened=T0, closed=T0 + timedelta(hours=1)
    )
    make_open_trade(bot, 2, open_rate=2.0, opened=T0)
    summary(bot)
    with django_assert_num_queries(7):
        summary(bot)
