"""One reader per input format, each ``(text, path, strict) -> article dict`` (tables:
``parse_table``, one article dict per row).

``READERS``: suffix -> reader of a one-article file (an unknown suffix reads as ``.txt``);
``TABLE_SUFFIXES``: the suffixes read by ``parse_table``.
"""
from .html import parse_html
from .md import parse_md
from .tables import parse_table, table_rows
from .txt import parse_txt

READERS = {".txt": parse_txt, ".md": parse_md, ".html": parse_html, ".htm": parse_html}
TABLE_SUFFIXES = (".csv", ".jsonl", ".json")

__all__ = ["READERS", "TABLE_SUFFIXES", "parse_html", "parse_md", "parse_table", "parse_txt", "table_rows"]
