"""``GET /api/v1/historic_balance`` (API 2.48): the wallet per day — rebuilt from the trades for
the days before recording began (checked by hand), and recorded by the engine as it trades."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from bot_engine import runtime
from bot_engine.models import Bot, Trade, WalletCapture, WalletHistory
from tests.fixtures.api import BASE_CONFIG, USER_DATA
from tests.fixtures.engine import run_candles

URL = "/api/v1/historic_balance"
API_SERVER = BASE_CONFIG["api_server"]  # the API test clients' credentials


def at(day: int, hour: int = 0) -> datetime:
    return datetime(2018, 1, day, hour, tzinfo=UTC)


def day_open(pair: str, day: int) -> float:
    """The pair's 5m candle open at 00:00 of that day, read from the stored candles."""
    frame = pd.read_feather(USER_DATA / "data" / "binance" / f"{pair.replace('/', '_')}-5m.feather")
    return float(frame.loc[frame["date"] == pd.Timestamp(at(day)), "open"].iloc[0])


def trade(bot, number, pair, opened, closed=None, *, amount, stake, profit=None):
    return Trade.objects.create(
        bot=bot, trade_id=number, exchange="replay", pair=pair, stake_currency="BTC",
        stake_amount=stake, amount=amount, open_rate=stake / amount, open_date=opened,
        is_open=closed is None, close_date=closed, close_profit_abs=profit,
        close_profit=profit / stake if profit is not None else None,
    )  # fmt: skip


@pytest.fixture
def traded_bot(webserver):
    """The served bot (1 BTC dry-run wallet) with three trades of January 2018."""
    bot = Bot.objects.create(name=webserver.bot_name, stake_currency="BTC", dry_run=True)
    trade(bot, 1, "ETH/BTC", at(10, 12), at(11, 6), amount=10, stake=0.5, profit=0.01)
    trade(bot, 2, "ADA/BTC", at(12, 1), at(12, 2), amount=1000, stake=0.03, profit=-0.02)
    trade(bot, 3, "LTC/BTC", at(12, 20), amount=5, stake=0.2)  # still open
    return bot


def test_past_days_are_rebuilt_from_the_trades(traded_bot, client_basic):
    body = client_basic.get(URL).json()
    assert body["columns"] == ["date", "__date_ts", "total_quote"]
    days = {row[0]: row for row in body["data"]}
    assert body["length"] == len(body["data"]) == len(days)
    first = body["data"][0]
    assert first[:2] == ["2018-01-10T00:00:00", int(at(10).timestamp() * 1000)]
    ltc = 5 * day_open("LTC/BTC", 13)
    expected = {
        "2018-01-10T00:00:00": 1.0,  # nothing open yet
        "2018-01-11T00:00:00": 1.0 - 0.5 + 10 * day_open("ETH/BTC", 11),  # ETH held overnight
        "2018-01-12T00:00:00": 1.01,  # ETH sold with +0.01
        "2018-01-13T00:00:00": 1.01 - 0.02 - 0.2 + ltc,  # ADA closed in a day; LTC held
    }
    for date, total in expected.items():
        assert days[date][2] == pytest.approx(total, rel=1e-12), date
    # After the stored candles end (2018-01-30), the open LTC is valued at its open rate.
    assert days["2018-02-05T00:00:00"][2] == pytest.approx(1.01 - 0.02, rel=1e-12)
    # Recording "began" with this first request: every earlier day is a rebuilt one.
    assert body["capture_start_ts"] > int(at(13).timestamp() * 1000)
    assert WalletHistory.objects.filter(reconstructed=False).count() == 0


def test_rebuilt_once_and_recorded_days_are_kept(traded_bot, client_basic):
    # A day the engine recorded before the first request stays as recorded.
    WalletCapture.objects.create(bot=traded_bot, started_at=at(12, 0))
    WalletHistory.objects.create(
        bot=traded_bot, timestamp=at(12), currency="BTC", quote_currency="BTC", rate=1.0,
        balance=1.5, total_quote=1.5,
    )  # fmt: skip
    body = client_basic.get(URL).json()
    assert [row[0][:10] for row in body["data"]] == ["2018-01-10", "2018-01-11", "2018-01-12"]
    assert body["data"][2][2] == 1.5
    assert body["capture_start_ts"] == int(at(12).timestamp() * 1000)
    WalletHistory.objects.filter(timestamp=at(10)).delete()
    assert client_basic.get(URL).json()["length"] == 2  # not rebuilt a second time


def test_no_bot_row_is_an_empty_history(webserver, client_basic):
    body = client_basic.get(URL).json()
    assert body == {"columns": ["date", "__date_ts", "total_quote"], "data": [], "length": 0,
                    "capture_start_ts": 0}  # fmt: skip


@pytest.fixture
def replayed_bot(make_running_bot):
    """Two and a half replayed days of SampleStrategy with room for many trades."""
    bot = make_running_bot(
        bot_name="wallet-days", max_open_trades=5, stake_amount=0.1, api_server=API_SERVER
    )
    run_candles(bot, 750)
    runtime.register(bot)
    yield bot
    runtime.register(None)


def test_the_engine_records_each_replayed_day_as_the_rebuild_values_it(replayed_bot, client_basic):
    recorded = list(
        WalletHistory.objects.filter(bot_id=replayed_bot.bot_id).values_list("timestamp", flat=True)
    )
    days = sorted(set(recorded))
    assert len(days) >= 2 and all(day.hour == day.minute == 0 for day in days)
    assert Trade.objects.filter(bot_id=replayed_bot.bot_id).exists()
    body = client_basic.get(URL).json()
    assert [row[0][:10] for row in body["data"]] == [f"{day:%Y-%m-%d}" for day in days]
    first_ms = int(days[0].timestamp() * 1000)
    assert first_ms <= body["capture_start_ts"] < first_ms + 86_400_000  # the replay's start
    recorded_totals = [row[2] for row in body["data"]]

    # The same days rebuilt from the trades agree with what the engine recorded (the engine
    # valued open coins at the last price before midnight, the rebuild at the day's first open).
    WalletHistory.objects.filter(bot_id=replayed_bot.bot_id).delete()
    WalletCapture.objects.filter(bot_id=replayed_bot.bot_id).update(
        started_at=days[-1], reconstructed_at=None
    )
    WalletHistory.objects.create(
        bot_id=replayed_bot.bot_id, timestamp=days[-1], currency="BTC", quote_currency="BTC",
        balance=recorded_totals[-1], total_quote=recorded_totals[-1],
    )  # fmt: skip
    rebuilt = client_basic.get(URL).json()["data"]
    assert [row[0] for row in rebuilt] == [row[0] for row in body["data"]]
    assert [row[2] for row in rebuilt] == pytest.approx(recorded_totals, rel=2e-3)
