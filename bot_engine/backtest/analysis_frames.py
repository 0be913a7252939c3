"""The strategy's analysed frames of a backtest range, without trading them.

Lookahead- and recursive-analysis compare these frames between a full range and cut ones. The
candles, startup trimming, data provider and strategy loading are the simulator's own, so a
frame here is the frame ``simulate`` trades on.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd

from bot_engine.backtest.data import BacktestDataProvider, Timerange, load_pairs, trim
from bot_engine.backtest.options import BacktestOptions
from bot_engine.backtest.signals import analyse_pair
from bot_engine.backtest.simulator import _apply_rules, _effective_config, _load
from bot_engine.config.model import BotConfig
from bot_engine.data.timeframes import timeframe_to_seconds
from bot_engine.engine.rules import TradingRules
from bot_engine.strategy.base import IStrategy
from bot_engine.strategy.pandas_options import use_object_strings


class StrategyFrames:
    """One strategy loaded once; ``analysed(pair, stop=..., startup=...)`` per cut."""

    def __init__(self, config: BotConfig, options: BacktestOptions) -> None:
        use_object_strings()
        self.config = _effective_config(config, options)
        self.strategy: IStrategy = _load(self.config, options)
        rules = TradingRules.resolve(self.config, self.strategy)
        _apply_rules(self.strategy, rules, self.config.raw)
        self.timeframe = rules.timeframe
        self.candle = timedelta(seconds=timeframe_to_seconds(self.timeframe))
        self.pairs = list(options.pairs or self.config.exchange.pair_whitelist)
        self.data_dir = options.datadir or self.config.data_dir
        self.timerange = Timerange.parse(options.timerange)
        self.startup = int(self.strategy.startup_candle_count or 0)
        self.stored = load_pairs(self.data_dir, self.pairs, self.timeframe)

    def candles(
        self, pair: str, *, start: datetime | None, stop: datetime | None, startup: int
    ) -> pd.DataFrame:
        """The pair's candles from ``startup`` candles before ``start`` to ``stop`` (included)."""
        return trim(self.stored[pair], Timerange(start, stop), self.timeframe, startup)

    def analysed(
        self,
        pair: str,
        *,
        start: datetime | None = None,
        stop: datetime | None = None,
        startup: int | None = None,
        indicators_only: bool = False,
    ) -> pd.DataFrame:
        """The analysed frame (all columns) of the cut, startup candles included."""
        startup = self.startup if startup is None else startup
        start = self.timerange.start if start is None else start
        frame = self.candles(pair, start=start, stop=stop, startup=startup)
        self.strategy.dp = BacktestDataProvider(
            self.config.raw,
            timeframe=self.timeframe,
            data_dir=self.data_dir,
            pairs=[pair],
            timerange=Timerange(start, stop),
            startup=startup,
            base_frames=self.stored,
        )
        if indicators_only:
            out = frame.copy()
            out.columns = out.columns.astype(object)
            out = self.strategy._merge_informatives(out, {"pair": pair})
            return self.strategy.populate_indicators(out, {"pair": pair})
        analysed = analyse_pair(self.strategy, pair, frame)
        return analysed if analysed is not None else frame

    def last_date(self, pair: str) -> datetime:
        """The last candle of the range (its stop, or the stored data's end)."""
        frame = self.candles(pair, start=self.timerange.start, stop=self.timerange.stop, startup=0)
        return pd.Timestamp(frame["date"].iloc[-1]).to_pydatetime().astimezone(UTC)
