"""State of one article's extraction and the records the rules pass around.

``Article`` holds what the rules share: the names and speakers seen so far
(``entities``, ``mentions``), the statements found, and the spans already
claimed.  A rule never records a statement itself: each construction family
(``according``, ``reported``, ``nested``, ``direct``, ``continuation``,
``pullquote``) yields ``Attribution`` records from a ``Context`` and the driver
hands them to ``Article.add``, which trims the span and drops overlaps (the
first attribution of a span wins, so the order of the families is the order of
precedence).
"""
import bisect
from dataclasses import dataclass, field
from typing import NamedTuple

from ..lexicon import load_lexicon


def default_lexicon():
    """The project's English lexicon (loaded once)."""
    return load_lexicon()


class Attribution(NamedTuple):
    """A statement found by a rule: ``entity`` said article text[start:end]
    (and so did each entity of ``also``: a joint statement, "X and Y said")."""
    entity: "Entity"
    kind: str  # direct | indirect | according_to | pullquote | continuation
    cue: str
    start: int
    end: int
    confidence: float
    surface: str = ""  # the words that named the speaker here ('she', 'the minister')
    reported_by: str = ""
    also: tuple = ()


class Speaker(NamedTuple):
    """Whom the subject of a reporting clause stands for (``coref.speaker_of``):
    ``entity`` (None: nobody), how sure (``conf``), the words that named them
    (``surface``), the spokesperson who relayed the words ("his spokesman said"
    -> ``relay``), and the further speakers of a joint subject ("X and Y said"
    -> ``also``)."""
    entity: "Entity | None"
    conf: float
    surface: str = ""
    relay: str = ""
    also: tuple = ()

    def says(self, kind, cue, start, end, factor=1.0, reported_by=None):
        """The Attribution of article text[start:end] to this speaker, its
        confidence times ``factor``, ``reported_by`` its relay unless given."""
        return Attribution(self.entity, kind, cue, start, end, self.conf * factor, self.surface,
                           self.relay if reported_by is None else reported_by, self.also)


NOBODY = Speaker(None, 0.0)


class Owner(NamedTuple):
    """A quote credited by a verb, which the direct family turns into a statement:
    the ``speaker``, the ``cue`` word and the ``verb`` token."""
    speaker: Speaker
    cue: str
    verb: object


class Context(NamedTuple):
    """Where a rule looks: paragraph ``p`` of ``art`` parsed as ``doc`` (article
    offset ``base``), one of its sentences ``sent`` (None for paragraph-wide
    rules), its quotations as article offsets (``quotes``) and token ranges
    (``qtok``), and ``quote_owner``: quote -> ``Owner`` for quotes a verb has
    credited and the direct family turns into statements."""
    art: "Article"
    p: int
    doc: object
    base: int
    sent: object
    quotes: list
    qtok: list
    quote_owner: dict


@dataclass(eq=False)  # compared and hashed by identity
class Entity:
    """A speaker or mentioned party of one article."""
    name: str
    kind: str  # 'person' | 'org'
    aliases: set = field(default_factory=set)
    role: str = ""
    organization: str = ""
    country: str = ""
    title: str = ""  # every title/apposition seen, lower-cased, for role-noun matching
    gender: str = ""
    label: str = ""  # spaCy entity label of an organisation ('ORG', 'GPE', ...)
    last: int = -1  # offset of the latest mention
    positions: list = field(default_factory=list)  # offsets of its mentions, in order


@dataclass
class Mention:
    """A name (person or organisation) at tokens [i, j) of a paragraph Doc."""
    i: int
    j: int
    entity: Entity
    surface: str  # the trimmed name as written
    pos: int  # article offset
    paragraph: int
    subjectlike: bool


class Article:
    """Extraction state for one article: names, speakers and statements."""

    def __init__(self, article_id, text, sentence_starts, pullquotes, lexicon=None):
        self.id = article_id
        self.text = text
        self.lex = lexicon or default_lexicon()
        self.sentence_starts = sentence_starts
        self.pullquotes = pullquotes
        self.entities = {}
        self.mentions = {}  # paragraph -> [Mention] in text order
        self.statements = []
        self.claimed = []  # sorted, disjoint (start, end) already covered by a statement
        self.spoken = []  # sorted (start, n) of statements, n indexing self.statements
        self.blocked = sorted([(r.start, r.end) for r in pullquotes] +
                              [(r.credit_start, r.credit_end) for r in pullquotes])
        self.surnames = {}  # last word of a full name -> the full names ("Tokayev")
        self.first_words = {}  # first word of a full name -> the full names (surname first: "Lee Min-ho")
        self.pending = []  # unattributed quotes running on into the next paragraph
        self.previous = None  # (start, end) of the sentence before the current one

    def _blocked(self, pos):
        k = bisect.bisect_right(self.blocked, (pos, float("inf"))) - 1
        return k >= 0 and self.blocked[k][0] <= pos < self.blocked[k][1]

    def _last_index(self, pos):
        """Index in ``spoken`` of the last statement starting before ``pos`` (-1: none)."""
        return bisect.bisect_left(self.spoken, (pos, -1)) - 1

    def _overlaps(self, s, e):
        k = bisect.bisect_left(self.claimed, (e, e))
        return any(cs < e and s < ce for cs, ce in self.claimed[max(k - 1, 0):k + 1])

    def add(self, entity, kind, cue, s, e, conf, surface="", reported_by="", also=()):
        """Record a statement over article text[s:e] (trimmed) for ``entity``, and
        the same words for each entity of ``also`` (a joint statement); False when
        it is too short, blocked or overlaps one recorded before."""
        while s < e and (self.text[s].isspace() or self.text[s] in ",;:—–-"):
            s += 1
        while e > s and (self.text[e - 1].isspace() or self.text[e - 1] in ",;:—–-" or
                         kind in ("indirect", "according_to") and self.text[e - 1] == "."):
            e -= 1  # a quote keeps its own full stop; a reported clause does not
        if e - s < 3 or entity is None or self._overlaps(s, e) or self._blocked(s):
            return False
        if surface and surface != entity.name:
            entity.aliases.add(surface)
        bisect.insort(self.claimed, (s, e))
        group = (entity, *(x for x in also if x is not entity))
        for who in group:
            bisect.insort(self.spoken, (s, len(self.statements)))
            self.statements.append(dict(entity=who, kind=kind, cue=cue, start=s, end=e, confidence=round(conf, 2),
                                        reported_by=reported_by, group=group))
        return True

    def _sentence(self, pos):
        return max(bisect.bisect_right(self.sentence_starts, pos) - 1, 0)

    def context(self, st):
        """The sentence before statement ``st``'s (from its start to the next sentence's,
        stripped), or '' for a statement in the article's first sentence.  The stance model
        reads it before the statement: what the statement answers or refers to
        ("That is complete nonsense" after a critic's charge).  Measured on news_contrast
        dev: always reading it beats reading it only after a word that points back
        (README, Models)."""
        i = self._sentence(st["start"])
        return self.text[self.sentence_starts[i - 1]:self.sentence_starts[i]].strip() if i else ""

    def take(self, attributions):
        """``add`` each Attribution of an iterable, as it comes (a rule's later
        choices see what its earlier ones recorded)."""
        for a in attributions:
            self.add(*a)
