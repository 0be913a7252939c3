"""Trades: status, trades, trade/{id}, count, and the trade actions (contract §2.2–2.3)."""

from __future__ import annotations

from datetime import UTC, datetime

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.audit import ActsForCaller
from api.context import BotContext, bot_context
from api.exceptions import DetailError
from api.params import parse_body, parse_path, parse_query
from api.permissions import TRADING
from api.serializers.fields import db_integer
from api.serializers.trades import (
    CountSchema,
    DeleteTradeSchema,
    ForceEnterPayload,
    ForceExitPayload,
    OpenTradeSchema,
    ResultMsgSchema,
    TradeBaseSchema,
    TradeResponseSchema,
    TradesQuery,
    trade_base,
    trade_open,
    trades_page,
)
from bot_engine.engine.state import BotState
from bot_engine.exceptions import BotOperationError
from bot_engine.models import Trade
from bot_engine.selectors import custom_data as custom_data_selectors
from bot_engine.selectors import trades as trade_selectors
from bot_engine.selectors.custom_data import TradeCustomDataList
from bot_engine.services import trades as trade_services

TRADE_NOT_FOUND = "Trade not found."
NOT_RUNNING = trade_services.NOT_RUNNING
TRADE_ID = OpenApiParameter("tradeid", int, OpenApiParameter.PATH)


def trade_id_from(value: str) -> int:
    return parse_path(value, serializers.IntegerField(), "tradeid")


def open_view(ctx: BotContext, trade: Trade) -> dict:
    """TradeOpen of ``trade`` priced at the bot's cached rate."""
    return trade_open(trade_selectors.priced(trade, current_rate=ctx.current_rate))


class StatusView(APIView):
    @extend_schema(responses=OpenTradeSchema(many=True))
    def get(self, request):
        ctx = bot_context()
        records = trade_selectors.open_trade_records(
            bot_id=ctx.bot_id, current_rate=ctx.current_rate
        )
        return Response([trade_open(record) for record in records])


class TradesView(APIView):
    @extend_schema(parameters=[TradesQuery], responses=TradeResponseSchema)
    def get(self, request):
        params = parse_query(request, TradesQuery)
        page = trade_selectors.closed_trades_page(bot_id=bot_context().bot_id, **params)
        return Response(trades_page(page))


class TradeView(APIView):
    @extend_schema(parameters=[TRADE_ID], responses=OpenTradeSchema)
    def get(self, request, tradeid: str):
        ctx = bot_context()
        record = trade_selectors.priced_trade(
            bot_id=ctx.bot_id, trade_id=trade_id_from(tradeid), current_rate=ctx.current_rate
        )
        if record is None:
            raise DetailError(TRADE_NOT_FOUND, 404)
        return Response(trade_open(record))


class TradeDeleteView(ActsForCaller, APIView):
    permission_classes = TRADING

    @extend_schema(parameters=[TRADE_ID], responses=DeleteTradeSchema)
    def delete(self, request, tradeid: str):
        bot = bot_context().running
        trade_id = trade_id_from(tradeid)
        return Response(trade_services.trade_delete(bot=bot, trade_id=trade_id))


class TradeOpenOrderView(ActsForCaller, APIView):
    permission_classes = TRADING

    @extend_schema(parameters=[TRADE_ID], responses=OpenTradeSchema)
    def delete(self, request, tradeid: str):
        ctx = bot_context()
        bot = ctx.running
        trade_id = trade_id_from(tradeid)
        trade = trade_services.trade_cancel_open_order(bot=bot, trade_id=trade_id)
        return Response(open_view(ctx, trade))


class TradeReloadView(ActsForCaller, APIView):
    permission_classes = TRADING

    @extend_schema(parameters=[TRADE_ID], request=None, responses=OpenTradeSchema)
    def post(self, request, tradeid: str):
        ctx = bot_context()
        bot = ctx.running
        trade_id = trade_id_from(tradeid)
        trade = trade_services.trade_reload(bot=bot, trade_id=trade_id)
        return Response(open_view(ctx, trade))


class CountView(APIView):
    @extend_schema(responses=CountSchema)
    def get(self, request):
        ctx = bot_context()
        if ctx.running is not None and ctx.running.state == BotState.STOPPED:
            raise BotOperationError(NOT_RUNNING)
        current, total_stake = trade_selectors.open_trades_count_and_stake(bot_id=ctx.bot_id)
        return Response(
            {"current": current, "max": int(ctx.config.max_open_trades), "total_stake": total_stake}
        )


