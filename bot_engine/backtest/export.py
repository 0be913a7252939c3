"""Freqtrade's backtest result files: written after a run, read back for /backtest/history*.

Layout (Freqtrade 2026.9's, so tools that read its results read ours), in the results folder::

    .last_result.json                         {"latest_backtest": "<name>.zip"}
    <name>.meta.json                          {strategy: {run_id, backtest_start_time, ...}}
    <name>.zip                                <name>.json                the result document
                                              <name>_config.json         the config, secrets out
                                              <name>_<Strategy>.py       the strategy's source
                                              <name>_market_change.feather
                                              <name>_<Strategy>_wallet.feather

``<name>`` is ``backtest-result-<YYYY-MM-DD_HH-MM-SS>`` (UTC). Names given by callers are checked
(no paths); a missing file is ``FileNotFoundError``, a strategy not in the file ``KeyError``.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import zipfile
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pandas as pd

from bot_engine.config.policy import redact

PREFIX = "backtest-result-"
LAST_RESULT = ".last_result.json"
NAME_FORMAT = "%Y-%m-%d_%H-%M-%S"
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
# Keys that say where the run happened, not what it did: left out of the run id.
_NOT_IN_RUN_ID = ("config_files", "user_data_dir", "datadir", "exportfilename", "original_config")
HISTORY_KEYS = (
    "run_id",
    "backtest_start_time",
    "notes",
    "backtest_start_ts",
    "backtest_end_ts",
    "timeframe",
    "timeframe_detail",
)


def write_result(
    directory: Path | str,
    document: dict[str, Any],
    *,
    config: Any,
    strategy_sources: Mapping[str, str],
    market_change: pd.DataFrame | None,
    wallets: Mapping[str, pd.DataFrame],
    now: datetime | None = None,
) -> str:
    """Write one run's files into ``directory`` (made if missing); the result's name (no
    suffix). ``config`` is a BotConfig or the config mapping; its secrets are redacted."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    name = _free_name(folder, now or datetime.now(UTC))
    raw = dict(getattr(config, "raw", config) or {})
    clean = redact(raw)
    members = {
        f"{name}.json": orjson.dumps(document, option=orjson.OPT_SERIALIZE_NUMPY),
        f"{name}_config.json": orjson.dumps(clean, default=str),  # paths from overrides
    }
    for strategy, source in strategy_sources.items():
        members[f"{name}_{_checked(strategy)}.py"] = source.encode()
    if market_change is not None:
        members[f"{name}_market_change.feather"] = _feather(market_change)
    for strategy, frame in wallets.items():
        members[f"{name}_{_checked(strategy)}_wallet.feather"] = _feather(frame)
    partial = folder / f".{name}.zip.partial"
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member, payload in members.items():
            archive.writestr(member, payload)
    os.replace(partial, folder / f"{name}.zip")
    meta = {
        strategy: _meta(block, clean, strategy_sources.get(strategy, ""))
        for strategy, block in document["strategy"].items()
    }
    _write_json(folder / f"{name}.meta.json", meta)
    _write_json(folder / LAST_RESULT, {"latest_backtest": f"{name}.zip"})
    return name


def load_result(directory: Path | str, filename: str) -> dict[str, Any]:
    """The result document (``strategy``, ``strategy_comparison``) of a written run."""
    name = result_name(filename)
    return json.loads(_member(Path(directory), name, f"{name}.json"))


def load_metadata(directory: Path | str, filename: str) -> dict[str, dict[str, Any]]:
    """The run's ``.meta.json``: per strategy its run id, start time, range and notes."""
    path = Path(directory) / f"{result_name(filename)}.meta.json"
    if not path.is_file():
        raise FileNotFoundError(path.name)
    return json.loads(path.read_text())


def stored_document(directory: Path | str, filename: str) -> dict[str, Any]:
    """What the history serves of a written run: its ``.meta.json`` as ``metadata`` beside the
    result document, the files' strings as Freqtrade's history answers them."""
    return {"metadata": load_metadata(directory, filename), **load_result(directory, filename)}


