"""Reported speech: the clause or object a reporting verb reports ("X said
that ...", "X urged Y to ...", "X criticized the decision"), "X's view is ...",
parenthetical attribution ("Order, the authorities affirm, was restored") and
"This was stated by X" (the sentence before)."""

from .context import Owner
from .coref import speaker_of
from .direct import label_quotes, scare_quote
from .nested import find_nested, find_relayed
from .outlets import asks, cited_source, is_outlet, relayed_span, relays_a_source
from .syntax import content, name_before, refers_back, source_phrase, subject


def find_reported(ctx):
    """The reporting verbs of sentence ``ctx.sent`` outside quotation marks, the
    main clause's first: each yields what it reports, or credits the quotes it
    introduces (``ctx.quote_owner``) for the direct family."""
    qtok = ctx.qtok

    def in_quote(tok):
        return any(a < tok.i < b or (a == tok.i and tok.is_quote) for a, b in qtok)

    cues = ctx.art.lex.CUE_VERBS
    verbs = sorted((t for t in ctx.sent if t.lemma_.lower() in cues and t.pos_ in ("VERB", "AUX")
                    and not in_quote(t)), key=lambda t: len(list(t.ancestors)))
    for verb in verbs:
        yield from report_verb(ctx, verb)


def report_verb(ctx, verb):
    """What one reporting verb reports (see ``find_reported``)."""
    art, p, doc, base, sent = ctx.art, ctx.p, ctx.doc, ctx.base, ctx.sent
    quotes, qtok, quote_owner = ctx.quotes, ctx.qtok, ctx.quote_owner
    if any(c.dep_ == "neg" for c in verb.children) or verb.head.lemma_ in art.lex.REFUSING_VERBS:
        return
    if verb.lemma_ == "point" and not any(c.lower_ == "out" for c in verb.children):
        return
    if verb.lemma_ in art.lex.LABEL_VERBS:
        labelled = label_quotes(ctx, verb)
        if labelled is not None:
            yield from labelled
            return
    if verb.lemma_ == "call" and not any(c.lower_ in ("for", "on") for c in verb.children):
        return
    if art._overlaps(base + verb.idx, base + verb.idx + 1):
        return
    quoted = {k for a, b in qtok for k in range(a, b)}
    subj = subject(art, verb, quoted) or name_before(art, p, verb) or source_phrase(art, verb)
    if subj is None or subj.i >= len(doc) or any(a <= subj.i < b for a, b in qtok):
        return
    if verb.lemma_ in art.lex.NESTING_VERBS or (verb.lemma_ == "recall" and any(
            c.dep_ == "poss" for o in verb.children if o.dep_ == "dobj" for c in o.children)):
        yield from find_nested(ctx, verb, subj)
        return
    if verb.lemma_ not in art.lex.REPORT_VERBS:
        return
    who = speaker_of(art, doc, p, base, subj)
    if who.entity is None or asks(art, verb, who.entity):
        return
    relayed = list(find_relayed(ctx, verb, who))
    if relayed:
        yield from relayed
        return
    span = content(art, doc, verb)
    if span is not None and relays_a_source(art, doc, *span, who.entity):
        return  # "Xinhua reported that X had said ...": X's verb reports it
    if span is not None:  # "X said, according to IRNA, that ...": IRNA relays
        span, relay = relayed_span(art, p, doc, verb, span)
        who = who._replace(relay=who.relay or relay)
    if span is not None and is_outlet(who.entity):  # "Citing X, Reuters reported ...": X's words
        source, span = cited_source(verb, span)
        cited = speaker_of(art, doc, p, base, source) if source is not None else None
        who = cited._replace(relay=who.entity.name) if cited is not None and cited.entity is not None else who
    cue = verb.text.lower() + (" out" if verb.lemma_ == "point" else "")
    if span is not None:
        cs, ce = base + doc[span[0]].idx, base + doc[span[1] - 1].idx + len(doc[span[1] - 1])
        inner = [q for q in quotes if cs - 1 <= q[0] and q[1] <= ce + 1]
        covered = sum(q[1] - q[0] for q in inner)
        if inner and covered >= 0.6 * (ce - cs) and not all(map(lambda q: scare_quote(art, q), inner)):
            for q in inner:  # the clause is the quote: report it as direct
                quote_owner.setdefault(q, Owner(who, cue, verb))
        elif not any(q[0] <= cs and ce <= q[1] for q in quotes):
            yield who.says("indirect", cue, cs, ce)
            return
    if span is None and refers_back(art, verb):
        yield from previous_sentence(art, Owner(who, cue, verb), quotes, quote_owner)
        return
    # no clause of its own: the verb credits the quotes of its sentence
    for q in quotes:
        if sent.start_char + base - 2 <= q[0] <= base + sent.end_char or \
                q[0] <= base + sent.start_char < q[1]:
            quote_owner.setdefault(q, Owner(who, cue, verb))


