"""Speaker metadata: the organisation and country of each speaker, from its
titles and the gazetteer, settled once an article is read.

The title parser (``names.parse_title``) leaves raw pieces: 'Russian
presidential', 'Japan's', 'UN Secretary-General', 'Energy'.  ``organization_of``
turns such a piece into a canonical organisation and a country (or nothing):

* an organisation of the gazetteer (``organizations.json``: aliases, kind, seat)
  by its canonical name: 'UN' -> 'United Nations'; a national one gives its
  country ('Kremlin' -> Russia), an international one none;
* a portfolio (``ministries.json``) as its ministry, with the country the title
  names: 'Japan's foreign minister' -> 'Ministry of Foreign Affairs of Japan';
* a state's office (``offices.json``): 'Russian presidential' -> 'Presidency of
  Russia' -> 'Kremlin';
* else the piece itself when it reads as a name, and '' when it is a fragment
  (``is_fragment``: an adjective, a common noun, a surname).

``settle(art)`` applies it to every entity of an article.
"""
import re

from .countries import country_of
from .outlets import dateline_end

_LINK = {"of", "the", "and", "for", "on", "in", "&"}


def gazetteer(lex):
    """alias (lower case) -> (canonical name, kind, country) of ``organizations.json``,
    built once per lexicon."""
    table = lex._built.get("gazetteer")
    if table is None:
        table = lex._built["gazetteer"] = {
            alias: (name, spec["kind"], spec.get("country", ""))
            for name, spec in lex.ORGANIZATIONS.items() for alias in [name.lower(), *spec["aliases"]]}
    return table


def known_org(text, lex):
    """(canonical name, kind, country) of the gazetteer organisation ``text`` names
    (an alias of four letters or fewer only in capitals: 'WHO', not 'who'), else None."""
    text = re.sub(r"^the\s+|\s*['’]s?$", "", text.strip(), flags=re.I)
    hit = gazetteer(lex).get(text.lower())
    if hit is None or (len(text) <= 4 and not text.replace(".", "").isupper()):
        return None
    return hit


def split_country(text, lex):
    """('Russian Foreign Ministry') -> ('Foreign Ministry', 'Russia'): the leading
    country, demonym or possessive country taken off the words and named."""
    words = text.split()
    for k in range(min(3, len(words)), 0, -1):
        head = re.sub(r"['’]s?$", "", " ".join(words[:k])).lower()
        if head in lex.COUNTRIES and lex.COUNTRIES[head]:
            return " ".join(words[k:]), lex.COUNTRIES[head]
    return text, ""


def ministry_of(text, role, country, lex):
    """The canonical ministry that ``text`` ('Foreign Ministry', 'Ministry of Health',
    'Energy') or, failing it, a minister's ``role`` ('Foreign Minister') names, with
    ' of <country>' when known; else ''."""
    low = re.sub(r"^the\s+", "", text.lower()).strip()
    m = re.fullmatch(r"(?:ministry|department) of (?:the )?([\w ]+?)", low) or \
        re.fullmatch(r"([\w ]+?)(?: ministry| department)?", low)
    portfolio = m.group(1) if m else ""
    if portfolio not in lex.MINISTRIES:
        r = re.fullmatch(r"([\w ]+?) (?:minister|secretary)", role.lower().strip())
        if not (r and (not low or low == r.group(1))):
            return ""
        portfolio = r.group(1).removeprefix("deputy ").removeprefix("first ")
        if portfolio not in lex.MINISTRIES:
            return ""
    name = lex.MINISTRIES[portfolio]
    return f"{name} of {country}" if country else name


def office_of(text, country, lex):
    """A state's office ('presidential', 'cabinet of ministers'): its name from
    ``offices.json`` with ``country`` filled in, else ''."""
    template = lex.OFFICES.get(text.lower().strip())
    if template is None or "{country}" not in template or not country:
        return ""
    return template.format(country=country)


