"""Files and folders -> ``ARTICLES``: expand folders, decode each file, pick its reader, and drop
repeated articles corpus-wide.

``load_articles(paths, *, strict=False)`` -> ``ARTICLES``; ``read_file(path, strict=False, stats=None)``
-> article dicts of one file; ``combine(per_file, files, stats, strict=False)`` -> ``ARTICLES``;
``expand(paths, strict=False, stats=None)`` -> files; ``read_table(path, strict=False)`` -> a
table file's rows (the ``score`` command's input).
"""
import hashlib
import os
import unicodedata
from pathlib import Path

import pandas as pd

from .. import schemas
from ..errors import NoArticlesError
from ..io import report
from .encoding import decode, normalise, note_encoding
from .formats import READERS, TABLE_SUFFIXES, parse_table, parse_txt, table_rows
from .formats.common import skip

SUFFIXES = {".txt", ".md", ".html", ".htm", ".csv", ".jsonl", ".json"}


def read_file(path, strict=False, stats=None):
    """One file -> list of article dicts (empty when the file is skipped, with a message).

    ``stats["skipped"]`` counts the files and rows skipped.  Suffixes pick the
    parser; an unknown suffix is read as plain text.
    """
    stats = {"skipped": 0} if stats is None else stats
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        skip(stats, f"{path}: cannot read ({exc.strerror}); skipped", strict)
        return []
    if not raw.strip():
        skip(stats, f"{path}: empty file; skipped", strict)
        return []
    try:
        text, encoding = decode(raw)
    except UnicodeDecodeError as exc:
        skip(stats, f"{path}: undecodable as {exc.encoding} ({exc.reason}); skipped", strict)
        return []
    except ValueError as exc:
        skip(stats, f"{path}: {exc}; skipped", strict)
        return []
    note_encoding(path, encoding, strict)
    text = normalise(text)
    suffix = path.suffix.lower()
    if suffix in TABLE_SUFFIXES:
        articles = parse_table(text, path, suffix, strict, stats)
    else:
        parser = READERS.get(suffix, parse_txt)
        article = parser(text, path, strict)
        if not article["text"]:
            skip(stats, f"{path}: no article text found; skipped", strict)
            return []
        article.update(article_id=path.stem, source=str(path))
        articles = [article]
    for a in articles:
        a["encoding"] = encoding
    return articles



def read_table(path, strict=False):
    """A CSV, JSONL or JSON file -> DataFrame of its rows, read as ``load_articles``
    reads tables (the ``score`` command's input).

    Encoding detected, CSV delimiter , ; tab or |, column names lowercased, CSV
    values kept as written ("NA" stays text); malformed rows are reported and
    skipped.  Any suffix but .jsonl and .json is read as CSV.  Raises ``OSError``
    (unreadable), ``UnicodeDecodeError`` or ``ValueError`` (binary, no table).
    """
    path = Path(path)
    text, encoding = decode(path.read_bytes())
    note_encoding(path, encoding, strict)
    suffix = path.suffix.lower() if path.suffix.lower() in (".jsonl", ".json") else ".csv"
    table = table_rows(normalise(text), path, suffix, strict, {"skipped": 0})
    if table is None:
        raise ValueError("no readable table")
    columns, rows = table
    return pd.DataFrame([record for _, record in rows], columns=columns)


def expand(paths, strict=False, stats=None):
    """A path or list of paths (files or folders) -> list of files.

    Folders are walked recursively for the known suffixes, in sorted order; a
    broken symlink in a folder (dangling or looping) is listed too, whatever its
    name, so that reading it reports it.  A folder with no such file is reported.
    A file named twice (directly or through a folder) is listed once, where it
    first appears.
    """
    stats = {"skipped": 0} if stats is None else stats
    if isinstance(paths, (str, Path)):
        paths = [paths]
    files, seen = [], set()
    for p in map(Path, paths):
        found = _folder_files(p) if p.is_dir() else [p]
        if not found:
            skip(stats, f"{p}: no articles in this folder (no {' '.join(sorted(SUFFIXES))} file); skipped", strict)
        for f in found:
            key = os.path.realpath(f)  # unlike Path.resolve, never raises on a symlink loop
            if key not in seen:
                seen.add(key)
                files.append(f)
    return files


