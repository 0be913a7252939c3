"""``manage.py download_data``: fetch OHLCV through ccxt into ``user_data/data/<exchange>/``."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from bot_engine.config.builder import resolve_user_data_dir
from bot_engine.config.loader import load_config
from bot_engine.config.model import ExchangeConfig
from bot_engine.config.schema import TIMEFRAMES
from bot_engine.data.download import DownloadError, download_data, download_range
from bot_engine.exceptions import ConfigError, ExchangeError


class Command(BaseCommand):
    help = "Download candles (OHLCV) for pairs and timeframes, appending to the stored files."

    def add_arguments(self, parser) -> None:
        parser.add_argument("-c", "--config", default=None, help="config file (JSON), optional")
        parser.add_argument("--exchange", default=None, help="ccxt exchange id, e.g. binance")
        parser.add_argument("-p", "--pairs", nargs="+", default=None, help="e.g. ETH/BTC ADA/BTC")
        parser.add_argument("-t", "--timeframes", nargs="+", default=["5m"], choices=TIMEFRAMES)
        window = parser.add_mutually_exclusive_group()
        window.add_argument("--days", type=int, default=None, help="last N days (default 30)")
        window.add_argument("--timerange", default=None, help="YYYYMMDD-YYYYMMDD")
        parser.add_argument("--userdir", "--user-data-dir", dest="user_data_dir", default=None)

    def handle(self, *args, **options) -> None:
        exchange_config, user_data_dir, whitelist = self._settings(options)
        pairs = options["pairs"] or whitelist
        if not pairs:
            raise CommandError("No pairs: pass --pairs ETH/BTC ... or a config with a whitelist.")
        if options["days"] is not None and options["days"] < 1:
            raise CommandError("--days must be at least 1")
        now = datetime.now(UTC)
        try:
            start, stop = download_range(
                days=options["days"], timerange=options["timerange"], now=now
            )
        except DownloadError as exc:
            raise CommandError(str(exc)) from None
        data_dir = user_data_dir / "data" / exchange_config.name
        from bot_engine.exchange.ccxt_exchange import CcxtExchange

        try:
            exchange = CcxtExchange(exchange_config)
        except ConfigError as exc:
            raise CommandError(str(exc)) from None
        try:
            exchange.markets()
            unknown = [p for p in pairs if p not in exchange.markets()]
            if unknown:
                raise CommandError(f"Not traded on {exchange_config.name}: {', '.join(unknown)}")
            results = download_data(
                exchange,
                data_dir=data_dir,
                pairs=pairs,
                timeframes=options["timeframes"],
                start=start,
                stop=stop,
                now=now,
                progress=self._progress_bar,
            )
        except ExchangeError as exc:
            raise CommandError(f"Could not reach {exchange_config.name}: {exc}") from None
        finally:
            exchange.close()
        self._summary(results, data_dir)

    def _settings(self, options) -> tuple[ExchangeConfig, Path, tuple[str, ...]]:
        if options["config"]:
            try:
                config = load_config(
                    Path(options["config"]), overrides={"user_data_dir": options["user_data_dir"]}
                )
            except ConfigError as exc:
                raise CommandError(f"Invalid configuration:\n{exc}") from None
            exchange = config.exchange
            if options["exchange"]:
                exchange = ExchangeConfig(name=options["exchange"])
            if exchange.is_replay:
                raise CommandError("The replay exchange has no data to download; use --exchange")
            return exchange, config.user_data_dir, config.exchange.pair_whitelist
        name = options["exchange"] or "binance"
        return ExchangeConfig(name=name), resolve_user_data_dir(options["user_data_dir"], None), ()

    def _progress_bar(self, description: str, total: int) -> tqdm:
        return tqdm(total=total, desc=description, unit="candle", file=self.stderr._out)

    def _summary(self, results, data_dir: Path) -> None:
        failed = [r for r in results if r.error]
        for r in results:
            if r.error:
                self.stderr.write(f"{r.pair} {r.timeframe}: FAILED - {r.error}")
            else:
                span = f"{r.first:%Y-%m-%d %H:%M} .. {r.last:%Y-%m-%d %H:%M}" if r.first else "-"
                self.stdout.write(
                    f"{r.pair} {r.timeframe}: +{r.added} candles, {r.total} stored ({span})"
                )
        self.stdout.write(
            f"Downloaded {sum(r.added for r in results)} candles for "
            f"{len(results) - len(failed)} of {len(results)} pair/timeframes into {data_dir}"
        )
        if failed:
            raise CommandError(f"{len(failed)} download(s) failed; the stored files are unchanged")
