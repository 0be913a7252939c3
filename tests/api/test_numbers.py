"""Profit, daily, stats and performance on a hand-built set of trades, expected values worked
out by hand below (contract §3.4-§3.7)."""

from datetime import UTC, datetime

import pytest

from bot_engine.models import Order, Trade

D = datetime  # short for the trade table below


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return D(2018, 1, day, hour, minute, tzinfo=UTC)


# (pair, amount, open_rate, close_rate, fee, open_date, close_date, exit_reason)
TRADES = [
    ("ETH/BTC", 1.0, 0.1, 0.11, 0.001, at(9, 10), at(9, 10, 30), "roi"),  # +0.00979
    ("XLM/BTC", 1000.0, 0.00005, 0.000045, 0.0, at(8, 10), at(8, 11), "stop_loss"),  # -0.005
    ("ETH/BTC", 0.5, 0.1, 0.1, 0.0, at(9, 0), at(9, 2), "roi"),  # 0: a draw
]


@pytest.fixture
def hand_built(running_bot):
    bot = running_bot.bot
    for number, (pair, amount, open_rate, close_rate, fee, opened, closed, reason) in enumerate(
        TRADES, start=1
    ):
        trade = Trade(
            bot=bot,
            trade_id=number,
            exchange="replay",
            pair=pair,
            base_currency=pair[:3],
            stake_currency="BTC",
            is_open=False,
            fee_open=fee,
            fee_close=fee,
            open_rate=open_rate,
            close_rate=close_rate,
            amount=amount,
            stake_amount=amount * open_rate,
            max_stake_amount=amount * open_rate,
            open_date=opened,
            close_date=closed,
            exit_reason=reason,
            strategy="SampleStrategy",
        )
        trade.recalc_open_trade_value()
        trade.close_profit_abs = trade.calc_profit(close_rate)
        trade.realized_profit = trade.close_profit_abs
        trade.close_profit = trade.close_profit_abs / trade.open_trade_value
        trade.save()
        for side, price, when in (("buy", open_rate, opened), ("sell", close_rate, closed)):
            Order.objects.create(
                trade=trade,
                bot=bot,
                ft_order_side=side,
                ft_pair=pair,
                ft_is_open=False,
                ft_amount=amount,
                ft_price=price,
                order_id=f"{side}{number}",
                status="closed",
                order_type="limit",
                side=side,
                price=price,
                average=price,
                amount=amount,
                filled=amount,
                remaining=0,
                cost=amount * price,
                order_date=when,
                order_filled_date=when,
            )
    return running_bot


def test_profit_by_hand(api, hand_built):
    body = api.get("/api/v1/profit").json()
    assert body["profit_closed_coin"] == pytest.approx(0.00479)  # 0.00979 - 0.005 + 0
    assert body["trade_count"] == body["closed_trade_count"] == 3
    assert (body["winning_trades"], body["losing_trades"]) == (2, 1)  # a draw counts as a win
    assert body["winrate"] == pytest.approx(2 / 3)
    assert body["profit_factor"] == pytest.approx(0.00979 / 0.005)
    # Expectancy splits by the sign of profit_abs (the draw is neither) over N = 3 trades.
    assert body["expectancy"] == pytest.approx((0.00979 - 0.005) / 3)
    assert body["expectancy_ratio"] == pytest.approx((1 + 0.00979 / 0.005) / 3 - 1)
    assert body["profit_closed_ratio_mean"] == pytest.approx((0.00979 / 0.1001 - 0.1 + 0) / 3)
    assert body["avg_duration"] == "1:10:00"  # (30 + 60 + 120) / 3 minutes
    assert body["best_pair"] == "ETH/BTC"
    assert body["best_pair_profit_ratio"] == pytest.approx(0.00979 / 0.15)  # / entry cost
    # By close date the loss comes first: cumulative -0.005 against a high of 0 (floored).
    assert body["max_drawdown_abs"] == pytest.approx(0.005)
    assert body["max_drawdown"] == pytest.approx(0.005 / 0.99)
    assert body["trading_volume"] == pytest.approx(0.405)  # every filled order's cost
    assert body["first_trade_date"] == "2018-01-09 10:00:00"  # trade 1, by id not by date
    assert body["bot_start_date"]  # always set (ftui parses it)


def test_daily_buckets_by_hand(api, hand_built):
    body = api.get("/api/v1/daily?timescale=3").json()
    rows = {row["date"]: row for row in body["data"]}
    assert [row["date"] for row in body["data"]] == ["2018-01-10", "2018-01-09", "2018-01-08"]
    assert rows["2018-01-09"]["abs_profit"] == pytest.approx(0.00979)
    assert rows["2018-01-09"]["trade_count"] == 2
    assert rows["2018-01-08"]["abs_profit"] == pytest.approx(-0.005)
    # Balances walk back from today's: (wallet 1 + 0.00479 profit) x 0.99 tradable.
    today = (1 + 0.00479) * 0.99
    assert rows["2018-01-10"]["starting_balance"] == pytest.approx(today)
    assert rows["2018-01-09"]["starting_balance"] == pytest.approx(today - 0.00979)
    assert rows["2018-01-08"]["starting_balance"] == pytest.approx(today - 0.00979 + 0.005)
    assert rows["2018-01-09"]["rel_profit"] == pytest.approx(0.00979 / (today - 0.00979))


def test_stats_by_hand(api, hand_built):
    body = api.get("/api/v1/stats").json()
    assert body["exit_reasons"] == {
        "roi": {"wins": 1, "losses": 0, "draws": 1},
        "stop_loss": {"wins": 0, "losses": 1, "draws": 0},
    }
    assert body["durations"] == {"wins": 1800.0, "losses": 3600.0, "draws": 7200.0}


def test_performance_by_hand(api, hand_built):
    body = api.get("/api/v1/performance").json()
    assert [row["pair"] for row in body] == ["ETH/BTC", "XLM/BTC"]
    eth, xlm = body
    assert eth["count"] == 2 and eth["profit_abs"] == pytest.approx(0.00979)
    assert eth["profit_ratio"] == pytest.approx(0.00979 / 0.15)
    assert eth["profit_pct"] == round(0.00979 / 0.15 * 100, 2)
    assert xlm["profit_ratio"] == pytest.approx(-0.1) and xlm["profit_pct"] == -10.0


def test_trades_pagination_counts_closed_trades_only(api, hand_built):
    page = api.get("/api/v1/trades?limit=2&offset=1").json()
    assert page["total_trades"] == 3 and page["trades_count"] == 2 and page["offset"] == 1
    assert [t["trade_id"] for t in page["trades"]] == [2, 3]
