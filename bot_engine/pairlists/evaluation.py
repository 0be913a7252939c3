"""``/pairlists/evaluate`` as a job: a chain from the request run once against the exchange.

The job is a ``BacktestRun`` row of category ``pairlist`` on the backtests' queue; a worker
(``bot_engine.backtest.jobs.run_job``) hands the claimed row to ``run_claimed``. The row's
options hold the request and the config values the chain needs (no secrets), so the worker
needs no config file. On the replay exchange the chain sees the stored candles as they stand
at their end, as a live exchange is seen now.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.utils import timezone

from bot_engine.config.model import BotConfig
from bot_engine.data.candles import available_data
from bot_engine.data.timeframes import timeframe_to_seconds
from bot_engine.exceptions import ExchangeError
from bot_engine.exchange.base import Exchange
from bot_engine.models import BacktestRun, BacktestStatus
from bot_engine.pairlists.base import PairlistContext
from bot_engine.pairlists.chain import PairlistChain

logger = logging.getLogger(__name__)

CATEGORY = "pairlist"
REPLAY = "replay"
NO_STORED_DATA = "The replay exchange has no stored candles in {folder}."
# Past any stored candle: a replay evaluated "now" stands at the end of its data.
_AFTER_THE_DATA = datetime(9999, 1, 1, tzinfo=UTC)


def job_options(*, config: BotConfig, body: dict[str, Any]) -> dict[str, Any]:
    """What the worker needs: the request and the config values a chain reads."""
    return {
        "request": body,
        "settings": {
            "exchange": body.get("exchange") or config.exchange.name,
            "data_dir": str(config.data_dir),
            "whitelist": list(config.exchange.pair_whitelist),
            "stoploss": config.stoploss,
        },
    }


def run_claimed(run: BacktestRun, tracker: Any = None) -> None:
    """Evaluate the claimed row's chain; store Freqtrade's result body or why it failed."""
    try:
        result = evaluate(run.options or {})
    except Exception as exc:  # the job's answer, whatever went wrong (Freqtrade's too)
        message = str(exc) or type(exc).__name__
        logger.warning("Pairlist evaluation %s failed: %s", run.job_id, message)
        _finish(run, BacktestStatus.FAILED, error=message)
        return
    _finish(run, BacktestStatus.SUCCESS, result=result)


def evaluate(options: dict[str, Any]) -> dict[str, Any]:
    """``{"method", "length", "whitelist"}`` of the request's chain."""
    request, settings = options["request"], options["settings"]
    exchange = build_exchange(settings["exchange"], Path(settings["data_dir"]), request)
    try:
        context = PairlistContext(
            exchange=exchange,
            stake_currency=request["stake_currency"],
            whitelist=tuple(settings.get("whitelist") or ()),
            blacklist=tuple(request.get("blacklist") or ()),
            stoploss=settings.get("stoploss"),
            bot_id=None,  # Freqtrade evaluates without a database: no trade performance
            live=False,  # webserver mode: ShuffleFilter's seed applies
        )
        chain = PairlistChain(request["pairlists"], context)
        whitelist = chain.refresh()
    finally:
        close = getattr(exchange, "close", None)
        if close is not None:
            close()
    return {"method": chain.name_list, "length": len(whitelist), "whitelist": whitelist}


def build_exchange(name: str, data_dir: Path, request: dict[str, Any]) -> Exchange:
    if name.lower() == REPLAY:
        return _replay(data_dir, request["stake_currency"])
    from bot_engine.config.model import ExchangeConfig
    from bot_engine.exchange.ccxt_exchange import CcxtExchange

    exchange = CcxtExchange(ExchangeConfig(name=name))
    try:
        exchange.markets()
    except ExchangeError as exc:
        exchange.close()
        raise ExchangeError(f"Could not load the markets of {name}: {exc}") from None
    return exchange


def _replay(data_dir: Path, stake: str) -> Exchange:
    from bot_engine.exchange.replay import ReplayExchange

    stored = available_data(data_dir)
    if not stored:
        raise ExchangeError(NO_STORED_DATA.format(folder=data_dir))
    finest = min({tf for _p, tf, _c in stored}, key=timeframe_to_seconds)
    pairs = sorted({p for p, tf, _c in stored if tf == finest})
    return ReplayExchange(
        data_dir=data_dir,
        pairs=pairs,
        timeframe=finest,
        speed=0,
        stake_currency=stake,
        start=_AFTER_THE_DATA,
    )


def _finish(run: BacktestRun, status: str, *, result: Any = None, error: str = "") -> None:
    BacktestRun.objects.filter(pk=run.pk, status=BacktestStatus.RUNNING).update(
        status=status,
        step="finished",
        progress=1.0,
        result=result,
        error=error,
        status_msg="Pairlist evaluation ended" if not error else f"Failed: {error}",
        finished_at=timezone.now(),
    )
