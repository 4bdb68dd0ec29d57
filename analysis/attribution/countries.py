"""The country a phrase names (a demonym, short form, country name, seat of
government or capital of the lexicon): the ground floor that ``names`` and
``metadata`` both read, so that neither imports the other."""
import functools

from .context import default_lexicon


def country_of(words, lex=None):
    """Country named by a demonym/short form/country name in ``words`` (the longest
    one named), else by a seat of government or a capital, else ''."""
    return _country_of(words.lower().replace("the ", ""), lex or default_lexicon())


@functools.lru_cache(maxsize=4096)
def _country_of(low, lex):
    """``country_of`` for lower-case ``low`` (names and titles recur: memoised)."""
    return next((country for pattern, country in lex.COUNTRY_PATTERNS if pattern.search(low)), "")
