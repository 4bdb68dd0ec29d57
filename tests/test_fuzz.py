"""Fuzz test over loader + extractor: every quote-mark style, openers used as
closers and the reverse, nesting and stray marks.  Examples per run come from the
Hypothesis profile (tests/conftest.py): 2,000 in CI, more with
``--hypothesis-profile thorough``."""
import tempfile
import warnings
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis import statements as extractor
from analysis.corpus import load_articles, paragraphs, pullquotes, sentences

pytestmark = pytest.mark.slow  # 2,000 examples

QUOTE_MARKS = list("“”„‟«»‹›‚‘’\"'「」") + ["”\"", "“„", "»«", "‘’", "’’", "\"\""]
WORDS = ["Minister", "Anna", "Berg", "said", "she", "he", "told", "reporters", "we", "support", "the",
         "deployment", "on", "Friday", "according", "to", "U.S.", "Secretary", "of", "State", "Blinken",
         "très", "nécessaire", "it", "was", "that", "added", "Mr.", "Ms.", "Petrova", "NATO", "country’s",
         "ZakharovaOfficial", "representative", "Ана", "Кафе", "—", ",", ".", ":", "?", "!", "…", "(", ")"]
SEPARATORS = [" ", " ", " ", "", "\n", "\n\n", "\t"]
PIECE = st.tuples(st.sampled_from(WORDS + QUOTE_MARKS), st.sampled_from(SEPARATORS))
TEXTS = st.lists(PIECE, min_size=1, max_size=60).map(lambda pieces: "".join(w + s for w, s in pieces))
NESTED = st.recursive(TEXTS, lambda inner: st.tuples(st.sampled_from(QUOTE_MARKS), inner, st.sampled_from(QUOTE_MARKS),
                                                     TEXTS).map("".join), max_leaves=4)


def assert_offsets(articles, table):
    texts = dict(zip(articles.article_id, articles.text))
    for row in table.itertuples():
        assert texts[row.article_id][row.start:row.end] == row.text


@given(body=NESTED, header=st.booleans(), suffix=st.sampled_from([".txt", ".md"]))
def test_loader_and_extractor_never_fail_and_offsets_hold(body, header, suffix):
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        path = Path(tmp) / f"fuzz{suffix}"
        path.write_text(("date 2022-01-06 " if header else "") + body, encoding="utf-8")
        articles = load_articles(path)
        statements, _ = extractor.extract_statements(articles, nlp=extractor.load_nlp())
    assert not [w for w in caught if "extraction failed" in str(w.message)]
    for table in (paragraphs(articles), sentences(articles), pullquotes(articles), statements):
        assert_offsets(articles, table)
