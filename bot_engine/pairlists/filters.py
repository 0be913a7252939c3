"""Filters that test each pair against the market (age, price grid, price, spread) or reorder
and cut the list (offset, shuffle, past performance), with Freqtrade's parameters."""

from __future__ import annotations

import logging
import math
import random
from datetime import timedelta

from django.db.models import Count, Sum

from bot_engine.data.timeframes import timeframe_to_seconds
from bot_engine.exceptions import ConfigError
from bot_engine.exchange.base import Market
from bot_engine.pairlists.base import PairlistHandler
from bot_engine.pairlists.params import Param, _number

logger = logging.getLogger(__name__)

DAY = 86400.0
TICK_SIZE = 4  # ccxt's TICK_SIZE precision mode: precision is a step, not a digit count


def one_pip(market: Market | None) -> float | None:
    """The smallest price step of ``market`` (Freqtrade's price_get_one_pip)."""
    if market is None or market.price_precision is None:
        return None
    if market.precision_mode == TICK_SIZE:
        return float(market.price_precision)
    return 1 / 10 ** int(market.price_precision)


def price_up(market: Market | None, price: float) -> float:
    """``price`` rounded up to the market's grid (the stop price an exchange would take)."""
    pip = one_pip(market)
    if not pip:
        return price
    # Rounded to 12 digits first so float noise (3 * 1e-8) does not push a price a step up.
    return math.ceil(round(price / pip, 9)) * pip


class AgeFilter(PairlistHandler):
    name = "AgeFilter"
    description = "Filter pairs by age (days listed)."
    params = {
        "min_days_listed": _number(
            10,
            "Minimum Days Listed",
            "Minimum number of days a pair must have been listed on the exchange.",
            minimum=1,
            integer=True,
        ),
        "max_days_listed": _number(
            None,
            "Maximum Days Listed",
            "Maximum number of days a pair must have been listed on the exchange.",
            minimum=1,
            integer=True,
        ),
    }

    def keep(self, pair: str) -> bool:
        # A pair old enough stays so; one too young is asked again a day later (as Freqtrade).
        return self.cached(("age", pair), DAY, lambda: self._old_enough(pair))

    def _old_enough(self, pair: str) -> bool:
        low, high = int(self.option("min_days_listed")), self.entry.get("max_days_listed")
        window = int(high or low) + 1
        # Freqtrade asks for the daily candles since that many days before today's open and
        # drops the day in progress: at most ``window`` closed days count.
        days = len(self.context.candles(pair, "1d", window))
        ok = days >= low and (not high or days <= high)
        if not ok:
            logger.info("Removed %s from whitelist: listed %d days (%s-%s)", pair, days, low, high)
        return ok


NO_STOPLOSS = (
    "PrecisionFilter can only work with stoploss defined. Please add the stoploss key to your "
    "configuration (overwrites eventual strategy settings)."
)  # Freqtrade's words


class PrecisionFilter(PairlistHandler):
    name = "PrecisionFilter"
    description = "Filters low-value coins which would not allow setting stoplosses."
    params = {}
    needs_tickers = True

    def __init__(self, entry, context) -> None:
        super().__init__(entry, context)
        # A bot always has one (the config's or the strategy's); an evaluation job only when
        # the webserver's config sets it, as in Freqtrade.
        if context.stoploss is None:
            raise ConfigError(NO_STOPLOSS)

    def keep(self, pair: str) -> bool:
        last = self.context.ticker(pair).last
        if last is None:
            return False
        if not self.context.stoploss:
            return True  # a stoploss of 0: nothing to check (Freqtrade disables the filter)
        market = self.context.markets().get(pair)
        stop_price = last * (1 - abs(self.context.stoploss))
        stop = price_up(market, stop_price)
        gap = price_up(market, stop_price * 0.99)
        if stop <= gap:
            logger.info(
                "Removed %s from whitelist: stop price %s <= stop limit %s", pair, stop, gap
            )
            return False
        return True


class PriceFilter(PairlistHandler):
    name = "PriceFilter"
    description = "Filter pairs by price."
    params = {
        "low_price_ratio": _number(
            0,
            "Low price ratio",
            "Remove pairs where a price move of 1 price unit (pip) is above this ratio.",
            minimum=0,
        ),
        "min_price": _number(
            0, "Minimum price", "Remove pairs with a price below this value.", minimum=0
        ),
        "max_price": _number(
            0, "Maximum price", "Remove pairs with a price above this value.", minimum=0
        ),
        "max_value": _number(
            0,
            "Maximum value",
            "Remove pairs with a value (price * amount) above this value.",
            minimum=0,
        ),
    }
    needs_tickers = True

    def keep(self, pair: str) -> bool:
        price = self.context.ticker(pair).last
        if not price:
            return False
        market = self.context.markets().get(pair)
        ratio = self.option("low_price_ratio")
        pip = one_pip(market)
        if ratio and pip and pip / price > ratio:
            return False
        max_value = self.option("max_value")
        if max_value and market is not None and market.min_amount is not None:
            step = market.amount_precision or 0.0
            if market.precision_mode != TICK_SIZE:
                step = 0.1 ** int(step)
            if step * price > max_value:  # one amount step above the minimum, in value
                return False
        if self.option("min_price") and price < self.option("min_price"):
            return False
        return not (self.option("max_price") and price > self.option("max_price"))