class ForceEnterView(ActsForCaller, APIView):
    """``/forceenter`` and the legacy ``/forcebuy``."""

    permission_classes = TRADING

    @extend_schema(request=ForceEnterPayload, responses=TradeBaseSchema)
    def post(self, request):
        bot = bot_context().running
        body = parse_body(request, ForceEnterPayload)
        trade = trade_services.trade_force_entry(
            bot=bot,
            pair=body["pair"],
            side=body["side"],
            price=body.get("price"),
            order_type=body.get("ordertype"),
            stake_amount=body.get("stakeamount"),
            enter_tag=body.get("entry_tag"),
        )
        return Response(trade_base(trade_selectors.trade_record(trade, trade.orders.all())))


class ForceExitView(ActsForCaller, APIView):
    """``/forceexit`` and the legacy ``/forcesell``."""

    permission_classes = TRADING

    @extend_schema(request=ForceExitPayload, responses=ResultMsgSchema)
    def post(self, request):
        bot = bot_context().running
        body = parse_body(request, ForceExitPayload)
        return Response(
            trade_services.trade_force_exit(
                bot=bot,
                trade_id=body["tradeid"],
                order_type=body.get("ordertype"),
                amount=body.get("amount"),
                price=body.get("price"),
            )
        )


NO_TRADE_FOR_ID = "No trade found for trade_id: {trade_id}"
NO_OPEN_TRADES = "No open trades found."


def no_custom_data(key: str | None, trade_id: int | None) -> str:
    """Freqtrade 2026.9's 404 text when the trades hold no (such) custom data."""
    scope = f"found for Trade ID: {trade_id}." if trade_id else "found for any open trades."
    return f"No custom-data {f'with key {key!r} ' if key else ''}{scope}"


def naive_utc(value: datetime | None) -> str | None:
    """Freqtrade stores these dates naive (UTC) and serialises them without an offset."""
    if value is None:
        return None
    return value.astimezone(UTC).replace(tzinfo=None).isoformat()


def custom_data_body(items: list[TradeCustomDataList]) -> list[dict]:
    return [
        {
            "trade_id": item.trade_id,
            "custom_data": [
                {
                    "key": entry.key,
                    "type": entry.type,
                    "value": entry.value,
                    "created_at": naive_utc(entry.created_at),
                    "updated_at": naive_utc(entry.updated_at),
                }
                for entry in item.custom_data
            ],
        }
        for item in items
    ]


class CustomDataKeyQuery(serializers.Serializer):
    key = serializers.CharField(required=False, allow_null=True, allow_blank=True, default=None)


class OpenCustomDataQuery(CustomDataKeyQuery):
    limit = db_integer(required=False, default=100, min_value=1)
    offset = db_integer(required=False, default=0, min_value=0)


class TradeCustomDataView(APIView):
    """Per-trade strategy key/value data (2026.9): what callbacks stored with
    ``trade.set_custom_data``."""

    @extend_schema(parameters=[TRADE_ID, CustomDataKeyQuery])
    def get(self, request, tradeid: str):
        trade_id = trade_id_from(tradeid)
        key = parse_query(request, CustomDataKeyQuery)["key"]
        found = custom_data_selectors.trade_custom_data(
            bot_id=bot_context().bot_id, trade_id=trade_id, key=key
        )
        if found is None:
            raise DetailError(NO_TRADE_FOR_ID.format(trade_id=trade_id), 404)
        if not found:
            raise DetailError(no_custom_data(key, trade_id), 404)
        return Response(custom_data_body([found]))


class OpenTradesCustomDataView(APIView):
    @extend_schema(parameters=[OpenCustomDataQuery])
    def get(self, request):
        query = parse_query(request, OpenCustomDataQuery)
        count, items = custom_data_selectors.open_trades_custom_data(
            bot_id=bot_context().bot_id,
            key=query["key"],
            limit=query["limit"],
            offset=query["offset"],
        )
        if not count:
            raise DetailError(NO_OPEN_TRADES, 404)
        if not items:
            raise DetailError(no_custom_data(query["key"], None), 404)
        return Response(custom_data_body(items))
