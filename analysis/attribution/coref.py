"""Coreference: the speaker an attribution's subject token stands for -- a named
mention, a pronoun ("she", "they", "it"), a role noun ("the minister",
"his spokesman", "an official"), a group ("Treasury officials") or an
organisation referred back to ("the company", "the administration")."""

import bisect
import re

from .context import NOBODY, Entity, Speaker
from .institutions import bare_institution
from .names import name_gender, org, person


def resolve_pronoun(art, word, pos, paragraph, exclude=None):
    """Resolve he/she/they at ``pos`` -> (Entity, confidence) or (None, 0);
    ``exclude`` is the subject of the pronoun's own clause ("A quoted her")."""
    word = word.lower()
    if word == "it":  # an organisation that spoke ("The ministry said ... It added")
        for e in speakers_before(art, pos)[:2] + mentioned_before(art, pos, paragraph, person=False,
                                                               subjectlike=True):
            if e.kind == "org":
                return e, art.lex.CONF["it_org"]
        return None, 0.0
    if word in art.lex.PLURAL_PRONOUNS:
        for e in mentioned_before(art, pos, paragraph, person=False):
            if e.kind == "org":
                return e, art.lex.CONF["they_org_in_paragraph"]
        for e in speakers_before(art, pos):
            if e.kind == "org":
                return e, art.lex.CONF["they_org_speaker"]
        return None, 0.0
    gender = art.lex.PRONOUN_GENDER.get(word, "")
    voice = last_voice(art, pos)
    tiers = [(mentioned_before(art, pos, paragraph, subjectlike=True), art.lex.CONF["pronoun_subject_in_paragraph"]),
             ([e for e in speakers_before(art, pos) if e.kind == "person"], art.lex.CONF["pronoun_last_speaker"]),
             (mentioned_before(art, pos), art.lex.CONF["pronoun_earlier_mention"])]
    for candidates, conf in tiers:
        candidates = [e for e in candidates if e is not exclude]
        if candidates and candidates[0] is voice and voice.gender in ("", gender):
            return voice, conf  # the nearest, who has just spoken: a friend quoted after the main person
        # within a tier a known matching gender beats an unknown one
        match = [e for e in candidates if gender and e.gender == gender] or \
            [e for e in candidates if not gender or not e.gender]
        if match:
            if gender and not match[0].gender:
                match[0].gender = gender
            return match[0], conf
    return None, 0.0


def last_voice(art, pos):
    """The person who spoke the statement just before ``pos``, when it starts at
    most two sentences before; else None."""
    k = art._last_index(pos)
    if k < 0:
        return None
    st = art.statements[art.spoken[k][1]]
    near = art._sentence(pos) - art._sentence(st["start"]) <= 2
    return st["entity"] if near and st["entity"].kind == "person" else None


def resolve_role(art, phrase, pos, paragraph, exclude=None):
    """Resolve a role noun phrase ('the deputy') to a person seen before ``pos``,
    not ``exclude`` (the speaker who relays it: "A said the governor had warned him")."""
    phrase = re.sub(r"^(the|this|that)\s+", "", phrase.lower()).strip()
    words = set(re.findall(r"[\w-]+", phrase)) - {"of", "the"}
    keys = {w for w in words if w in art.lex.ROLE_WORDS} or words
    syn = set()
    for k in list(keys) + [phrase]:
        syn |= art.lex.ROLE_SYNONYMS.get(k, set())
    people = []
    for e in mentioned_before(art, pos) + [e for e in speakers_before(art, pos) if e.kind == "person"]:
        if e not in people and e is not exclude:
            people.append(e)
    for e in people:
        if e.title and all(k in e.title for k in keys):
            return e, art.lex.CONF["title_match"]
    for e in people:
        if e.title and any(s in e.title for s in syn):
            return e, art.lex.CONF["title_synonym"]
    here = [e for e in mentioned_before(art, pos, paragraph, subjectlike=True) if e is not exclude]
    if here:
        return here[0], art.lex.CONF["subject_in_paragraph"]
    spk = [e for e in speakers_before(art, pos) if e.kind == "person" and e is not exclude]
    return (spk[0], art.lex.CONF["last_speaker"]) if spk else (None, 0.0)


