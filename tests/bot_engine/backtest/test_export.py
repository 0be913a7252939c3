"""Result files: Freqtrade 2026.9's layout written, read back as /backtest/history* serves it."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bot_engine.backtest import export
from bot_engine.backtest.report import market_change_frame, result_document, wallet_frame
from tests.bot_engine.backtest.reference_runs import RUNS, outcome_from_reference, reference

API = RUNS.parent / "api"
RECORDED = json.loads((RUNS.parent / "export" / "sample-export.json").read_text())
NOW = datetime(2026, 12, 6, 1, 31, 44, tzinfo=UTC)
SECRETS = {
    ("exchange", "key"): "exchange-key-1234567890",
    ("exchange", "secret"): "exchange-secret-1234567890",
    ("exchange", "password"): "exchange-password-123",
    ("exchange", "uid"): "exchange-uid-123",
    ("api_server", "password"): "api-password-1234567890",
    ("api_server", "jwt_secret_key"): "jwt-secret-key-1234567890abcdef",
    ("api_server", "ws_token"): "ws-token-1234567890abcdef",
    ("telegram", "token"): "telegram-token-1234567890",
}


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> tuple[Path, str]:
    """Run ``sample`` written once into a fresh folder (the folder is made by write_result)."""
    outcome = outcome_from_reference("sample")
    config = json.loads((RUNS / "sample" / "config.json").read_text())
    for (section, key), value in SECRETS.items():
        config.setdefault(section, {})[key] = value
    directory = tmp_path_factory.mktemp("export") / "backtest_results"
    name = export.write_result(
        directory,
        result_document([outcome]),
        config=config,
        strategy_sources={outcome.strategy_name: outcome.strategy_source},
        market_change=market_change_frame(outcome),
        wallets={outcome.strategy_name: wallet_frame(outcome)},
        now=NOW,
    )
    return directory, name


def test_files_and_zip_members_are_freqtrades(written):
    directory, name = written
    assert name == "backtest-result-2026-12-06_01-31-44"
    files = sorted(path.name for path in directory.iterdir())
    assert files == [entry.replace("<name>", name) for entry in RECORDED["files"]]
    last = json.loads((directory / ".last_result.json").read_text())
    assert last == {"latest_backtest": f"{name}.zip"}
    with zipfile.ZipFile(directory / f"{name}.zip") as archive:
        members = [info.filename for info in archive.infolist()]
        assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_DEFLATED}
    assert members == [entry.replace("<name>", name) for entry in RECORDED["zip_members"]]


def test_meta_file_has_freqtrades_keys_and_the_runs_range(written):
    directory, name = written
    meta = json.loads((directory / f"{name}.meta.json").read_text())
    theirs = RECORDED["meta"]["SampleStrategy"]
    ours = meta["SampleStrategy"]
    assert list(ours) == list(theirs)
    for key in ("timeframe", "timeframe_detail", "backtest_start_ts", "backtest_end_ts"):
        assert ours[key] == theirs[key]
    assert len(ours["run_id"]) == 40


def test_result_reads_back_as_the_reference_document(written):
    directory, name = written
    document = export.load_result(directory, name)
    theirs = reference("sample")
    assert list(document) == list(theirs)
    block = document["strategy"]["SampleStrategy"]
    assert list(block) == list(theirs["strategy"]["SampleStrategy"])
    assert block["trades"] == theirs["strategy"]["SampleStrategy"]["trades"]
    assert block["total_trades"] == 138
    assert block["profit_total_abs"] == pytest.approx(0.00484929, abs=1e-12)


def test_secrets_are_not_in_any_file(written):
    directory, name = written
    contents = [path.read_bytes() for path in directory.iterdir()]
    with zipfile.ZipFile(directory / f"{name}.zip") as archive:
        contents += [archive.read(member) for member in archive.namelist()]
        config = json.loads(archive.read(f"{name}_config.json"))
    for secret in SECRETS.values():
        assert not any(secret.encode() in content for content in contents), secret
    assert config["exchange"]["key"] == "REDACTED"
    assert config["api_server"]["jwt_secret_key"] == "REDACTED"
    assert config["exchange"]["pair_whitelist"] == RECORDED["config"]["exchange"]["pair_whitelist"]


@pytest.mark.parametrize("suffix", ["market_change", "SampleStrategy_wallet"])
def test_feathers_have_freqtrades_columns_and_rows(written, suffix):
    directory, name = written
    recorded = RECORDED["feathers"][f"<name>_{suffix}.feather"]
    # Read as Freqtrade's pandas reads (strings as ``str``), whatever a strategy loaded earlier
    # in this process set (the engine keeps strings as objects).
    with (
        zipfile.ZipFile(directory / f"{name}.zip") as archive,
        pd.option_context("future.infer_string", True),
    ):
        frame = pd.read_feather(archive.open(f"{name}_{suffix}.feather"))
    assert list(frame.columns) == recorded["columns"]
    assert [str(dtype) for dtype in frame.dtypes] == recorded["dtypes"]
    assert len(frame) == recorded["rows"]
    for ours, theirs in ((frame.head(25), recorded["head"]), (frame.tail(5), recorded["tail"])):
        rows = json.loads(
            ours.to_json(orient="values", date_format="iso", date_unit="s", double_precision=15)
        )
        for mine, other in zip(rows, theirs, strict=True):
            for value, recorded_value in zip(mine, other, strict=True):
                if isinstance(recorded_value, str):
                    assert value == recorded_value
                else:
                    assert value == pytest.approx(recorded_value, rel=1e-9, abs=1e-15)


def test_series_readers_equal_freqtrades_api_bodies(written):
    directory, name = written
    for frame, body in (
        (export.market_change(directory, name), "market_change.json"),
        (export.wallet(directory, name, "SampleStrategy"), "wallet.json"),
    ):
        recorded = json.loads((API / body).read_text())
        assert list(frame.columns) == recorded["columns"]
        assert len(frame) == recorded["length"]
        dates = frame["date"].dt.strftime("%Y-%m-%dT%H:%M:%SZ").tolist()
        assert dates == [row[0] for row in recorded["data"]]
        numbers = frame.drop(columns="date").to_numpy(dtype=float)
        theirs = np.array([row[1:] for row in recorded["data"]], dtype=float)
        np.testing.assert_allclose(numbers, theirs, rtol=1e-9, atol=1e-15)


def test_history_notes_and_delete(written, tmp_path):
    source, name = written
    directory = tmp_path / "results"
    directory.mkdir()
    for path in source.iterdir():
        (directory / path.name).write_bytes(path.read_bytes())
    (row,) = export.history(directory)
    # (recorded with sorted keys)
    assert sorted(row) == list(json.loads((API / "history.json").read_text())[0])
    assert (row["filename"], row["strategy"], row["notes"]) == (name, "SampleStrategy", "")
    assert export.set_notes(directory, name, "SampleStrategy", "first run")[0]["notes"] == (
        "first run"
    )
    assert export.history(directory)[0]["notes"] == "first run"
    with pytest.raises(KeyError):
        export.set_notes(directory, name, "EmaCrossStrategy", "no")
    export.delete_result(directory, name)
    assert export.history(directory) == []
    with pytest.raises(FileNotFoundError):
        export.delete_result(directory, name)


def test_unknown_or_unsafe_names_are_refused(written):
    directory, _ = written
    with pytest.raises(FileNotFoundError):
        export.load_result(directory, "backtest-result-2000-01-01_00-00-00")
    with pytest.raises(FileNotFoundError):
        export.wallet(directory, written[1], "NoSuchStrategy")
    for name in ("../etc/passwd", "a/b", ".."):
        with pytest.raises(ValueError):
            export.load_result(directory, name)


def test_two_runs_in_the_same_second_keep_both(written, tmp_path):
    source, name = written
    document = export.load_result(source, name)
    names = [
        export.write_result(
            tmp_path,
            document,
            config={},
            strategy_sources={},
            market_change=None,
            wallets={},
            now=NOW,
        )
        for _ in range(2)
    ]
    assert names == [name, "backtest-result-2026-12-06_01-31-45"]
    assert [row["filename"] for row in export.history(tmp_path)] == names[::-1]
