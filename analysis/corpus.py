"""Stage 1: load articles into DataFrames (articles, paragraphs, sentences, pull-quotes).

Public functions (columns in ``analysis.schemas``)
--------------------------------------------------
``load_articles(paths, strict=False)`` -> ``ARTICLES``, one row per good article
``paragraphs(articles)`` -> ``PARAGRAPHS``
``sentences(articles)`` -> ``SENTENCES``
``pullquotes(articles)`` -> ``PULLQUOTES``
``split_sentences(text, start=0, end=None)`` -> ``[(start, end), ...]`` offsets into ``text``
``find_credit(text, start=0, end=None)`` -> the glued pull-quote credit ending a span, or None

Every offset points into ``articles.text``, which is NFC-normalised with ``\\n``
line ends before any offset is taken; ``text[start:end]`` equals the row's text.
Paragraphs are the blank-line separated blocks of ``text``; sentences never cross
a paragraph boundary.  Bad inputs are reported (file, line, reason) through
:func:`analysis.io.report` and skipped or repaired; ``strict=True`` raises
:class:`analysis.io.InputError` instead.

Formats: ``.txt`` (the seed format ``date YYYY-MM-DD <first paragraph>`` or plain
text), ``.md``, ``.html``/``.htm``, ``.csv``, ``.jsonl`` and ``.json`` (an array of
objects or one object; column or field ``text`` required; ``date``, ``title``,
``url``, ``id`` optional).  Encodings: UTF-8 (with or without BOM), UTF-16/UTF-32
with BOM, UTF-16 without BOM (told by its NUL bytes), and by fallback cp1251 or
latin-1.
"""
import csv
import io as _io
import json
import os
import re
import sys
import unicodedata
from pathlib import Path

import pandas as pd

from . import schemas
from .io import InputError, report, write_table

SUFFIXES = {".txt", ".md", ".html", ".htm", ".csv", ".jsonl", ".json"}

