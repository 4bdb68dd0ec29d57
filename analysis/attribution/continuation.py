"""Unattributed quotes that go on with the speaker before them, and quotes left
open at a paragraph's end (the multi-paragraph convention)."""

from .context import Attribution


def find_continuation(art, q):
    """Give the unattributed quote ``q`` to the speaker of the statement
    before it: a continuation when close, a weaker direct quote when not."""
    last = art._last_statement(q[0])
    if last is not None:
        near = art._sentence(q[0]) - art._sentence(last["start"]) <= 2
        yield Attribution(last["entity"], "continuation" if near else "direct", "",
                 q[0] + 1, q[1], art.lex.CONF["continuation_near" if near else "continuation_far"])


def settle_pending(art, owner):
    """Credit quotes left open by earlier paragraphs to ``owner`` (the speaker
    of the quote that opens this paragraph: the multi-paragraph convention),
    else to the previous speaker."""
    for q in art.pending:
        if owner is not None:
            entity, conf, surface, cue, _verb = owner
            yield Attribution(entity, "direct", cue, q[0] + 1, q[1], conf * art.lex.CONF["x_pending"], surface)
        else:
            yield from find_continuation(art, q)
    art.pending = []
