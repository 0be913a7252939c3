"""``freqtrade.exceptions``: the exception names strategy files raise or catch."""


class FreqtradeException(Exception):
    """Base of Freqtrade's exceptions."""


class OperationalException(FreqtradeException):
    """Needs a human: e.g. a strategy refusing a configuration in ``bot_start``."""


class ConfigurationError(OperationalException):
    pass


class DependencyException(FreqtradeException):
    pass


class PricingError(DependencyException):
    pass


class ExchangeError(DependencyException):
    pass


class InvalidOrderException(ExchangeError):
    pass


class RetryableOrderError(InvalidOrderException):
    pass


class InsufficientFundsError(InvalidOrderException):
    pass


class TemporaryError(ExchangeError):
    pass


class DDosProtection(TemporaryError):
    pass


class StrategyError(FreqtradeException):
    pass


__all__ = [
    "ConfigurationError",
    "DDosProtection",
    "DependencyException",
    "ExchangeError",
    "FreqtradeException",
    "InsufficientFundsError",
    "InvalidOrderException",
    "OperationalException",
    "PricingError",
    "RetryableOrderError",
    "StrategyError",
    "TemporaryError",
]