# -- decoding ----------------------------------------------------------------------------
# Longest BOM first: the UTF-32-LE BOM begins with the UTF-16-LE one.
BOMS = [(b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")]
CONTROL_BYTES = frozenset(range(32)) - {9, 10, 12, 13}  # tab, LF, FF, CR occur in text
MAX_CONTROL_SHARE = 0.01
MIN_UTF16_NUL_SHARE = 0.1  # of byte pairs; even Cyrillic prose has this many spaces and marks
LETTER_RUN = re.compile(r"[^\W\d_]{2,}")


def decode(raw):
    """Bytes -> (text, encoding name).

    Order: a BOM (UTF-8, UTF-16, UTF-32) decides; else UTF-16 without BOM when the
    NUL bytes all fall on one side of the byte pairs; else the bytes must not look
    binary (NUL bytes, more than 1% control bytes), then strict UTF-8, then cp1251
    when that reading gives Cyrillic words, else latin-1 (which decodes any byte string).
    Raises ``UnicodeDecodeError`` (a BOM with invalid data after it) or ``ValueError``
    (binary data), each naming the reason.
    """
    for bom, encoding in BOMS:
        if raw.startswith(bom):
            text = raw.decode(encoding)
            if "\x00" in text:
                raise ValueError(f"binary file (NUL characters after a {encoding} BOM)")
            return text.lstrip("\ufeff"), encoding
    if b"\x00" in raw:
        encoding = _utf16_without_bom(raw)
        if encoding is None:
            raise ValueError("binary file (contains NUL bytes)")
        return raw.decode(encoding), encoding
    controls = sum(b in CONTROL_BYTES for b in raw)
    if controls > MAX_CONTROL_SHARE * len(raw):
        raise ValueError(f"binary file ({controls} control bytes)")
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    cyrillic = raw.decode("cp1251", errors="replace")
    return (cyrillic, "cp1251") if _reads_as_cyrillic(cyrillic) else (raw.decode("latin-1"), "latin-1")


def _utf16_without_bom(raw):
    """'utf-16-le' or 'utf-16-be' when ``raw`` reads as UTF-16 text without a BOM, else None.

    Such text (Latin or Cyrillic) has a NUL byte on one side of many byte pairs (the
    high byte of ASCII letters, spaces and punctuation) and none on the other; it
    must then decode with no NUL or other control characters beyond tab and line ends.
    """
    if len(raw) % 2:
        return None
    even, odd = raw[0::2].count(0), raw[1::2].count(0)
    encoding = "utf-16-le" if even == 0 else "utf-16-be" if odd == 0 else None
    if encoding is None or max(even, odd) < MIN_UTF16_NUL_SHARE * len(raw) / 2:
        return None
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        return None
    return encoding if not any(ord(c) in CONTROL_BYTES for c in text) else None


def _reads_as_cyrillic(text):
    """Whether cp1251-decoded ``text`` is Cyrillic prose rather than misread latin-1.

    Latin-1 accents land on Cyrillic code points, but inside Latin words ("Cafй",
    "crиme"); real Cyrillic text gives whole Cyrillic words.  So: more all-Cyrillic
    words than words mixing ASCII and Cyrillic letters.
    """
    pure = mixed = 0
    for word in LETTER_RUN.findall(text):
        cyr = sum("\u0400" <= c <= "\u04ff" for c in word)
        pure += cyr == len(word)
        mixed += 0 < cyr < len(word)
    return pure > mixed


def normalise(text):
    """NFC with ``\\n`` line ends: the form every offset refers to."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def parse_date(value, where, strict, fmt=None):
    """A naive pandas Timestamp, or NaT (with a message when ``value`` is not a date).

    ``fmt`` (strptime style) makes parsing exact; without it any ISO-like date is
    read.  Values without a digit ("today", "soon") are malformed, not relative
    dates.  Time-zone aware values keep their local wall-clock time.
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
    return stamp.tz_localize(None) if stamp.tzinfo else stamp


# -- body layout ---------------------------------------------------------------------------
BLANK_LINE = re.compile(r"\n[^\S\n]*\n\s*")
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


def parse_txt(text, path, strict):
    """Seed format or plain text -> article dict (date NaT and a message without a header)."""
    match = DATE_HEADER.match(text)
    if match:
        date = parse_date(match.group(1), path, strict, fmt="%Y-%m-%d")
        text = text[match.end():]
    else:
        report(f"{path}: no 'date YYYY-MM-DD' header; date unknown", strict)
        date = pd.NaT
    body, headings = split_body(text)
    return {"date": date, "title": "", "url": "", "text": body, "headings": headings}


FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
FRONT_FIELD = re.compile(r"^([\w-]+)[ \t]*:[ \t]*(.*?)[ \t]*$", re.M)
def _md_inline(children):
    """Plain text of a markdown-it inline token: markup dropped, image alt text kept."""
    parts = []
    for child in children or []:
        if child.type in ("text", "code_inline", "image"):  # an image's content is its alt text
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts).strip()


def md_blocks(text):
    """Markdown -> [(heading level or None, plain text)], one item per block, in order.

    Parsed with markdown-it-py (CommonMark): emphasis, links, escapes, bullets and
    block-quote marks are gone; list items and quoted paragraphs are blocks of their own;
    code blocks keep their text (scraped prose is sometimes indented); rules, raw HTML
    and link definitions are dropped.
    """
    from markdown_it import MarkdownIt

    blocks, level = [], None
    for token in MarkdownIt("commonmark").parse(text):
        if token.type == "heading_open":
            level = int(token.tag[1:])
        elif token.type == "heading_close":
            level = None
        elif token.type == "inline":
            blocks.append((level, _md_inline(token.children)))
        elif token.type in ("fence", "code_block"):
            blocks.append((None, token.content.strip()))
    return [(level, block) for level, block in blocks if block]


def parse_md(text, path, strict):
    """Markdown -> article dict.

    Front matter (``---`` ... ``---`` with ``title:``, ``date:``, ``url:``/``link:``)
    gives metadata; the first level-1 heading is the title when the front matter has
    none; other headings (``#`` or underlined) go to ``headings``.  Without a
    front-matter date, a seed-style ``date YYYY-MM-DD`` opening the first text block is
    used, else NaT (no message: Markdown has no date convention).
    """
    meta = {}
    front = FRONT_MATTER.match(text)
    if front:
        meta = {k.lower(): v.strip("\"'") for k, v in FRONT_FIELD.findall(front.group(1))}
        text = text[front.end():]
    title, url = meta.get("title", ""), meta.get("url") or meta.get("link", "")
    date = parse_date(meta.get("date"), path, strict)
    body, headings = [], []
    for level, block in md_blocks(text):
        if level == 1 and not title:
            title = block
        elif level:
            headings.append(block)
        else:
            dated = DATE_HEADER.match(block)
            if dated and pd.isna(date) and not body:
                date = parse_date(dated.group(1), path, strict, fmt="%Y-%m-%d")
                block = block[dated.end():].strip()
            if block:
                body.append(block)
    body, more = split_body("\n\n".join(body))
    return {"date": date, "title": title, "url": url, "text": body, "headings": headings + more}


HTML_DROP = ["script", "style", "nav", "noscript", "template", "footer", "form"]
# meta keys (name, property or itemprop; lowercased) holding the publication date, best first
HTML_DATE_META = ("article:published_time", "datepublished", "date", "pubdate", "publishdate", "publish-date",
                  "dc.date", "dc.date.issued", "dcterms.date", "dcterms.created", "og:published_time")


def _squash(text):
    """Collapse runs of whitespace to one space and strip."""
    return re.sub(r"\s+", " ", text).strip()


def parse_html(text, path, strict):
    """HTML via BeautifulSoup(html.parser) -> article dict.

    Body: the ``<p>`` elements (each one paragraph; a ``<p>`` left unclosed and so
    nesting the next keeps only its own text), with script/style/nav/footer/form
    dropped; a page without ``<p>`` falls back to the non-empty lines of its text.
    Headings: ``h2``-``h6``.  Title: ``<h1>``, else ``og:title``, else ``<title>``
    (which often carries the site name).  Date: the first meta key of
    ``HTML_DATE_META``, else ``<time datetime>``.  URL: canonical link or ``og:url``.
    """
    from bs4 import BeautifulSoup, NavigableString

    soup = BeautifulSoup(text, "html.parser")
    for tag in soup(HTML_DROP):
        tag.decompose()
    for br in soup("br"):
        br.replace_with("\n")
    meta = {}
    for tag in soup("meta"):
        key = (tag.get("property") or tag.get("name") or tag.get("itemprop") or "").lower()
        if key and tag.get("content") and key not in meta:
            meta[key] = tag["content"]
    date_value = next((meta[k] for k in HTML_DATE_META if k in meta), None)
    time_tag = soup.find("time", attrs={"datetime": True})
    if date_value is None and time_tag:
        date_value = time_tag["datetime"]
    h1 = soup.find("h1")
    title = (h1 and _squash(h1.get_text(" "))) or meta.get("og:title", "") or \
        (soup.title and _squash(soup.title.get_text(" "))) or ""
    canonical = soup.find("link", rel="canonical", href=True)
    url = canonical["href"] if canonical else meta.get("og:url", "")
    headings = [_squash(h.get_text(" ")) for h in soup(["h2", "h3", "h4", "h5", "h6"])]
    paras = [_squash("".join(s for s in p.find_all(string=True)
                             if type(s) is NavigableString and s.find_parent("p") is p))
             for p in soup("p")]
    if not any(paras):
        for tag in soup(["head", "h1", "h2", "h3", "h4", "h5", "h6"]):
            tag.decompose()
        paras = [_squash(line) for line in soup.get_text().split("\n")]
    return {"date": parse_date(date_value, path, strict), "title": title, "url": url,
            "text": "\n\n".join(p for p in paras if p), "headings": [h for h in headings if h]}


def table_rows(text, path, suffix, strict, stats):
    """CSV/JSONL/JSON text -> (column names in order, [(row number, record dict)]),
    or None when the whole file was reported and skipped.

    Column names are lowercased.  Row numbers are lines for CSV and JSONL (where a
    row starts: a quoted CSV field may span lines) and 1-based items for JSON.
    Malformed rows are reported and skipped.
    """
    reader = {".jsonl": _jsonl_rows, ".json": _json_rows}.get(suffix, _csv_rows)
    table = reader(text, path, strict, stats)
    if table is None:
        return None
    header, rows = table
    rows = [(n, {str(k).strip().lower(): v for k, v in record.items()}) for n, record in rows]
    columns = header if header is not None else list(dict.fromkeys(k for _, r in rows for k in r))
    return columns, rows


def _jsonl_rows(text, path, strict, stats):
    """JSONL text -> (None, [(line number, object)]); a line that is not a JSON object is reported."""
    rows = []
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as exc:
            record, reason = None, f"malformed JSON ({exc})"
        else:
            reason = "not a JSON object"
        rows.append((n, record, f"line {n}: {reason}"))
    return None, _objects(rows, path, strict, stats)


def _objects(items, path, strict, stats):
    """[(number, JSON value, why it is not an object)] -> [(number, object)]; the others reported."""
    rows = []
    for n, item, why in items:
        if isinstance(item, dict):
            rows.append((n, item))
        else:
            _skip(stats, f"{path}: {why}; skipped", strict)
    return rows


def _json_rows(text, path, strict, stats):
    """JSON text -> (None, [(item number, object)]): an array of objects, or one object.

    Anything else (malformed JSON, a bare string or number) skips the file with a
    message; raw JSON is never read as one article.
    """
    try:
        data = json.loads(text)
    except ValueError as exc:
        _skip(stats, f"{path}: malformed JSON ({exc}); file skipped", strict)
        return None
    if isinstance(data, dict):
        return None, [(1, data)]
    if not isinstance(data, list):
        _skip(stats, f"{path}: JSON {type(data).__name__} is neither an array nor an object; file skipped", strict)
        return None
    return None, _objects([(n, item, f"item {n}: not a JSON object") for n, item in enumerate(data, 1)],
                          path, strict, stats)


def _csv_rows(text, path, strict, stats):
    """CSV text -> (header, [(line number, record)]), records keyed by the lowercased header.

    The delimiter is the one of , ; tab | that makes a ``text`` column in the
    header (default comma).  Rows with the wrong number of fields, and rows whose
    quote never closes (swallowing the lines after it), are reported and skipped.
    """
    # long article bodies exceed csv's default 128 KiB field limit (a process-wide setting)
    csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))
    first_line = text.split("\n", 1)[0]
    delimiter = next((d for d in ",;\t|" if "text" in (h.strip().strip('"').lower() for h in first_line.split(d))),
                     ",")
    records = _csv_records(text, delimiter)
    rows, header, last = [], [], 1
    try:
        _, last, fields = next(records, (1, 1, []))
        header = [h.strip().lower() for h in fields or []]
        for n, last, record in records:
            if record is None:
                swallowed = f"line {last}" if last == n + 1 else f"lines {n + 1}-{last}"
                _skip(stats, f"{path}: line {n}: quote never closed (it ran over {swallowed}); row skipped, "
                             f"the lines after it read as rows", strict)
            elif not any(field.strip() for field in record):
                continue
            elif len(record) != len(header):
                _skip(stats, f"{path}: line {n}: {len(record)} fields, expected {len(header)}; skipped", strict)
            else:
                rows.append((n, dict(zip(header, record))))
    except csv.Error as exc:
        _skip(stats, f"{path}: line {last + 1}: malformed CSV ({exc}); rest of file skipped", strict)
    return header, rows


