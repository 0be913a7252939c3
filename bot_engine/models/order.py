"""An exchange order belonging to a trade (Freqtrade's ``orders`` table)."""

from __future__ import annotations

from django.db import models

FINAL_STATUSES = ("closed", "canceled", "cancelled", "expired", "rejected")


class OrderQuerySet(models.QuerySet):
    def open(self) -> OrderQuerySet:
        """Orders still open on the exchange (``IN`` so SQLite uses the index; see Trade)."""
        return self.filter(ft_is_open__in=[True])


class Order(models.Model):
    trade = models.ForeignKey("bot_engine.Trade", on_delete=models.CASCADE, related_name="orders")
    bot = models.ForeignKey("bot_engine.Bot", on_delete=models.CASCADE, related_name="orders")
    ft_order_side = models.CharField(max_length=25)  # buy | sell | stoploss
    ft_pair = models.CharField(max_length=40)
    ft_is_open = models.BooleanField(default=True)
    ft_amount = models.FloatField()
    ft_price = models.FloatField()
    ft_cancel_reason = models.CharField(max_length=255, null=True, blank=True)
    ft_order_tag = models.CharField(max_length=255, null=True, blank=True)
    ft_fee_base = models.FloatField(null=True, blank=True)
    order_id = models.CharField(max_length=255)
    status = models.CharField(max_length=255, null=True, blank=True)
    symbol = models.CharField(max_length=40, null=True, blank=True)
    order_type = models.CharField(max_length=50, null=True, blank=True)
    side = models.CharField(max_length=25, null=True, blank=True)
    price = models.FloatField(null=True, blank=True)
    average = models.FloatField(null=True, blank=True)
    amount = models.FloatField(null=True, blank=True)
    filled = models.FloatField(null=True, blank=True)
    remaining = models.FloatField(null=True, blank=True)
    cost = models.FloatField(null=True, blank=True)
    stop_price = models.FloatField(null=True, blank=True)
    order_date = models.DateTimeField(null=True, blank=True)
    order_filled_date = models.DateTimeField(null=True, blank=True)
    order_update_date = models.DateTimeField(null=True, blank=True)
    funding_fee = models.FloatField(null=True, blank=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["trade_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["bot", "ft_pair", "order_id"], name="order_unique_id_per_bot_pair"
            ),
        ]
        indexes = [
            models.Index(fields=["bot", "ft_is_open"], name="order_bot_open"),
        ]

    def __str__(self) -> str:
        return f"Order {self.order_id} {self.ft_order_side} {self.ft_pair} ({self.status})"

    @property
    def ft_is_entry(self) -> bool:
        return self.ft_order_side == ("sell" if self.trade.is_short else "buy")

    @property
    def safe_price(self) -> float:
        return self.average or self.price or self.stop_price or self.ft_price

    @property
    def safe_filled(self) -> float:
        return self.filled if self.filled is not None else (self.amount or 0.0)

    @property
    def safe_amount(self) -> float:
        return self.amount if self.amount is not None else self.ft_amount
