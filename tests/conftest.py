"""Shared pytest setup; fixtures live in tests/fixtures/ and are registered here."""

pytest_plugins = [
    "tests.fixtures.access",
    "tests.fixtures.api",
    "tests.fixtures.binance_klines",
    "tests.fixtures.engine",
    "tests.fixtures.runbot",
]

# Fixtures through which a test reaches the database (pytest-django's, and the live server's).
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_setup", "live_server"}


def pytest_collection_modifyitems(config, items) -> None:
    """Mark the engine's tests that never touch a database (``no_database``): CI's PostgreSQL
    pass leaves them out, since they run the same on any database — the SQLite pass runs
    everything. API tests stay in both passes: some reach the database through a server process
    of their own, which no fixture shows."""
    import pytest

    for item in items:
        if "tests/api/" in item.nodeid or item.get_closest_marker("django_db"):
            continue
        if not DATABASE_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.no_database)
