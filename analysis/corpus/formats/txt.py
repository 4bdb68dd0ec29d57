"""``.txt`` (and any unknown suffix): the seed format ``date YYYY-MM-DD <first paragraph>`` or plain text."""
import pandas as pd

from ...io import report
from .common import DATE_HEADER, parse_date, split_body


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
