"""Nested attribution: "A quoted B as saying X" and relayed speech, "A said B
had told him that X" -> X is B's, relayed by A."""

from .context import Owner
from .coref import role_phrase, speaker_of
from .outlets import is_outlet
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
    saying = next((t for t in verb.subtree if t.lemma_ in art.lex.REPORT_VERBS and t.i > verb.i
                   and t.pos_ == "VERB"), None)  # not the noun of "the state broadcaster"
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
    relay_name = relay.name if relay is not None else who.relay
    if not relay_name and obj.dep_ == "dobj" and subj.pos_ == "NOUN":  # "the newspaper quoted B": its words
        relay_name = role_phrase(art, subj)
    yield who.says("indirect", verb.text.lower(), cs, ce, art.lex.CONF["x_nested"], reported_by=relay_name)


def find_relayed(ctx, verb, who):
    """Relayed speech: relaying verb ``verb`` (``RELAYING_VERBS``) of speaker
    ``who`` (a ``Speaker``, A) passes on another speaker B's words, which are
    then the statement, B's, ``reported_by`` A:

    * 'A said B had told him that X' / 'A said B believed X' / 'A said B had
      expressed opposition to X' (``inner_report``);
    * 'A recalled B telling her that X' (``inner_report``);
    * 'Citing B, A said that X' / 'A, quoting B, reported that X' (``cited``);
    * 'A said that, according to B, X' (``according_inside``).

    Yields nothing otherwise, and when B is A or nobody."""
    art, doc = ctx.art, ctx.doc
    if verb.lemma_ not in art.lex.RELAYING_VERBS or who.entity is None:
        return
    quoted = {k for a, b in ctx.qtok for k in range(a, b)}
    inner, source = inner_report(art, verb, quoted)
    span = content(art, doc, inner) if inner is not None else None
    cue = inner.text.lower() if inner is not None else ""
    if span is None:
        source, span = according_inside(doc, content(art, doc, verb))
        cue = "according to"
    if span is None:
        source, span, cue = cited(art, verb), content(art, doc, verb), verb.text.lower()
    if source is not None and source.i not in quoted:
        found = relay(ctx, who, source, span, cue)
        if found is not None:
            yield found


def relay(ctx, who, source, span, cue):
    """The Attribution of token ``span`` (i, j) to the speaker of token
    ``source`` (B), ``reported_by`` ``who`` (A); None when B is nobody or A."""
    art, p, doc, base = ctx.art, ctx.p, ctx.doc, ctx.base
    if span is None:
        return None
    inner_who = speaker_of(art, doc, p, base, source, exclude=who.entity)
    if inner_who.entity is None or inner_who.entity is who.entity or is_outlet(inner_who.entity):
        return None  # "A said X, Anadolu reported": an outlet passes A's words on (outlets), it is no B
    if inner_who.entity.label == "GPE" and who.entity.kind == "person":
        return None  # "Minister A said that Vietnam welcomed X": the official speaks for the state, A's words
    cs, ce = base + doc[span[0]].idx, base + doc[span[1] - 1].idx + len(doc[span[1] - 1])
    return inner_who.says("indirect", cue, cs, ce, art.lex.CONF["x_nested"], reported_by=who.entity.name)


def inner_report(art, verb, quoted):
    """(reporting verb, its speaker token) of the clause ``verb`` reports when that
    clause is itself a report: a ccomp reporting verb with its own subject ('said
    B had told him ...'), or a gerund after ``verb``'s object ('recalled B
    telling her ...'); (None, None) when there is none, when it is negated or
    modal ('B would announce': not said yet) or when its speaker is a pronoun
    (in reported speech mostly the relaying speaker)."""
    for c in verb.children:
        if c.i < verb.i or c.lemma_ not in art.lex.REPORT_VERBS or c.pos_ not in ("VERB", "AUX") or \
                any(g.dep_ == "neg" or g.tag_ == "MD" for g in c.children):
            continue
        if c.dep_ == "ccomp":
            source = next((g for g in c.children if g.dep_ == "nsubj" and g.i not in quoted), None)
        elif c.dep_ in ("advcl", "acl") and c.tag_ == "VBG":
            source = next((g for g in verb.children if g.dep_ == "dobj" and g.i < c.i), None)
        else:
            continue
        if source is not None and source.pos_ != "PRON":
            return c, source
    return None, None


def cited(art, verb):
    """The source token of 'Citing B, A said ...' / 'A, quoting B, reported ...':
    the object of a gerund of ``NESTING_VERBS`` hung on ``verb`` or on its
    subject; else None."""
    holders = [verb] + [c for c in verb.children if c.dep_ == "nsubj"]
    for h in holders:
        for c in h.children:
            if c.dep_ in ("advcl", "acl") and c.tag_ == "VBG" and c.lemma_ in art.lex.NESTING_VERBS:
                return next((g for g in c.children if g.dep_ == "dobj"), None)
    return None


def according_inside(doc, span):
    """(source token, statement span) when the clause at token ``span`` opens
    with 'according to B,' ('A said that, according to B, X'); else (None, None)."""
    if span is None:
        return None, None
    i, j = span
    if j - i < 4 or doc[i].lower_ != "according" or doc[i + 1].lower_ != "to":
        return None, None
    k = next((k for k in range(i + 2, j) if doc[k].text == ","), None)
    if k is None or k == i + 2 or j - k < 3:
        return None, None
    return doc[i + 2:k].root, (k + 1, j)


def relayed_after_cue(ctx, who, start, end):
    """'According to A, B said that X': when the words [start, end) (article
    offsets) that an according-to cue gives to ``who`` (A) are a report by B
    (a main reporting verb with a subject that is not a pronoun), the
    Attribution of X to B, ``reported_by`` A; else None."""
    art, doc, base = ctx.art, ctx.doc, ctx.base
    verb = ctx.sent.root
    if not start <= base + verb.idx < end or verb.lemma_ not in art.lex.RELAYING_VERBS or \
            any(c.dep_ == "neg" or c.tag_ == "MD" for c in verb.children):
        return None
    source = next((c for c in verb.children if c.dep_ == "nsubj" and base + c.idx >= start), None)
    if source is None or source.pos_ == "PRON":
        return None
    return relay(ctx, who, source, content(art, doc, verb), verb.text.lower())
