"""Candles, strategies and markets: pair_candles, pair_history, plot_config, strategies,
strategy/{name}, available_pairs, markets (contract §2.5, §3.8)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from api.context import BotContext, bot_context
from api.exceptions import DetailError, RequestValidationError, validation_item
from api.params import parse_body, parse_query
from api.permissions import TRADING
from api.serializers.candles import (
    AvailablePairsQuery,
    AvailablePairsSchema,
    PairCandlesQuery,
    PairCandlesRequest,
    PairHistoryQuery,
    PairHistoryRequest,
    PairHistorySchema,
    PlotConfigQuery,
    PlotConfigSchema,
    StrategyListSchema,
    StrategySchema,
    candles_body,
)
from bot_engine.data.candles import available_data
from bot_engine.engine.factory import strategy_dirs
from bot_engine.exceptions import BotOperationError, StrategyError
from bot_engine.selectors.candles import pair_candles, pair_history
from bot_engine.strategy.loader import list_strategies, load_strategy, strategy_source

STRATEGY_NOT_FOUND = "Strategy not found"
NO_STRATEGY = "No strategy is loaded; pass ?strategy=<name>."


def _candles(ctx: BotContext, params: dict) -> dict:
    bot = ctx.running
    timeframe = params["timeframe"]
    analysed = bot.analysed_frame(params["pair"], timeframe)
    result = pair_candles(
        analysed=analysed,
        pair=params["pair"],
        timeframe=timeframe,
        strategy=bot.config.strategy,
        limit=params.get("limit"),
        columns=params.get("columns"),
    )
    return candles_body(result)


class PairCandlesView(APIView):
    permission_classes = TRADING

    @extend_schema(parameters=[PairCandlesQuery], responses=PairHistorySchema)
    def get(self, request):
        ctx = bot_context()
        return Response(_candles(ctx, parse_query(request, PairCandlesQuery)))

    @extend_schema(request=PairCandlesRequest, responses=PairHistorySchema)
    def post(self, request):
        ctx = bot_context()
        return Response(_candles(ctx, parse_body(request, PairCandlesRequest)))


def _history(ctx: BotContext, params: dict) -> dict:
    result = pair_history(
        config=ctx.config,
        pair=params["pair"],
        timeframe=params["timeframe"],
        timerange=params.get("timerange"),
        strategy=params["strategy"],
        strategy_dirs=strategy_dirs(ctx.config),
        columns=params.get("columns"),
        live=params.get("live_mode", False),
    )
    return candles_body(result)


class PairHistoryView(APIView):
    @extend_schema(parameters=[PairHistoryQuery], responses=PairHistorySchema)
    def get(self, request):
        return Response(_history(bot_context(), parse_query(request, PairHistoryQuery)))

    @extend_schema(request=PairHistoryRequest, responses=PairHistorySchema)
    def post(self, request):
        return Response(_history(bot_context(), parse_body(request, PairHistoryRequest)))


class PlotConfigView(APIView):
    @extend_schema(parameters=[PlotConfigQuery], responses=PlotConfigSchema)
    def get(self, request):
        name = parse_query(request, PlotConfigQuery).get("strategy")
        ctx = bot_context()
        if name and (ctx.running is None or name != ctx.config.strategy):
            strategy = load_strategy(
                name, config=ctx.config.raw, search_dirs=strategy_dirs(ctx.config)
            )
        elif ctx.running is not None:
            strategy = ctx.running.strategy
        else:
            raise BotOperationError(NO_STRATEGY)
        plot = dict(strategy.plot_config or {})
        if plot:
            plot.setdefault("subplots", {})
        return Response(plot)


class StrategiesView(APIView):
    @extend_schema(responses=StrategyListSchema)
    def get(self, request):
        return Response({"strategies": list_strategies(strategy_dirs(bot_context().config))})


class StrategyView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("strategy", str, OpenApiParameter.PATH)],
        responses=StrategySchema,
    )
    def get(self, request, strategy: str):
        if ":" in strategy:
            raise RequestValidationError(
                [
                    validation_item(
                        "value_error",
                        ["path", "strategy"],
                        "base64 encoded strategies are not allowed.",
                        strategy,
                    )
                ]
            )
        ctx = bot_context()
        dirs = strategy_dirs(ctx.config)
        try:
            code, _path = strategy_source(strategy, dirs)
        except StrategyError as exc:
            raise DetailError(STRATEGY_NOT_FOUND, 404) from exc
        if ctx.running is not None and strategy == ctx.config.strategy:
            loaded = ctx.running.strategy
        else:
            loaded = load_strategy(
                strategy, config=ctx.config.raw, search_dirs=dirs, for_trading=False
            )
        return Response(
            {
                "strategy": strategy,
                "code": code,
                "timeframe": getattr(loaded, "timeframe", None),
                "params": loaded.describe_parameters(),
            }
        )


class AvailablePairsView(APIView):
    @extend_schema(parameters=[AvailablePairsQuery], responses=AvailablePairsSchema)
    def get(self, request):
        params = parse_query(request, AvailablePairsQuery)
        rows = available_data(bot_context().config.data_dir)
        if "timeframe" in params:
            rows = [r for r in rows if r[1] == params["timeframe"]]
        if "stake_currency" in params:
            rows = [r for r in rows if r[0].endswith(f"/{params['stake_currency']}")]
        if "candletype" in params:
            rows = [r for r in rows if r[2] == params["candletype"]]
        pairs = sorted({r[0] for r in rows})
        return Response(
            {"length": len(pairs), "pairs": pairs, "pair_interval": [list(r) for r in rows]}
        )
