"""What every reader shares: the per-input message, dates, and the paragraph and heading rules.

``skip(stats, message, strict)`` reports a skipped input and counts it;
``parse_date(value, where, strict, fmt=None)`` -> naive Timestamp or NaT;
``split_body(text)`` -> (body, headings); ``text_blocks(text)``, ``is_heading(block)``.
"""
import re

import pandas as pd

from ...io import report
from ..credits import find_credit
from ..segment import BLANK_LINE


def skip(stats, message, strict):
    """Report a skipped input and count it."""
    report(message, strict)
    stats["skipped"] += 1


def parse_date(value, where, strict, fmt=None):
    """A naive pandas Timestamp, or NaT (with a message when ``value`` is not a date).

    ``fmt`` (strptime style) makes parsing exact; without it any ISO-like date is
    read.  Values without a digit ("today", "soon") are malformed, not relative
    dates.  Time-zone aware values keep their local wall-clock time.  A date outside
    the nanosecond range of ``ARTICLES.date`` (1677-09-21 to 2262-04-11) is NaT with a
    message: the article keeps its text, its date is unknown.
    """
    if value is None or (isinstance(value, float) and pd.isna(value)) or str(value).strip() == "":
        return pd.NaT
    value = str(value).strip()
    stamp = pd.NaT
    if re.search(r"\d", value):
        try:
            stamp = pd.Timestamp(value) if fmt is None else pd.to_datetime(value, format=fmt)
        except (ValueError, TypeError, OverflowError):
            pass  # reported below
    if pd.isna(stamp):
        report(f"{where}: malformed date {value[:40]!r}; date left unknown", strict)
        return pd.NaT
    stamp = stamp.tz_localize(None) if stamp.tzinfo else stamp
    if not pd.Timestamp.min <= stamp <= pd.Timestamp.max:
        report(f"{where}: date {value[:40]!r} outside the years 1677-2262; date left unknown", strict)
        return pd.NaT
    return stamp


HEADING_MAX_WORDS = 12
HEADING_END = ".!?:;,\"'”’»)…"
LINE_END = ".!?…\"'”’»)"
# "date 2022-01-06 " opening a file; the value must start with a digit ("date night" is text).
DATE_HEADER = re.compile(r"^\s*date[ \t]+(\d\S*)[ \t]*")


def is_heading(block):
    """A single short line, not starting lowercase, with no final punctuation, that is
    not a glued pull-quote credit ("Several days or weeks")."""
    return ("\n" not in block and len(block.split()) <= HEADING_MAX_WORDS and not block[0].islower()
            and block[-1] not in HEADING_END and find_credit(block) is None)


def text_blocks(text):
    """The stripped, non-empty paragraphs of ``text``.

    Paragraphs are separated by blank lines.  Text with no blank line at all whose
    lines mostly end like sentences (one paragraph per line, as scraped feeds give
    it) is split at every line break; hard-wrapped prose (lines ending mid-sentence)
    stays one block.
    """
    if BLANK_LINE.search(text) is None:
        lines = [line.strip() for line in text.split("\n") if line.strip()]
        if len(lines) > 1 and sum(line[-1] in LINE_END for line in lines) >= 0.5 * len(lines):
            return lines
    return [b.strip() for b in BLANK_LINE.split(text) if b.strip()]


def split_body(text):
    """Text -> (body, headings): paragraphs joined by blank lines, headings moved out.

    A text made only of heading-like blocks is kept as body (it has no other text).
    """
    blocks = text_blocks(text)
    body = [b for b in blocks if not is_heading(b)]
    if not body:
        return "\n\n".join(blocks), []
    return "\n\n".join(body), [b for b in blocks if is_heading(b)]

