"""The wallet's value once a day, per coin (Freqtrade's ``wallet_history`` table), and when its
recording started on this database (``/historic_balance``'s ``capture_start_ts``)."""

from __future__ import annotations

from django.db import models


class WalletHistory(models.Model):
    """One coin of the wallet at 00:00 UTC of a day: recorded by the engine, or rebuilt from
    the trades for the days before recording started (``reconstructed``)."""

    bot = models.ForeignKey("bot_engine.Bot", on_delete=models.CASCADE, related_name="+")
    timestamp = models.DateTimeField()  # the day, 00:00 UTC
    currency = models.CharField(max_length=25)
    quote_currency = models.CharField(max_length=25)  # the stake currency
    rate = models.FloatField(null=True)  # quote per unit of ``currency``
    balance = models.FloatField()  # in ``currency``
    total_quote = models.FloatField(null=True)  # balance valued in the quote currency
    bot_managed = models.BooleanField(default=True)
    reconstructed = models.BooleanField(default=False)

    class Meta:
        ordering = ["bot_id", "timestamp", "currency"]
        constraints = [
            models.UniqueConstraint(
                fields=["bot", "timestamp", "currency"], name="wallet_history_daily"
            )
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.balance} on {self.timestamp:%Y-%m-%d}"


class WalletCapture(models.Model):
    """When this bot's wallet history began to be kept, and whether the past was rebuilt."""

    bot = models.OneToOneField(
        "bot_engine.Bot", on_delete=models.CASCADE, related_name="wallet_capture"
    )
    started_at = models.DateTimeField()
    reconstructed_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"wallet history since {self.started_at:%Y-%m-%d %H:%M}"