def _csv_records(text, delimiter):
    """Yield (first line, last line, fields) per CSV record, lines numbered from 1.

    A record spanning several lines that is not valid strict CSV (a quote left
    open that swallowed the rows after it) yields ``None`` as its fields, and
    reading starts again on its second line.
    """
    lines = text.split("\n")
    start = 0  # lines[start] is where the current reader began
    while start < len(lines):
        reader = csv.reader(_io.StringIO("\n".join(lines[start:])), delimiter=delimiter)
        done = 0
        for record in reader:
            first, done = start + done + 1, reader.line_num
            last = start + done
            if last > first and not _strict_csv("\n".join(lines[first - 1:last]), delimiter):
                yield first, last, None
                start = first
                break
            yield first, last, record
        else:
            return


def _strict_csv(chunk, delimiter):
    """Whether ``chunk`` parses as CSV with quotes closed where they should be."""
    try:
        list(csv.reader(_io.StringIO(chunk), delimiter=delimiter, strict=True))
    except csv.Error:
        return False
    return True


def parse_table(text, path, suffix, strict, stats):
    """CSV/JSONL/JSON text -> article dicts, each with its own ``article_id`` and ``source``.

    ``article_id`` is the ``id`` value, else ``<file stem>-<n>``; ``source`` is
    ``<path>#<n>``, ``n`` the row's line (its item number in a JSON array).  The
    ``text`` value goes through the same paragraph and heading rules as a
    plain-text file.
    """
    table = table_rows(text, path, suffix, strict, stats)
    if table is None:
        return []
    columns, rows = table
    if columns and "text" not in columns:
        _skip(stats, f"{path}: no 'text' {'field' if suffix == '.json' else 'column'}; file skipped", strict)
        return []
    if not rows:
        _skip(stats, f"{path}: no readable rows; file skipped", strict)
        return []
    articles = []
    for n, r in rows:
        where = f"{path}: {'item' if suffix == '.json' else 'line'} {n}"
        value = r.get("text")
        body, headings = split_body(normalise(value)) if isinstance(value, str) else ("", [])
        if not body:
            _skip(stats, f"{where}: empty or missing text; skipped", strict)
            continue
        article_id = r.get("id")
        article_id = f"{Path(path).stem}-{n}" if article_id in (None, "") else str(article_id)
        articles.append({"article_id": article_id, "source": f"{path}#{n}",
                         "date": parse_date(r.get("date"), where, strict), "title": str(r.get("title") or ""),
                         "url": str(r.get("url") or ""), "text": body, "headings": headings})
    return articles