def find_position(ctx):
    """"X's position/view is (that) ..." -> indirect statement of X."""
    art, p, doc, base, sent = ctx.art, ctx.p, ctx.doc, ctx.base, ctx.sent
    for t in sent:
        poss = [c for c in t.children if c.dep_ == "poss"]
        if t.lemma_ not in art.lex.POSITION_NOUNS or not poss or t.head.lemma_ != "be" or t.dep_ != "nsubj":
            continue
        rest = [x for x in sent if x.i > t.head.i and not (x.i == t.head.i + 1 and x.lower_ == "that")]
        while rest and rest[-1].is_punct:
            rest.pop()
        who = speaker_of(art, doc, p, base, poss[0])
        if rest and who.entity is not None:
            yield who.says("indirect", f"{t.text.lower()} {t.head.text.lower()}",
                           base + rest[0].idx, base + rest[-1].idx + len(rest[-1]))


def find_parenthetical(ctx):
    """"Order, the authorities affirm, was restored": a reporting clause set off
    by commas inside the sentence -> the whole sentence is the subject's."""
    art, p, doc, base, sent = ctx.art, ctx.p, ctx.doc, ctx.base, ctx.sent
    for t in sent:
        if t.lemma_ not in art.lex.REPORT_VERBS or t.pos_ not in ("VERB", "ADJ") or t.i + 1 >= sent.end or \
                doc[t.i + 1].text != "," or any(c.dep_ in ("ccomp", "dobj", "xcomp") and c.i > t.i
                                                for c in t.children):
            continue
        subj = next((c for c in t.children if c.dep_ == "nsubj" and c.i < t.i), None)
        if subj is None or subj.left_edge.i - 1 < sent.start + 1 or doc[subj.left_edge.i - 1].text != "," \
                or any(x.is_punct for x in doc[subj.left_edge.i:t.i]):
            continue
        who = speaker_of(art, doc, p, base, subj)
        if who.entity is not None:
            last = sent[-1] if not sent[-1].is_punct else doc[sent.end - 2]
            yield who.says("indirect", t.text.lower(), base + sent.start_char, base + last.idx + len(last),
                           art.lex.CONF["x_parenthetical"])
            return


def previous_sentence(art, owner, quotes, quote_owner):
    """Credit the sentence before the current one to ``owner`` (an ``Owner``):
    its quotation when it is one, else an indirect statement."""
    if art.previous is None:
        return
    ps, pe = art.previous
    whole = [q for q in quotes if q[0] <= ps + 1 and q[1] >= pe - 2]
    if whole:
        quote_owner.setdefault(whole[0], owner)
        return
    cue, verb = owner.cue, owner.verb
    after = verb.doc[verb.i + 1].lower_ if verb.i + 1 < len(verb.doc) else ""
    if after in ("this", "so"):
        cue = f"{cue} {after}"  # "said this"
    while pe > ps and art.text[pe - 1] in ".!?…":
        pe -= 1
    yield owner.speaker.says("indirect", cue, ps, pe, art.lex.CONF["x_refers_back"])
