"""Language data of the statement extractor, apart from its code.

``analysis/lexicon/<lang>/`` holds the word lists (one ``*.txt`` per list: one
entry a line, ``#`` starts a comment) and the tables and numbers (``*.json``;
a ``_about`` key documents each file) that the rules in ``analysis.attribution``
read: reporting verbs and nouns, roles, countries, demonyms, given names, and
the confidence given to each way of finding a speaker, and spaCy ``Matcher``
patterns (``*_patterns.json``: label -> token patterns; ``Lexicon.matcher``).

``load_lexicon(extend=None, lang="en") -> Lexicon``: the lists as attributes
named after their files in upper case (``REPORT_VERBS``, ``COUNTRIES``,
``CONFIDENCE``...), plus the derived ``CUE_VERBS``, ``ROLE_TERMS``,
``GIVEN_NAMES``, ``COUNTRY_PATTERNS`` and ``OUTLET_NAMES`` / ``OUTLET_NOUNS`` /
``ASKING_VERBS``.  ``extend`` adds to them: a mapping
from list name (any case: ``"report_verbs"``) to words (added to a list) or to a
mapping (merged into a table), or a ``Lexicon`` to use as it is::

    extract_statements(articles, lexicon={"report_verbs": ["opine"],
                                          "countries": {"kyrgyz": "Kyrgyzstan"}})

``word_list(name, lang="en") -> frozenset``: one ``*.txt`` list as written (case kept),
without loading the rest; the corpus stage reads its abbreviations, sentence openers and
name particles so.
"""
import json
import re
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent


class Lexicon:
    """Word lists and tables as upper-case attributes (see the module docstring)."""

    def __init__(self, tables):
        for name, value in tables.items():
            setattr(self, name.upper(), value)
        self._built = {}  # matchers and pattern needs, built from the tables on first use
        self._derive()

    def matcher(self, name, vocab):
        """A spaCy ``Matcher`` over ``vocab`` of the token patterns in table
        ``name`` (label -> list of patterns, as in ``according_patterns.json``),
        built once per vocabulary."""
        built = self._built.get(name)
        if built is None or built[0] is not vocab:
            from spacy.matcher import Matcher

            matcher = Matcher(vocab)
            for label, patterns in getattr(self, name.upper()).items():
                matcher.add(label, patterns)
            built = self._built[name] = (vocab, matcher)
        return built[1]

    def may_match(self, name, label, words):
        """False when no pattern of ``label`` in table ``name`` can match a text
        whose lower-case tokens are the set ``words``: each pattern needs one
        word of each of its required token specs that name words (LOWER).  A
        cheap test that spares the Matcher most sentences."""
        key = ("needs", name)
        needs = self._built.get(key)
        if needs is None:
            needs = self._built[key] = {lab: [_required_words(pattern) for pattern in patterns]
                                        for lab, patterns in getattr(self, name.upper()).items()}
        return any(all(words & need for need in pattern) for pattern in needs.get(label, ()))

    def _derive(self):
        settings = self.SETTINGS
        self.OCCUPATION_SUFFIXES = tuple(settings["occupation_suffixes"])
        self.FEMALE_SURNAME = re.compile(settings["female_surname"])
        self.MALE_SURNAME = re.compile(settings["male_surname"])
        self.MIN_OBJECT_TOKENS = settings["min_object_tokens"]
        self.MIN_QUOTE_WORDS = settings["min_quote_words"]
        self.NEEDS_COMPLEMENT = {k: set(v) for k, v in self.NEEDS_COMPLEMENT.items()}
        self.ROLE_SYNONYMS = {k: set(v) for k, v in self.ROLE_SYNONYMS.items()}
        self.CUE_VERBS = self.REPORT_VERBS | self.NESTING_VERBS | self.LABEL_VERBS
        self.ROLE_WORDS = self.ROLE_WORDS | self.ACQUAINTANCES  # 'the neighbour said' as 'the minister said'
        self.ROLE_TERMS = self.ROLE_WORDS | self.ROLE_MODIFIERS
        self.GIVEN_NAMES = self.FEMALE_NAMES | self.MALE_NAMES
        self.CONF = self.CONFIDENCE
        self.OUTLET_NAMES = set(self.OUTLETS["names"])
        self.OUTLET_NOUNS = set(self.OUTLETS["nouns"])
        self.ASKING_VERBS = set(self.OUTLETS["asking_verbs"])
        self.COUNTRY_PATTERNS = (_key_patterns(self.COUNTRIES) + _key_patterns(self.INSTITUTION_COUNTRIES)
                                 + _key_patterns(self.CAPITALS))

    def tables(self):
        """The loaded lists and tables (not the derived ones), by lower-case name."""
        return {k.lower(): v for k, v in vars(self).items() if k.lower() in _NAMES}


def _required_words(pattern):
    """The word sets a Matcher token pattern requires, one per token spec that
    must match (no "?" or "*" operator) and names its words by LOWER."""
    needs = []
    for spec in pattern:
        lower = spec.get("LOWER")
        if spec.get("OP") in ("?", "*") or lower is None:
            continue
        words = {lower} if isinstance(lower, str) else set(lower.get("IN", ())) if isinstance(lower, dict) else set()
        if words:
            needs.append(frozenset(words))
    return needs


def _key_patterns(table):
    """(compiled whole-word pattern, value) per key of ``table`` with a value, longest key first."""
    return [(re.compile(r"(?<![\w.])" + re.escape(k) + r"(?![\w])"), table[k])
            for k in sorted(table, key=len, reverse=True) if table[k]]


_NAMES = set()


def _read(path):
    if path.suffix == ".txt":
        lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
        return {line for line in lines if line}
    table = json.loads(path.read_text(encoding="utf-8"))
    table.pop("_about", None)
    return table


@lru_cache(maxsize=None)
def word_list(name, lang="en"):
    """The words of ``lexicon/<lang>/<name>.txt`` (one a line, ``#`` comments dropped) as a frozenset."""
    return frozenset(_read(ROOT / lang / f"{name}.txt"))


@lru_cache(maxsize=None)
def _default(lang):
    folder = ROOT / lang
    if not folder.is_dir():
        raise ValueError(f"no lexicon for language {lang!r} in {ROOT}")
    tables = {p.stem: _read(p) for p in sorted(folder.iterdir()) if p.suffix in (".txt", ".json")}
    _NAMES.update(tables)
    return Lexicon(tables)


def load_lexicon(extend=None, lang="en"):
    """The ``lang`` lexicon, extended by ``extend`` (see the module docstring)."""
    if isinstance(extend, Lexicon):
        return extend
    base = _default(lang)
    if not extend:
        return base
    tables = {k: (set(v) if isinstance(v, set) else dict(v)) for k, v in base.tables().items()}
    for name, value in extend.items():
        key = name.lower()
        if key not in tables:
            raise ValueError(f"unknown lexicon list {name!r}; known: {', '.join(sorted(tables))}")
        if isinstance(tables[key], set):
            if isinstance(value, str):
                raise ValueError(f"lexicon list {name!r} takes a list of words, not a string")
            tables[key] |= {str(v).lower() for v in value}
        else:
            tables[key].update(value)
    return Lexicon(tables)
