"""Bodies of ``/exchanges``, ``/hyperoptloss``, ``/freqaimodels`` and ``/markets`` (contract
§2.5), with Freqtrade's keys."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from bot_engine.exchange.base import Market
from bot_engine.selectors.exchanges import ExchangeEntry

SPOT_ONLY = [{"trading_mode": "spot", "margin_mode": ""}]  # Tradeplane trades spot only


class ExchangeListSchema(serializers.Serializer):
    exchanges = serializers.ListField(child=serializers.DictField())


class HyperoptLossListSchema(serializers.Serializer):
    loss_functions = serializers.ListField(child=serializers.DictField())


class FreqaiModelListSchema(serializers.Serializer):
    freqaimodels = serializers.ListField(child=serializers.CharField())


def exchanges_body(entries: list[ExchangeEntry]) -> dict[str, Any]:
    return {
        "exchanges": [
            {
                "name": e.name,
                "classname": e.classname,
                "valid": e.valid,
                "supported": e.supported,
                "comment": e.comment,
                "comment_futures": "",
                "dex": e.dex,
                "is_alias": e.alias_for is not None,
                "alias_for": e.alias_for,
                "trade_modes": SPOT_ONLY,
            }
            for e in entries
        ]
    }


def markets_body(exchange_id: str, markets: dict[str, Market], params: dict) -> dict[str, Any]:
    """The markets matching ``base``/``quote`` (active ones unless ``include_inactive``)."""
    return {
        "markets": {
            symbol: {
                "symbol": m.symbol,
                "base": m.base,
                "quote": m.quote,
                "spot": m.spot,
                "swap": not m.spot,
                "active": m.active,
            }
            for symbol, m in sorted(markets.items())
            if (params["include_inactive"] or m.active)
            and params.get("base", m.base) == m.base
            and params.get("quote", m.quote) == m.quote
        },
        "exchange_id": exchange_id,
    }
