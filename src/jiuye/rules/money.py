"""Money at the engine's edges: integer fen inside, yuan strings with two decimals outside.

>>> yuan_to_fen("5000")
500000
>>> yuan_to_fen("12.5")
1250
>>> fen_to_yuan(500000)
'5000.00'
>>> fen_to_yuan(-5)
'-0.05'

A rate applied to an amount rounds once, to the fen, with exact integer arithmetic:
half up (四舍五入, as Chinese public finance rounds) unless the text says otherwise,
e.g. 三（四）'s "不足1分舍去" (down):

>>> apply_rate(101, 1, 2)            # 50.5 fen → 51
51
>>> apply_rate(101, 1, 2, rounding=DOWN)
50
>>> apply_rate(100, 1, 3), apply_rate(200, 1, 3)   # 33.33 → 33, 66.67 → 67
(33, 67)
>>> apply_rate(-101, 1, 2)           # half away from zero, as Decimal's ROUND_HALF_UP
-51
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Literal

__all__ = ["DOWN", "HALF_UP", "Rounding", "apply_rate", "fen_to_yuan", "yuan_to_fen"]

Rounding = Literal["half_up", "down"]
#: 四舍五入 to the fen: a half fen and more counts as a whole fen (away from zero).
HALF_UP: Rounding = "half_up"
#: 不足1分舍去: fractions of a fen are dropped (toward zero).
DOWN: Rounding = "down"


def apply_rate(
    base_fen: int, numerator: int, denominator: int, *, rounding: Rounding = HALF_UP
) -> int:
    """``base_fen × numerator ÷ denominator`` rounded to the fen, exactly.

    ``numerator`` must be non-negative and ``denominator`` positive (a share such as 50
    per 100); the sign of the result is that of ``base_fen``.
    """
    if numerator < 0 or denominator <= 0:
        raise ValueError("a rate is a non-negative numerator over a positive denominator")
    sign = -1 if base_fen < 0 else 1
    product = abs(base_fen) * numerator
    if rounding == DOWN:
        return sign * (product // denominator)
    if rounding == HALF_UP:
        return sign * ((2 * product + denominator) // (2 * denominator))
    raise ValueError(f"unknown rounding {rounding!r}")


def yuan_to_fen(text: str | int | Decimal) -> int:
    """Parse an amount in yuan (at most two decimals) into integer fen.

    Raises ``ValueError`` for anything that is not an exact amount of fen.
    Floats are refused on purpose: money never passes through binary floating point.
    """
    if isinstance(text, bool) or not isinstance(text, (str, int, Decimal)):
        raise ValueError("amount must be a string or an integer of yuan")
    try:
        amount = Decimal(str(text).strip())
    except InvalidOperation as exc:
        raise ValueError(f"not an amount of yuan: {text!r}") from exc
    if not amount.is_finite():
        raise ValueError(f"not an amount of yuan: {text!r}")
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise ValueError(f"more than two decimals: {text!r}")
    return int(fen)


def fen_to_yuan(fen: int) -> str:
    """Format integer fen as a yuan string with exactly two decimals."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"
