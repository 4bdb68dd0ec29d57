"""``.md``: Markdown with optional front matter, read with markdown-it-py (CommonMark)."""
import re

import pandas as pd

from .common import DATE_HEADER, parse_date, split_body

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
