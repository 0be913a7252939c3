"""Every query the engine and the API make on trades, orders and locks is scoped to one bot.

Several bots share one database (issue 6): a query on ``bot_engine_trade``/``_order``/
``_pairlock`` without a ``bot_id`` condition would read or change another bot's rows. The SQL
that a replay run and every polled endpoint send is captured and checked table by table.
"""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bot_engine.models import Order, PairLock, Trade
from tests.fixtures.engine import run_candles

# The API tests' credentials (tests.fixtures.api), so ``client_basic`` logs in to these bots.
API_SERVER = {
    "enabled": True,
    "listen_ip_address": "127.0.0.1",
    "listen_port": 8080,
    "username": "tester",
    "password": "s3cret-pass",
    "jwt_secret_key": "test-jwt-secret-0123456789abcdef0123456789",
}
SCOPED_TABLES = ("bot_engine_trade", "bot_engine_order", "bot_engine_pairlock")
POLLED = [
    "status",
    "count",
    "profit",
    "profit_all",
    "stats",
    "performance",
    "entries",
    "exits",
    "mix_tags",
    "daily",
    "daily?timescale=30",
    "weekly",
    "monthly",
    "trades?limit=500",
    "trades?limit=50&offset=10",
    "trade/1",
    "balance",
    "locks",
    "whitelist",
    "blacklist",
    "show_config",
    "health",
    "sysinfo",
    "pair_candles?pair=ETH/BTC&timeframe=5m&limit=100",
]
_TABLE_REF = re.compile(
    r'\b(?:FROM|JOIN|UPDATE|INTO)\s+"?(bot_engine_(?:trade|order|pairlock))"?\b'
)
_ALIAS_REF = re.compile(r'\b(?:FROM|JOIN)\s+"?(bot_engine_\w+)"?\s+(?:AS\s+)?"?(U\d+|T\d+)"?')
# A condition on a key column: the row's primary key, or an order's trade.
_KEY_CONDITION = re.compile(r'"(\w+)"\."(id|trade_id)" (?:= (\d+)|IN \(([\d, ]+)\))')


def unscoped_tables(sql: str, owned: dict[str, set[int]] | None = None) -> set[str]:
    """The bot-owned tables that ``sql`` touches without a bot_id condition on them.

    A table counts as scoped when its own ``bot_id`` column is compared, when it is reached
    through a join on the trade id of a scoped trade (``order.trade_id = trade.id``), or when
    it is looked up by key (``id`` or ``trade_id``: ``trade.orders``, ``save()``,
    ``refresh_from_db()``) with values that all belong to the bot (``owned``: primary keys per
    table). Inserts must carry the ``bot_id`` column.
    """
    flat = " ".join(sql.split())
    owned = owned or {}
    touched = set(_TABLE_REF.findall(flat))
    if flat.startswith("INSERT INTO"):
        return set() if '"bot_id"' in flat.split(")", 1)[0] else touched
    names = {table: {table} for table in touched}
    for table, alias in _ALIAS_REF.findall(flat):
        if table in names:
            names[table].add(alias)
    _, _, conditions = flat.partition(" WHERE ")
    on_clauses = " ".join(re.findall(r"\bON \((.*?)\)", flat))
    keyed: dict[str, list[tuple[str, set[int]]]] = {}
    for name, column, one, many in _KEY_CONDITION.findall(conditions):
        ids = {int(one)} if one else {int(v) for v in many.split(",")}
        keyed.setdefault(name, []).append((column, ids))
    unscoped = set()
    for table in touched:
        if any(f'"{name}"."bot_id" =' in conditions for name in names[table]):
            continue
        via_trade = any(
            f'"{name}"."trade_id" = "bot_engine_trade"."id"' in on_clauses
            or f'"bot_engine_trade"."id" = "{name}"."trade_id"' in on_clauses
            for name in names[table]
        )
        if via_trade and '"bot_engine_trade"."bot_id" =' in conditions:
            continue
        by_key = [
            ids <= owned.get(table if column == "id" else "bot_engine_trade", set())
            for name in names[table]
            for column, ids in keyed.get(name, [])
        ]
        if by_key and all(by_key):
            continue
        unscoped.add(table)
    return unscoped


