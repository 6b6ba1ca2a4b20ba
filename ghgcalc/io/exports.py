"""Exports at the edge of the library: cells written to CSV and XLSX made inert.

Exports never turn a cell into a live spreadsheet formula: text starting with ``=``, ``+``,
``-``, ``@``, tab or carriage return is prefixed with an apostrophe (OWASP, "CSV Injection").
"""

from __future__ import annotations

import html
import unicodedata
from typing import Any

__all__ = ["CSV_LINE_END", "html_text", "safe_cell"]

#: CSV exports end lines with CRLF (RFC 4180), so that a cell holding a lone carriage return
#: is quoted (Python's csv writer quotes the characters of the line terminator) and cannot
#: split a row in two
CSV_LINE_END = "\r\n"

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(v: Any) -> Any:
    """Text that a spreadsheet would read as a formula, made inert (prefixed with ``'``).

    Caught also after leading spaces (``"  =1+1"``) and in full-width form (``＝``, ``＋``,
    ``－``, ``＠``, which NFKC folds to the ASCII signs and some spreadsheets accept)."""
    if not isinstance(v, str) or not v:
        return v
    if v.startswith(_FORMULA_START):
        return "'" + v
    folded = unicodedata.normalize("NFKC", v[:8]).lstrip(" \u3000\xa0")
    if folded.startswith(_FORMULA_START):
        return "'" + v
    return v


def html_text(v: Any) -> str:
    """A value as HTML text (``&``, ``<``, ``>`` and quotes escaped), for the notebook displays."""
    return html.escape(str(v))
