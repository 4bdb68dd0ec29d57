"""Direct quotes: the quotation marks of a paragraph credited to a speaker by
a reporting verb, a labelling verb ('called it “a farce”') or a colon
('X disagreed: “...”'); unclaimed ones go on with the previous speaker."""

import re

from .context import NOBODY, Owner, Speaker
from .continuation import find_continuation
from .coref import speaker_of
from .syntax import subject

# a label in plain single quotes: "calling the country 'ungrateful'"
ASCII_LABEL = re.compile(r"(?<=\s')([^'\n]{2,80}?)'(?!\w)")
CREDIT_DASH = re.compile(r"[ \t]*(?:[―—–]|--?)[ \t]*")  # '” ― Name', '”— Name', '” -- Name'
CREDIT_END = re.compile(r"[.;]?\s*$|,")


def label_quotes(ctx, verb):
    """'X called it “a fantasy”' / 'described the plan as “reckless”': the quoted
    words after ``verb`` in its phrase are X's, however short.  None when there
    are none; else the attributions of labels in plain single quotes ('calling
    it 'ungrateful''), the quotation marks being credited in ``ctx.quote_owner``."""
    art, p, doc, base = ctx.art, ctx.p, ctx.doc, ctx.base
    quotes, qtok, quote_owner = ctx.quotes, ctx.qtok, ctx.quote_owner
    lo, hi = verb.i, verb.right_edge.i + 1
    mine = [q for q, (a, b) in zip(quotes, qtok) if lo < a and b <= hi + 1]
    if not mine:  # plain ASCII single quotes: 'calling the country 'ungrateful''
        s0 = base + doc[lo].idx
        span = art.text[s0:base + doc[hi - 1].idx + len(doc[hi - 1]) + 1]
        m = ASCII_LABEL.search(span)
        if m:
            subj = subject(art, verb)
            who = speaker_of(art, doc, p, base, subj) if subj is not None else NOBODY
            if who.entity is not None:
                return [who.says("direct", verb.text.lower(), s0 + m.start(1), s0 + m.end(1))]
        return None
    subj = subject(art, verb, {k for a, b in qtok for k in range(a, b)}) if mine else None
    who = speaker_of(art, doc, p, base, subj) if subj is not None else NOBODY
    if who.entity is None:
        return None
    for q in mine:
        quote_owner.setdefault(q, Owner(who, verb.text.lower(), verb))
    return []


def colon_quotes(ctx):
    """'X disagreed: “...”' -- a quote no reporting verb claimed, opened right
    after a colon, belongs to the subject of the clause before the colon."""
    art, p, doc, base = ctx.art, ctx.p, ctx.doc, ctx.base
    quotes, qtok, quote_owner = ctx.quotes, ctx.qtok, ctx.quote_owner
    quoted = {k for a, b in qtok for k in range(a, b)}
    for q, (a, _b) in zip(quotes, qtok):
        if q in quote_owner or a == 0 or doc[a - 1].text != ":":
            continue
        verb = doc[a - 1].head
        subj = subject(art, verb, quoted) if verb.pos_ in ("VERB", "AUX") else None
        if subj is None:
            continue
        who = speaker_of(art, doc, p, base, subj)
        if who.entity is not None:
            quote_owner[q] = Owner(who._replace(conf=who.conf * art.lex.CONF["x_colon"]), verb.text.lower(), verb)


def dash_credits(ctx):
    """'“...” ― Ana Ruiz': a quote no verb claimed, followed by a dash and a name
    (the credit line of a list of voices), belongs to that name."""
    art, p, doc = ctx.art, ctx.p, ctx.doc
    end = ctx.base + len(doc.text)
    for q in ctx.quotes:
        dash = CREDIT_DASH.match(art.text, q[1] + 1)
        if q in ctx.quote_owner or dash is None:
            continue
        m = next((m for m in art.mentions.get(p, []) if m.pos == dash.end()), None)
        after = art.text[ctx.base + doc[m.j - 1].idx + len(doc[m.j - 1]):end] if m is not None else ""
        if m is not None and CREDIT_END.match(after):  # the name closes the credit: "― Ana Ruiz." or "― Ana Ruiz, 34"
            who = Speaker(m.entity, art.lex.CONF["named_person" if m.entity.kind == "person" else "named_org"],
                          m.surface)
            ctx.quote_owner[q] = Owner(who, "", doc[m.i])


def find_direct(ctx):
    """Turn the paragraph's quotations into direct statements of the speakers
    credited in ``ctx.quote_owner``; an unclaimed one goes on with the previous
    speaker (continuation), or waits for the next paragraph when it runs to
    the paragraph's end."""
    art, quotes, quote_owner = ctx.art, ctx.quotes, ctx.quote_owner
    end = ctx.base + len(ctx.doc.text)
    for q in quotes:
        qs, qe = q
        owner = quote_owner.get(q)
        if owner is None:
            if len(art.text[qs + 1:qe].split()) < art.lex.MIN_QUOTE_WORDS or art._overlaps(qs + 1, qe):
                continue
            if qe == end:  # runs on: the next paragraph may name the speaker
                art.pending.append(q)
            else:
                yield from find_continuation(art, q)
            continue
        if scare_quote(art, q) and owner.verb.lemma_ not in art.lex.LABEL_VERBS:
            continue  # scare quotes ("occupation") are not statements
        yield owner.speaker.says("direct", owner.cue, qs + 1, qe)


def scare_quote(art, q):
    """A quote of fewer than MIN_QUOTE_WORDS words without final punctuation
    ("occupation", "très nécessaire"): not a statement on its own."""
    inner = art.text[q[0] + 1:q[1]]
    return len(inner.split()) < art.lex.MIN_QUOTE_WORDS and not re.search(r"[,.!?]\W*$", inner)
