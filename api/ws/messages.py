"""The websocket's JSON messages (contract §4): message types, requests' replies, encoding.

Encoding follows the REST API (``api.renderers.dumps``): NaN/±Inf become null and datetimes ISO
strings with ``Z``. Dataframes travel as Freqtrade sends them: the pandas ``to_json`` string
(orient "split", dates as epoch ms) wrapped in ``{"__type__": "dataframe", "__value__": ...}``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd

from api.renderers import dumps

# Message types a client may subscribe to (contract §4).
MESSAGE_TYPES = frozenset(
    {
        "status",
        "warning",
        "exception",
        "startup",
        "strategy_msg",
        "entry",
        "entry_fill",
        "entry_cancel",
        "exit",
        "exit_fill",
        "exit_cancel",
        "protection_trigger",
        "protection_trigger_global",
        "liquidation_warning",
        "whitelist",
        "analyzed_df",
        "new_candle",
    }
)

ANALYZED_DF_MAX_LIMIT = 1500
CANDLE_TYPE = "spot"
ERROR_PROCESSING = "Error processing request"


class InvalidRequest(ValueError):
    """A request whose ``data`` does not have the shape its type needs."""


def encode(message: dict[str, Any]) -> str:
    return dumps(message).decode()


def exception_message(text: str) -> dict[str, Any]:
    return {"type": "exception", "data": text}


def invalid_request_type(request_type: Any) -> dict[str, Any]:
    return exception_message(f"Invalid request type: {request_type}")


def whitelist_message(pairs: list[str]) -> dict[str, Any]:
    return {"type": "whitelist", "data": list(pairs)}


def subscription(data: Any) -> frozenset[str] | None:
    """The new subscription list, or None when the request must be ignored (contract §4)."""
    if not isinstance(data, list) or not data:
        return None
    if not all(isinstance(item, str) and item in MESSAGE_TYPES for item in data):
        return None
    return frozenset(data)


def analyzed_df_params(data: Any) -> tuple[int | None, str | None]:
    """(limit, pair) of an ``analyzed_df`` request; empty data means the whole frame.

    As Freqtrade: a non-empty ``data`` without ``limit`` means 1500 rows, and 1500 is the cap.
    """
    if not data:
        return None, None
    if not isinstance(data, dict):
        raise InvalidRequest("analyzed_df data must be an object")
    limit = data.get("limit", ANALYZED_DF_MAX_LIMIT)
    pair = data.get("pair")
    if isinstance(limit, bool) or not isinstance(limit, int | float):
        raise InvalidRequest("limit must be an integer")
    if pair is not None and not isinstance(pair, str):
        raise InvalidRequest("pair must be a string")
    return min(int(limit), ANALYZED_DF_MAX_LIMIT), pair


def _epoch_ms(column: pd.Series) -> pd.Series:
    """Datetimes (and timedeltas) as integer milliseconds, NaT as null."""
    millis = column.dt.as_unit("ms").array.asi8
    return pd.Series(pd.array(millis, dtype="Int64"), index=column.index).mask(column.isna())


def dataframe_value(frame: pd.DataFrame) -> dict[str, str]:
    """Freqtrade's ``dataframe_to_json``: ``to_json(orient="split")`` with dates as epoch ms.

    pandas 3 deprecates ``date_format="epoch"``, so datetime columns become integer
    milliseconds here first -- the same JSON, and no dependency on a format pandas will drop.
    """
    timed = [name for name, dtype in frame.dtypes.items() if dtype.kind in "mM"]
    if timed:
        frame = frame.copy()
        for name in timed:
            frame[name] = _epoch_ms(frame[name])
    return {"__type__": "dataframe", "__value__": frame.to_json(orient="split")}


def analyzed_df_message(
    *, pair: str, timeframe: str, frame: pd.DataFrame, analysed_at: datetime, limit: int | None
) -> dict[str, Any]:
    if limit:
        frame = frame.tail(limit)
    return {
        "type": "analyzed_df",
        "data": {
            "key": [pair, timeframe, CANDLE_TYPE],
            "df": dataframe_value(frame),
            "la": analysed_at,
        },
    }
