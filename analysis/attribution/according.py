"""According-to family: "According to X, ...", "In the words of X", "as X put
it", "As noted by X, ...", "In his opinion, ...", "..., in her view.".

The cue phrases are spaCy ``Matcher`` patterns kept as data
(``lexicon/en/according_patterns.json``: CUE, AS, AS_VERB, OPINION); where a
cue stands decides which words are the statement: after it when it opens the
sentence ("According to X, ..."), before it when it closes the sentence
("..., according to X."), the whole sentence for an opinion set off by commas
("Governments, in her view, are moving too slowly").
"""

import re
from typing import NamedTuple

from .coref import speaker_of
from .nested import relayed_after_cue
from .outlets import relays_a_source

RELATIVE_START = re.compile(r"^(who|which|whose)\b", re.I)
MAX_SOURCE_CHARS = 120  # the words that name the source, at most
MAX_HOLDER_CHARS = 80  # the holder of an opinion ("the minister's"), at most
STOPS = (",", ";", ":")


class Cue(NamedTuple):
    """A cue the patterns found: who the source is (tokens [who_i, who_j)), the
    statement as sentence-relative characters [cs, ce), and the cue's words."""
    who_i: int
    who_j: int
    cs: int
    ce: int
    cue: str


def find_according(ctx):
    """The according-to cues of sentence ``ctx.sent`` (the first that names a speaker)."""
    art, p, doc, base, sent = ctx.art, ctx.p, ctx.doc, ctx.base, ctx.sent
    s0 = base + sent.start_char
    for c in cues(art, p, sent):
        who_tokens = list(doc[c.who_i:c.who_j])
        if not who_tokens:
            continue
        head = min(who_tokens, key=lambda t: len([a for a in t.ancestors if a in who_tokens]))
        who = speaker_of(art, doc, p, base, head)
        said = [t.i for t in sent if c.cs <= t.idx - sent.start_char < c.ce]
        if said and relays_a_source(art, doc, said[0], said[-1] + 1, who.entity):
            continue  # "According to TASS, X said ...": X's verb reports it, relayed by TASS
        if who.entity is not None:
            opens = doc[c.who_i].idx - sent.start_char < c.cs  # "According to A, B said ...": B's, relayed by A
            relayed = relayed_after_cue(ctx, who, s0 + c.cs, s0 + c.ce) if opens else None
            yield relayed or who.says("according_to", c.cue, s0 + c.cs, s0 + c.ce)
            return


def matches(art, sent):
    """label -> the Spans of sentence ``sent`` its Matcher patterns find, in text order."""
    found = {}
    words = {t.lower_ for t in sent}

    def may(label):
        return art.lex.may_match("according_patterns", label, words)

    if not (may("CUE") or may("OPINION") or may("AS") and may("AS_VERB")):
        return found  # no cue can be there: the Matcher is spared
    for span in art.lex.matcher("according_patterns", sent.doc.vocab)(sent, as_spans=True):
        found.setdefault(span.label_, []).append(span)
    for spans in found.values():
        spans.sort(key=lambda s: (s.start, -s.end))
    return found


class Where:
    """What the cue rules ask of the token positions of one sentence ``sent``."""

    def __init__(self, sent):
        self.sent, self.doc = sent, sent.doc
        self.last = sent.end  # the sentence end before its final punctuation
        while self.last > sent.start and self.doc[self.last - 1].is_punct:
            self.last -= 1

    def rel(self, i):
        """Sentence-relative character offset of token ``i`` (or of the sentence end)."""
        return (self.doc[i].idx if i < self.sent.end else self.sent.end_char) - self.sent.start_char

    def stop(self, i):
        """The first , ; : at or after token ``i``, else the sentence end."""
        return next((k for k in range(i, self.sent.end) if self.doc[k].text in STOPS), self.sent.end)

    def comma(self, i):
        """True when token ``i`` is a comma inside the sentence."""
        return self.sent.start <= i < self.sent.end and self.doc[i].text == ","

    def opens(self, span):
        """True when only punctuation stands before ``span`` in the sentence."""
        return all(t.is_punct for t in self.doc[self.sent.start:span.start])

    def short(self, i, j, limit=MAX_SOURCE_CHARS):
        """True when tokens [i, j) hold 2 to ``limit`` characters."""
        return j > i and 2 <= self.rel(j - 1) + len(self.doc[j - 1]) - self.rel(i) <= limit