def mention_at(art, doc, p, token):
    """The Mention whose tokens hold ``token`` or hang off it (appos, 'of X'),
    restricted to the noun phrase headed by ``token``; of those hanging off it, a
    person first ("The President of Kazakhstan, Kassym-Jomart Tokayev": the person,
    not the country)."""
    sub = {t.i for t in token.subtree}
    found = []
    for m in art.mentions.get(p, []):
        if m.i <= token.i < m.j:
            return m
        if (m.j - 1) in sub:
            chain, t = [], doc[m.i:m.j].root  # climb from the name's own head
            while t.i != token.i and t.head.i != t.i and len(chain) < 5:
                chain.append(t.dep_)
                t = t.head
            if t.i == token.i and set(chain) <= {"compound", "appos", "pobj", "prep", "det"}:  # "det": "The X agency"
                found.append(m)
    return next((m for m in found if m.entity.kind == "person"), found[0] if found else None)


def speaker_of(art, doc, p, base, token, exclude=None):
    """The ``Speaker`` the subject/agent token ``token`` stands for (see
    ``one_speaker``); a subject that joins names ("Lena Fischer and Omar Haddad
    said", "according to the UN and the EU") is a joint Speaker, the first name
    its ``entity`` and the others ``also``."""
    if token.lower_ in ("who", "that") and token.head.dep_ == "relcl":
        token = token.head.head
    parts = conjuncts(art, doc, p, token)
    if len(parts) > 1:
        found = [one_speaker(art, doc, p, base, t, exclude) for t in parts]
        entities = []
        for who in found:
            if who.entity is not None and who.entity not in entities:
                entities.append(who.entity)
        if len(entities) == len(found):
            return found[0]._replace(conf=min(who.conf for who in found), also=tuple(entities[1:]))
    return one_speaker(art, doc, p, base, token, exclude)


def conjuncts(art, doc, p, token):
    """Head tokens of the parts of a subject that joins names with 'and' or
    commas ("Health Minister Lena Fischer and Finance Minister Omar Haddad",
    "Britain, France and Germany", "the governor and the state police"), one
    per part, when every part holds a name, a group or a role noun and no split
    falls inside a name ("Ministry of Trade and Industry"); else
    [token].  Clauses and prepositional phrases hung on the subject are not
    searched ("officials from France and Germany" is one group)."""
    skip = set()
    for t in token.subtree:
        if t.i != token.i and t.dep_ in ("relcl", "acl", "prep", "advcl", "ccomp", "parataxis"):
            skip.update(x.i for x in t.subtree)
    starts = sorted(t.left_edge.i for t in token.subtree if t.dep_ == "conj" and t.i not in skip)
    if not starts:
        return [token]
    mentions = art.mentions.get(p, [])
    if any(m.i < s < m.j for m in mentions for s in starts):
        return [token]
    bounds = [token.left_edge.i, *starts, token.right_edge.i + 1]
    heads = []
    for a, b in zip(bounds, bounds[1:]):
        piece = [t for t in doc[a:b] if t.i not in skip and not t.is_punct and t.dep_ != "cc"]
        if not piece:
            return [token]
        inside = {t.i for t in piece}
        head = max(piece, key=lambda t: len(inside.intersection(x.i for x in t.subtree)))
        if not any(a <= m.i and m.j <= b for m in mentions) and (head.lemma_.lower() not in art.lex.GROUP_NOUNS and (
                head.lower_ not in art.lex.ROLE_WORDS or head.lower_ in art.lex.ACQUAINTANCES)):
            return [token]  # "Smith and his wife": a part that is neither a name, a group nor an office
        heads.append(head)
    return heads


