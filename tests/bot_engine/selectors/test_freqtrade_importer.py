"""import_freqtrade_sqlite: the 2k database, older column names, clashes, read-only source."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import UTC, datetime

import pytest

from bot_engine.importer import FreqtradeImportError, import_freqtrade_sqlite
from bot_engine.models import Order, Trade
from tests.fixtures.freqtrade_data import FREQTRADE_2K_DB, make_bot_row

pytestmark = pytest.mark.django_db


def test_imports_the_2k_database():
    digest = hashlib.sha256(FREQTRADE_2K_DB.read_bytes()).hexdigest()
    bot = make_bot_row()
    assert import_freqtrade_sqlite(FREQTRADE_2K_DB, bot=bot) == {"trades": 2000, "orders": 4000}
    assert hashlib.sha256(FREQTRADE_2K_DB.read_bytes()).hexdigest() == digest  # read-only

    trade = Trade.objects.get(bot=bot, trade_id=1)
    assert (trade.pair, trade.is_open, trade.trading_mode) == ("XLM/BTC", False, "spot")
    assert trade.open_date == datetime(2018, 1, 10, 21, 40, 35, 88734, tzinfo=UTC)
    assert (trade.enter_tag, trade.exit_reason) == ("rsi_cross", "exit_signal")
    assert trade.close_profit_abs == -3.932e-05
    assert [o.ft_order_side for o in trade.orders.order_by("id")] == ["buy", "sell"]
    assert Order.objects.filter(bot=bot).exclude(trade__bot=bot).count() == 0
    bot.refresh_from_db()
    assert bot.bot_start_time == trade.open_date  # the earliest open date


def test_a_second_import_is_a_no_op_and_a_clash_imports_nothing():
    bot = make_bot_row()
    import_freqtrade_sqlite(FREQTRADE_2K_DB, bot=bot)
    assert import_freqtrade_sqlite(FREQTRADE_2K_DB, bot=bot) == {"trades": 0, "orders": 0}
    Trade.objects.filter(bot=bot, trade_id=1500).update(pair="ZZZ/BTC")  # a different trade 1500
    Trade.objects.filter(bot=bot, trade_id__gt=1500).delete()
    with pytest.raises(FreqtradeImportError, match="different trades with the ids 1500 "):
        import_freqtrade_sqlite(FREQTRADE_2K_DB, bot=bot)
    assert Trade.objects.filter(bot=bot).count() == 1500


def test_not_a_freqtrade_database(tmp_path):
    path = tmp_path / "other.sqlite"
    sqlite3.connect(path).execute("CREATE TABLE things (id INTEGER)").connection.close()
    with pytest.raises(FreqtradeImportError, match="not a Freqtrade database"):
        import_freqtrade_sqlite(path, bot=make_bot_row())


def test_older_column_names(tmp_path):
    """An old database: sell_reason/buy_tag, no base/stake currency, no ft_amount/ft_price."""
    path = tmp_path / "old.sqlite"
    source = sqlite3.connect(path)
    source.executescript("""
        CREATE TABLE trades (
            id INTEGER PRIMARY KEY, exchange VARCHAR, pair VARCHAR, is_open BOOLEAN,
            fee_open FLOAT, fee_close FLOAT, open_rate FLOAT, close_rate FLOAT,
            close_profit FLOAT, close_profit_abs FLOAT, stake_amount FLOAT, amount FLOAT,
            open_date DATETIME, close_date DATETIME, stop_loss FLOAT, sell_reason VARCHAR,
            buy_tag VARCHAR, strategy VARCHAR, timeframe INTEGER
        );
        CREATE TABLE orders (
            id INTEGER PRIMARY KEY, ft_trade_id INTEGER, ft_order_side VARCHAR,
            ft_pair VARCHAR, ft_is_open BOOLEAN, order_id VARCHAR, status VARCHAR,
            price FLOAT, average FLOAT, amount FLOAT, filled FLOAT, cost FLOAT,
            order_date DATETIME, order_filled_date DATETIME
        );
        INSERT INTO trades VALUES (5, 'binance', 'ETH/BTC', 0, 0.001, 0.001, 0.05, 0.055,
            0.098, 0.00049, 0.005, 0.1, '2021-03-01 10:00:00', '2021-03-01 12:00:00.5',
            0.045, 'roi', 'dip', 'Old', 5);
        INSERT INTO orders VALUES (1, 5, 'buy', 'ETH/BTC', 0, 'b1', 'closed', 0.05, 0.05,
            0.1, 0.1, 0.005, '2021-03-01 10:00:00', '2021-03-01 10:00:01');
    """)
    source.close()
    bot = make_bot_row()
    assert import_freqtrade_sqlite(path, bot=bot) == {"trades": 1, "orders": 1}
    trade = Trade.objects.get(bot=bot, trade_id=5)
    assert (trade.exit_reason, trade.enter_tag) == ("roi", "dip")
    assert (trade.base_currency, trade.stake_currency, trade.trading_mode) == ("ETH", "BTC", "spot")
    assert trade.close_date == datetime(2021, 3, 1, 12, 0, 0, 500000, tzinfo=UTC)
    order = trade.orders.get()
    assert (order.ft_amount, order.ft_price, order.ft_is_open) == (0.1, 0.05, False)
