"""``.json`` (an array of objects, or one object) and ``.jsonl`` (one object a line) -> rows.

``json_rows`` / ``jsonl_rows(text, path, strict, stats)`` -> (None, [(number, object)]), or None
when the whole file was reported and skipped.  JSON nested deeper than Python's recursion
limit is reported as such; a lone surrogate escape ("\\ud800", not valid Unicode and not
writable as UTF-8) in a row's keys or values becomes U+FFFD, with a message.
"""
import json
import re

from ...io import report
from .common import skip

TOO_DEEP = "JSON nested too deeply to read"
SURROGATE = re.compile("[\ud800-\udfff]")  # json.loads joins valid pairs, so any left is lone


def jsonl_rows(text, path, strict, stats):
    """JSONL text -> (None, [(line number, object)]); a line that is not a JSON object is reported."""
    rows = []
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as exc:
            record, reason = None, f"malformed JSON ({exc})"
        except RecursionError:
            record, reason = None, TOO_DEEP
        else:
            reason = "not a JSON object"
        rows.append((n, record, reason))
    return None, _objects(rows, "line", path, strict, stats)


def _objects(items, unit, path, strict, stats):
    """[(number, JSON value, why it is not an object)] -> [(number, object)]; the others reported.

    ``unit`` ("line" or "item") names the number in messages.
    """
    rows = []
    for n, item, why in items:
        if isinstance(item, dict):
            rows.append((n, _valid_unicode(item, f"{path}: {unit} {n}", strict)))
        else:
            skip(stats, f"{path}: {unit} {n}: {why}; skipped", strict)
    return rows


def _valid_unicode(record, where, strict):
    """``record`` with lone surrogates in its string keys and values replaced by U+FFFD (reported once)."""
    def clean(value):
        return SURROGATE.sub("\ufffd", value) if isinstance(value, str) else value

    cleaned = {clean(k): clean(v) for k, v in record.items()}
    if any(SURROGATE.search(v) for pair in record.items() for v in pair if isinstance(v, str)):
        report(f"{where}: lone surrogate (invalid Unicode escape) replaced with U+FFFD", strict)
    return cleaned


def json_rows(text, path, strict, stats):
    """JSON text -> (None, [(item number, object)]): an array of objects, or one object.

    Anything else (malformed JSON, a bare string or number) skips the file with a
    message; raw JSON is never read as one article.
    """
    try:
        data = json.loads(text)
    except ValueError as exc:
        skip(stats, f"{path}: malformed JSON ({exc}); file skipped", strict)
        return None
    except RecursionError:
        skip(stats, f"{path}: {TOO_DEEP}; file skipped", strict)
        return None
    if isinstance(data, dict):
        data = [data]
    elif not isinstance(data, list):
        skip(stats, f"{path}: JSON {type(data).__name__} is neither an array nor an object; file skipped", strict)
        return None
    return None, _objects([(n, item, "not a JSON object") for n, item in enumerate(data, 1)], "item", path, strict,
                          stats)