def _skip(stats, message, strict):
    """Report a skipped input and count it."""
    report(message, strict)
    stats["skipped"] += 1


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
        _skip(stats, f"{path}: cannot read ({exc.strerror}); skipped", strict)
        return []
    if not raw.strip():
        _skip(stats, f"{path}: empty file; skipped", strict)
        return []
    try:
        text, encoding = decode(raw)
    except UnicodeDecodeError as exc:
        _skip(stats, f"{path}: undecodable as {exc.encoding} ({exc.reason}); skipped", strict)
        return []
    except ValueError as exc:
        _skip(stats, f"{path}: {exc}; skipped", strict)
        return []
    _note_encoding(path, encoding, strict)
    text = normalise(text)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".jsonl", ".json"):
        articles = parse_table(text, path, suffix, strict, stats)
    else:
        parser = {".md": parse_md, ".html": parse_html, ".htm": parse_html}.get(suffix, parse_txt)
        article = parser(text, path, strict)
        if not article["text"]:
            _skip(stats, f"{path}: no article text found; skipped", strict)
            return []
        article.update(article_id=path.stem, source=str(path))
        articles = [article]
    for a in articles:
        a["encoding"] = encoding
    return articles


def _note_encoding(path, encoding, strict):
    """Report a file that was not UTF-8 (nor had a BOM) and the encoding guessed for it."""
    if encoding in ("cp1251", "latin-1", "utf-16-le", "utf-16-be"):
        report(f"{path}: not valid UTF-8; decoded as {encoding}", strict)


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
    _note_encoding(path, encoding, strict)
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
            _skip(stats, f"{p}: no articles in this folder (no {' '.join(sorted(SUFFIXES))} file); skipped", strict)
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