def owned_rows(bot_id: int) -> dict[str, set[int]]:
    return {
        "bot_engine_trade": set(Trade.objects.filter(bot_id=bot_id).values_list("id", flat=True)),
        "bot_engine_order": set(Order.objects.filter(bot_id=bot_id).values_list("id", flat=True)),
        "bot_engine_pairlock": set(
            PairLock.objects.filter(bot_id=bot_id).values_list("id", flat=True)
        ),
    }


def assert_scoped(queries: list[dict], owned: dict[str, set[int]]) -> int:
    checked = 0
    for query in queries:
        sql = query["sql"]
        if not any(table in sql for table in SCOPED_TABLES):
            continue
        checked += 1
        unscoped = unscoped_tables(sql, owned)
        assert not unscoped, f"unscoped query on {unscoped}: {sql}"
    return checked


def test_the_checker_catches_unscoped_sql():
    assert unscoped_tables('SELECT COUNT(*) FROM "bot_engine_trade"') == {"bot_engine_trade"}
    assert unscoped_tables(
        'SELECT * FROM "bot_engine_order" WHERE "bot_engine_order"."status" = %s'
    ) == {"bot_engine_order"}
    assert not unscoped_tables(
        'SELECT * FROM "bot_engine_trade" WHERE ("bot_engine_trade"."bot_id" = %s AND x)'
    )
    assert unscoped_tables('DELETE FROM "bot_engine_pairlock" WHERE "active"') == {
        "bot_engine_pairlock"
    }
    by_trade = 'SELECT * FROM "bot_engine_order" WHERE "bot_engine_order"."trade_id" IN (3, 4)'
    assert unscoped_tables(by_trade, {"bot_engine_trade": {3, 4}}) == set()
    assert unscoped_tables(by_trade, {"bot_engine_trade": {3}}) == {"bot_engine_order"}


def test_a_replay_run_and_every_polled_endpoint_are_scoped(make_running_bot, client_basic):
    from bot_engine import runtime

    # Another bot's rows first, so that a lookup by key could hit them.
    run_candles(make_running_bot(bot_name="neighbour"), 1500)
    bot = make_running_bot(
        bot_name="scoped",
        max_open_trades=3,
        force_entry_enable=True,
        api_server=API_SERVER,
        exchange={"pair_whitelist": ["ETH/BTC", "XLM/BTC", "ADA/BTC", "LTC/BTC"]},
    )
    with CaptureQueriesContext(connection) as engine_queries:
        run_candles(bot, 1500)
    assert bot.state.value == "running"
    runtime.register(bot)
    try:
        with CaptureQueriesContext(connection) as api_queries:
            for path in POLLED:
                response = client_basic.get(f"/api/v1/{path}")
                assert response.status_code == 200, (path, response.content[:300])
    finally:
        runtime.register(None)
    owned = owned_rows(bot.bot_id)
    assert owned["bot_engine_trade"] and owned["bot_engine_order"]
    assert assert_scoped(engine_queries.captured_queries, owned) > 100
    assert assert_scoped(api_queries.captured_queries, owned) > len(POLLED)


def test_another_bots_trades_are_invisible(make_running_bot, client_basic):
    from bot_engine import runtime
    from bot_engine.models import Trade

    other = make_running_bot(bot_name="other")
    run_candles(other, 1500)
    assert Trade.objects.for_bot(other.bot_id).filter(trade_id=1).exists()
    bot = make_running_bot(
        bot_name="empty",
        exchange={"pair_whitelist": ["ETH/BTC"]},
        initial_state="stopped",
        api_server=API_SERVER,
    )
    runtime.register(bot)
    try:
        one = client_basic.get("/api/v1/trade/1")
        listing = client_basic.get("/api/v1/trades?limit=5")
    finally:
        runtime.register(None)
    assert one.status_code == 404
    assert listing.json()["trades"] == [] and listing.json()["total_trades"] == 0