def organization_of(raw, role, country, lex, names=(), proper=()):
    """(organisation, country) for a title's raw organisation piece ``raw`` of a
    speaker with ``role`` and ``country`` so far; ``names``: words that name persons
    of the article (never an organisation); ``proper``: one-word names the article
    tags as organisations ('Airbus').  The organisation is canonical or ''."""
    raw = re.sub(r"^(?:the|a|an)\s+|\s*['’]s?$", "", strip_end(raw), flags=re.I)
    hit = known_org(raw, lex)
    rest, named = split_country(raw, lex) if hit is None else (raw, "")
    country = country or named
    hit = hit or (known_org(rest, lex) if rest else None) or inner_org(rest, lex)
    if hit is None:
        built = ministry_of(rest, role, country, lex) or office_of(rest, country, lex)
        hit = known_org(built, lex) if built else None
        if hit is None:
            org = built or ("" if is_fragment(rest, lex, names, proper) else raw)  # as written, with its demonym
            return org, country or (country_of(org, lex) if org else "")
    name, kind, home = hit
    return name, (home if kind != "international" else "") or country


def strip_end(text):
    """``text`` without the punctuation around it, but an abbreviation keeps its last
    dot ('U.N.' stays 'U.N.', a gazetteer alias; 'the ministry.' -> 'the ministry')."""
    text = text.strip(" ,;:")
    if text.endswith(".") and not re.search(r"(?:^|[\s(])(?:[A-Za-z]\.){2,}$", text):
        text = text.rstrip(". ,;:")
    return text


def inner_org(text, lex):
    """The gazetteer organisation in ``text`` whose other words are role words
    ('UN Secretary-General' -> United Nations), else None."""
    words = text.split()
    for a in range(len(words)):
        for b in range(len(words), a, -1):
            hit = known_org(" ".join(words[a:b]), lex)
            rest = re.split(r"[\s-]+", " ".join(words[:a] + words[b:]).lower())
            if hit and all(not w or w in lex.ROLE_TERMS or w in _LINK for w in rest):
                return hit
    return None


def is_fragment(text, lex, names=(), proper=()):
    """True when ``text`` is no organisation's name: empty, a word in lower case
    ('political', 'chief financial', 'Human rights'), a single common noun or
    adjective ('Opposition', 'Union', 'Energy'), a single word that is neither an
    acronym, nor in the gazetteer, nor in ``proper`` ('Brno' is a place), or a
    word of a person's name (``names``)."""
    words = [w for w in re.split(r"\s+", text.strip()) if w]
    content = [w for w in words if w.lower() not in _LINK]
    if not content or any(not w[:1].isupper() and not w[:1].isdigit() for w in content):
        return True
    if text in names or any(w in names for w in content):
        return True
    if len(content) == 1:
        word = content[0]
        if word.lower() in common_words(lex):
            return True
        return not (word.replace(".", "").isupper() and len(word) >= 2 or word in proper) and \
            known_org(word, lex) is None
    return False


COUNTRY_WINDOW = 5_000  # how far back a bare institution looks for its country (characters)


def country_before(art, pos):
    """The country named last in the COUNTRY_WINDOW characters of article text
    before ``pos`` (a country, demonym, capital or seat of government, written with
    a capital letter), else ''.  A paragraph that opens with a dateline starts
    another story: the look back stops at it ("KYIV (AP) - ... \n(Reuters) - The
    central bank said": no country's bank)."""
    base = start = max(pos - COUNTRY_WINDOW, 0)
    for m in re.finditer(r"\n\s*", art.text[base:pos]):
        if dateline_end(art.text[base + m.end():pos]):
            start = base + m.end()  # the last dateline before pos
    text = art.text[start:pos]
    low = text.lower()
    best, country = -1, ""
    for pattern, value in art.lex.COUNTRY_PATTERNS:
        for m in pattern.finditer(low):
            if text[m.start()].isupper() and m.start() > best:
                best, country = m.start(), value
    return country