def load_articles(paths: str | os.PathLike | list[str | os.PathLike], strict: bool = False) -> pd.DataFrame:
    """Files or folders -> ARTICLES DataFrame, one row per good article.

    ``paths``: a path or a list of paths; folders are walked (sorted) for .txt .md
    .html .htm .csv .jsonl .json.  Bad inputs (empty, binary, undecodable or
    unreadable files, broken symlinks, folders without articles, malformed dates or
    rows, duplicate article text, repeated ids) are reported and skipped
    or repaired; the first of two articles with the same text (ignoring case and
    whitespace) is kept.  ``strict=True`` raises ``InputError`` at the first bad
    input.  ``df.attrs`` holds ``files`` (files read) and ``skipped`` (inputs
    skipped) for the CLI summary.
    """
    stats = {"skipped": 0}
    files = expand(paths, strict, stats)
    return combine((read_file(path, strict, stats) for path in files), len(files), stats, strict)


def combine(per_file, files, stats, strict=False) -> pd.DataFrame:
    """The corpus-wide half of ``load_articles``: the article dicts of each file (an
    iterable of lists, in file order, as ``read_file`` returns them) -> ARTICLES.

    Drops an article whose text repeats an earlier one and renames a repeated id, each
    with a message; ``files`` and ``stats["skipped"]`` (counted on) go to ``df.attrs``.
    """
    records, seen_text, seen_ids = [], {}, set()
    for articles in per_file:
        for article in articles:
            key = " ".join(article["text"].split()).lower()
            if key in seen_text:
                _skip(stats, f"{article['source']}: duplicate of {seen_text[key]}; skipped", strict)
                continue
            seen_text[key] = article["source"]
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


# -- segmentation --------------------------------------------------------------------------
def _texts(articles):
    """(article_id, text) pairs of an ARTICLES table; a missing text reads as ''."""
    return [(aid, t if isinstance(t, str) else "") for aid, t in zip(articles["article_id"], articles["text"])]


