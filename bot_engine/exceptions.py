"""The engine's own exceptions; ``api/exceptions.py`` maps them to the contract's HTTP bodies."""


class TradeplaneError(Exception):
    """Base class of everything the engine raises on purpose."""


class ConfigError(TradeplaneError):
    """The configuration is invalid; the message names the key and the problem."""


class StrategyError(TradeplaneError):
    """A strategy could not be found or loaded."""


class BotOperationError(TradeplaneError):
    """A business rule refused a request (Freqtrade's RPCException; HTTP 502 ``error``)."""


class BotNotRunning(TradeplaneError):
    """A control endpoint was called with no bot in this process (HTTP 503)."""


class ExchangeError(TradeplaneError):
    """Any failure talking to an exchange."""


class TemporaryExchangeError(ExchangeError):
    """Timeouts, rate limits, 5xx: worth retrying with backoff."""


class InsufficientFundsError(ExchangeError):
    """The exchange refused an order for lack of balance."""


class InvalidOrderError(ExchangeError):
    """The exchange refused an order's parameters (too small, bad precision, ...)."""