def stored_names(directory: Path | str) -> list[str]:
    """The names of the runs stored in ``directory`` (a meta file and its zip), sorted."""
    folder = Path(directory)
    names = (path.name.removesuffix(".meta.json") for path in folder.glob(f"{PREFIX}*.meta.json"))
    return sorted(name for name in names if (folder / f"{name}.zip").is_file())


def history(directory: Path | str) -> list[dict[str, Any]]:
    """Every stored run and strategy, newest first (Freqtrade's /backtest/history rows)."""
    folder = Path(directory)
    rows = []
    for name in stored_names(folder):
        meta_path = folder / f"{name}.meta.json"
        try:
            meta = json.loads(meta_path.read_text())
        except (OSError, ValueError):
            continue  # a half-written or foreign file is no run
        rows += [_history_row(name, strategy, entry) for strategy, entry in meta.items()]
    rows.sort(key=lambda row: (row["backtest_start_time"] or 0, row["filename"]), reverse=True)
    return rows


def delete_result(directory: Path | str, filename: str) -> None:
    """Remove a run's zip and meta file."""
    folder = Path(directory)
    name = result_name(filename)
    paths = [folder / f"{name}.zip", folder / f"{name}.meta.json"]
    if not any(path.is_file() for path in paths):
        raise FileNotFoundError(name)
    for path in paths:
        path.unlink(missing_ok=True)


def set_notes(
    directory: Path | str, filename: str, strategy: str, notes: str
) -> list[dict[str, Any]]:
    """Store ``notes`` for ``strategy`` in the run's meta file; the run's history rows."""
    folder = Path(directory)
    name = result_name(filename)
    meta = load_metadata(folder, name)
    if strategy not in meta:
        raise KeyError("Strategy not in metadata.")
    meta[strategy]["notes"] = notes
    _write_json(folder / f"{name}.meta.json", meta)
    return [_history_row(name, key, entry) for key, entry in meta.items()]


def market_change(directory: Path | str, filename: str) -> pd.DataFrame:
    """``date, mean, rel_mean, count, __date_ts``: the pairs' mean move during the run."""
    name = result_name(filename)
    frame = pd.read_feather(
        io.BytesIO(_member(Path(directory), name, f"{name}_market_change.feather"))
    )
    frame["__date_ts"] = pd.DatetimeIndex(frame["date"]).as_unit("ms").asi8
    return frame


def wallet(directory: Path | str, filename: str, strategy: str) -> pd.DataFrame:
    """``date, __date_ts, total_quote``: the strategy's wallet value at each candle."""
    name = result_name(filename)
    member = f"{name}_{_checked(strategy)}_wallet.feather"
    rows = pd.read_feather(io.BytesIO(_member(Path(directory), name, member)))
    totals = rows.groupby("date", sort=True)["total_quote"].sum().reset_index()
    totals.insert(1, "__date_ts", pd.DatetimeIndex(totals["date"]).as_unit("ms").asi8)
    return totals


class ResultFileError(ValueError):
    """A result that cannot be read; the message is Freqtrade's where it has one."""


def latest_result_name(directory: Path | str) -> str:
    """The file ``.last_result.json`` in ``directory`` names as the latest run."""
    folder = Path(directory)
    if not folder.is_dir():
        raise ResultFileError(f"Directory '{folder}' does not exist.")
    path = folder / LAST_RESULT
    if not path.is_file():
        raise ResultFileError(
            f"Directory '{folder}' does not seem to contain backtest statistics yet."
        )
    try:
        latest = json.loads(path.read_text()).get("latest_backtest")
    except (ValueError, AttributeError):
        latest = None
    if not isinstance(latest, str):
        raise ResultFileError(f"Invalid '{LAST_RESULT}' format.")
    return latest


def locate_result(directory: Path | str, filename: Path | str | None = None) -> Path:
    """The result file Freqtrade's ``backtesting-show`` reads: ``filename`` as given if it
    exists, else inside ``directory``; no ``filename``: the directory's latest run."""
    folder = Path(directory)
    if filename and Path(filename).is_file():
        return Path(filename)
    if filename:
        path = folder / filename
    elif folder.is_dir():
        path = folder / latest_result_name(folder)
    else:
        path = folder
    if not path.is_file():
        raise ResultFileError(f"File or directory {path} does not exist.")
    return path


