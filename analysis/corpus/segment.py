"""Segmentation: paragraphs and sentences as offsets into an article's text.

``paragraph_spans(text)`` / ``split_sentences(text, start=0, end=None)`` -> ``[(start, end), ...]``;
``paragraphs(articles)`` -> ``PARAGRAPHS``; ``sentences(articles)`` -> ``SENTENCES``;
``trim_span(text, a, b)`` -> (a, b) without surrounding whitespace.

Paragraphs are the blank-line separated blocks of ``text``; sentences never cross a
paragraph boundary.  The abbreviations and sentence openers are lexicon data
(``lexicon/en/abbreviations.txt``, ``sentence_openers.txt``).
"""
import re

import pandas as pd

from .. import schemas
from ..lexicon import word_list

BLANK_LINE = re.compile(r"\n[^\S\n]*\n\s*")


def article_texts(articles):
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
            for aid, text in article_texts(articles)
            for i, (a, b) in enumerate(paragraph_spans(text))]
    return pd.DataFrame(rows, columns=list(schemas.PARAGRAPHS))


SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s|$)")
TOKEN_BEFORE = re.compile(r"([^\s(\[\"'“‘«]+)$")
NEXT_TOKEN = re.compile(r"\s*(\S*)")
# Case-sensitive words whose period need not end a sentence ("No. 5"), and capitalised words
# that typically open one: after an abbreviation ("the U.S. The talks ..."), an opener (or an
# opening quote) means the period did end the sentence.
ABBREVIATIONS = word_list("abbreviations")
OPENERS = word_list("sentence_openers")
DOTTED = re.compile(r"(?:[^\W\d_]{1,2}\.)+[^\W\d_]{1,2}")  # U.S, p.m, e.g, Ph.D (the final period excluded)
OPENING_QUOTES = "“«„\""


def is_abbreviation(token):
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
    if before and is_abbreviation(before.group(1)):
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
    for aid, text in article_texts(articles):
        n = 0
        for p, (pa, pb) in enumerate(paragraph_spans(text)):
            for a, b in split_sentences(text, pa, pb):
                rows.append({"article_id": aid, "index": n, "paragraph_index": p, "text": text[a:b],
                             "start": a, "end": b})
                n += 1
    return pd.DataFrame(rows, columns=list(schemas.SENTENCES))