def one_speaker(art, doc, p, base, token, exclude=None):
    """The ``Speaker`` of one subject/agent token: a pronoun resolved, a named
    person or organisation, a spokesperson's principal ("his spokesman said":
    the spokesperson is the ``relay``), a role noun resolved to a person seen
    before, a group, or a proper noun the name finder missed."""
    pos = base + token.idx
    low = token.lower_
    if low in art.lex.SKIP_SUBJECTS:
        return NOBODY
    if low in art.lex.PRONOUN_GENDER or low in art.lex.PLURAL_PRONOUNS or low == "it":
        e, conf = resolve_pronoun(art, low, pos, p, exclude)
        surface = low
        if e is not None and token.i + 1 < len(doc) and doc[token.i + 1].lower_ in ("himself", "herself"):
            surface = doc[token.i:token.i + 2].text
        k = art._last_index(pos)
        group = art.statements[art.spoken[k][1]]["group"] if k >= 0 else ()
        if low in art.lex.PLURAL_PRONOUNS and e in group:  # "X and Y said ... they added": both
            return Speaker(group[0], conf, "", also=group[1:])
        return Speaker(e, conf, surface)
    m = mention_at(art, doc, p, token)
    if m is None and token.lemma_.lower() in art.lex.ACQUAINTANCES and token.tag_ != "NNS":
        return acquaintance(art, doc, p, base, token, exclude)
    # a singular role noun stands for one person; plural ones ("officials") are groups
    role_head = (low in art.lex.ROLE_WORDS or token.lemma_.lower() in art.lex.ROLE_WORDS) and token.tag_ != "NNS"
    det = [c for c in token.children if c.dep_ in ("det", "poss")]
    principal = speaks_for(art, doc, p, base, token, exclude) if role_head and det and det[0].lower_ != "the" \
        else None
    if principal is not None:  # "his spokesman (Stephane Dujarric)", "a spokeswoman for the ministry"
        named = m is not None and m.entity.kind == "person" and m.entity is not principal[0]
        return Speaker(principal[0], principal[1], "", m.entity.name if named else relay_phrase(token, principal[0]))
    again = relayed_before(art, pos, token) if role_head and m is None and token.lemma_.lower() in \
        art.lex.SPOKESPERSONS and [d.lower_ for d in det] == ["the"] else None
    if again is not None:
        return again
    if m is not None and m.entity.kind == "org" and token.tag_ == "NNS" and \
            token.lemma_.lower() in art.lex.PEOPLE_GROUPS and m.i != token.i:
        m = None  # "Treasury officials", "health officials in Romania": a described group
    if m is not None and (m.entity.kind == "person" or not role_head and not any(
            mm.entity.kind == "person" and mm.i >= token.left_edge.i and mm.j <= token.right_edge.i + 1
            for mm in art.mentions.get(p, []))):
        return Speaker(m.entity, art.lex.CONF["named_person" if m.entity.kind == "person" else "named_org"],
                       m.surface)
    np_tokens = [t for t in token.subtree
                 if t.i <= token.i or t.dep_ in ("prep", "pobj", "det", "compound", "amod")]
    phrase = doc[min(t.i for t in np_tokens):max(t.i for t in np_tokens) + 1].text
    if role_head:
        if det and det[0].lower_ in ("a", "an"):
            return indefinite_role(art, doc, p, pos, token, phrase)
        e, conf = resolve_role(art, phrase, pos, p, exclude)
        if e is None and m is not None:
            return Speaker(m.entity, art.lex.CONF["role_named_in_phrase"], m.surface)
        if e is None:  # nobody named fits: an unnamed speaker ("the official")
            name = role_phrase(art, token)
            entity = art.entities.setdefault("role:" + name.lower(), Entity(name, "person"))
            return Speaker(entity, art.lex.CONF["unnamed_role"], name)
        return Speaker(e, conf, phrase)
    if token.lemma_.lower() in art.lex.GROUP_NOUNS or low in art.lex.GROUP_NOUNS:
        return group_speaker(art, token, pos)
    if token.pos_ == "PROPN" and token.text[:1].isupper() and low not in art.lex.COUNTRIES:
        return unlisted_name(art, token, pos)
    return NOBODY  # a demonym or country word alone is never a speaker


def acquaintance(art, doc, p, base, token, exclude=None):
    """The ``Speaker`` of an unnamed friend, relative or bystander (``ACQUAINTANCES``):
    'the neighbour' -> the person named with that word before ("a neighbour,
    Ana Ruiz, ..."); 'her brother' / "Rojas's brother" -> an unnamed person
    "Camila Rojas's brother"; else (and 'a friend') the unnamed "friend".  Never
    the story's main person by default, as a role noun would be."""
    noun = token.lemma_.lower()
    det = [c for c in token.children if c.dep_ in ("det", "poss")]
    pos = base + token.idx
    if [d.lower_ for d in det] == ["the"]:
        for e in mentioned_before(art, pos):
            if e.title and noun in e.title.split():
                return Speaker(e, art.lex.CONF["title_match"], doc[token.left_edge.i:token.i + 1].text)
    name = role_phrase(art, token)
    if det and det[0].dep_ == "poss":
        owner = speaker_of(art, doc, p, base, det[0], exclude).entity
        if owner is None or owner.kind != "person":
            return NOBODY
        words = [t.text for t in doc[det[0].right_edge.i + 1:token.i + 1] if t.tag_ != "POS"]
        name = f"{owner.name}'s {' '.join(words)}"
    entity = art.entities.setdefault("role:" + name.lower(), Entity(name, "person", title=noun))
    return Speaker(entity, art.lex.CONF["relative_of" if det and det[0].dep_ == "poss" else "unnamed_role"], name)


