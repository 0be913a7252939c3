"""A Freqtrade database opened read-only: a SQLite file or a PostgreSQL server, one interface."""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bot_engine.exceptions import BotOperationError


class FreqtradeImportError(BotOperationError):
    """The source is unreadable or not a Freqtrade database, or its trade ids clash."""


class Source(ABC):
    """Read-only access to a database's tables; ``?`` placeholders in every query."""

    label: str

    @abstractmethod
    def tables(self) -> set[str]: ...

    @abstractmethod
    def columns(self, table: str) -> list[str]: ...

    @abstractmethod
    def rows(self, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple]:
        """Rows of ``sql`` as tuples (``cursor.description`` names them: ``last_columns``)."""

    def integrity_problem(self) -> str | None:
        """A description of the file's corruption, or None when it reads cleanly."""
        return None

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class SqliteSource(Source):
    def __init__(self, path: Path) -> None:
        self.label = str(path)
        if not path.is_file():
            raise FreqtradeImportError(f"{path}: no such file.")
        try:
            self._db = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
            self._db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as exc:
            raise FreqtradeImportError(
                f"{path} is not a readable SQLite database ({exc})."
            ) from None

    def tables(self) -> set[str]:
        return {row[0] for row in self._db.execute("SELECT name FROM sqlite_master")}

    def columns(self, table: str) -> list[str]:
        return [row[1] for row in self._db.execute(f'PRAGMA table_info("{table}")')]

    def rows(self, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple]:
        try:
            yield from self._db.execute(sql, tuple(params))
        except sqlite3.DatabaseError as exc:
            raise FreqtradeImportError(f"{self.label}: cannot read ({exc}).") from None

    def integrity_problem(self) -> str | None:
        try:
            found = [row[0] for row in self._db.execute("PRAGMA quick_check")]
        except sqlite3.DatabaseError as exc:
            return str(exc)
        return None if found == ["ok"] else "; ".join(found[:3])

    def close(self) -> None:
        self._db.close()


class PostgresSource(Source):
    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        # The label never shows the password.
        netloc = parts.hostname or ""
        self.label = urlunsplit(parts._replace(netloc=netloc))
        try:
            import psycopg
        except ImportError:
            raise FreqtradeImportError(
                "Reading a PostgreSQL database needs psycopg: pip install 'psycopg[binary]'."
            ) from None
        self._psycopg = psycopg
        try:
            self._db = psycopg.connect(url.replace("postgresql+psycopg", "postgresql", 1))
            self._db.read_only = True
        except psycopg.Error as exc:
            raise FreqtradeImportError(f"{self.label}: cannot connect ({exc}).") from None

    def tables(self) -> set[str]:
        sql = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        return {row[0] for row in self.rows(sql)}

    def columns(self, table: str) -> list[str]:
        sql = (
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND table_name = ? ORDER BY ordinal_position"
        )
        return [row[0] for row in self.rows(sql, (table,))]

    def rows(self, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple]:
        try:
            with self._db.cursor() as cursor:
                cursor.execute(sql.replace("?", "%s"), tuple(params))
                yield from cursor
        except self._psycopg.Error as exc:
            raise FreqtradeImportError(f"{self.label}: cannot read ({exc}).") from None

    def close(self) -> None:
        self._db.close()


def open_source(source: str | Path) -> Source:
    """``source``: a SQLite file path, ``sqlite:///path``, or ``postgresql://…``."""
    text = str(source)
    if text.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        return PostgresSource(text)
    if text.startswith("sqlite:///"):
        return SqliteSource(Path(text.removeprefix("sqlite:///")))
    if "://" in text:
        raise FreqtradeImportError(
            f"Unsupported source {text.split('://')[0]}://: give a SQLite file, sqlite:///PATH "
            "or postgresql://…"
        )
    return SqliteSource(Path(text))