def read_result_file(path: Path | str) -> dict[str, Any]:
    """The result document in a result ``.zip`` (its ``<name>.json`` member) or ``.json``."""
    path = Path(path)
    raw = _zip_member(path, path.with_suffix(".json").name) if path.suffix == ".zip" else None
    try:
        # json, not orjson: Freqtrade's files may hold NaN.
        document = json.loads(raw if raw is not None else path.read_bytes())
    except FileNotFoundError:
        raise ResultFileError(f"File or directory {path} does not exist.") from None
    except OSError as exc:
        raise ResultFileError(f"{path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise ResultFileError(f"{path}: not a backtest result (bad JSON: {exc})") from None
    if not isinstance(document, dict) or not isinstance(document.get("strategy"), dict):
        raise ResultFileError(f"{path}: not a backtest result (no 'strategy' results in it)")
    return document


def _zip_member(path: Path, member: str) -> bytes:
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.read(member)
    except KeyError:
        raise ResultFileError(f"File {member} not found in zip: {path}") from None
    except FileNotFoundError:
        raise ResultFileError(f"Zip file {path} not found.") from None
    except zipfile.BadZipFile:
        raise ResultFileError(f"Bad zip file: {path}.") from None
    except OSError as exc:
        raise ResultFileError(f"{path}: {exc.strerror or exc}") from None


def result_name(filename: str) -> str:
    """A run's name from what a caller gave (``.zip`` / ``.meta.json`` / ``.json`` allowed)."""
    name = str(filename)
    for suffix in (".meta.json", ".zip", ".json"):
        name = name.removesuffix(suffix)
    return _checked(name)


def run_id(config: Mapping[str, Any], strategy_source: str) -> str:
    """A hash of what decides the result: the config (secrets out, paths out) and the code."""
    kept = {key: value for key, value in config.items() if key not in _NOT_IN_RUN_ID}
    digest = hashlib.sha1(usedforsecurity=False)
    digest.update(json.dumps(kept, sort_keys=True, default=str).encode())
    digest.update(strategy_source.encode())
    return digest.hexdigest()


def _meta(block: dict[str, Any], config: Mapping[str, Any], source: str) -> dict[str, Any]:
    return {
        "run_id": run_id(config, source),
        "backtest_start_time": int(block["backtest_run_start_ts"]),
        "timeframe": block["timeframe"],
        "timeframe_detail": block.get("timeframe_detail") or None,
        "backtest_start_ts": int(block["backtest_start_ts"]) // 1000,
        "backtest_end_ts": int(block["backtest_end_ts"]) // 1000,
    }


def _history_row(name: str, strategy: str, entry: Mapping[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {"filename": name, "strategy": strategy}
    row.update({key: entry.get(key, "" if key == "notes" else None) for key in HISTORY_KEYS})
    return row


def _free_name(folder: Path, now: datetime) -> str:
    """``backtest-result-<UTC time>``, a second later while that name is taken (runs that end
    in the same second must not overwrite each other)."""
    moment = now.astimezone(UTC)
    while True:
        name = f"{PREFIX}{moment.strftime(NAME_FORMAT)}"
        if not (folder / f"{name}.zip").exists() and not (folder / f"{name}.meta.json").exists():
            return name
        moment += timedelta(seconds=1)


def _member(folder: Path, name: str, member: str) -> bytes:
    path = folder / f"{name}.zip"
    if not path.is_file():
        raise FileNotFoundError(path.name)
    with zipfile.ZipFile(path) as archive:
        try:
            return archive.read(member)
        except KeyError:
            raise FileNotFoundError(member) from None


def _feather(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.reset_index(drop=True).to_feather(buffer)
    return buffer.getvalue()


def _write_json(path: Path, data: Any) -> None:
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(orjson.dumps(data))
    os.replace(partial, path)


def _checked(name: str) -> str:
    if not _SAFE_NAME.match(name) or ".." in name:
        raise ValueError(f"Invalid name: {name!r}")
    return name
