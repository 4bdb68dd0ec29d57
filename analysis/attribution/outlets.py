"""Datelines and news outlets: never the speaker of words they only pass on.

* A dateline ("BEIJING —", "ASTANA, May 3 (Xinhua) -", "KYIV (Reuters) —") is
  left out of the text that is parsed (``skip_datelines``), so that neither the
  place nor the agency becomes a subject.
* An outlet (lexicon ``outlets``: names as written, or a name next to an outlet
  noun, "the news agency Kazinform") is an organisation with role
  ``OUTLET_ROLE`` (``outlet_name``).  When it relays a named source ("Xinhua
  reported that Minister X had said ...", "According to TASS, X said ...",
  "X said, according to IRNA, that ...", "Citing X, Reuters reported ...") the
  source speaks and the outlet is ``reported_by`` (``relays_a_source``,
  ``relaying_outlet``, ``relayed_span``, ``cited_source``); "X told Reuters"
  is X's.  An outlet with no other source ("the agency reported that ...") is
  the source of what it reports and stays the speaker, its role telling it
  apart; a question it asks ("Asked by AP whether ...") is no statement.
"""
import re

from .context import Entity

OUTLET_ROLE = "news outlet"
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_PLACE_CAPS = r"[A-Z][A-Z'’.\-]+(?: [A-Z][A-Z'’.\-]+){0,3}"  # "BEIJING", "NEW DELHI"
_PLACE = r"[A-Z][\w'’.\-]+(?: [A-Z][\w'’.\-]+){0,3}"  # "Kyiv", "Addis Ababa"
_REGION = r"(?:,\s*[A-Z][\w'’.\-]+(?: [A-Z][\w'’.\-]+){0,2})?"  # ", Kenya", ", Calif."
_DATE = rf"(?:,?\s*{_MONTH}\s+\d{{1,2}}(?:,\s*\d{{4}})?)"
_AGENCY = r"(?:\s*\([^()\n]{1,40}\))"  # "(Reuters)"
_DASH = r"\s*(?:(?:--|-)\s+|[—–]\s*)"  # "BEIJING—" too, but not "KYIV-based"
# a place in capitals, or any place followed by a date or an agency, then a dash;
# or an agency alone ("(Reuters) - ")
DATELINE = re.compile(rf"^(?:{_PLACE_CAPS}{_REGION}{_DATE}?{_AGENCY}?|{_PLACE}{_REGION}(?:{_DATE}{_AGENCY}?|{_AGENCY})"
                      rf"|{_AGENCY}){_DASH}")


def dateline_end(text):
    """Characters of ``text`` that a dateline takes at its start (0: none)."""
    m = DATELINE.match(text)
    return m.end() if m and m.end() < len(text) else 0


def skip_datelines(text, spans):
    """(start, end) paragraph spans of ``text`` with a leading dateline left out."""
    return [(s + dateline_end(text[s:e]), e) for s, e in spans]


def outlet_name(lex, doc, i, j):
    """The name of the outlet that tokens [i, j) of ``doc`` name, else '': a listed
    name ("Xinhua", "the official IRNA news agency" -> "IRNA"), or a name an
    outlet noun stands next to ("the news agency Kazinform", "the Kazinform news
    agency")."""
    i += doc[i].pos_ == "DET"
    words = [t.text for t in doc[i:j]]
    name = doc[i:j].text
    trimmed = next((name[:-len(n) - 1] for n in lex.OUTLET_NOUNS if name.lower().endswith(" " + n)), name)
    if name in lex.OUTLET_NAMES or trimmed in lex.OUTLET_NAMES:
        return trimmed if trimmed in lex.OUTLET_NAMES else name
    before = " ".join(t.lower_ for t in doc[max(i - 2, 0):i])
    after = " ".join(t.lower_ for t in doc[j:j + 2])
    near = any(before == n or before.endswith(" " + n) or after == n or after.startswith(n + " ")
               for n in lex.OUTLET_NOUNS)
    return trimmed if near and words and all(w[:1].isupper() for w in words) else ""


def outlet_entity(art, name):
    """The article's Entity for outlet ``name`` (an organisation, role ``OUTLET_ROLE``)."""
    key = "org:" + name.lower()
    entity = art.entities.get(key)
    if entity is None or entity.role != OUTLET_ROLE:
        entity = art.entities[key] = Entity(name, "org", organization=name, role=OUTLET_ROLE, label="ORG")
    return entity