def settle(art):
    """Canonical organisation and country for every entity of article ``art``:
    persons from their titles (a holder of a state office or a ministry's official
    whose title gives no country, 'President Elena Voicu', from the country the
    story is about), organisations from their names (a ministry of no country: the
    story's); a state speaking has no organisation; an unnamed official or a group
    ('Georgian official', 'Kazakh protesters') has the one country its description
    names and no organisation."""
    names = {w for e in art.entities.values() if e.kind == "person" for w in e.name.replace("-", " ").split()}
    names -= {w for w in names if w.lower() in art.lex.ROLE_TERMS}
    proper = {e.name for e in art.entities.values() if e.kind == "org" and e.label == "ORG" and e.organization}
    story = {}  # the story's country, found once when an entity needs it
    for e in art.entities.values():
        if e.kind == "person" and not e.name.split()[-1].islower():  # not an unnamed "Georgian official"
            settle_person(art, e, names, proper, story)
        elif e.organization and is_state(e.name, art.lex):  # "the Republic of Senegal" is a country, as "Japan"
            e.organization = ""
        elif e.organization:
            org, country = organization_of(e.organization, "", e.country, art.lex, (), proper)
            if not country and org in art.lex.MINISTRIES.values():  # "the Ministry of Health": the story's
                country = story_of(art, story)
                org = (ministry_of(org, "", country, art.lex) if country else "") or org
            e.organization, e.country = org, country
        else:
            found = countries_in(e.name, art.lex)
            e.country = e.country or (found.pop() if len(found) == 1 else "")


def settle_person(art, e, names, proper, story):
    """``settle`` for one named person ``e`` (``story``: a memo of ``story_country``)."""
    country = e.country
    if e.organization.lower() in art.lex.OFFICES and e.positions:  # "Government spokesman X"
        country = country or country_before(art, e.positions[0])
    org, country = organization_of(e.organization, e.role, country, art.lex, names, proper)
    hit = known_org(org, art.lex) if org else None
    state_body = org in art.lex.MINISTRIES.values()  # "Foreign Ministry spokeswoman X": a ministry of no country yet
    if not country and (hit is None or hit[1] != "international") and (state_body or any(
            w in art.lex.STATE_OFFICES for w in re.split(r"[\s-]+", e.role.lower()))):
        country = story_of(art, story)
        if country:
            org, country = organization_of(e.organization, e.role, country, art.lex, names, proper)
    e.organization, e.country = org, country


def is_state(name, lex):
    """True when ``name`` names a state: a country with state words only ('Republic of
    Senegal', 'Kingdom of Morocco', 'Japan')."""
    low = name.lower()
    rest = " ".join(w for w in low.split() if w not in lex.STATE_WORDS)
    return bool(lex.COUNTRIES.get(low) or lex.COUNTRIES.get(rest))


def story_of(art, story):
    """``story_country(art)``, found once per article (``story``: the memo)."""
    if "country" not in story:
        story["country"] = story_country(art)
    return story["country"]


def countries_in(text, lex):
    """The set of countries ``text`` names (countries, demonyms, capitals)."""
    low = text.lower()
    return {country for pattern, country in lex.COUNTRY_PATTERNS if pattern.search(low)}


def story_country(art):
    """The country article ``art`` is about: the one it names at least twice as
    often as any other (a capital counts where it stands for a government, not as
    a place: 'in Vienna', 'to Beijing'); '' when none does."""
    text, low = art.text, art.text.lower()
    counts, first, covered = {}, {}, set()
    for pattern, country in art.lex.COUNTRY_PATTERNS:
        for m in pattern.finditer(low):
            if not text[m.start()].isupper() or m.start() in covered:
                continue
            before = low[max(m.start() - 8, 0):m.start()]
            if m.group(0) in art.lex.CAPITALS and re.search(r"\b(?:in|at|to|from|near|via)\s+$", before):
                continue
            covered.update(range(m.start(), m.end()))
            counts[country] = counts.get(country, 0) + 1
            first[country] = min(first.get(country, m.start()), m.start())
    ranked = sorted(counts, key=lambda c: (-counts[c], first[c]))
    if not ranked or len(ranked) > 1 and counts[ranked[0]] < 2 * counts[ranked[1]]:
        return ""  # no country dominates: a story between countries says nothing of a bare title
    return ranked[0]


def common_words(lex):
    """Lower-case common nouns and adjectives that never name an organisation alone
    ('union', 'police', 'energy', 'opposition', 'russian'), built once per lexicon."""
    words = lex._built.get("common_words")
    if words is None:
        words = lex._built["common_words"] = (lex.ORG_WORDS | lex.GROUP_NOUNS | lex.ORG_ANAPHORS | lex.ROLE_TERMS
                                              | lex.DEMONYMS | lex.GOVERNMENT_NOUNS | set(lex.MINISTRIES)
                                              | set(lex.OFFICES) | lex.NOT_ORGANIZATIONS)
    return words
