"""Unattributed quotes that go on with the speaker before them, and quotes left
open at a paragraph's end (the multi-paragraph convention).

A quote goes on with a voice, never with a country: in '“...,” Putin said. The
Russian Federation has long insisted that ... “We threaten no one.”' the last
quote is Putin's, although the country's reported words stand in between."""

from .context import Attribution

DASHES = "―—–-"  # a dash before a name after a quote: the quote's credit line


def is_state(art, entity):
    """True for a country or its capital standing for its government ("Russian
    Federation", "Republic of Kazakhstan", "Moscow"): an organisation that spaCy
    labels a place, or whose name is a country word and state words
    (``art.lex.STATE_WORDS``) only."""
    if entity.kind != "org":
        return False
    if entity.label == "GPE":
        return True
    words = entity.name.lower().split()
    return any(w in art.lex.COUNTRIES for w in words) and all(
        w in art.lex.COUNTRIES or w in art.lex.STATE_WORDS for w in words)


def voice_before(art, pos):
    """The statement an unattributed quote at ``pos`` goes on from: the last one
    before it, passing over a state's reported (not quoted) words to the speaker
    quoted before them; None when there is none."""
    k = art._last_index(pos)
    last = art.statements[art.spoken[k][1]] if k >= 0 else None
    while k >= 0:
        st = art.statements[art.spoken[k][1]]
        if st["kind"] == "direct" or not is_state(art, st["entity"]):
            return st
        k -= 1
    return last


def introduced_before(art, pos, last):
    """The person named as a subject just before an unattributed quote at
    ``pos`` (in the sentence before or in the quote's own) and after the
    statement ``last`` (None: no statement before), outside every statement:
    a new voice introduced for the quote ("Another critic, Lena Park, likened
    the rules to a trap. “...”"); else None."""
    k = art._sentence(pos)
    lo = art.sentence_starts[max(k - 1, 0)]
    if last is not None:
        lo = max(lo, last["end"])
    found = [m for ms in art.mentions.values() for m in ms if lo <= m.pos < pos and m.subjectlike
             and m.entity.kind == "person" and not art._overlaps(m.pos, m.pos + 1)
             and art.text[max(m.pos - 3, 0):m.pos].strip()[-1:] not in DASHES]  # '“...” ― Ana Ruiz' credits
    return max(found, key=lambda m: m.pos).entity if found else None


def find_continuation(art, q):
    """Give the unattributed quote ``q`` to the person introduced just before
    it (``introduced_before``), else to the speaker of the statement before it
    (``voice_before``): a continuation when close, a weaker direct quote when
    not."""
    last = voice_before(art, q[0])
    newcomer = introduced_before(art, q[0], last)
    if newcomer is not None and (last is None or newcomer is not last["entity"]):
        yield Attribution(newcomer, "direct", "", q[0] + 1, q[1], art.lex.CONF["continuation_introduced"])
        return
    if last is not None:
        near = art._sentence(q[0]) - art._sentence(last["start"]) <= 2
        first, *others = last["group"]  # "X and Y said ...": the quote goes on with both
        yield Attribution(first, "continuation" if near else "direct", "", q[0] + 1, q[1],
                          art.lex.CONF["continuation_near" if near else "continuation_far"], also=tuple(others))


def settle_pending(art, owner):
    """Credit quotes left open by earlier paragraphs to ``owner`` (the speaker
    of the quote that opens this paragraph: the multi-paragraph convention),
    else to the previous speaker."""
    for q in art.pending:
        if owner is not None:
            yield owner.speaker.says("direct", owner.cue, q[0] + 1, q[1], art.lex.CONF["x_pending"])
        else:
            yield from find_continuation(art, q)
    art.pending = []