def _folder_files(folder):
    """Sorted article files under ``folder`` plus its broken symlinks."""
    return sorted(f for f in folder.rglob("*")
                  if f.is_file() and f.suffix.lower() in SUFFIXES or f.is_symlink() and not f.exists())


def load_articles(paths: str | os.PathLike | list[str | os.PathLike], *, strict: bool = False) -> pd.DataFrame:
    """Files or folders -> ARTICLES DataFrame, one row per good article.

    ``paths``: a path or a list of paths; folders are walked (sorted) for .txt .md
    .html .htm .csv .jsonl .json.  Bad inputs (empty, binary, undecodable or
    unreadable files, broken symlinks, folders without articles, malformed dates or
    rows, duplicate article text, repeated ids) are reported and skipped
    or repaired; the first of two articles with the same text (ignoring case and
    whitespace) is kept.  ``strict=True`` raises ``InputError`` at the first bad
    input.  ``df.attrs`` holds ``files`` (files read) and ``skipped`` (inputs
    skipped) for the CLI summary.  Raises ``NoArticlesError`` when no article loaded
    (an empty list, or every input skipped): a library call never returns 0 rows silently.
    """
    stats = {"skipped": 0}
    files = expand(paths, strict, stats)
    articles = combine((read_file(path, strict, stats) for path in files), len(files), stats, strict)
    if articles.empty:
        raise NoArticlesError(_nothing_loaded(paths, stats["skipped"]), files=len(files),
                              skipped=stats["skipped"])
    return articles


def _nothing_loaded(paths, skipped):
    """The message of a load that gave no article: what was given, and where relative paths point."""
    paths = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    if not paths:
        return "no article loaded: no path given"
    names = ", ".join(map(str, paths[:3])) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
    missing = [p for p in map(Path, paths) if not p.is_absolute() and not p.exists()]
    where = f"; relative paths are read from {os.getcwd()}" if missing else ""
    return f"no article loaded from {names}; {skipped} inputs skipped, each reported{where}"


def combine(per_file, files, stats, strict=False) -> pd.DataFrame:
    """The corpus-wide half of ``load_articles``: the article dicts of each file (an
    iterable of lists, in file order, as ``read_file`` returns them) -> ARTICLES.

    Drops an article whose text repeats an earlier one and renames a repeated id (ids
    compared in Unicode NFC, so names spelt in NFC and NFD are one id), each with a message;
    ``files`` and ``stats["skipped"]`` (counted on) go to ``df.attrs``.
    """
    records, seen_text, seen_ids = [], {}, set()
    for articles in per_file:
        for article in articles:
            # a digest of the text, so that the corpus's texts are not held twice
            key = hashlib.blake2b(" ".join(article["text"].split()).lower().encode("utf-8", "surrogatepass"),
                                  digest_size=16).digest()
            if key in seen_text:
                skip(stats, f"{article['source']}: duplicate of {seen_text[key]}; skipped", strict)
                continue
            seen_text[key] = article["source"]
            if isinstance(article["article_id"], str):  # "café" typed two ways is one id: NFC
                article = {**article, "article_id": unicodedata.normalize("NFC", article["article_id"])}
            if article["article_id"] in seen_ids:
                new_id = _unique_id(article["article_id"], seen_ids)
                report(f"{article['source']}: article_id {article['article_id']!r} already used; "
                       f"renamed {new_id!r}", strict)
                article = {**article, "article_id": new_id}
            seen_ids.add(article["article_id"])
            records.append(article)
    df = pd.DataFrame(records, columns=list(schemas.ARTICLES))
    df["date"] = pd.to_datetime(df["date"]).astype("datetime64[ns]")
    df.attrs.update(files=files, skipped=stats["skipped"])
    return df


def _unique_id(article_id, taken):
    """``article_id`` with the smallest ``~n`` suffix not in ``taken``."""
    n = 2
    while f"{article_id}~{n}" in taken:
        n += 1
    return f"{article_id}~{n}"

