"""Pairlist handler parameters: Freqtrade's declarations (``/pairlists/available``'s ``params``)
and their checks, naming the config key of a bad value (``pairlists.1.number_assets: ...``).

Pure data and functions; ``registry.config_errors`` applies them to a config's ``pairlists``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Param:
    """One parameter as ``/pairlists/available`` describes it."""

    type: str  # number | option | boolean | string | list
    default: Any
    description: str
    help: str
    options: tuple[str, ...] | None = None
    minimum: float | None = None  # our check only; not part of Freqtrade's description
    integer: bool = False

    def describe(self) -> dict[str, Any]:
        body: dict[str, Any] = {"type": self.type, "default": self.default}
        if self.options is not None:
            body["options"] = list(self.options)
        body["description"] = self.description
        body["help"] = self.help
        return body

    def problem(self, value: Any) -> str | None:
        """Why ``value`` is not acceptable, or None."""
        if value is None:
            return None if self.default is None or self.type == "option" else "must be set"
        if self.type == "number":
            if isinstance(value, bool) or not isinstance(value, int | float):
                return "must be a number"
            if self.integer and float(value) != int(value):
                return "must be a whole number"
            if self.minimum is not None and value < self.minimum:
                return f"must be >= {self.minimum:g}"
        elif self.type == "option" and value not in (self.options or ()):
            return "must be one of " + ", ".join(repr(o) for o in self.options or ())
        elif self.type == "boolean" and not isinstance(value, bool):
            return "must be true or false"
        elif self.type == "string" and not isinstance(value, str):
            return "must be a string"
        return None


def _number(default, description, help_, *, minimum=None, integer=False) -> Param:
    return Param("number", default, description, help_, minimum=minimum, integer=integer)


REFRESH_PERIOD = _number(1800, "Refresh period", "Refresh period in seconds", minimum=0)
NUMBER_ASSETS = _number(
    30, "Number of assets", "Number of assets to use from the pairlist", minimum=1, integer=True
)


def lookback_params(default_period: int) -> dict[str, Param]:
    """The lookback trio Freqtrade's range-based handlers share."""
    return {
        "lookback_days": _number(
            None,
            "Lookback Days",
            "Number of days to look back at. Implies a lookback_timeframe of 1d.",
            minimum=0,
            integer=True,
        ),
        "lookback_timeframe": Param(
            "string", "1d", "Lookback Timeframe", "Timeframe to use for lookback."
        ),
        "lookback_period": _number(
            default_period,
            "Lookback Period",
            "Number of periods to look back at.",
            minimum=0,
            integer=True,
        ),
    }


def sort_direction(default: str | None, what: str) -> Param:
    return Param(
        "option",
        default,
        "Sort pairlist",
        f"Sort Pairlist ascending or descending by {what}.",
        options=("", "asc", "desc"),
    )


def check_params(entry: Mapping[str, Any], params: Mapping[str, Param], prefix: str) -> list[str]:
    """One ``prefix.key: problem`` line per bad value (unknown keys are Freqtrade's: ignored)."""
    errors = []
    for key, param in params.items():
        if key in entry:
            problem = param.problem(entry[key])
            if problem:
                errors.append(f"{prefix}.{key}: {problem}")
    return errors
