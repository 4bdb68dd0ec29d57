"""Tables (CSV, JSONL, JSON): one article per row, through the plain-text paragraph rules.

``table_rows(text, path, suffix, strict, stats)`` -> (columns, [(number, record)]) or None;
``parse_table(text, path, suffix, strict, stats)`` -> article dicts.
"""
import sys
from pathlib import Path

from ..encoding import normalise
from .common import parse_date, skip, split_body
from .csvtable import csv_rows
from .jsontable import json_rows, jsonl_rows


def table_rows(text, path, suffix, strict, stats):
    """CSV/JSONL/JSON text -> (column names in order, [(row number, record dict)]),
    or None when the whole file was reported and skipped.

    Column names are lowercased.  Row numbers are lines for CSV and JSONL (where a
    row starts: a quoted CSV field may span lines) and 1-based items for JSON.
    Malformed rows are reported and skipped.
    """
    reader = {".jsonl": jsonl_rows, ".json": json_rows}.get(suffix, csv_rows)
    table = reader(text, path, strict, stats)
    if table is None:
        return None
    header, rows = table
    rows = [(n, {str(k).strip().lower(): v for k, v in record.items()}) for n, record in rows]
    columns = header if header is not None else list(dict.fromkeys(k for _, r in rows for k in r))
    return columns, rows


def parse_table(text, path, suffix, strict, stats):
    """CSV/JSONL/JSON text -> article dicts, each with its own ``article_id`` and ``source``.

    ``article_id`` is the ``id`` value, else ``<file stem>-<n>``; ``source`` is
    ``<path>#<n>``, ``n`` the row's line (its item number in a JSON array).  The
    ``text`` value goes through the same paragraph and heading rules as a
    plain-text file.  A table of ``PROGRESS_ROWS`` rows or more shows a progress bar
    on stderr when stderr is a terminal.
    """
    table = table_rows(text, path, suffix, strict, stats)
    if table is None:
        return []
    columns, rows = table
    if columns and "text" not in columns:
        skip(stats, f"{path}: no 'text' {'field' if suffix == '.json' else 'column'}; file skipped", strict)
        return []
    if not rows:
        skip(stats, f"{path}: no readable rows; file skipped", strict)
        return []
    articles = []
    for n, r in _progress(rows, path):
        where = f"{path}: {'item' if suffix == '.json' else 'line'} {n}"
        value = r.get("text")
        body, headings = split_body(normalise(value)) if isinstance(value, str) else ("", [])
        if not body:
            skip(stats, f"{where}: empty or missing text; skipped", strict)
            continue
        article_id = r.get("id")
        article_id = f"{Path(path).stem}-{n}" if article_id in (None, "") else str(article_id)
        articles.append({"article_id": article_id, "source": f"{path}#{n}",
                         "date": parse_date(r.get("date"), where, strict), "title": str(r.get("title") or ""),
                         "url": str(r.get("url") or ""), "text": body, "headings": headings})
    return articles



PROGRESS_ROWS = 1000


def _progress(rows, path):
    """``rows``, through a tqdm bar (stderr, only on a terminal) when there are many."""
    if len(rows) < PROGRESS_ROWS:
        return rows
    from tqdm.auto import tqdm

    return tqdm(rows, desc=f"reading {Path(path).name}", unit="rows", file=sys.stderr, disable=None)
