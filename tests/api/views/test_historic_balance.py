"""``GET /api/v1/historic_balance`` (API 2.48): the wallet per day — rebuilt from the trades for
the days before recording began (checked by hand), and recorded by the engine as it trades."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pandas as pd
import pytest

from api.context import configure_webserver
from bot_engine import runtime
from bot_engine.config.builder import build_config
from bot_engine.models import Bot, Trade, WalletCapture, WalletHistory
from tests.fixtures.api import BASE_CONFIG, REPO, USER_DATA, config_dict
from tests.fixtures.engine import run_candles
from tests.fixtures.freqtrade_data import (
    fixture_freqtrade_2k_bot,  # noqa: F401 - registers the fixture
    freqtrade_bot_config,
)

URL = "/api/v1/historic_balance"
API_SERVER = BASE_CONFIG["api_server"]  # the API test clients' credentials
BOT_API = build_config(config_dict(), path=None)  # its parsed api_server section


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
def traded_webserver(webserver):
    """The served bot (1 BTC dry-run wallet) with three trades of January 2018."""
    bot = Bot.objects.create(name=webserver.bot_name, stake_currency="BTC", dry_run=True)
    trade(bot, 1, "ETH/BTC", at(10, 12), at(11, 6), amount=10, stake=0.5, profit=0.01)
    trade(bot, 2, "ADA/BTC", at(12, 1), at(12, 2), amount=1000, stake=0.03, profit=-0.02)
    trade(bot, 3, "LTC/BTC", at(12, 20), amount=5, stake=0.2)  # still open
    return bot


def test_past_days_are_rebuilt_from_the_trades(traded_webserver, client_basic):
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


def test_rebuilt_once_and_recorded_days_are_kept(traded_webserver, client_basic):
    # A day the engine recorded before the first request stays as recorded.
    WalletCapture.objects.create(bot=traded_webserver, started_at=at(12, 0))
    WalletHistory.objects.create(
        bot=traded_webserver, timestamp=at(12), currency="BTC", quote_currency="BTC", rate=1.0,
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


FREQTRADE_REFERENCE = REPO / "tests" / "data" / "freqtrade" / "wallet_history"


@pytest.mark.django_db
def test_rebuild_matches_freqtrades_on_its_2k_trades(freqtrade_2k_bot, client_basic):
    """Freqtrade's own rebuild of the same 2,000 trades (``make_historic_balance.py``). It starts
    from its starting balance (dry_run_wallet 1000 x tradable_balance_ratio 0.99 = 990) while
    its recorded days hold the whole wallet; Tradeplane starts from the whole wallet (1000), so
    rebuilt and recorded days agree: every day is 10 BTC above Freqtrade's. Entry fees of trades
    open at a midnight are a wallet cost in Freqtrade's rebuild only (up to 2.4e-4 BTC here):
    Tradeplane's dry-run wallet, like its recorded days, counts them when the trade closes."""
    reference = json.loads((FREQTRADE_REFERENCE / "historic_balance.json").read_text())
    config = freqtrade_bot_config(
        bot_name=freqtrade_2k_bot.name, user_data_dir=USER_DATA, api_server=BOT_API.api_server
    )
    configure_webserver(config)
    try:
        body = client_basic.get(URL).json()
    finally:
        configure_webserver(None)
    ours = {row[0]: row for row in body["data"]}
    assert body["columns"] == reference["columns"]
    trades = list(Trade.objects.filter(bot=freqtrade_2k_bot).values_list(
        "open_date", "close_date", "stake_amount", "fee_open"
    ))  # fmt: skip
    for date, ms, total in reference["data"]:
        midnight = datetime.fromisoformat(date).replace(tzinfo=UTC)
        assert ours[date][1] == ms
        entry_fees = sum(s * f for o, c, s, f in trades if o <= midnight < c)
        assert ours[date][2] - 10.0 - entry_fees == pytest.approx(total, abs=1e-6), date
