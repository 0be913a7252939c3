"""``manage.py show_trades``: Freqtrade's ``show-trades`` on the config's bot's trades.

One ``Trade(id=..., pair=..., ...)`` line per trade, or with ``--print-json`` the JSON list of
Freqtrade's trade dicts (``Trade.to_json``, 4-space indent), in trade id order. The trades are
read from Tradeplane's database (``--db-url`` / the config's ``db_url``; manage.py reads both
flags before settings load); a Freqtrade database is brought in with ``import_freqtrade``.
Recorded references: ``tests/data/freqtrade/cli/show_trades/``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.db.models import Prefetch

from bot_engine.config.loader import load_config
from bot_engine.exceptions import ConfigError
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
        bot_name = options["bot_name"] or _configured_bot_name(options["config"])
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


def _configured_bot_name(given: str | None) -> str:
    path = Path(given) if given else Path(settings.BOT_CONFIG_PATH)
    if not path.exists():
        raise CommandError(f"--config: no config at {path} (or give --bot-name NAME).")
    try:
        return load_config(path).bot_name
    except ConfigError as exc:
        raise CommandError(f"--config: invalid configuration in {path}: {exc}") from None


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


def trade_json(record: TradeRecord) -> dict[str, Any]:
    """Freqtrade's trade dict (``Trade.to_json``), keys in its order."""
    trade = record.trade
    profit = trade.close_profit
    profit_pct = round(profit * 100, 2) if profit else None
    seconds = (trade.close_date - trade.open_date).total_seconds() if trade.close_date else None
    base, quote = _split_pair(trade.pair)
    return {
        "trade_id": trade.trade_id,
        "pair": trade.pair,
        "base_currency": trade.base_currency or base,
        "quote_currency": trade.stake_currency or quote,
        "is_open": trade.is_open,
        "exchange": trade.exchange,
        "amount": round(trade.amount, 8),
        "amount_requested": _round8(trade.amount_requested),
        "stake_amount": round(trade.stake_amount, 8),
        "max_stake_amount": _round8(trade.max_stake_amount),
        "strategy": trade.strategy,
        "enter_tag": trade.enter_tag,
        "timeframe": trade.timeframe,
        "fee_open": trade.fee_open,
        "fee_open_cost": trade.fee_open_cost,
        "fee_open_currency": trade.fee_open_currency,
        "fee_close": trade.fee_close,
        "fee_close_cost": trade.fee_close_cost,
        "fee_close_currency": trade.fee_close_currency,
        **_dated("open", trade.open_date),
        **_dated("open_fill", record.open_fill_date),
        "open_rate": trade.open_rate,
        "open_rate_requested": trade.open_rate_requested,
        "open_trade_value": round(trade.open_trade_value, 8),
        **_dated("close", trade.close_date),
        "realized_profit": trade.realized_profit or 0.0,
        "realized_profit_ratio": profit or None,
        "close_rate": trade.close_rate,
        "close_rate_requested": trade.close_rate_requested,
        "close_profit": profit,
        "close_profit_pct": profit_pct,
        "close_profit_abs": trade.close_profit_abs,
        "trade_duration_s": int(seconds) if seconds is not None else None,
        "trade_duration": int(seconds // 60) if seconds is not None else None,
        "profit_ratio": profit,
        "profit_pct": profit_pct,
        "profit_abs": trade.close_profit_abs,
        "exit_reason": trade.exit_reason,
        "exit_order_status": trade.exit_order_status,
        "stop_loss_abs": trade.stop_loss,
        "stop_loss_ratio": trade.stop_loss_pct or None,
        "stop_loss_pct": trade.stop_loss_pct * 100 if trade.stop_loss_pct else None,
        "stoploss_last_update": _date(record.stoploss_last_update),
        "stoploss_last_update_timestamp": _ms(record.stoploss_last_update),
        "initial_stop_loss_abs": trade.initial_stop_loss,
        "initial_stop_loss_ratio": trade.initial_stop_loss_pct or None,
        "initial_stop_loss_pct": (
            trade.initial_stop_loss_pct * 100 if trade.initial_stop_loss_pct else None
        ),
        "min_rate": trade.min_rate,
        "max_rate": trade.max_rate,
        "leverage": trade.leverage,
        "interest_rate": trade.interest_rate,
        "liquidation_price": trade.liquidation_price,
        "is_short": trade.is_short,
        "trading_mode": trade.trading_mode,
        "funding_fees": trade.funding_fees,
        "amount_precision": trade.amount_precision,
        "price_precision": trade.price_precision,
        "precision_mode": trade.precision_mode,
        "precision_mode_price": trade.precision_mode_price,
        "contract_size": trade.contract_size,
        "nr_of_successful_entries": record.successful_entries,
        "nr_of_successful_exits": record.successful_exits,
        "has_open_orders": record.has_open_orders,
        "orders": [_order_json(order, record.entry_side) for order in record.orders],
    }


def _order_json(order: Order, entry_side: str) -> dict[str, Any]:
    """Freqtrade's order dict (``Order.to_json``), keys in its order."""
    return {
        "amount": order.amount or order.ft_amount,
        "safe_price": order.average or order.price or order.stop_price or order.ft_price,
        "ft_order_side": order.ft_order_side,
        "order_filled_timestamp": _ms(order.order_filled_date),
        "ft_is_entry": order.ft_order_side == entry_side,
        "ft_order_tag": order.ft_order_tag,
        "cost": order.cost if order.cost else 0,
        "pair": order.ft_pair,
        "order_id": order.order_id,
        "status": order.status,
        "average": round(order.average, 8) if order.average else 0,
        "filled": order.filled,
        "is_open": order.ft_is_open,
        "order_date": _date(order.order_date),
        "order_timestamp": _ms(order.order_date),
        "order_filled_date": _date(order.order_filled_date),
        "order_type": order.order_type,
        "price": order.price,
        "remaining": order.remaining,
        "ft_fee_base": order.ft_fee_base,
        "funding_fee": order.funding_fee,
    }


def _dated(prefix: str, value: datetime | None) -> dict[str, Any]:
    return {f"{prefix}_date": _date(value), f"{prefix}_timestamp": _ms(value)}


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def _date(value: datetime | None) -> str | None:
    return _utc(value).strftime(DATE_FORMAT) if value else None


def _ms(value: datetime | None) -> int | None:
    """Epoch milliseconds as Freqtrade computes them (float seconds x 1000, truncated)."""
    return int(_utc(value).timestamp() * 1000) if value else None


def _round8(value: float | None) -> float | None:
    return round(value, 8) if value else None


def _short(value: float, decimals: int) -> str:
    """Rounded to ``decimals`` places, trailing zeros (and a bare point) dropped."""
    return f"{value:.{decimals}f}".rstrip("0").rstrip(".")


def _split_pair(pair: str) -> tuple[str, str]:
    base, _, quote = pair.partition("/")
    return base, quote.split(":")[0]
