"""Nested attribution: "A quoted B as saying X" -> X is B's, relayed by A."""

from .context import Owner
from .coref import speaker_of
from .syntax import content


def find_nested(ctx, verb, subj):
    """'A quoted B as saying (that) X' / 'A cited B ...' -> X is B's, relayed by A
    (``verb``: quote / cite / recall, ``subj``: its subject token)."""
    art, p, doc, base = ctx.art, ctx.p, ctx.doc, ctx.base
    relay = speaker_of(art, doc, p, base, subj).entity
    obj = next((c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")), None)
    if obj is not None and obj.dep_ == "nsubjpass":
        relay = None
        for c in verb.children:
            if c.dep_ == "agent":
                relay = next((speaker_of(art, doc, p, base, g).entity for g in c.children), None)
    if obj is None:
        return
    owner_tok = obj
    poss = [c for c in obj.children if c.dep_ == "poss"]
    if poss and obj.lemma_ in ("word", "statement", "remark", "comment"):
        owner_tok = poss[0]
    who = speaker_of(art, doc, p, base, owner_tok, exclude=relay)
    if who.entity is None:
        return
    saying = next((t for t in verb.subtree if t.lemma_ in art.lex.REPORT_VERBS and t.i > verb.i), None)
    after = owner_tok.right_edge.i + 1  # "as saying" the parser hung elsewhere ("The news agency TASS quoted X as ...")
    if saying is None and after + 1 < len(doc) and doc[after].lower_ == "as" and \
            doc[after + 1].lemma_ in art.lex.REPORT_VERBS:
        saying = doc[after + 1]
    if saying is not None:
        span = content(art, doc, saying)
    else:
        rest = [t for t in verb.subtree if t.i > owner_tok.right_edge.i and not t.is_punct]
        span = (rest[0].i, rest[-1].i + 1) if rest else None
    if span is None:  # '“…,” TASS quoted X as saying': the sentence's quotes are X's, relayed
        owner = Owner(who._replace(relay=relay.name if relay is not None else who.relay), verb.text.lower(), verb)
        for q in ctx.quotes:
            if base + verb.sent.start_char - 2 <= q[0] <= base + verb.sent.end_char:
                ctx.quote_owner.setdefault(q, owner)
        return
    cs, ce = base + doc[span[0]].idx, base + doc[span[1] - 1].idx + len(doc[span[1] - 1])
    yield who.says("indirect", verb.text.lower(), cs, ce, art.lex.CONF["x_nested"],
                   reported_by=relay.name if relay is not None else who.relay)
