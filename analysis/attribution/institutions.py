"""Bare institutions as speakers: "the government", "the cabinet of ministers",
"the foreign ministry", "the Secretariat" said ... -- whose, the article says.

``bare_institution(art, phrase, pos)`` -> the Entity the phrase stands for, or
None when it is no bare institution or the article does not say whose:

* a state's body (``offices.json``: government, cabinet, parliament ...) gets
  the country named last before ``pos`` ("Government of Kazakhstan");
* a ministry by its portfolio ("the foreign ministry") the same way
  ("Ministry of Foreign Affairs of Kazakhstan"); a bare "the ministry" or "the
  department" is the ministry of the minister named last before it;
* a body named by its part ("the Secretariat") is the organisation of the
  gazetteer named last before it (its Entity: the body speaks for it).
"""
import re

from .context import Entity
from .metadata import country_before, known_org, ministry_of, office_of, organization_of, split_country


def org_before(art, pos):
    """The Entity of the organisation named last before ``pos`` (one of the gazetteer
    first, else any named by spaCy as an organisation), else None."""
    named = [e for e in art.entities.values() if e.kind == "org" and e.label == "ORG" and e.positions
             and e.positions[0] < pos and e.name.lower() not in art.lex.OFFICES]
    known = [e for e in named if known_org(e.name, art.lex) is not None]
    return max(known or named, key=lambda e: e.last) if named else None


def minister_before(art, pos):
    """The ministry of the minister (or secretary) named last before ``pos`` ('Health
    Minister X', 'Foreign Secretary Y'), else ''."""
    people = [e for e in art.entities.values() if e.kind == "person" and e.positions and e.positions[0] < pos
              and re.search(r"minister|secretary", e.role.lower())]
    for e in sorted(people, key=lambda e: e.last, reverse=True):
        name = organization_of(e.organization, e.role, e.country, art.lex)[0]
        if name.startswith("Ministry"):
            return name
    return ""


def bare_institution(art, phrase, pos):
    """The Entity for bare institution ``phrase`` ('government', 'the Secretariat')
    at article offset ``pos``, named for whose it is; None when the phrase names no
    bare institution or the article does not say whose."""
    low, named = split_country(re.sub(r"^(?:the|its)\s+", "", phrase.strip().lower()), art.lex)
    if named or low not in art.lex.OFFICES and not re.fullmatch(r"(?:[\w ]+ )?(?:ministry|department)", low):
        return None  # "the Kazakh foreign ministry" says whose: a name, kept as written
    if art.lex.OFFICES.get(low) == "{org}":  # "the Secretariat": the body itself speaks
        return org_before(art, pos)
    country = country_before(art, pos)
    if not country:  # the article does not say whose: the phrase stays as written
        return None
    if low in ("ministry", "department"):
        name = minister_before(art, pos)
    else:
        name = office_of(low, country, art.lex) or ministry_of(low, "", country, art.lex)
    if not name:
        return None
    hit = known_org(name, art.lex)
    name = hit[0] if hit else name
    entity = art.entities.setdefault("org:" + name.lower(), Entity(name, "org", organization=name,
                                                                    country=country))
    entity.aliases.add(phrase.strip())
    return entity
