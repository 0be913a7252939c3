"""Hyperopt parameters declared on strategy classes, in Freqtrade's constructor shapes."""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterator, Sequence
from typing import Any

from bot_engine.exceptions import StrategyError

logger = logging.getLogger(__name__)

# Spaces Freqtrade infers from an attribute name's prefix (``buy_rsi`` -> "buy").
PREFIX_SPACES = ("buy", "sell", "protection")


def _bounds(low: Any, high: Any, kind: str) -> tuple[Any, Any]:
    """Accept ``(low, high)`` or ``([low, high])``, as Freqtrade does."""
    if high is None:
        if not isinstance(low, Sequence) or len(low) != 2:
            raise StrategyError(f"{kind} needs low and high, or a [low, high] pair.")
        low, high = low
    return low, high


class BaseParameter:
    """One tunable value: ``.value`` is what populate_* methods read."""

    param_type = "BaseParameter"

    def __init__(
        self,
        *,
        default: Any,
        space: str | None = None,
        optimize: bool = True,
        load: bool = True,
        **kwargs: Any,
    ) -> None:
        self.value = default
        self.default = default
        self.space = space
        self.optimize = optimize
        self.load = load
        self.name = ""
        self.extra = kwargs  # hyperopt-only options (e.g. skopt's prior); kept, not used

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.value!r})"

    def describe(self) -> dict[str, Any]:
        """The common StrategyParam fields (contract §2.9)."""
        return {
            "param_type": self.param_type,
            "name": self.name,
            "space": self.space,
            "load": self.load,
            "optimize": self.optimize,
            "value": self.value,
        }


class IntParameter(BaseParameter):
    param_type = "IntParameter"

    def __init__(
        self,
        low: int | Sequence[int],
        high: int | None = None,
        *,
        default: int,
        space: str | None = None,
        optimize: bool = True,
        load: bool = True,
        **kwargs: Any,
    ) -> None:
        self.low, self.high = (int(v) for v in _bounds(low, high, self.param_type))
        super().__init__(default=default, space=space, optimize=optimize, load=load, **kwargs)

    @property
    def range(self) -> range:
        return range(self.low, self.high + 1)

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "low": self.low, "high": self.high}


class RealParameter(BaseParameter):
    param_type = "RealParameter"

    def __init__(
        self,
        low: float | Sequence[float],
        high: float | None = None,
        *,
        default: float,
        space: str | None = None,
        optimize: bool = True,
        load: bool = True,
        **kwargs: Any,
    ) -> None:
        self.low, self.high = (float(v) for v in _bounds(low, high, self.param_type))
        super().__init__(default=default, space=space, optimize=optimize, load=load, **kwargs)

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "low": self.low, "high": self.high}


class DecimalParameter(RealParameter):
    param_type = "DecimalParameter"

    def __init__(
        self,
        low: float | Sequence[float],
        high: float | None = None,
        *,
        default: float,
        decimals: int = 3,
        space: str | None = None,
        optimize: bool = True,
        load: bool = True,
        **kwargs: Any,
    ) -> None:
        self.decimals = decimals
        super().__init__(
            low,
            high,
            default=round(default, decimals),
            space=space,
            optimize=optimize,
            load=load,
            **kwargs,
        )

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "decimals": self.decimals}


class CategoricalParameter(BaseParameter):
    param_type = "CategoricalParameter"

    def __init__(
        self,
        categories: Sequence[Any],
        *,
        default: Any = None,
        space: str | None = None,
        optimize: bool = True,
        load: bool = True,
        **kwargs: Any,
    ) -> None:
        if len(categories) < 2:
            raise StrategyError("CategoricalParameter needs at least 2 categories.")
        self.opt_range = list(categories)
        if default is None:
            default = self.opt_range[0]
        super().__init__(default=default, space=space, optimize=optimize, load=load, **kwargs)

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "opt_range": list(self.opt_range)}


class BooleanParameter(CategoricalParameter):
    param_type = "BooleanParameter"

    def __init__(
        self,
        *,
        default: bool = True,
        space: str | None = None,
        optimize: bool = True,
        load: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            [False, True], default=default, space=space, optimize=optimize, load=load, **kwargs
        )


def _space_for(name: str, param: BaseParameter) -> str | None:
    """Explicit space wins; otherwise the ``buy_``/``sell_``/``protection_`` prefix decides."""
    prefixed = next((s for s in PREFIX_SPACES if name.startswith(f"{s}_")), None)
    if param.space is not None:
        if prefixed is not None and prefixed != param.space:
            # Freqtrade refuses this too: the name and the space disagree.
            raise StrategyError(f"Inconclusive parameter name {name}, space: {param.space}.")
        return param.space
    return prefixed


def iter_class_parameters(cls: type) -> Iterator[tuple[str, BaseParameter]]:
    """Parameters declared as class attributes anywhere in the MRO, subclass first."""
    seen: set[str] = set()
    for klass in cls.__mro__:
        for name, attr in vars(klass).items():
            if name in seen or name.startswith("__") or not isinstance(attr, BaseParameter):
                continue
            seen.add(name)
            yield name, attr


def bind_parameters(instance: object, saved: dict[str, dict[str, Any]]) -> list[BaseParameter]:
    """Give ``instance`` its own copies of the class's parameters, loading saved values.

    Copies, because class attributes are shared by every instance of the class and a reload
    must not leak values from an earlier one. ``saved`` maps a space to ``{name: value}``
    (the strategy's ``buy_params``/``sell_params``).
    """
    bound: list[BaseParameter] = []
    for name, declared in iter_class_parameters(type(instance)):
        param = copy.copy(declared)
        param.name = name
        param.space = _space_for(name, declared)
        setattr(instance, name, param)
        if param.space is None:
            logger.debug("Parameter %s has no hyperopt space; it keeps its default.", name)
            continue
        stored = saved.get(param.space, {})
        if param.load and name in stored:
            param.value = stored[name]
        bound.append(param)
    return bound
