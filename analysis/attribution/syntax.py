"""Syntax helpers over spaCy tokens: the subject of a reporting verb and the
token span of what it reports."""


def subject(art, verb, quoted=()):
    """The subject token of reporting verb ``verb`` (inherited over conj/advcl);
    tokens whose index is in ``quoted`` (inside quotation marks) are skipped:
    in '“Every fraction matters,” said X' the parser may make both subjects."""
    t = verb
    for _ in range(6):
        for c in t.children:
            if c.i in quoted:
                continue
            if c.dep_ in ("nsubj", "nsubjpass") and not (c.dep_ == "nsubjpass" and t.i == verb.i and
                                                          verb.lemma_ != "quote"):
                return c
            if c.dep_ == "agent":
                for g in c.children:
                    if g.dep_ == "pobj":
                        return g
        if t.dep_ in ("conj", "advcl", "xcomp") and t.head.i != t.i:
            t = t.head
            while t.dep_ in ("ccomp", "conj") and t.lemma_ not in art.lex.REPORT_VERBS and t.head.i != t.i:
                t = t.head
            continue
        return None
    return None


def that_clause(art, verb):
    """[head] of a that-clause the parser hung on a phrase of ``verb`` rather
    than on the verb ("said in a statement that ...", "told MPs on Monday
    that ..."), else []."""
    for t in verb.subtree:
        if t.i > verb.i and t.dep_ == "mark" and t.lower_ == "that":
            up = t.head.head
            while up.i != verb.i and up.pos_ in ("NOUN", "PROPN", "PRON", "ADP") and up.head.i != up.i:
                up = up.head
            if up.i == verb.i:
                return [t.head]
    return []


def object_content(art, verb):
    """What a content verb reports when it has no clause: its object and
    prepositional complements ("urged X to ...", "appealed to X for help",
    "described X as Y"), [] when the verb lacks what it needs (see
    art.lex.NEEDS_COMPLEMENT, art.lex.WEAK_CONTENT_VERBS)."""
    lemma = verb.lemma_
    preps = ("for", "on", "of") if lemma in art.lex.BASIC_CONTENT_VERBS else art.lex.CONTENT_PREPS
    comp = [c for c in verb.children if c.dep_ in ("xcomp", "dobj", "prep", "dative")
            and c.i > verb.i and not (c.dep_ in ("prep", "dative") and (
                c.lower_ not in preps or any(g.ent_type_ in ("DATE", "TIME") for g in c.children)))]
    need = art.lex.NEEDS_COMPLEMENT.get(lemma)
    if need is not None:
        have = {c.dep_ for c in comp} | {c.lower_ for c in comp if c.dep_ == "prep"} | \
            {c.lemma_ for c in comp if c.dep_ == "dobj"}
        if not need & have:
            return []
    if lemma in art.lex.WEAK_CONTENT_VERBS and all(c.dep_ == "dobj" for c in comp) and \
            sum(len(list(c.subtree)) for c in comp) < art.lex.MIN_OBJECT_TOKENS:
        return []
    return comp


def content(art, doc, verb):
    """Token span (i, j) of what ``verb`` reports, else None."""
    comp = [c for c in verb.children if c.dep_ in ("ccomp", "parataxis") and not own_statement(art, verb, c)] \
        or that_clause(art, verb)
    speech_act = False
    if not comp and verb.lemma_ in art.lex.CONTENT_VERBS:
        comp = object_content(art, verb)
        if verb.lemma_ == "call" and not comp:
            return None
        speech_act = True
    if not comp:
        return None
    if speech_act:  # the act is part of what was said: "criticized the decision", "appealed to X for help"
        return verb.i, max(c.right_edge.i for c in comp) + 1
    i = min(c.left_edge.i for c in comp)
    j = max(c.right_edge.i for c in comp) + 1
    # stop before another reporting verb ("..., and assured that ...",
    # "..., while Y insisted that ...")
    for t in doc[i:j]:
        if t.lemma_ in art.lex.REPORT_VERBS and t.i > verb.i and t.left_edge.i > i and (
                t.dep_ == "conj" or any(c.dep_ == "nsubj" for c in t.children)):
            j = min(j, t.left_edge.i)
            while j > i and (doc[j - 1].lower_ in ("and", ",", "but") or doc[j - 1].is_punct):
                j -= 1
    if i < verb.i < j:
        if comp[0].i < verb.i:
            j = verb.i
            subj = subject(art, verb)
            if subj is not None:
                j = min(j, subj.left_edge.i)
        else:
            i = verb.i + 1
    while i < j and (doc[i].dep_ == "mark" and doc[i].lower_ == "that" or doc[i].is_punct):
        i += 1
    return (i, j) if j - i >= 2 else None


def own_statement(art, verb, clause):
    """True for a clause before ``verb`` that is itself a full report, a reporting
    verb with its subject and its clause ("Briggs said the bridge would reopen;
    Kane said ..."): the words are its speaker's, not ``verb``'s."""
    return clause.i < verb.i and clause.lemma_ in art.lex.REPORT_VERBS and \
        {"nsubj", "ccomp"} <= {c.dep_ for c in clause.children}


def refers_back(art, verb):
    """True for "This was stated by X", "X said this/so": the words are the
    sentence before."""
    return any(c.lower_ in ("this", "so") and c.dep_ in ("nsubjpass", "dobj", "advmod")
               or c.lower_ == "that" and c.dep_ in ("nsubjpass", "dobj") for c in verb.children)


def source_phrase(art, verb):
    """The noun of "This is stated in a statement of the ministry" (passive
    "this", no agent), whose attached name is the speaker; else None."""
    if not any(c.dep_ == "nsubjpass" and c.lower_ == "this" for c in verb.children):
        return None
    for c in verb.children:
        if c.dep_ == "prep" and c.lower_ in ("in", "on"):
            return next((g for g in c.children if g.dep_ == "pobj"), None)
    return None


def name_before(art, p, verb):
    """Last token of a name written right before ``verb`` when the parser gave
    the verb no subject ("Spotify announced ..." with Spotify tagged a verb)."""
    k = verb.i - 1
    while k >= 0 and verb.doc[k].pos_ == "ADV":
        k -= 1
    m = next((m for m in art.mentions.get(p, []) if m.j == k + 1), None)
    return verb.doc[k] if m is not None else None