def group_speaker(art, token, pos):
    """A group noun ("protesters", "Treasury officials", "the company") -> the
    organisation it refers back to, the group the article described before, or
    the described group itself."""
    name = re.sub(r"^(the|a|an|some|many|several)\s+", "", group_phrase(art, token), flags=re.I)
    named = resolve_org_anaphor(art, token, pos)
    if named is not None:
        return Speaker(named, art.lex.CONF["org_anaphor"], name)
    bare = bare_institution(art, name, pos)  # "the government": of the country named before
    if bare is not None:
        return Speaker(bare, art.lex.CONF["org_anaphor"], name)
    if " " not in name:  # bare "protesters": the group the article described before
        described = [e for e in art.entities.values() if e.kind == "org" and e.last < pos
                     and e.name.lower().endswith(" " + name.lower()) and e.name[:1].isupper()]
        if described:
            return Speaker(max(described, key=lambda e: e.last), art.lex.CONF["described_group"], name)
    key = "org:" + name.lower()
    entity = art.entities.setdefault(key, Entity(name, "org"))
    entity.last = max(entity.last, pos)
    if name[:1].isupper() or name.lower() in art.lex.ORG_WORDS:  # "Police", "Kazakh protesters"
        bisect.insort(entity.positions, pos)
    return Speaker(entity, art.lex.CONF["group"], name)


def relay_phrase(token, principal):
    """How an unnamed spokesperson is written in ``reported_by``: 'his spokesman'
    -> "Antonio Guterres's spokesman", 'a spokeswoman for the ministry' ->
    'spokeswoman for the ministry'."""
    doc = token.doc
    right = token.i + 1
    for c in token.rights:
        if c.dep_ == "prep" and c.lower_ in ("for", "of", "to") and c.i == right:
            right = c.right_edge.i + 1
    left = [t for t in doc[token.left_edge.i:token.i + 1] if t.dep_ not in ("det", "punct")]
    text = " ".join([t.text for t in left if not (t.dep_ == "poss" and t.pos_ == "PRON")] +
                    [doc[token.i + 1:right].text] * (right > token.i + 1))
    if any(t.dep_ == "poss" and t.pos_ == "PRON" for t in left):  # "his" stood for the principal
        text = f"{principal.name}'s {text}"
    return text


def speaks_for(art, doc, p, base, token, exclude=None):
    """For an unnamed spokesperson ("his spokesman", "a spokeswoman for the
    ministry", "Putin's spokesman"): (Entity, conf) of whom they speak for, else None."""
    if token.lemma_.lower() not in art.lex.SPOKESPERSONS:
        return None
    for c in token.children:
        if c.dep_ == "poss":  # "Guterres has called on ..., his spokesman said": the clause's subject
            target = (reported_subject(art, p, token) if c.pos_ == "PRON" else None) or c
        elif c.dep_ == "prep" and c.lower_ in ("for", "of"):
            target = next((g for g in c.children if g.dep_ == "pobj"), None)
        else:
            target = None
        if target is None:
            continue
        entity, conf = speaker_of(art, doc, p, base, target, exclude)[:2]
        if entity is None:  # "a spokesperson for the force"
            entity, conf = resolve_org_anaphor(art, target, base + target.idx), art.lex.CONF["org_anaphor"]
        if entity is not None:
            return entity, round(conf * art.lex.CONF["x_spokesperson"], 2)
    return None


def reported_subject(art, p, token):
    """The named subject of the clause that spokesperson ``token`` reports
    ("Guterres has called on ..., his spokesman said" -> Guterres), else None."""
    if token.dep_ != "nsubj":
        return None
    for c in token.head.children:
        if c.dep_ in ("ccomp", "parataxis"):
            subj = next((g for g in c.children if g.dep_ in ("nsubj", "nsubjpass")), None)
            m = mention_at(art, token.doc, p, subj) if subj is not None else None
            if m is not None and m.entity.label != "GPE":
                return subj
    return None


def relayed_before(art, pos, token):
    """'the spokesman added' after "..., his spokesman said": the Speaker of the
    latest statement relayed by a spokesperson of that noun, else None."""
    noun = token.lower_
    last = art._last_index(pos)
    for k in range(last, max(last - 10, -1), -1):  # the ten statements before, latest first
        st = art.statements[art.spoken[k][1]]
        if noun in st["reported_by"].lower().split():
            return Speaker(st["entity"], art.lex.CONF["spokesperson_again"], "", st["reported_by"])
    return None


