"""``manage.py import_freqtrade``: ids kept, re-runs are no-ops, clashes and bad files refused
with nothing written, older schemas, locks and bot start time, ``--check``."""

from __future__ import annotations

import io
import shutil
import sqlite3
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bot_engine.models import Bot, Order, PairLock, Trade
from tests.fixtures.freqtrade_data import FREQTRADE_DIR, make_bot_row, make_closed_trade

pytestmark = pytest.mark.django_db

OPEN_DB = FREQTRADE_DIR / "tradesv3-open.sqlite"  # 205 trades (5 open), 405 orders


def run(source, *args) -> str:
    out = io.StringIO()
    call_command("import_freqtrade", str(source), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def copy_db(tmp_path, sql: str = "") -> str:
    path = tmp_path / "tradesv3.sqlite"
    shutil.copy(OPEN_DB, path)
    if sql:
        with sqlite3.connect(path) as db:
            db.executescript(sql)
    return path


def test_import_keeps_ids_and_rerun_is_a_no_op():
    out = run(OPEN_DB, "--bot-name", "ft")
    assert "trades: 205 imported, 0 already present" in out
    assert "orders: 405 imported" in out
    bot = Bot.objects.get(name="ft")
    assert Trade.objects.filter(bot=bot, is_open=True).count() == 5
    assert sorted(Trade.objects.filter(bot=bot).values_list("trade_id", flat=True))[:3] == [1, 2, 3]
    out = run(OPEN_DB, "--bot-name", "ft")
    assert "trades: 0 imported, 205 already present" in out
    assert "orders: 0 imported, 405 already present" in out
    assert Trade.objects.filter(bot=bot).count() == 205
    assert Order.objects.filter(bot=bot).count() == 405


def test_check_writes_nothing():
    out = run(OPEN_DB, "--bot-name", "ft", "--check")
    assert "nothing written" in out and "trades: 205 to import" in out
    assert not Bot.objects.filter(name="ft").exists()


def test_different_trades_with_the_same_ids_are_refused(tmp_path):
    bot = make_bot_row("ft")
    opened = datetime(2017, 1, 1, tzinfo=UTC)
    for trade_id in (3, 150):
        make_closed_trade(
            bot, trade_id, open_rate=1.0, close_rate=1.1, opened=opened, closed=opened
        )
    with pytest.raises(CommandError, match=r"different trades with the ids 3, 150 .*nothing"):
        run(OPEN_DB, "--bot-name", "ft")
    assert Trade.objects.filter(bot=bot).count() == 2


def test_older_column_names_and_missing_newer_columns(tmp_path):
    """A 2023-era schema: sell_reason/buy_tag, no precision or max_stake columns."""
    path = copy_db(
        tmp_path,
        """
        ALTER TABLE trades RENAME COLUMN exit_reason TO sell_reason;
        ALTER TABLE trades RENAME COLUMN enter_tag TO buy_tag;
        ALTER TABLE trades DROP COLUMN max_stake_amount;
        ALTER TABLE trades DROP COLUMN precision_mode_price;
        ALTER TABLE trades DROP COLUMN is_stop_loss_trailing;
        ALTER TABLE orders DROP COLUMN ft_order_tag;
        ALTER TABLE orders DROP COLUMN ft_cancel_reason;
        """,
    )
    run(path, "--bot-name", "old")
    with sqlite3.connect(OPEN_DB) as db:
        reason, tag = db.execute(
            "SELECT exit_reason, enter_tag FROM trades WHERE id = 7"
        ).fetchone()
    trade = Trade.objects.get(bot__name="old", trade_id=7)
    assert (trade.exit_reason, trade.enter_tag) == (reason, tag)
    assert trade.max_stake_amount == trade.stake_amount


def test_pair_locks_and_bot_start_time(tmp_path):
    path = copy_db(
        tmp_path,
        """
        INSERT INTO pairlocks (pair, side, reason, lock_time, lock_end_time, active)
        VALUES ('ETH/BTC', '*', 'cooldown', '2018-01-29 10:00:00', '2018-01-29 11:00:00', 1);
        INSERT INTO "KeyValueStore" ("key", value_type, datetime_value)
        VALUES ('bot_start_time', 'datetime', '2018-01-09 08:00:00.000000');
        """,
    )
    out = run(path, "--bot-name", "ft")
    assert "pair locks: 1 imported" in out
    lock = PairLock.objects.get(bot__name="ft")
    assert (lock.pair, lock.reason) == ("ETH/BTC", "cooldown")
    assert Bot.objects.get(name="ft").bot_start_time == datetime(2018, 1, 9, 8, tzinfo=UTC)
    assert "pair locks: 0 imported, 1 already present" in run(path, "--bot-name", "ft")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"this is not a database at all" * 100, "not a readable SQLite database"),
        (None, "not a Freqtrade database"),
    ],
)
def test_bad_files_are_refused_cleanly(tmp_path, content, message):
    path = tmp_path / "bad.sqlite"
    if content is None:
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE notes (id INTEGER)")
    else:
        path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run(path, "--bot-name", "ft")
    assert not Trade.objects.exists()


def test_corrupt_file_writes_nothing(tmp_path):
    path = copy_db(tmp_path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 4096] = b"\xff" * 4096  # a page in the middle
    path.write_bytes(bytes(data))
    with pytest.raises(CommandError):
        run(path, "--bot-name", "ft")
    assert not Trade.objects.exists()


def test_missing_file():
    with pytest.raises(CommandError, match="no such file"):
        run("/nonexistent/tradesv3.sqlite", "--bot-name", "ft")