def trim_span(text, a, b):
    """Shrink ``text[a:b]`` to exclude surrounding whitespace; returns (a, b)."""
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def paragraph_spans(text):
    """Offsets (start, end) of the blank-line separated blocks of ``text``, trimmed."""
    spans, pos = [], 0
    for sep in BLANK_LINE.finditer(text):
        spans.append(trim_span(text, pos, sep.start()))
        pos = sep.end()
    spans.append(trim_span(text, pos, len(text)))
    return [(a, b) for a, b in spans if b > a]


def paragraphs(articles):
    """ARTICLES -> PARAGRAPHS: blank-line separated blocks with offsets into ``text``."""
    rows = [{"article_id": aid, "index": i, "text": text[a:b], "start": a, "end": b}
            for aid, text in _texts(articles)
            for i, (a, b) in enumerate(paragraph_spans(text))]
    return pd.DataFrame(rows, columns=list(schemas.PARAGRAPHS))


SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s|$)")
TOKEN_BEFORE = re.compile(r"([^\s(\[\"'“‘«]+)$")
NEXT_TOKEN = re.compile(r"\s*(\S*)")
# Case-sensitive words whose period need not end a sentence: titles, months,
# company and address abbreviations ("no." ends a sentence, "No. 5" does not).
ABBREVIATIONS = {
    "Mr", "Mrs", "Ms", "Messrs", "Dr", "Prof", "Gen", "Col", "Lt", "Sgt", "Capt", "Cmdr", "Cpl", "Pvt", "Maj",
    "Adm", "Rep", "Reps", "Sen", "Gov", "Pres", "Rev", "Hon", "Amb", "Atty", "Supt", "Insp", "Det", "Fr", "Sr",
    "Jr", "St", "Mt", "Ft", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
    "No", "Nos", "Vol", "Fig", "Inc", "Corp", "Ltd", "Co", "Bros", "Dept", "Univ", "Ave", "Blvd", "Rd",
    "approx", "cf", "vs", "Vs", "etc", "al", "est"}
DOTTED = re.compile(r"(?:[^\W\d_]{1,2}\.)+[^\W\d_]{1,2}")  # U.S, p.m, e.g, Ph.D (the final period excluded)
# Capitalised words that typically open a sentence: after an abbreviation ("the U.S. The
# talks ..."), one of these (or an opening quote) means the period did end the sentence.
OPENERS = {
    "The", "A", "An", "He", "She", "It", "They", "We", "I", "You", "This", "That", "These", "Those", "There",
    "His", "Her", "Its", "Their", "Our", "My", "But", "And", "Yet", "So", "Or", "In", "On", "At", "For", "After",
    "Before", "When", "While", "As", "If", "However", "Meanwhile", "According", "Earlier", "Later", "Still",
    "Also", "Some", "Many", "Most", "No", "Now", "Then", "Today", "Yesterday", "What", "Why", "How", "Who"}
OPENING_QUOTES = "“«„\""


def _is_abbreviation(token):
    """``token`` (the text before a period) is an abbreviation, a dotted acronym or an initial."""
    return token in ABBREVIATIONS or bool(DOTTED.fullmatch(token)) or (len(token) == 1 and token.isupper())


def _opens_sentence(token):
    """Whether ``token`` (the next non-space run) plausibly starts a new sentence."""
    if token[0] in OPENING_QUOTES:
        return True
    word = re.match(r"[^\W\d_]+", token)
    return bool(word) and word.group() in OPENERS and token[word.end():word.end() + 1] != "."


def _ends_sentence(text, mark, start, end):
    """Whether the punctuation run ``mark`` (a SENTENCE_END match in ``text[start:end]``)
    ends a sentence."""
    following = NEXT_TOKEN.match(text, mark.end(), end).group(1)
    if not following:
        return True
    if following[0].islower():
        return False  # "e.g. the", "?” she asked"
    if mark.group()[0] != "." or mark.group().startswith(".."):
        return True
    before = TOKEN_BEFORE.search(text, max(start, mark.start() - 20), mark.start())
    if before and _is_abbreviation(before.group(1)):
        return _opens_sentence(following)
    return True


