"""encode_frame: the pre-rendered ``data`` equals a plain row-by-row encoding (§3.8)."""

import math
from datetime import UTC, datetime

import numpy as np
import orjson
import pandas as pd

from api.renderers import dumps
from api.serializers.candles import encode_frame


def reference_rows(df: pd.DataFrame, columns: list[str]) -> list[list]:
    """The slow, obvious encoding the fast one must match."""
    out = []
    dates = pd.to_datetime(df["date"], utc=True)
    for i in range(len(df)):
        row = []
        for name in columns:
            if name == "__date_ts":
                row.append(int(dates.iloc[i].timestamp() * 1000))
                continue
            if name.startswith("_") and name.endswith("_signal_close"):
                sig = name[1 : -len("_signal_close")]
                row.append(float(df["close"].iloc[i]) if df[sig].iloc[i] == 1 else None)
                continue
            value = df[name].iloc[i]
            if name in ("enter_tag", "exit_tag"):
                row.append(value if isinstance(value, str) else "")
            elif isinstance(value, pd.Timestamp):
                row.append(value.strftime("%Y-%m-%dT%H:%M:%SZ"))
            elif value is None or value is pd.NaT or _is_nan(value):
                row.append(None)
            elif isinstance(value, np.generic):
                item = value.item()
                row.append(None if isinstance(item, float) and not math.isfinite(item) else item)
            else:
                row.append(value)
        out.append(row)
    return out


def _is_nan(value) -> bool:
    return isinstance(value, float) and math.isnan(value)


def sample_frame() -> pd.DataFrame:
    n = 6
    return pd.DataFrame(
        {
            "date": pd.date_range("2018-01-10 04:55", periods=n, freq="5min", tz="UTC"),
            "open": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
            "high": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
            "low": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
            "close": [0.1, 0.2, 1e-05, 0.4, 12345.678, 0.6],
            "volume": [1.0, 2.0, np.nan, 4.0, np.inf, 6.0],
            "count": np.arange(n, dtype="int64"),
            "flag": [True, False, True, False, True, False],
            "enter_long": [np.nan, 1.0, np.nan, np.nan, 1.0, np.nan],
            "enter_tag": [None, 'rsi, "quoted"', None, None, "bb", None],
            "exit_long": [np.nan, np.nan, 1.0, np.nan, np.nan, np.nan],
            "note": ["a", None, "b", "a", None, "c"],
            "when": pd.to_datetime(
                ["2018-01-01", None, "2018-01-02", None, None, "2018-01-03"], utc=True
            ),
        }
    )


def encode(frame, **kwargs):
    body = encode_frame(
        frame,
        pair="ETH/BTC",
        timeframe="5m",
        strategy="SampleStrategy",
        analysed_at=datetime(2024, 1, 1, tzinfo=UTC),
        **kwargs,
    )
    return orjson.loads(dumps(body))


def test_rows_match_the_reference_encoding():
    frame = sample_frame()
    body = encode(frame)
    assert body["columns"][-6:] == [
        "exit_tag",
        "__date_ts",
        "_enter_long_signal_close",
        "_exit_long_signal_close",
        "_enter_short_signal_close",
        "_exit_short_signal_close",
    ]
    full = frame.assign(
        enter_short=np.nan, exit_short=np.nan, exit_tag=None
    )  # what normalise_signals adds
    full = full[[c for c in body["all_columns"]]]
    assert body["data"] == reference_rows(full, body["columns"])
    assert body["length"] == 6
    assert (body["enter_long_signals"], body["exit_long_signals"], body["buy_signals"]) == (2, 1, 2)
    assert body["data"][1][body["columns"].index("enter_tag")] == 'rsi, "quoted"'
    assert body["data"][0][0] == "2018-01-10T04:55:00Z"
    assert body["data"][0][body["columns"].index("when")] == "2018-01-01T00:00:00Z"
    assert body["data"][1][body["columns"].index("when")] is None
    assert body["data"][4][body["columns"].index("volume")] is None  # inf -> null


def test_column_selection_keeps_base_columns():
    body = encode(sample_frame(), columns=["count"])
    assert body["columns"][:7] == ["date", "open", "high", "low", "close", "volume", "count"]
    assert "note" not in body["columns"] and "note" in body["all_columns"]
    assert len(body["data"][0]) == len(body["columns"])


def test_empty_frame():
    body = encode(sample_frame().iloc[:0])
    assert (body["data"], body["length"], body["data_start"], body["data_start_ts"]) == (
        [],
        0,
        "",
        0,
    )
    assert "__date_ts" in body["columns"]
