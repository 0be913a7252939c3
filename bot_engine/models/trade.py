"""A position: entry, exit, stoploss and profit state (Freqtrade's ``trades`` table)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import models
from django.utils import timezone

from bot_engine import trade_math

logger = logging.getLogger(__name__)


class TradeQuerySet(models.QuerySet):
    def for_bot(self, bot_id: int) -> TradeQuerySet:
        return self.filter(bot_id=bot_id)

    # ``is_open IN (...)``, not ``is_open = true``: Django writes the latter as a bare column
    # test on SQLite, which cannot use the (bot, is_open) index (40 ms vs 0.1 ms at 100k trades).
    def open(self) -> TradeQuerySet:
        return self.filter(is_open__in=[True])

    def closed(self) -> TradeQuerySet:
        return self.filter(is_open__in=[False])


class Trade(models.Model):
    bot = models.ForeignKey("bot_engine.Bot", on_delete=models.CASCADE, related_name="trades")
    # The bot's own numbering (Freqtrade's trade id); the primary key is internal.
    trade_id = models.PositiveIntegerField()
    exchange = models.CharField(max_length=50)
    pair = models.CharField(max_length=40)
    base_currency = models.CharField(max_length=25, default="")
    stake_currency = models.CharField(max_length=25, default="")
    is_open = models.BooleanField(default=True)
    fee_open = models.FloatField(default=0.0)
    fee_open_cost = models.FloatField(null=True, blank=True)
    fee_open_currency = models.CharField(max_length=25, null=True, blank=True)
    fee_close = models.FloatField(default=0.0)
    fee_close_cost = models.FloatField(null=True, blank=True)
    fee_close_currency = models.CharField(max_length=25, null=True, blank=True)
    open_rate = models.FloatField(default=0.0)
    open_rate_requested = models.FloatField(null=True, blank=True)
    open_trade_value = models.FloatField(default=0.0)
    close_rate = models.FloatField(null=True, blank=True)
    close_rate_requested = models.FloatField(null=True, blank=True)
    realized_profit = models.FloatField(default=0.0)
    close_profit = models.FloatField(null=True, blank=True)
    close_profit_abs = models.FloatField(null=True, blank=True)
    stake_amount = models.FloatField(default=0.0)
    max_stake_amount = models.FloatField(null=True, blank=True)
    amount = models.FloatField(default=0.0)
    amount_requested = models.FloatField(null=True, blank=True)
    open_date = models.DateTimeField()
    close_date = models.DateTimeField(null=True, blank=True)
    stop_loss = models.FloatField(default=0.0)
    stop_loss_pct = models.FloatField(null=True, blank=True)
    initial_stop_loss = models.FloatField(default=0.0)
    initial_stop_loss_pct = models.FloatField(null=True, blank=True)
    is_stop_loss_trailing = models.BooleanField(default=False)
    max_rate = models.FloatField(null=True, blank=True)
    min_rate = models.FloatField(null=True, blank=True)
    exit_reason = models.CharField(max_length=255, null=True, blank=True)
    exit_order_status = models.CharField(max_length=100, null=True, blank=True)
    strategy = models.CharField(max_length=100, default="")
    enter_tag = models.CharField(max_length=255, null=True, blank=True)
    timeframe = models.PositiveIntegerField(null=True, blank=True)  # minutes, as Freqtrade stores
    trading_mode = models.CharField(max_length=20, default="spot")
    amount_precision = models.FloatField(null=True, blank=True)
    price_precision = models.FloatField(null=True, blank=True)
    precision_mode = models.IntegerField(null=True, blank=True)
    precision_mode_price = models.IntegerField(null=True, blank=True)
    contract_size = models.FloatField(null=True, blank=True)
    leverage = models.FloatField(default=1.0)
    is_short = models.BooleanField(default=False)
    liquidation_price = models.FloatField(null=True, blank=True)
    interest_rate = models.FloatField(default=0.0)
    funding_fees = models.FloatField(null=True, blank=True)

    objects = TradeQuerySet.as_manager()

    class Meta:
        ordering = ["bot_id", "trade_id"]
        constraints = [
            models.UniqueConstraint(fields=["bot", "trade_id"], name="trade_unique_id_per_bot"),
        ]
        indexes = [
            # With the primary key in it, counting and summing the ids of a bot's closed trades
            # (the aggregates' cache check) is an index-only scan on PostgreSQL: 115 ms instead
            # of a 275 ms table scan at a million trades. Open-trade lookups use its prefix.
            models.Index(fields=["bot", "is_open", "id"], name="trade_bot_open_id"),
            models.Index(fields=["bot", "close_date"], name="trade_bot_close_date"),
            models.Index(fields=["bot", "pair", "is_open"], name="trade_bot_pair_open"),
        ]

    def __str__(self) -> str:
        state = "open" if self.is_open else "closed"
        return f"Trade {self.trade_id} {self.pair} ({state})"

    # Freqtrade's names for the dates, which strategy callbacks use (``current_time -
    # trade.open_date_utc``); stored dates are UTC-aware already.
    @property
    def open_date_utc(self) -> datetime:
        return self.open_date

    @property
    def close_date_utc(self) -> datetime | None:
        return self.close_date

    @property
    def quote_currency(self) -> str:
        return self.stake_currency

    def fees(self) -> trade_math.TradeFees:
        return trade_math.TradeFees(open=self.fee_open, close=self.fee_close)

    def recalc_open_trade_value(self) -> None:
        self.open_trade_value = trade_math.open_trade_value(
            self.amount, self.open_rate, self.fee_open, is_short=self.is_short
        )

    def calc_profit(self, rate: float, amount: float | None = None) -> float:
        """Absolute profit if ``amount`` (default: all of it) were sold at ``rate``."""
        return trade_math.calc_profit(
            amount=self.amount if amount is None else amount,
            open_rate=self.open_rate,
            close_rate=rate,
            fee_open=self.fee_open,
            fee_close=self.fee_close,
            is_short=self.is_short,
            leverage=self.leverage,
        )

    def calc_profit_ratio(self, rate: float, amount: float | None = None) -> float:
        return trade_math.calc_profit_ratio(
            amount=self.amount if amount is None else amount,
            open_rate=self.open_rate,
            close_rate=rate,
            fee_open=self.fee_open,
            fee_close=self.fee_close,
            is_short=self.is_short,
            leverage=self.leverage,
        )

    # Freqtrade's Trade helpers that position-adjusting strategies read.
    def select_filled_orders(self, order_side: str | None = None) -> list:
        """Filled orders of the trade, oldest first (``order_side``: "buy"/"sell")."""
        orders = self.orders.filter(filled__gt=0).order_by("id")
        if order_side is not None:
            orders = orders.filter(ft_order_side=order_side)
        return list(orders)

    @property
    def nr_of_successful_entries(self) -> int:
        return len(self.select_filled_orders("sell" if self.is_short else "buy"))

    @property
    def nr_of_successful_exits(self) -> int:
        return len(self.select_filled_orders("buy" if self.is_short else "sell"))

    @property
    def has_open_orders(self) -> bool:
        return self.orders.filter(ft_is_open__in=[True]).exists()

    # Freqtrade's per-trade custom data (``trade.set_custom_data("key", value)`` in callbacks).
    def set_custom_data(self, key: str, value: Any) -> None:
        """Store ``value`` (bool, int, float, str or anything JSON-serialisable) under ``key``;
        a value JSON cannot hold is logged and not stored, as in Freqtrade."""
        from bot_engine.models.custom_data import TradeCustomData, encode

        try:
            kind, text = encode(value)
        except (TypeError, ValueError) as exc:
            logger.warning("could not serialize %s value due to %s", key, exc)
            return
        entry = self.get_custom_data_entry(key)
        now = timezone.now()
        if entry is None:
            TradeCustomData.objects.create(
                trade=self, cd_key=key, cd_type=kind, cd_value=text, created_at=now
            )
            return
        entry.cd_type, entry.cd_value, entry.updated_at = kind, text, now
        entry.save(update_fields=["cd_type", "cd_value", "updated_at"])

    def get_custom_data(self, key: str, default: Any = None) -> Any:
        entry = self.get_custom_data_entry(key)
        return entry.value if entry is not None else default

    def get_custom_data_entry(self, key: str):
        """The stored entry for ``key`` (matched case-insensitively, as Freqtrade does)."""
        return self.custom_data.filter(cd_key__iexact=key).first()

    def get_all_custom_data(self) -> list:
        return list(self.custom_data.order_by("id"))

    def delete_custom_data(self, key: str | None = None) -> None:
        entries = self.custom_data.all()
        if key is not None:
            entries = entries.filter(cd_key__iexact=key)
        entries.delete()
