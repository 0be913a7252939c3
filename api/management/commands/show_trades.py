"""``manage.py show_trades``: Freqtrade's ``show-trades`` on the config's bot's trades.

One ``Trade(id=..., pair=..., ...)`` line per trade, or with ``--print-json`` the JSON list of
Freqtrade's trade dicts (``Trade.to_json``, 4-space indent), in trade id order. The trades are
read from Tradeplane's database (``--db-url`` / the config's ``db_url``; manage.py reads both
flags before settings load); a Freqtrade database is brought in with ``import_freqtrade``.
Recorded references: ``tests/data/freqtrade/cli/show_trades/``. In ``api``: the JSON is
the API's TradeFull (``api/serializers/trades.py``), written once.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.db.models import Prefetch

from api.serializers.trades import trade_full
from bot_engine.management.utility import configured_bot_name
from bot_engine.models import Bot, Order, Trade
from bot_engine.selectors.trade_records import TradeRecord, trade_record

DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


class Command(BaseCommand):
    help = (
        "Print the trades of the config's bot, as Freqtrade's show-trades does: one line per "
        "trade, or their JSON with --print-json."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("-c", "--config", default=None, help="config file; its bot_name")
        parser.add_argument("--db-url", default=None, help="database URL, overrides db_url")
        parser.add_argument("--bot-name", default=None, help="default: the config's bot_name")
        parser.add_argument(
            "--trade-ids", nargs="+", default=None, metavar="TRADE_IDS", help="trade ids"
        )
        parser.add_argument("--print-json", action="store_true", help="print JSON")

    def handle(self, *args, **options) -> None:
        trade_ids = _trade_ids(options["trade_ids"])
        bot_name = options["bot_name"] or configured_bot_name(options["config"])
        flag = "--bot-name" if options["bot_name"] else "--config"
        try:
            records = _records(bot_name, trade_ids, flag)
        except DatabaseError as exc:
            # Typically a Freqtrade database given as --db-url: its tables are not ours.
            raise CommandError(
                f"--db-url: cannot read Tradeplane's trades there ({exc}); a Freqtrade database "
                "is imported with manage.py import_freqtrade."
            ) from None
        self.stderr.write(f"Printing {len(records)} Trades: ")
        if options["print_json"]:
            self.stdout.write(json.dumps([trade_json(r) for r in records], indent=4))
        else:
            for record in records:
                self.stdout.write(trade_line(record.trade))


def _trade_ids(given: list[str] | None) -> list[int]:
    try:
        return [int(value) for value in given or ()]
    except ValueError:
        raise CommandError(f"--trade-ids: integers expected, got {' '.join(given)}") from None


def _records(bot_name: str, trade_ids: list[int], flag: str) -> list[TradeRecord]:
    bot = Bot.objects.filter(name=bot_name).first()
    if bot is None:
        raise CommandError(f"{flag}: the database has no bot named {bot_name!r}.")
    trades = Trade.objects.for_bot(bot.pk).order_by("trade_id")
    if trade_ids:
        trades = trades.filter(trade_id__in=trade_ids)
    trades = trades.prefetch_related(Prefetch("orders", queryset=Order.objects.order_by("id")))
    return [trade_record(trade, trade.orders.all()) for trade in trades]


def trade_line(trade: Trade) -> str:
    """Freqtrade's ``repr`` of a trade: trailing zeros dropped, "closed" for a closed trade."""
    since = _utc(trade.open_date).strftime(DATE_FORMAT) if trade.is_open else "closed"
    return (
        f"Trade(id={trade.trade_id}, pair={trade.pair}, amount={_short(trade.amount, 8)}, "
        f"is_short={bool(trade.is_short)}, leverage={_short(trade.leverage or 1.0, 1)}, "
        f"open_rate={_short(trade.open_rate, 8)}, open_since={since})"
    )


# Freqtrade's ``Order.to_json`` key order (the API's OrderFull has the same keys in another).
ORDER_JSON_KEYS = (
    "amount",
    "safe_price",
    "ft_order_side",
    "order_filled_timestamp",
    "ft_is_entry",
    "ft_order_tag",
    "cost",
    "pair",
    "order_id",
    "status",
    "average",
    "filled",
    "is_open",
    "order_date",
    "order_timestamp",
    "order_filled_date",
    "order_type",
    "price",
    "remaining",
    "ft_fee_base",
    "funding_fee",
)


def trade_json(record: TradeRecord) -> dict[str, Any]:
    """Freqtrade's trade dict (``Trade.to_json``): the API's TradeFull, orders in its key order."""
    body = trade_full(record)
    body["orders"] = [{key: order[key] for key in ORDER_JSON_KEYS} for order in body["orders"]]
    return body


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def _short(value: float, decimals: int) -> str:
    """Rounded to ``decimals`` places, trailing zeros (and a bare point) dropped."""
    return f"{value:.{decimals}f}".rstrip("0").rstrip(".")
