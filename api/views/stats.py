"""Statistics: profit, profit_all, performance/entries/exits/mix_tags, daily/weekly/monthly,
stats, balance (contract §3.4–3.7, §3.14). All read the database; none waits for the engine."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from api.context import BotContext, bot_context
from api.params import parse_query
from api.serializers.profit import ProfitAllSchema, ProfitSchema, profit_body
from api.serializers.stats import (
    BalancesSchema,
    EntrySchema,
    ExitSchema,
    MixTagSchema,
    PairFilterQuery,
    PerformanceEntrySchema,
    StatsSchema,
    TimescaleQuery,
    TimeUnitProfitSchema,
    balance_body,
    group_profit_body,
    performance_body,
    stats_body,
    time_unit_body,
)
from bot_engine.selectors import balance, performance, profit, stats, timeunit


def _profit(ctx: BotContext, directions: tuple[str | None, ...]) -> list[dict]:
    """The Profit bodies of ``directions``, over one bot context, rate snapshot and clock."""
    current_rates, now = ctx.current_rates(), ctx.now()
    return [
        profit_body(
            profit.profit_summary(
                bot_id=ctx.bot_id,
                config=ctx.config,
                current_rates=current_rates,
                bot_start=ctx.bot_start,
                now=now,
                direction=direction,
            )
        )
        for direction in directions
    ]


class ProfitView(APIView):
    @extend_schema(responses=ProfitSchema)
    def get(self, request):
        return Response(_profit(bot_context(), (None,))[0])


class ProfitAllView(APIView):
    @extend_schema(responses=ProfitAllSchema)
    def get(self, request):
        ctx = bot_context()
        if ctx.config.trading_mode == "spot":
            return Response({"all": _profit(ctx, (None,))[0], "long": None, "short": None})
        all_, long, short = _profit(ctx, (None, "long", "short"))
        return Response({"all": all_, "long": long, "short": short})


class PerformanceView(APIView):
    @extend_schema(responses=PerformanceEntrySchema(many=True))
    def get(self, request):
        return Response(performance_body(performance.pair_performance(bot_id=bot_context().bot_id)))


class EntriesView(APIView):
    @extend_schema(parameters=[PairFilterQuery], responses=EntrySchema(many=True))
    def get(self, request):
        pair = parse_query(request, PairFilterQuery).get("pair")
        rows = performance.entry_tag_performance(bot_id=bot_context().bot_id, pair=pair)
        return Response(group_profit_body("enter_tag", rows))


class ExitsView(APIView):
    @extend_schema(parameters=[PairFilterQuery], responses=ExitSchema(many=True))
    def get(self, request):
        pair = parse_query(request, PairFilterQuery).get("pair")
        rows = performance.exit_reason_performance(bot_id=bot_context().bot_id, pair=pair)
        return Response(group_profit_body("exit_reason", rows))


class MixTagsView(APIView):
    @extend_schema(parameters=[PairFilterQuery], responses=MixTagSchema(many=True))
    def get(self, request):
        pair = parse_query(request, PairFilterQuery).get("pair")
        rows = performance.mix_tag_performance(bot_id=bot_context().bot_id, pair=pair)
        return Response(group_profit_body("mix_tag", rows))


class TimeUnitProfitView(APIView):
    """``/daily`` (7 days), ``/weekly`` (4 weeks), ``/monthly`` (3 months) by default."""

    unit = "days"
    default_timescale = 7

    @extend_schema(parameters=[TimescaleQuery], responses=TimeUnitProfitSchema)
    def get(self, request):
        timescale = parse_query(request, TimescaleQuery).get("timescale", self.default_timescale)
        ctx = bot_context()
        result = timeunit.time_unit_profit(
            bot_id=ctx.bot_id, config=ctx.config, unit=self.unit, timescale=timescale, now=ctx.now()
        )
        return Response(time_unit_body(result))


class DailyView(TimeUnitProfitView):
    unit, default_timescale = "days", 7


class WeeklyView(TimeUnitProfitView):
    unit, default_timescale = "weeks", 4


class MonthlyView(TimeUnitProfitView):
    unit, default_timescale = "months", 3


class StatsView(APIView):
    @extend_schema(responses=StatsSchema)
    def get(self, request):
        return Response(stats_body(stats.trade_stats(bot_id=bot_context().bot_id)))


class BalanceView(APIView):
    @extend_schema(responses=BalancesSchema)
    def get(self, request):
        ctx = bot_context()
        summary = balance.balance_summary(
            bot_id=ctx.bot_id, config=ctx.config, current_rates=ctx.current_rates()
        )
        return Response(balance_body(summary))
