"""User text made safe for the places it is shown: Markdown (and HTML) and spreadsheets.

* ``markdown_text(value)``: one line of Markdown that renders as the literal text: no raw
  HTML (``<script>``, ``<img onerror>``), no links or images, no math, no emphasis.
* ``neutralise_cells(df)`` / ``restore_cell(value)``: CSV formula injection. A text cell that
  a spreadsheet would read as a formula (it starts with ``= + - @``, a tab or a carriage
  return) is written with a leading ``'``; ``restore_cell`` undoes it when the project reads
  its own CSVs back.  ``raw_csv()`` turns it off (``--raw-csv`` on the command line), for
  CSVs read by programs rather than opened in a spreadsheet.
"""
import re
from contextlib import contextmanager
from contextvars import ContextVar

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what spreadsheets read as the start of a formula

_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")  # "-5", "+1.5e3": read as numbers, not formulas

_RAW_CSV = ContextVar("raw_csv", default=False)

_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}

_MARKDOWN = re.compile(r"([\\`*_\[\]|$~])")  # punctuation that starts emphasis, code, links, tables or math


def markdown_text(value):
    """``value`` (any cell; missing -> '') as one line of Markdown showing exactly its text.

    Whitespace runs (newlines too) become one space; ``& < >`` become HTML entities, so no
    tag or autolink can form; backslash escapes stop code, emphasis, links and images,
    table pipes and ``$`` math (JupyterLab typesets ``$...$``).
    """
    text = value if isinstance(value, str) else "" if pd.isna(value) else str(value)
    text = " ".join(text.split())
    text = "".join(_HTML.get(c, c) for c in text)
    return _MARKDOWN.sub(r"\\\1", text)


def _formula_like(text):
    """True when a spreadsheet would read ``text`` (after any leading quotes) as a formula."""
    bare = text.lstrip("'")
    return bool(bare) and bare[0] in FORMULA_START and not _NUMBER.fullmatch(bare)


def neutralise_cell(value):
    """``value`` with a ``'`` in front when it is text a spreadsheet would run as a formula.

    Text that already starts with quotes before such a character gets one more, so that
    ``restore_cell`` gives back exactly what was written.  Other values are returned as they are.
    """
    return "'" + value if isinstance(value, str) and _formula_like(value) else value


def restore_cell(value):
    """The text ``neutralise_cell`` was given (the leading ``'`` it added removed)."""
    return value[1:] if isinstance(value, str) and value.startswith("'") and _formula_like(value) else value


def _text_columns(df):
    """The columns of ``df`` that can hold text (object or string dtype)."""
    return [c for c in df.columns if df[c].dtype == object or isinstance(df[c].dtype, pd.StringDtype)]


def neutralise_cells(df):
    """Copy of ``df`` with every text cell (and column name) passed through ``neutralise_cell``."""
    out = df.rename(columns=neutralise_cell)
    for col in _text_columns(out):
        out[col] = out[col].map(neutralise_cell)
    return out


def restore_cells(df):
    """Copy of ``df`` read from a neutralised CSV with its text cells restored (``restore_cell``)."""
    out = df.rename(columns=restore_cell)
    for col in _text_columns(out):
        out[col] = out[col].map(restore_cell)
    return out


def csv_formulas_kept():
    """True inside ``raw_csv()``: CSV exports keep text exactly as it is."""
    return _RAW_CSV.get()


@contextmanager
def raw_csv(keep=True):
    """Within this block CSV exports keep formula-like text raw (``keep``), for programmatic use."""
    token = _RAW_CSV.set(keep)
    try:
        yield
    finally:
        _RAW_CSV.reset(token)