def is_outlet(entity):
    """True for an Entity that names a news outlet."""
    return entity is not None and entity.role == OUTLET_ROLE


def relays_a_source(art, doc, i, j, speaker):
    """True when ``speaker`` is an outlet and tokens [i, j) -- what it is said to
    report -- hold a reporting verb with a subject of its own ("Xinhua reported
    that Minister X had said ..."): the words are the source's, found by its own
    verb, and the outlet is only its relay."""
    if not is_outlet(speaker):
        return False
    return any(t.lemma_.lower() in art.lex.REPORT_VERBS and t.pos_ in ("VERB", "AUX") and
               any(c.dep_ in ("nsubj", "nsubjpass") and c.pos_ in ("PROPN", "NOUN") for c in t.children)
               for t in doc[i:j])


def relaying_outlet(art, p, verb):
    """The outlet that relays what reporting verb ``verb`` reports, else '': the
    subject of a reporting verb above it ("Xinhua reported that X said ..."), or an
    "according to OUTLET" phrase of its sentence."""
    for up in verb.ancestors:
        subj = next((c for c in up.children if c.dep_ == "nsubj"), None)
        if up.lemma_.lower() in art.lex.REPORT_VERBS and subj is not None and outlet_at(art, p, subj):
            return outlet_at(art, p, subj).name
    sent = verb.sent
    for t in sent:
        to = sent.doc[t.i + 1] if t.i + 1 < sent.end else t
        if t.lower_ == "according" and to.lower_ == "to":
            source = next((c for c in to.children if c.dep_ == "pobj"), None)
            found = source is not None and outlet_at(art, p, source)
            if found:
                return found.name
    return ""


def outlet_at(art, p, token):
    """The outlet Entity whose mention in paragraph ``p`` holds ``token`` or the
    noun phrase it heads ("the official IRNA news agency"), else None."""
    lo, hi = token.left_edge.i, token.right_edge.i
    return next((m.entity for m in art.mentions.get(p, []) if is_outlet(m.entity) and lo <= m.i <= hi), None)


def relayed_span(art, p, doc, verb, span):
    """((i, j), outlet) for the token span (i, j) that reporting verb ``verb``
    reports, less an outlet's relay inside it: "X said, according to IRNA, that
    ..." (a leading according-phrase) and "X said ..., Anadolu reported." (a
    trailing report); ``outlet`` is the relaying outlet's name, else ''."""
    i, j = span
    relay = relaying_outlet(art, p, verb)
    if j - i >= 3 and doc[i].lower_ == "according" and doc[i + 1].lower_ == "to":
        k = next((k for k in range(i + 2, j) if doc[k].text == ","), None)
        if k is not None:  # the phrase goes, and a "that" after its comma
            i = k + 1 + (k + 1 < j and doc[k + 1].lower_ == "that")
    for t in doc[i:j]:
        subj = next((c for c in t.children if c.dep_ == "nsubj"), None)
        if t.lemma_.lower() in art.lex.REPORT_VERBS and subj is not None and outlet_at(art, p, subj) \
                and subj.left_edge.i > i and doc[subj.left_edge.i - 1].text == ",":
            j, relay = subj.left_edge.i - 1, relay or outlet_at(art, p, subj).name
            break
    return (i, j), relay


def cited_source(verb, span):
    """(source token, span) when an outlet's report cites its source ("Citing a
    senior official, Reuters reported that ...", "Interfax, citing X, reported
    ...", "... killed 12 people, citing local authorities"): the object of
    "citing", and the token span (i, j) less a citing phrase at its end; else
    (None, span)."""
    i, j = span
    for t in verb.subtree:
        obj = next((c for c in t.children if c.dep_ == "dobj"), None)
        if t.lemma_.lower() == "cite" and t.dep_ == "advcl" and obj is not None:
            if i < t.left_edge.i < j <= t.right_edge.i + 1:
                j = t.left_edge.i - (verb.doc[t.left_edge.i - 1].text == ",")
            return obj, (i, j)
    return None, span


def asks(art, verb, speaker):
    """True when an outlet asks ("Asked by AP whether ..."): a question, not a statement."""
    return is_outlet(speaker) and verb.lemma_.lower() in art.lex.ASKING_VERBS
