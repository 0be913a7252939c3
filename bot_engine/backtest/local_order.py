"""One order of a backtest trade (the Order fields strategy callbacks read), and the decimal
helpers the trade's bookkeeping shares with it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_DOWN, Context, Decimal
from typing import Any

CTX = Context(prec=60)
_EIGHTEEN = Decimal("1e-18")


def to_decimal(value: float) -> Decimal:
    return Decimal(repr(float(value)))


def div18(a: Decimal, b: Decimal) -> Decimal:
    """a / b truncated to 18 decimals (the string-decimal division Freqtrade's averages use)."""
    return CTX.divide(a, b).quantize(_EIGHTEEN, rounding=ROUND_DOWN, context=CTX)


@dataclass
class BacktestOrder:
    """One entry or exit order of a backtest trade (Freqtrade's Order fields strategies read)."""

    id: int
    ft_order_side: str  # "buy" | "sell"
    order_type: str
    price: float
    amount: float
    order_date: datetime
    ft_order_tag: str | None
    fee: float
    status: str = "open"
    filled: float = 0.0
    order_filled_date: datetime | None = None

    @property
    def ft_is_open(self) -> bool:
        return self.status == "open"

    @property
    def order_id(self) -> str:
        return str(self.id)

    @property
    def side(self) -> str:
        return self.ft_order_side

    @property
    def ft_price(self) -> float:
        return self.price

    @property
    def average(self) -> float:
        return self.price

    @property
    def safe_price(self) -> float:
        return self.price

    @property
    def safe_amount(self) -> float:
        return self.amount

    @property
    def safe_filled(self) -> float:
        return self.filled

    @property
    def safe_amount_after_fee(self) -> float:
        return self.filled

    @property
    def remaining(self) -> float:
        return self.amount - self.filled

    @property
    def safe_remaining(self) -> float:
        return self.remaining

    @property
    def cost(self) -> float:
        return self.amount * self.price * (1 + self.fee)

    @property
    def stake_amount(self) -> float:
        return self.amount * self.price

    @property
    def order_date_utc(self) -> datetime:
        return self.order_date

    @property
    def order_filled_utc(self) -> datetime | None:
        return self.order_filled_date

    def fill(self, when: datetime) -> None:
        self.status = "closed"
        self.filled = self.amount
        self.order_filled_date = when

    def to_result(self) -> dict[str, Any]:
        """The order as Freqtrade's result file lists it."""
        filled = self.order_filled_date
        return {
            "amount": self.amount,
            "safe_price": self.price,
            "ft_order_side": self.ft_order_side,
            "order_filled_timestamp": int(filled.timestamp() * 1000) if filled else None,
            "ft_is_entry": self.ft_order_side == "buy",
            "ft_order_tag": self.ft_order_tag,
            "cost": self.cost,
        }
