"""Pull-quotes: a highlighted quote with its credit glued on, as scraped pages give them
("... an American position Maria ZakharovaOfficial representative of the Ministry ...").

``find_credit(text, start=0, end=None)`` -> the credit ending a span (dict of offsets), or None;
``pullquotes(articles)`` -> ``PULLQUOTES``.  Name prefixes and particles and the words that
never start a name are lexicon data (``lexicon/en/name_prefixes.txt``, ``name_particles.txt``,
``credit_stop_words.txt`` and the sentence openers).
"""
import re

import pandas as pd

from .. import schemas
from ..lexicon import word_list
from .segment import OPENERS, article_texts, is_abbreviation, paragraph_spans, split_sentences, trim_span

TOKEN = re.compile(r"\S+")
MIN_QUOTE_WORDS = 4
MAX_ROLE_WORDS = 20
MAX_NAME_TOKENS = 4
MAX_NAME_WORDS = 2  # full name words; initials and particles ("W.", "von", "de") come free
QUOTE_CLOSE = ".!?…\"'”’»"
# Surname prefixes that glue to a capital in ordinary names (McDonald, MacArthur, DeSantis),
# particles inside names ("von der"), and capitalised words that end a quote rather than start
# a name ("... Our PowerPoint team").
NAME_PREFIXES = word_list("name_prefixes")
NAME_PARTICLES = word_list("name_particles")
NOT_NAMES = OPENERS | word_list("credit_stop_words")


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
    if last_role_word[-1] in QUOTE_CLOSE and not is_abbreviation(last_role_word[:-1]):
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
    for aid, text in article_texts(articles):
        for a, b in paragraph_spans(text):
            credit = find_credit(text, a, b)
            if credit:
                rows.append({"article_id": aid, "text": text[credit["start"]:credit["end"]], **credit})
    return pd.DataFrame(rows, columns=list(schemas.PULLQUOTES))
