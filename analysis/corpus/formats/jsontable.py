"""``.json`` (an array of objects, or one object) and ``.jsonl`` (one object a line) -> rows.

``json_rows`` / ``jsonl_rows(text, path, strict, stats)`` -> (None, [(number, object)]), or None
when the whole file was reported and skipped.
"""
import json

from .common import skip


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
            skip(stats, f"{path}: {why}; skipped", strict)
    return rows


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
    if isinstance(data, dict):
        return None, [(1, data)]
    if not isinstance(data, list):
        skip(stats, f"{path}: JSON {type(data).__name__} is neither an array nor an object; file skipped", strict)
        return None
    return None, _objects([(n, item, f"item {n}: not a JSON object") for n, item in enumerate(data, 1)],
                          path, strict, stats)

