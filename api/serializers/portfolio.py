"""``/portfolio``: figures per (stake currency, dry/live) group and per bot."""

from __future__ import annotations

from rest_framework import serializers

from api.serializers.fields import nullable


class PortfolioFiguresSchema(serializers.Serializer):
    """The figures a group and a bot both carry."""

    stake_currency = serializers.CharField()
    dry_run = serializers.BooleanField()
    open_trade_count = serializers.IntegerField()
    stake_in_open_trades = serializers.FloatField()
    closed_trade_count = serializers.IntegerField()
    realized_profit_abs = serializers.FloatField(help_text="Sum of close_profit_abs.")
    winning_trades = serializers.IntegerField(
        help_text="Closed trades with close_profit >= 0 (as /profit counts them)."
    )
    losing_trades = serializers.IntegerField(help_text="Closed trades with close_profit < 0.")


class PortfolioBotSchema(PortfolioFiguresSchema):
    bot = serializers.CharField()
    starting_balance = nullable(serializers.FloatField, help_text="Dry-run wallet; null if live.")


class PortfolioGroupSchema(PortfolioFiguresSchema):
    bots = serializers.ListField(child=serializers.CharField())
    starting_balance = nullable(
        serializers.FloatField, help_text="Sum of the dry-run wallets; null for a live group."
    )
    per_bot = PortfolioBotSchema(many=True)


class PortfolioSchema(serializers.Serializer):
    groups = PortfolioGroupSchema(many=True)
