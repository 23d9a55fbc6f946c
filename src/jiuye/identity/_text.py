"""Input clean-up shared by the identifier parsers."""

from __future__ import annotations

import unicodedata


def compact(text: str) -> str:
    """Fold full-width characters, drop all whitespace, upper-case.

    Numbers typed with a Chinese input method arrive as full-width digits
    (``２２０７``) or with ideographic spaces; Excel cells carry stray blanks.

    >>> compact(" ２２０７０２ 1990 0101 123x\\u3000")
    '22070219900101123X'
    """
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in folded if not ch.isspace()).upper()
