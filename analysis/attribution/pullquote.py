"""Pull-quotes the corpus stage found glued to their credit."""

from .context import Attribution
from .names import add_title, person


def find_pullquotes(art):
    """The article's PULLQUOTES rows -> pullquote statements of their credited persons."""
    for pq in art.pullquotes:
        yield from find_pullquote(art, pq)


def find_pullquote(art, pq):
    """A PULLQUOTES row -> pullquote statement of its credited person."""
    e = person(art, str(pq.speaker).strip())
    add_title(art, e, str(pq.role or ""))
    art.blocked.remove((pq.start, pq.end))  # unblock the quote itself, keep its credit
    yield Attribution(e, "pullquote", "pull-quote", pq.start, pq.end, art.lex.CONF["pullquote"])
