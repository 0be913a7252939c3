"""Prometheus wiring of `/metrics` (served by api/views/metrics.py): the request-latency
middleware, the scrape-time collector of the bots' figures (bot_engine/selectors/metrics.py) and
the engine's telemetry (bot_engine/telemetry.py), and the exposition of one scrape."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator

from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Histogram,
    disable_created_metrics,
)
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.exposition import choose_encoder

from bot_engine import telemetry
from bot_engine.engine.state import BotState
from bot_engine.runtime import get_running_bot
from bot_engine.selectors.metrics import metric_figures

# A "_created" series per histogram label set is noise no dashboard reads.
disable_created_metrics()

_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
UNMATCHED = "unmatched"

# Not in prometheus_client's global registry: each scrape builds its own registry (below), so
# tests and reloads never trip over a "duplicated timeseries" error.
REQUEST_LATENCY = Histogram(
    "tradeplane_api_request_duration_seconds",
    "Time to answer an HTTP request, by Django URL route name, method and status code.",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
    registry=None,
)
_PROCESS_COLLECTORS = (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR)


class RequestLatencyMiddleware:
    """Times every request; the label is the route's name, never the path (ids in paths would
    make a new time series per trade)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = match.view_name if match is not None and match.url_name else UNMATCHED
        method = request.method if request.method in _METHODS else "other"
        REQUEST_LATENCY.labels(route, method, str(response.status_code)).observe(
            time.perf_counter() - started
        )
        return response


class TradeplaneCollector:
    """The bots' figures, read when Prometheus scrapes (three queries, trades and orders
    grouped by the database, whatever their number), and the engine's in-process telemetry."""

    def __init__(self, *, bot_ids: list[int]) -> None:
        self.bot_ids = bot_ids

    def collect(self) -> Iterator[Metric]:
        figures = metric_figures(bot_ids=self.bot_ids)
        names = {bot.bot_id: bot.name for bot in figures.bots}
        home = {bot.bot_id: bot.stake_currency for bot in figures.bots}

        info = GaugeMetricFamily(
            "tradeplane_bot_info",
            "A bot of this database (always 1), with its registry fields as labels.",
            labels=["bot", "exchange", "strategy", "stake_currency", "dry_run"],
        )
        for bot in figures.bots:
            labels = [bot.name, bot.exchange, bot.strategy, bot.stake_currency]
            info.add_metric([*labels, str(bot.dry_run).lower()], 1)
        yield info

        open_trades = dict.fromkeys(names, 0)
        closed_trades = dict.fromkeys(names, 0)
        # Every bot shows in its own stake currency even before its first trade.
        open_stake = {(bot_id, home[bot_id]): 0.0 for bot_id in names}
        realized = dict(open_stake)
        for row in figures.trades:
            key = (row.bot_id, row.stake_currency or home[row.bot_id])
            open_trades[row.bot_id] += row.open_trade_count
            closed_trades[row.bot_id] += row.closed_trade_count
            open_stake[key] = open_stake.get(key, 0.0) + row.stake_in_open_trades
            realized[key] = realized.get(key, 0.0) + row.realized_profit_abs
        yield _per_bot("tradeplane_open_trades", "Trades open now.", open_trades, names)
        yield _per_bot("tradeplane_closed_trades", "Trades closed so far.", closed_trades, names)
        yield _per_currency(
            "tradeplane_open_trades_stake", "Stake in the open trades.", open_stake, names
        )
        yield _per_currency(
            "tradeplane_realized_profit",
            "Realized profit: the sum of close_profit_abs of the closed trades.",
            realized,
            names,
        )

        orders = GaugeMetricFamily(
            "tradeplane_orders",
            "Orders by status and side (buy, sell, stoploss).",
            labels=["bot", "status", "side"],
        )
        for row in figures.orders:
            orders.add_metric([names[row.bot_id], row.status, row.side], row.count)
        yield orders

        errors = CounterMetricFamily(
            "tradeplane_exchange_errors",
            "Failed exchange calls of this process, by kind (temporary, insufficient_funds, "
            "invalid_order, other) and operation.",
            labels=["kind", "operation"],
        )
        for (kind, operation), count in sorted(telemetry.exchange_errors().items()):
            errors.add_metric([kind, operation], count)
        yield errors

        loops = HistogramMetricFamily(
            "tradeplane_engine_loop_duration_seconds",
            "Duration of one engine iteration (candles, analysis, orders, exits, entries).",
            labels=["bot"],
        )
        visible = set(names.values())
        for bot_name, snapshot in sorted(telemetry.loop_durations().items()):
            if bot_name in visible:
                buckets = [(_bound(le), count) for le, count in snapshot.buckets]
                loops.add_metric([bot_name], buckets, snapshot.sum)
        yield loops

        state = GaugeMetricFamily(
            "tradeplane_bot_state",
            "1 for the state the bot running in this process is in, 0 for the others.",
            labels=["bot", "state"],
        )
        running = get_running_bot()
        if running is not None and running.bot_id in names:
            for value in BotState:
                state.add_metric([names[running.bot_id], value.value], int(running.state == value))
        yield state


def _bound(value: float) -> str:
    return "+Inf" if math.isinf(value) else repr(float(value))


def _per_bot(name: str, documentation: str, values: dict[int, int], names: dict) -> Metric:
    family = GaugeMetricFamily(name, documentation, labels=["bot"])
    for bot_id, value in values.items():
        family.add_metric([names[bot_id]], value)
    return family


def _per_currency(name: str, documentation: str, values: dict, names: dict) -> Metric:
    family = GaugeMetricFamily(name, documentation, labels=["bot", "stake_currency"])
    for (bot_id, currency), value in values.items():
        family.add_metric([names[bot_id], currency], value)
    return family


def render(*, bot_ids: list[int], accept: str = "") -> tuple[bytes, str]:
    """(body, content type) of one scrape: Prometheus text, or OpenMetrics when asked for."""
    registry = CollectorRegistry()
    registry.register(REQUEST_LATENCY)
    for collector in _PROCESS_COLLECTORS:
        registry.register(collector)
    registry.register(TradeplaneCollector(bot_ids=bot_ids))
    encoder, content_type = choose_encoder(accept)
    return encoder(registry), content_type