def split_sentences(text, start=0, end=None):
    """Offsets (s, e) into ``text`` of the sentences of ``text[start:end]``.

    Rule-based: a run of . ! ? … (with closing quotes/brackets) followed by
    whitespace ends a sentence, unless a lowercase word follows, or the period
    closes an abbreviation ("Mr.", "Jan. 5"), a dotted acronym ("U.S.", "p.m.") or
    an initial ("J. Smith") and the next word is not a typical sentence opener
    ("... in the U.S. The talks ...").  Decimal numbers and periods inside tokens
    never split.  Spans exclude surrounding whitespace and cover every non-space
    character of the range.  The result depends only on ``text[start:end]``.
    """
    end = len(text) if end is None else end
    spans, s = [], start
    for mark in SENTENCE_END.finditer(text, start, end):
        if _ends_sentence(text, mark, start, end):
            spans.append(trim_span(text, s, mark.end()))
            s = mark.end()
    spans.append(trim_span(text, s, end))
    return [(a, b) for a, b in spans if b > a]


def sentences(articles):
    """ARTICLES -> SENTENCES, split paragraph by paragraph and numbered per article.

    A pull-quote and its glued credit stay in one sentence; ``pullquotes`` gives their spans.
    """
    rows = []
    for aid, text in _texts(articles):
        n = 0
        for p, (pa, pb) in enumerate(paragraph_spans(text)):
            for a, b in split_sentences(text, pa, pb):
                rows.append({"article_id": aid, "index": n, "paragraph_index": p, "text": text[a:b],
                             "start": a, "end": b})
                n += 1
    return pd.DataFrame(rows, columns=list(schemas.SENTENCES))


# -- pull-quotes ---------------------------------------------------------------------------
TOKEN = re.compile(r"\S+")
MIN_QUOTE_WORDS = 4
MAX_ROLE_WORDS = 20
MAX_NAME_TOKENS = 4
MAX_NAME_WORDS = 2  # full name words; initials and particles ("W.", "von", "de") come free
QUOTE_CLOSE = ".!?…\"'”’»"
# Surname prefixes that glue to a capital in ordinary names (McDonald, MacArthur, DeSantis).
NAME_PREFIXES = {"Mc", "Mac", "Fitz", "De", "Di", "Da", "Du", "La", "Le", "Van", "Von"}
NAME_PARTICLES = {"von", "van", "der", "den", "de", "da", "di", "du", "del", "della", "dos", "das", "le", "la",
                  "bin", "ibn", "al", "el", "ter", "ten", "Le", "La", "De", "Van", "Von", "Al", "El"}
# Capitalised words that end a quote rather than start a name ("... Our PowerPoint team").
NOT_NAMES = OPENERS | {"Not", "All", "Every", "Each", "Any", "Both", "From", "With", "By", "To", "Of", "Mr", "Ms"}


def _name_word(token):
    """A capitalised name word: 'Zakharova', 'Berg-Lund', 'O’Neil', 'McDonald' (not 'NATO')."""
    core = re.sub(r"[-'’]", "", token)
    return (len(core) >= 2 and core.isalpha() and token[0].isupper() and not core.isupper()
            and token not in NOT_NAMES)


def _initial(token):
    """An initial such as 'W.' or 'В.'."""
    return len(token) == 2 and token[0].isupper() and token[1] == "."


def _credit_at(text, tokens, k, glue, start, end):
    """The credit whose role starts at ``glue`` inside ``tokens[k]``, or None.

    ``tokens`` are the (start, end) spans of the whitespace-separated tokens of
    ``text[start:end]``.  See ``find_credit`` for the rules.
    """
    ts, te = tokens[k]
    role_words = len(tokens) - k
    if role_words < 2 or role_words > MAX_ROLE_WORDS:
        return None
    first_role_word = text[glue:te]
    if sum(c.isalpha() for c in first_role_word) < 2 or len(split_sentences(text, glue, end)) != 1:
        return None
    last_role_word = text[tokens[-1][0]:tokens[-1][1]]
    if last_role_word[-1] in QUOTE_CLOSE and not _is_abbreviation(last_role_word[:-1]):
        return None
    surname = text[ts:glue]
    if not _name_word(surname) or surname.rsplit("-", 1)[-1] in NAME_PREFIXES:
        return None
    # walk back over the name: full words, initials and particles, one space apart
    first, words = k, 1
    while first > 0 and k - first + 1 < MAX_NAME_TOKENS and text[tokens[first - 1][1]:tokens[first][0]] == " ":
        token = text[slice(*tokens[first - 1])]
        if _name_word(token) and token not in NAME_PARTICLES:
            if words == MAX_NAME_WORDS:
                break
            words += 1
        elif not (_initial(token) or token in NAME_PARTICLES):
            break
        first -= 1
    while text[slice(*tokens[first])] in NAME_PARTICLES:  # a name does not start with "von"
        first += 1
    name_start = tokens[first][0]
    q_start, q_end = trim_span(text, start, name_start)
    if len(text[q_start:q_end].split()) < MIN_QUOTE_WORDS:
        return None
    # a lone surname is credible only after the quote's closing punctuation;
    # otherwise "... code in JavaScript and Python" would credit "Java"
    if words == 1 and text[q_end - 1] not in QUOTE_CLOSE:
        return None
    return {"start": q_start, "end": q_end, "speaker": text[name_start:glue], "role": text[glue:end],
            "credit_start": name_start, "credit_end": end}


