"""Shared pytest setup; fixtures live in tests/fixtures/ and are registered here."""

pytest_plugins = [
    "tests.fixtures.access",
    "tests.fixtures.api",
    "tests.fixtures.binance_klines",
    "tests.fixtures.engine",
    "tests.fixtures.runbot",
]
