"""Strategy key/value data per trade (Freqtrade's ``trade_custom_data`` table).

Values keep their Python type: ``bool``/``int``/``float``/``str`` are stored as text with that
type's name, anything else as JSON (type ``list``, ``dict``, ...), exactly as Freqtrade stores
them, so an imported Freqtrade database reads back the same.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models

PLAIN_TYPES = ("bool", "float", "int", "str")


def encode(value: Any) -> tuple[str, str]:
    """(cd_type, cd_value) for ``value``; TypeError when it is not JSON-serialisable."""
    kind = type(value).__name__
    if kind in PLAIN_TYPES:
        return kind, str(value)
    return kind, json.dumps(value)


def decode(kind: str, text: str) -> Any:
    if kind == "bool":
        return text.lower() == "true"
    if kind == "int":
        return int(text)
    if kind == "float":
        return float(text)
    if kind == "str":
        return text
    return json.loads(text)


class TradeCustomData(models.Model):
    trade = models.ForeignKey(
        "bot_engine.Trade", on_delete=models.CASCADE, related_name="custom_data"
    )
    cd_key = models.CharField(max_length=255)
    cd_type = models.CharField(max_length=25)
    cd_value = models.TextField()
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["trade_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["trade", "cd_key"], name="trade_custom_data_key"),
        ]

    def __str__(self) -> str:
        return f"CustomData({self.cd_key}={self.cd_value!r}, trade {self.trade_id})"

    @property
    def ft_trade_id(self) -> int:
        return self.trade_id

    @property
    def value(self) -> Any:
        """The stored value with its type back (Freqtrade's ``_CustomData.value``)."""
        return decode(self.cd_type, self.cd_value)
