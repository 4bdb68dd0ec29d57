"""The driver: parse-order walk over an article's paragraphs that runs the
construction families and records what they find.

Per paragraph: names are learnt and mentions registered (``names``), then per
sentence the according-to cues, parenthetical attribution, "X's view is ...",
and the reporting verbs; then quotes after a colon, quotes left open by the
paragraph before, and the paragraph's quotation marks (direct quotes and
continuations).  Pull-quotes come last.  The first attribution of a span wins
(``Article.add``), so this order is the order of precedence.
"""
from .according import find_according
from .context import Context
from .continuation import settle_pending
from .direct import colon_quotes, dash_credits, find_direct
from .metadata import settle
from .names import collect_mentions, learn_names
from .pullquote import find_pullquotes
from .quotes import find_quotes
from .reported import find_parenthetical, find_position, find_reported

SENTENCE_FAMILIES = (find_according, find_parenthetical, find_position, find_reported)


def run(art, docs, spans):
    """Extract every statement of ``art`` from its paragraph Docs (an iterable,
    consumed in order and not kept) and their (start, end) spans."""
    for p, (doc, (base, _end)) in enumerate(zip(docs, spans)):
        learn_names(art, doc)
        collect_mentions(art, p, doc, base)
        quotes = [(base + a, base + b) for a, b in find_quotes(doc.text)]
        paragraph(art, p, doc, base, quotes)
    art.take(settle_pending(art, None))
    art.take(find_pullquotes(art))
    settle(art)


def paragraph(art, p, doc, base, quotes):
    """Run the families over paragraph ``p`` (Doc ``doc`` at article offset ``base``)."""
    qtok = []  # quotes as token ranges
    for qs, qe in quotes:
        i = next((t.i for t in doc if base + t.idx >= qs), len(doc))
        j = next((t.i for t in doc if base + t.idx >= qe), len(doc))
        qtok.append((i, j))
    quote_owner = {}
    for sent in doc.sents:
        s0 = base + sent.start_char
        if art._blocked(s0):
            continue
        ctx = Context(art, p, doc, base, sent, quotes, qtok, quote_owner)
        for family in SENTENCE_FAMILIES:
            art.take(family(ctx))
        art.previous = (s0, base + sent.end_char)
    ctx = Context(art, p, doc, base, None, quotes, qtok, quote_owner)
    colon_quotes(ctx)
    dash_credits(ctx)
    art.take(settle_pending(art, quote_owner.get(quotes[0]) if quotes and quotes[0][0] == base else None))
    art.take(find_direct(ctx))
