"""Money at the engine's edges: integer fen inside, yuan strings with two decimals outside.

>>> yuan_to_fen("5000")
500000
>>> yuan_to_fen("12.5")
1250
>>> fen_to_yuan(500000)
'5000.00'
>>> fen_to_yuan(-5)
'-0.05'
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

__all__ = ["fen_to_yuan", "yuan_to_fen"]


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
