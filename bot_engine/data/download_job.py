"""``/download_data`` as a job: ``download.py`` run by a backtest worker, progress on the row.

The job is a ``BacktestRun`` row of category ``download_data`` on the backtests' queue
(``bot_engine.backtest.jobs.run_job`` hands the claimed row to ``run_claimed``). Its
``progress_tasks`` follow Freqtrade's: the pair/timeframe count, and the candles of the one
being fetched. A download that cannot reach the exchange fails inside the job with the reason;
the server that queued it is never involved.
"""

from __future__ import annotations

import logging
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.utils import timezone

from bot_engine.config.loader import load_config
from bot_engine.config.model import BotConfig, ExchangeConfig
from bot_engine.data.candles import candle_file
from bot_engine.data.download import DownloadError, download_data, download_range
from bot_engine.exceptions import ConfigError, ExchangeError
from bot_engine.models import BacktestRun, BacktestStatus

logger = logging.getLogger(__name__)

CATEGORY = "download_data"
DEFAULT_TIMEFRAMES = ("1m", "5m")  # Freqtrade's DL_DATA_TIMEFRAMES
PROGRESS_INTERVAL = 0.25  # seconds between two progress writes
NOT_SUPPORTED = "{what} is not supported: Tradeplane downloads spot candles only"
UNREACHABLE = "Could not reach {exchange}: {error}"
FAILED_PAIRS = "{count} download(s) failed: {details}"


def job_options(*, config: BotConfig, body: dict[str, Any]) -> dict[str, Any]:
    """The request and where the candles go; the exchange's name (the replay's data source
    when the config trades on replay), never its keys."""
    name = body.get("exchange") or config.exchange.name
    if name == "replay":
        name = config.exchange.replay.data_exchange
    return {
        "request": body,
        "settings": {"exchange": name, "user_data_dir": str(config.user_data_dir)},
    }


def run_claimed(run: BacktestRun, tracker: Any = None) -> None:
    """Download what the claimed row asks; store the outcome or why it failed."""
    progress = RowProgress(run.pk)
    try:
        summary = download(run.options or {}, run.config_files, progress)
    except Exception as exc:  # the job's answer, whatever went wrong
        message = str(exc) or type(exc).__name__
        logger.warning("Data download %s failed: %s", run.job_id, message)
        progress.flush()
        _finish(run, BacktestStatus.FAILED, error=message)
        return
    progress.flush()
    _finish(run, BacktestStatus.SUCCESS, result=summary)


def download(options: dict[str, Any], config_files: list[str], progress: RowProgress) -> dict:
    request, settings = options["request"], options["settings"]
    _refuse_unsupported(request)
    exchange_config = _exchange_config(settings["exchange"], config_files)
    data_dir = Path(settings["user_data_dir"]) / "data" / exchange_config.name
    pairs, timeframes = (
        list(request["pairs"]),
        list(request.get("timeframes") or DEFAULT_TIMEFRAMES),
    )
    now = datetime.now(UTC)
    start, stop = download_range(
        days=request.get("days"), timerange=request.get("timerange"), now=now
    )
    from bot_engine.exchange.ccxt_exchange import CcxtExchange

    exchange = CcxtExchange(exchange_config)
    try:
        try:
            markets = exchange.markets()
        except ExchangeError as exc:
            raise ExchangeError(
                UNREACHABLE.format(exchange=exchange_config.name, error=exc)
            ) from None
        unknown = [p for p in pairs if p not in markets]
        if unknown:
            raise DownloadError(f"Not traded on {exchange_config.name}: {', '.join(unknown)}")
        if request.get("erase"):
            _erase(data_dir, pairs, timeframes)
        progress.start(len(pairs) * len(timeframes))
        results = download_data(
            exchange,
            data_dir=data_dir,
            pairs=pairs,
            timeframes=timeframes,
            start=start,
            stop=stop,
            now=now,
            progress=progress.bar,
        )
    finally:
        exchange.close()
    failed = [f"{r.pair} {r.timeframe}: {r.error}" for r in results if r.error]
    if failed:
        raise DownloadError(FAILED_PAIRS.format(count=len(failed), details="; ".join(failed)))
    return {
        "downloaded": [
            {"pair": r.pair, "timeframe": r.timeframe, "added": r.added} for r in results
        ]
    }


def _refuse_unsupported(request: dict[str, Any]) -> None:
    if request.get("download_trades"):
        raise DownloadError(NOT_SUPPORTED.format(what="download_trades"))
    other = [c for c in request.get("candle_types") or () if c != "spot"]
    if other:
        raise DownloadError(NOT_SUPPORTED.format(what=f"candle_types {', '.join(other)}"))


def _exchange_config(name: str, config_files: list[str]) -> ExchangeConfig:
    """The config file's exchange section (its ccxt_config too) when it names this exchange."""
    if config_files:
        try:
            config = load_config(Path(config_files[0]))
        except ConfigError:
            config = None
        if config is not None and config.exchange.name == name:
            return config.exchange
    return ExchangeConfig(name=name)


def _erase(data_dir: Path, pairs: list[str], timeframes: list[str]) -> None:
    for pair in pairs:
        for timeframe in timeframes:
            path = candle_file(data_dir, pair, timeframe)
            if path.is_file():
                path.unlink()
            elif path.is_dir():
                shutil.rmtree(path)


class RowProgress:
    """``download_data``'s progress bars, written to the row's ``progress_tasks`` (throttled)."""

    def __init__(self, pk: int) -> None:
        self.pk = pk
        self.tasks: dict[str, dict[str, Any]] = {}
        self._done = 0
        self._written = 0.0

    def start(self, total: int) -> None:
        self.tasks["0"] = _task(0, total, "Downloading data")
        self.flush()

    def bar(self, description: str, total: int) -> _Bar:
        self.tasks["1"] = _task(0, total, description)
        self.flush()
        return _Bar(self)

    def advance(self, candles: int) -> None:
        self.tasks["1"]["progress"] += float(candles)
        if time.monotonic() - self._written >= PROGRESS_INTERVAL:
            self.flush()

    def finish_pair(self) -> None:
        self._done += 1
        self.tasks["0"]["progress"] = float(self._done)
        self.flush()

    def flush(self) -> None:
        self._written = time.monotonic()
        BacktestRun.objects.filter(pk=self.pk).update(progress_tasks=self.tasks)


class _Bar:
    def __init__(self, owner: RowProgress) -> None:
        self.owner = owner

    def update(self, n: int) -> None:
        self.owner.advance(n)

    def close(self) -> None:
        self.owner.finish_pair()


def _task(progress: float, total: float, description: str) -> dict[str, Any]:
    return {"progress": float(progress), "total": float(total), "description": description}


def _finish(run: BacktestRun, status: str, *, result: Any = None, error: str = "") -> None:
    BacktestRun.objects.filter(pk=run.pk, status=BacktestStatus.RUNNING).update(
        status=status,
        step="finished",
        progress=1.0,
        result=result,
        error=error,
        status_msg="Data download ended" if not error else f"Failed: {error}",
        finished_at=timezone.now(),
    )