def find_credit(text, start=0, end=None):
    """A pull-quote credit ending ``text[start:end]`` -> dict or None.

    Scraped pages glue a highlighted quote's credit to it: "... an American position
    Maria ZakharovaOfficial representative of the Ministry of Foreign Affairs of
    Russia".  The credit is 1-4 name tokens (at most two full capitalised words plus
    initials and particles: "George W. Bush", "Ursula von der Leyen") whose last
    word is glued, lowercase letter to capital, to a role phrase of 2-20 words that
    ends the span as one sentence without final punctuation.  At least
    MIN_QUOTE_WORDS words of quote precede the name.  Glue points are tried from
    the right, so a camel-case word inside the quote ("JavaScript") does not hide
    the credit.  Returns offsets into ``text``: ``start``/``end`` (the quote),
    ``credit_start``/``credit_end`` (name + role), and the ``speaker`` and ``role``
    strings.
    """
    end = len(text) if end is None else end
    start, end = trim_span(text, start, end)
    tokens = [m.span() for m in TOKEN.finditer(text, start, end)]
    for k in range(len(tokens) - 1, max(len(tokens) - MAX_ROLE_WORDS, 0) - 1, -1):
        ts, te = tokens[k]
        for glue in range(te - 1, ts, -1):
            if text[glue].isupper() and text[glue - 1].islower():
                credit = _credit_at(text, tokens, k, glue, start, end)
                if credit:
                    return credit
    return None


def pullquotes(articles):
    """ARTICLES -> PULLQUOTES: paragraphs that end in a name glued to its role,
    e.g. "... American position Maria ZakharovaOfficial representative of ..."."""
    rows = []
    for aid, text in _texts(articles):
        for a, b in paragraph_spans(text):
            credit = find_credit(text, a, b)
            if credit:
                rows.append({"article_id": aid, "text": text[credit["start"]:credit["end"]], **credit})
    return pd.DataFrame(rows, columns=list(schemas.PULLQUOTES))


# -- command line ----------------------------------------------------------------------------
def add_input_arguments(parser):
    """The corpus input every command that reads articles shares: PATH... and --strict."""
    parser.add_argument("paths", nargs="+", metavar="PATH", help="article files or folders")
    parser.add_argument("--strict", action="store_true", help="stop at the first bad input, write nothing")


def add_arguments(name, parser):
    """Arguments of ``python -m analysis articles``."""
    add_input_arguments(parser)
    parser.add_argument("-o", "--output", required=True, help="CSV (or .parquet) to write")


def to_csv_ready(df):
    """Copy of ``df`` with list cells (e.g. ``headings``) as JSON strings, for CSV."""
    out = df.copy()
    for col in out.columns:
        if out[col].map(lambda v: isinstance(v, list)).any():
            out[col] = out[col].map(lambda v: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v)
    return out


def load_cli(args):
    """Shared CLI front (``args.paths``, ``args.strict``): load the articles and print a
    one-line summary to stderr.  Returns the ARTICLES table, or None when nothing loaded
    or a strict run stopped (the caller exits 2)."""
    try:
        articles = load_articles(args.paths, strict=args.strict)
    except InputError as exc:
        print(f"error: {exc} (--strict: stopped, nothing written)", file=sys.stderr)
        return None
    print(f"loaded {len(articles)} articles from {articles.attrs['files']} files; "
          f"{articles.attrs['skipped']} skipped", file=sys.stderr)
    return articles if len(articles) else None


def run_cli(name, args):
    """``articles PATH... -o OUT [--strict]``: write the corpus table atomically (headings
    as JSON); returns 0, or 2 when no article loaded."""
    articles = load_cli(args)
    if articles is None:
        return 2
    write_table(to_csv_ready(articles), args.output)
    return 0
