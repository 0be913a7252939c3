"""Trades: status, trades, trade/{id}, count, and the trade actions (contract §2.2–2.3)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.audit import ActsForCaller
from api.context import BotContext, bot_context
from api.exceptions import DetailError
from api.params import parse_body, parse_path, parse_query
from api.permissions import TRADING
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
from bot_engine.selectors import trades as trade_selectors
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
NO_CUSTOM_DATA = "No custom-data found for trade_id: {trade_id}"
NO_OPEN_CUSTOM_DATA = "No custom-data found for open trades"


class TradeCustomDataView(APIView):
    """Per-trade strategy key/value data (2026.9). Tradeplane strategies cannot store any yet,
    so an existing trade answers the contract's "no custom-data" 404."""

    @extend_schema(parameters=[TRADE_ID])
    def get(self, request, tradeid: str):
        trade_id = trade_id_from(tradeid)
        if trade_selectors.get_trade(bot_id=bot_context().bot_id, trade_id=trade_id) is None:
            raise DetailError(NO_TRADE_FOR_ID.format(trade_id=trade_id), 404)
        raise DetailError(NO_CUSTOM_DATA.format(trade_id=trade_id), 404)


class OpenTradesCustomDataView(APIView):
    @extend_schema(exclude=True)
    def get(self, request):
        raise DetailError(NO_OPEN_CUSTOM_DATA, 404)