def cues(art, p, sent):
    """The candidate Cues of ``sent``, in order of precedence: a cue that opens
    the sentence, an opinion that opens it, "As X said, ...", ", as X put it,",
    an opinion between commas, a cue that closes the sentence, "..., as X
    said.", an opinion that closes it."""
    found = matches(art, sent)
    if not found:
        return
    w = Where(sent)
    end = sent.end
    opinions = [o for o in found.get("OPINION", []) if w.short(o.start + 1, o.end - 1, MAX_HOLDER_CHARS)]
    as_verb = as_clauses(w, found.get("AS", []), found.get("AS_VERB", []))
    yield from lead_cues(art, p, w, found.get("CUE", []))
    for o in opinions:  # "In his opinion, ..."
        if w.opens(o) and w.comma(o.end):
            yield Cue(o.start + 1, o.end - 1, w.rel(o.end + 1), w.rel(end), cue_words(o))
    for a, v in as_verb:  # "As X said, ..."
        if w.opens(a) and w.comma(v.end):
            yield Cue(a.end, v.start, w.rel(v.end + 1), w.rel(end), "as " + cue_words(v))
    for a, v in as_verb:  # "X is, as Y put it, Z" / "Z, as Y put it, ..."
        if w.comma(a.start - 1) and w.comma(v.end) and v.end + 1 < end:
            verb_before = a.start - 2 >= sent.start and w.doc[a.start - 2].pos_ in ("AUX", "VERB")
            cs, ce = (w.rel(v.end + 1), w.rel(end)) if verb_before else (0, w.rel(a.start - 1))
            yield Cue(a.end, v.start, cs, ce, "as " + cue_words(v))
    for o in opinions:  # "Governments, in her view, are moving too slowly": the whole sentence
        if w.comma(o.start - 1) and w.comma(o.end):
            yield Cue(o.start + 1, o.end - 1, 0, w.rel(w.last), cue_words(o))
    for c in found.get("CUE", []):  # "..., according to X."
        if w.comma(c.start - 1) and w.stop(c.end) >= w.last and w.short(c.end, w.last):
            yield Cue(c.end, w.last, 0, w.rel(c.start - 1), cue_words(c))
    for a, v in as_verb:  # "..., as X said."
        if w.comma(a.start - 1) and v.end == w.last:
            yield Cue(a.end, v.start, 0, w.rel(a.start - 1), "as " + cue_words(v))
    for o in opinions:  # "Output will double, in her view."
        if w.comma(o.start - 1) and o.end == w.last:
            yield Cue(o.start + 1, o.end - 1, 0, w.rel(o.start - 1), cue_words(o))


def lead_cues(art, p, w, spans):
    """"According to X, ..." / "As noted by the governor, Ivana Novak, ...":
    the source runs to the first comma, the statement from there to the end."""
    end = w.sent.end
    for span in spans:
        k = w.stop(span.end)
        if not w.opens(span) or not w.comma(k) or not w.short(span.end, k):
            continue
        who_i, who_j, cs = span.end, k, k + 1
        if cs < end and RELATIVE_START.match(w.doc[cs].text):  # "..., who is ..., content"
            cs = w.stop(cs) + 1
            if cs >= end:
                continue
        name = appositive_name(art, p, w.doc, cs)
        if name is not None:  # "As noted by the governor, Ivana Novak, content": the name is the source
            who_i, who_j, cs = name
        yield Cue(who_i, who_j, w.rel(cs), w.rel(end), cue_words(span))


def as_clauses(w, as_spans, verb_spans):
    """("as", verb) span pairs of "as X put it": the first reporting verb after
    "as", with a source of 2 to MAX_SOURCE_CHARS characters and no , ; : between."""
    pairs = []
    for a in as_spans:
        v = next((v for v in verb_spans if v.start > a.end), None)
        if v is not None and w.stop(a.end) >= v.end and w.short(a.end, v.start):
            pairs.append((a, v))
    return pairs


def cue_words(span):
    """The cue as recorded in ``cue``: its words, lower case, single spaces."""
    return re.sub(r"\s+", " ", span.text.lower())


def appositive_name(art, p, doc, i):
    """(i, j, after) when the tokens of paragraph ``p`` from ``i`` are a person's
    name [i, j) closed by a comma (an apposition to the cue's role noun),
    ``after`` being the token after the comma; else None."""
    for m in art.mentions.get(p, []):
        if m.i == i and m.entity.kind == "person" and m.j < len(doc) and doc[m.j].text == ",":
            return m.i, m.j, m.j + 1
    return None