class SpreadFilter(PairlistHandler):
    name = "SpreadFilter"
    description = "Filter by bid/ask difference."
    params = {
        "max_spread_ratio": _number(
            0.005,
            "Max spread ratio",
            "Max spread ratio for a pair to be considered.",
            minimum=0,
        )
    }
    needs_tickers = True

    def keep(self, pair: str) -> bool:
        ticker = self.context.ticker(pair)
        if not ticker.bid or not ticker.ask:
            return False
        return 1 - ticker.bid / ticker.ask <= self.option("max_spread_ratio")


class OffsetFilter(PairlistHandler):
    name = "OffsetFilter"
    description = "Offset pair list filter."
    params = {
        "offset": _number(0, "Offset", "Offset of the pairlist.", minimum=0, integer=True),
        "number_assets": _number(
            0,
            "Number of assets",
            "Number of assets to use from the pairlist, starting from offset.",
            minimum=0,
            integer=True,
        ),
    }

    def filter(self, pairs: list[str]) -> list[str]:
        offset, count = int(self.option("offset")), int(self.option("number_assets"))
        if offset >= len(pairs):
            logger.warning("Offset of %d is larger than the pair count of %d", offset, len(pairs))
        kept = pairs[offset:]
        return kept[:count] if count else kept


class ShuffleFilter(PairlistHandler):
    name = "ShuffleFilter"
    description = "Randomize pairlist order."
    params = {
        "shuffle_frequency": Param(
            "option",
            "candle",
            "Shuffle frequency",
            "Shuffle frequency. Can be either 'candle' or 'iteration'.",
            options=("candle", "iteration"),
        ),
        "seed": _number(
            None,
            "Random Seed",
            "Seed for random number generator. Not used in live mode.",
            integer=True,
        ),
    }

    def __init__(self, entry, context) -> None:
        super().__init__(entry, context)
        # Freqtrade applies the seed only outside dry-run/live (webserver, backtesting).
        seed = None if context.live else self.entry.get("seed")
        self._random = random.Random(seed)  # noqa: S311 - an order, not a secret

    def filter(self, pairs: list[str]) -> list[str]:
        def shuffled() -> list[str]:
            out = list(pairs)
            self._random.shuffle(out)
            return out

        if self.option("shuffle_frequency") == "candle" and self.context.live:
            # One order per candle: kept until the next candle of the bot's timeframe opens.
            step = timeframe_to_seconds(self.context.candle_timeframe)
            now = self.context.now().timestamp()
            return list(self.cached(tuple(pairs), step - now % step, shuffled))
        return shuffled()


class PerformanceFilter(PairlistHandler):
    name = "PerformanceFilter"
    description = "Filter pairs by performance."
    params = {
        "minutes": _number(
            0,
            "Minutes",
            "Consider trades from the last X minutes. 0 means all trades.",
            minimum=0,
        ),
        "min_profit": _number(
            None,
            "Minimum profit",
            "Minimum profit in percent. Pairs with less profit are removed.",
        ),
    }

    def filter(self, pairs: list[str]) -> list[str]:
        performance = self._performance()
        if not performance:
            return pairs  # no closed trades (or no database, as in an evaluation job)

        def rank(item: tuple[int, str]) -> tuple[float, int, int]:
            index, pair = item
            ratio, count = performance.get(pair, (0.0, 0))
            return (-ratio, count, index)

        ordered = [pair for _i, pair in sorted(enumerate(pairs), key=rank)]
        low = self.entry.get("min_profit")
        if low is None:
            return ordered
        return [p for p in ordered if performance.get(p, (0.0, 0))[0] >= low]

    def _performance(self) -> dict[str, tuple[float, int]]:
        """``{pair: (profit ratio, closed trades)}`` of the bot's closed trades."""
        bot_id = self.context.bot_id
        if bot_id is None:
            return {}
        minutes = float(self.option("minutes"))
        if not minutes:
            from bot_engine.selectors.performance import pair_performance

            return {
                row.key: (row.profit_ratio, row.count) for row in pair_performance(bot_id=bot_id)
            }
        from bot_engine.models import Trade

        since = self.context.now() - timedelta(minutes=minutes)
        rows = (
            Trade.objects.for_bot(bot_id)
            .closed()
            .filter(close_date__gte=since)
            .values("pair")
            .annotate(profit=Sum("close_profit_abs"), stake=Sum("stake_amount"), count=Count("id"))
        )
        return {
            row["pair"]: (
                (row["profit"] or 0.0) / row["stake"] if row["stake"] else 0.0,
                row["count"],
            )
            for row in rows
        }