def indefinite_role(art, doc, p, pos, token, phrase):
    """'an official', 'a UK Foreign Office official', 'a senior Kazakh official'
    -> Speaker: the organisation named in the phrase, else the
    organisation named just before in the paragraph, else the described role."""
    lo, hi = token.left_edge.i, token.right_edge.i
    orgs = [mm for mm in art.mentions.get(p, []) if mm.entity.kind == "org" and lo <= mm.i <= hi
            and mm.entity.label != "GPE"]
    if orgs:
        return Speaker(orgs[0].entity, art.lex.CONF["org_in_role_phrase"], phrase)
    name = role_phrase(art, token)
    if " " not in name:  # a bare "official": the institution the paragraph names before
        before = [mm.entity for mm in art.mentions.get(p, []) if mm.entity.kind == "org"
                  and mm.pos < pos and mm.entity.label not in ("GPE", "NORP")]
        if before:
            return Speaker(before[-1], art.lex.CONF["org_named_before_role"], phrase)
    if doc[lo:hi + 1].text.lower() in art.lex.COUNTRIES:
        return NOBODY
    entity = art.entities.setdefault("role:" + name.lower(), Entity(name, "person"))
    return Speaker(entity, art.lex.CONF["unnamed_role"], name)


def group_phrase(art, token):
    """'Treasury officials', 'health officials in Romania', 'Armenian analysts':
    the group noun with its modifiers and a following in/at/from/of phrase."""
    doc = token.doc
    right = token.i + 1
    for c in token.rights:
        if c.dep_ == "prep" and c.lower_ in ("in", "at", "from", "of") and c.i == right:
            right = c.right_edge.i + 1
    return doc[token.left_edge.i:right].text


def unlisted_name(art, token, pos):
    """A proper noun the name finder missed, used as the subject of a
    reporting verb ("Trump wrote ..."): a person, or an organisation when
    its words say so -> Speaker."""
    left = min([c.i for c in token.children if c.dep_ == "compound" and c.pos_ == "PROPN"] + [token.i])
    span = token.doc[left:token.i + 1]
    if any(t.lower_ in art.lex.ORG_WORDS for t in span):
        entity = org(art, span, "ORG")
    else:
        entity = person(art, span.text)
        entity.gender = entity.gender or name_gender(entity.name, art.lex)
    bisect.insort(entity.positions, pos)
    entity.last = max(entity.last, pos)
    return Speaker(entity, art.lex.CONF["unlisted_name"], span.text)


def role_phrase(art, token):
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


def resolve_org_anaphor(art, token, pos):
    """'the company' / 'the ministry' (definite, singular, no modifier) -> the
    organisation named before ``pos`` whose name holds the noun, else the most
    recent named organisation (not a place) for generic nouns; else None."""
    noun = token.lemma_.lower()
    det = [c.lower_ for c in token.children if c.dep_ in ("det", "poss")]
    modified = any(c.dep_ in ("compound", "amod") for c in token.children)
    if noun not in art.lex.ORG_ANAPHORS or token.tag_ == "NNS" or det not in (["the"], ["its"]) or modified:
        return None
    orgs = [e for e in mentioned_before(art, pos, person=False) if e.kind == "org" and e.label != "GPE"]
    for e in orgs:
        if noun in e.name.lower().split():
            return e
    if noun in art.lex.GOVERNMENT_NOUNS:  # "the administration" after "the White House said"
        return next((e for e in orgs if e.name.lower() in art.lex.INSTITUTION_COUNTRIES), None)
    generic = noun not in ("ministry", "department", "party", "union", "university", "institute",
                           *art.lex.GOVERNMENT_NOUNS)
    return orgs[0] if orgs and generic else None


def mentioned_before(art, pos, paragraph=None, person=True, subjectlike=False):
    """Entities mentioned before ``pos`` (in ``paragraph`` when given), most
    recent first."""
    if paragraph is None:
        last = {e: e.positions[bisect.bisect_left(e.positions, pos) - 1]
                for e in art.entities.values()
                if e.positions and e.positions[0] < pos and (e.kind == "person" or not person)}
        return sorted(last, key=last.get, reverse=True)
    out = []
    for m in reversed(art.mentions.get(paragraph, [])):
        if m.pos < pos and (m.entity.kind == "person" or not person) and \
                (m.subjectlike or not subjectlike) and m.entity not in out:
            out.append(m.entity)
    return out


def speakers_before(art, pos):
    """Speakers of statements starting before ``pos``, most recent first."""
    seen = []
    for k in range(bisect.bisect_left(art.spoken, (pos, -1)) - 1, -1, -1):
        e = art.statements[art.spoken[k][1]]["entity"]
        if e not in seen:
            seen.append(e)
            if len(seen) > 8:  # resolution never needs to look further back
                break
    return seen
