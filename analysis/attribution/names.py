"""Names and titles: which token runs name a person or an organisation, the
Entity each mention stands for, and the role / organisation / country its
title gives (``parse_title``)."""

import re

from .context import Entity, Mention, default_lexicon
from .countries import country_of
from .outlets import outlet_entity, outlet_name
from .variants import same_person, same_surname


def name_gender(name, lex=None):
    """'f', 'm' or '' guessed from a person's given name or surname ending."""
    lex = lex or default_lexicon()
    words = name.lower().replace("-", " ").split()
    if len(words) < 2:
        return ""
    if words[0] in lex.FEMALE_NAMES or lex.FEMALE_SURNAME.search(words[-1]):
        return "f"
    if words[0] in lex.MALE_NAMES or lex.MALE_SURNAME.search(words[-1]):
        return "m"
    return ""


# Portfolios that complete a role ("Secretary of State", "Secretary of State for Defence"), not organisations.
PORTFOLIO = re.compile(r"(?:state|defen[cs]e|(?:the )?treasury|commerce|energy|labou?r|education|agriculture|"
                       r"transportation|(?:the )?interior|homeland security|justice)(?: for [\w ]+)?", re.I)


def parse_title(title, lex=None):
    """Split a title string into (role, organization, country).

    'US State Department spokesman' -> ('spokesman', 'US State Department',
    'United States'); 'President of Kazakhstan' -> ('President', '', 'Kazakhstan');
    'U.S. Secretary of State' -> ('Secretary of State', '', 'United States');
    'Dep. PM' -> ('deputy prime minister', '', '') (see ``abbreviated_role``).
    """
    lex = lex or default_lexicon()
    title = re.sub(r"^(the|a|an)\s+", "", title.strip(" ,"), flags=re.I)
    if not title:
        return "", "", ""
    abbreviated = abbreviated_role(title, lex)
    if abbreviated is not None:
        return abbreviated
    for prep in (" for ", " at ", " with "):  # "a spokeswoman for the Red Cross"
        head, sep, rest = title.partition(prep)
        if sep and " of " not in head and head.split()[-1].lower() in lex.ROLE_WORDS:
            role, org, country = parse_title(head, lex)
            return role or head, org or rest, country or country_of(rest, lex)
    head, sep, rest = title.partition(" of ")
    if sep and any(w.lower() in lex.ROLE_WORDS for w in head.split()):
        if PORTFOLIO.fullmatch(rest):  # "U.S. Secretary of State": the portfolio is part of the role
            role, org, country = parse_title(head, lex)
            return f"{role} of {rest}", org, country
        role = head
        rest = re.sub(r"^(the)\s+", "", rest.strip(), flags=re.I)
        if rest.lower() in lex.COUNTRIES:
            return role, "", lex.COUNTRIES[rest.lower()]
        org, sep2, tail = rest.rpartition(" of ")
        if sep2 and tail.lower() in lex.COUNTRIES and org:
            return role, org, lex.COUNTRIES[tail.lower()]
        return role, rest, country_of(rest, lex)
    words = title.split()
    k = len(words)
    while k > 0 and all(part in lex.ROLE_TERMS for part in words[k - 1].lower().split("-")) and \
            words[k - 1].split("-")[-1].lower() in lex.ROLE_WORDS | lex.ROLE_MODIFIERS:  # "Secretary-General"
        k -= 1
    if k == len(words):
        return "", "", ""
    while k < len(words) - 1 and words[k].lower() not in lex.ROLE_TERMS:
        k += 1
    role = " ".join(words[k:])
    prefix = " ".join(words[:k])
    country = country_of(prefix, lex)
    if prefix.lower() in lex.COUNTRIES and country:  # not 'EU': a supranational word is an organisation
        return role, "", country
    return role, prefix, country


def abbreviation(lex, word):
    """The words abbreviated title ``word`` stands for ('Dep.' -> 'deputy', 'FM' ->
    'foreign minister'; lexicon ``title_abbreviations``, written exactly so), else ''."""
    return lex.TITLE_ABBREVIATIONS.get(word, "")


def expand_abbreviations(title, lex):
    """``title`` with each abbreviated title word written out: 'U.N. Sec.-Gen.' ->
    'U.N. secretary-general'."""
    return " ".join(abbreviation(lex, w) or w for w in title.split())


def abbreviated_role(title, lex):
    """(role, organization, country) of a title that ends in abbreviations: the
    role is what they stand for, the words before them name the organisation or
    country ('Russian FM' -> ('foreign minister', '', 'Russia'), 'U.N. Sec.-Gen.'
    -> ('secretary-general', 'U.N.', '')); None when the title ends otherwise."""
    words = title.split()
    k = len(words)
    while k > 0 and abbreviation(lex, words[k - 1]):
        k -= 1
    if k == len(words):
        return None
    role = " ".join(abbreviation(lex, w) for w in words[k:])
    rest = re.sub(r"['’]s$", "", " ".join(words[:k]).strip(" ,"))  # "Nigeria's FM"
    if not rest or rest.lower() in lex.COUNTRIES:
        return role, "", lex.COUNTRIES.get(rest.lower(), "")
    return role, rest, country_of(rest, lex)


def name_tokens(art, doc, i, j):
    """Trim titles, roles, countries, determiners and possessives off a name."""
    while i < j and (doc[i].lower_ in art.lex.ROLE_WORDS or doc[i].lower_ in art.lex.ROLE_MODIFIERS
                     or doc[i].lower_.rstrip(".") in art.lex.ROLE_WORDS
                     or doc[i].lower_ in art.lex.COUNTRIES or doc[i].pos_ == "DET"
                     or not doc[i].text[:1].isupper() or abbreviation(art.lex, doc[i].text)
                     or (j - i > 2 and doc[i].lower_ not in art.lex.GIVEN_NAMES and (
                         doc[i].pos_ == "NOUN" or doc[i].lower_.endswith(art.lex.OCCUPATION_SUFFIXES)))):
        # "Nutritionist Karen Bell", "Midfielder Jonas Berg" (not "Peter Alan Smith")
        i += 1
    while j > i and (doc[j - 1].tag_ == "POS" or doc[j - 1].is_punct):
        j -= 1
    roles = [k for k in range(i, j) if doc[k].lower_ in art.lex.ROLE_TERMS]
    if roles:  # "NATO Secretary General Jane Roe": the name follows the title
        i = roles[-1] + 1
    return i, j


def candidates(art, doc):
    """Yield (i, j, label, titled) for name-like token runs in ``doc``."""
    seen = set()
    ents = []
    for ent in doc.ents:  # join split names: "Prince Abdulaziz" + "bin Salman"
        start, label = ent.start, ent.label_
        if label in ("ORG", "GPE") and person_like(art, doc, start, ent.end, label):  # "Ana Reyes" read as ORG "Reyes"
            start, label = start - (start > 0 and doc[start - 1].lower_ in art.lex.GIVEN_NAMES), "PERSON"
        if ents and label == ents[-1][2] == "PERSON" and start == ents[-1][1]:
            ents[-1][1] = ent.end
        elif label in ("PERSON", "ORG", "GPE", "NORP", "FAC") and not all(
                abbreviation(art.lex, t.text) for t in ent):  # "Pres." alone is a title, not a place
            start, end = hyphen_ends(doc, start, ent.end) if label == "PERSON" else (start, ent.end)
            ents.extend([a, b, label] for a, b in comma_parts(doc, start, end))
    floor = 0
    for start, end, label in ents:
        titled = start > 0 and (doc[start - 1].lower_ in art.lex.ROLE_WORDS)
        k = start
        while k > floor and doc[k - 1].pos_ == "PROPN":
            k -= 1
        if k < start and label in ("PERSON", "ORG") and abbreviation(art.lex, doc[k].text):
            start, label, titled = k, "PERSON", True  # "Maj. Gen. Emeka" + "Nwosu" (tagged ORG): one titled name
        floor = end
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
            titled = any(t.lower_ in art.lex.ROLE_WORDS for t in doc[k:j]) or \
                (k > 0 and (doc[k - 1].lower_ in art.lex.ROLE_WORDS or abbreviation(art.lex, doc[k - 1].text)))
            yield k, j, "", titled
            k = j
        elif doc[k].text in art.surnames and k not in seen:  # a known surname mis-tagged
            yield k, k + 1, "", False
            k += 1
        else:
            k += 1


def hyphen_ends(doc, start, end):
    """(start, end) of a person's name the tagger cut at a hyphen ("Yoon Suk" +
    "-yeol", "Min-" + "ho Lee")."""
    while end + 1 < len(doc) and doc[end].text == "-" and not doc[end - 1].whitespace_ and \
            not doc[end].whitespace_ and doc[end + 1].is_alpha:
        end += 2
    while start >= 2 and doc[start - 1].text == "-" and not doc[start - 2].whitespace_ and \
            not doc[start - 1].whitespace_ and doc[start - 2].is_alpha:
        start -= 2
    return start, end


SUFFIX = re.compile(r"(?:Jr|Sr|II|III|IV)\.?")  # "Smith, Jr." is one name


def comma_parts(doc, start, end):
    """An entity the tagger ran over a comma after one word ("Marsh, Easton" in
    "According to Marsh, Easton police calls ...") as its two parts; else itself."""
    if end - start > 2 and doc[start + 1].text == "," and not SUFFIX.fullmatch(doc[start + 2].text):
        return [(start, start + 1), (start + 2, end)]
    return [(start, end)]


def full_names_of(art, word):
    """The full names of the article a one-word name may stand for: those ending
    with it ("Tokayev"), else those starting with it (surname first: "Lee" for
    "Lee Min-ho", "Nguyen" for "Nguyen Van An")."""
    return art.surnames.get(word) or art.first_words.get(word, set())


def person_like(art, doc, i, j, label):
    """True when the proper nouns doc[i:j], which spaCy calls an organisation or a
    place, are a person's name: a given name before them ("Ana Lima"), or at the
    start of an organisation's, and no organisation word."""
    if any(t.pos_ != "PROPN" or t.lower_ in art.lex.ORG_WORDS for t in doc[i:j]):
        return False
    return label == "ORG" and doc[i].lower_ in art.lex.GIVEN_NAMES and j - i >= 2 or \
        (i > 0 and doc[i - 1].pos_ == "PROPN" and doc[i - 1].lower_ in art.lex.GIVEN_NAMES)


def is_person(art, doc, i, j, label, titled):
    """Decide whether the trimmed run doc[i:j] names a person."""
    words = [t.text for t in doc[i:j] if t.text != "-"]
    if not words or any(w.lower() in art.lex.ORG_WORDS for w in words):
        return False
    if doc[i:j].text.lower() in art.lex.COUNTRIES:
        return False
    if label == "PERSON" or titled or i > 0 and abbreviation(art.lex, doc[i - 1].text):
        return True  # "PM Modi", "UNSG Guterres": a title abbreviation names a person
    if label in ("ORG", "") and len(words) >= 2 and \
            set(expand_abbreviations(title_around(art, doc, i, j), art.lex).lower().split()) & art.lex.ROLE_WORDS:
        return True
    head = doc[j - 1]
    if head.dep_ == "appos" and head.head.lower_ in art.lex.ROLE_WORDS:
        return True
    if len(words) == 1 and (words[0] in art.first_words or any(same_surname(words[0], s) for s in art.surnames)):
        return True  # "Lee" for "Lee Min-ho"; "Toqayev" for "Kassym-Jomart Tokayev"
    return doc[i:j].text.split()[-1] in art.surnames


def learn_names(art, doc):
    """Collect the full person names (two words or more) of a paragraph, so that
    their surnames are recognised there and in later paragraphs."""
    for i, j, label, titled in candidates(art, doc):
        i2, j2 = name_tokens(art, doc, i, j)
        if j2 - i2 >= 2 and is_person(art, doc, i2, j2, label, titled):
            name = doc[i2:j2].text
            words = name.split()  # a hyphenated given name is one word: "Lee Min-ho"
            art.surnames.setdefault(words[-1], set()).add(name)
            if len(words) > 1:
                art.first_words.setdefault(words[0], set()).add(name)


def person(art, name):
    """The canonical Entity for person name ``name``: a surname alone goes to the
    most recently mentioned full name ending (else starting) with it, a spelling
    variant to the one person of the article it spells ("Ertayev" for "Arman
    Yertayev", ``variants.same_person``)."""
    words = name.replace("-", " ").split()
    if len(words) == 1:
        fulls = [art.entities[n] for n in full_names_of(art, name) if n in art.entities]
        if fulls:
            return max(fulls, key=lambda e: e.last)
        full = sorted(full_names_of(art, name))
        if len(full) == 1:
            name = full[0]
    for e in art.entities.values():
        if e.kind == "person" and (e.name == name or name in e.aliases):
            return e
    spelled = [e for e in art.entities.values() if e.kind == "person" and same_person(name, e.name)]
    if len(spelled) == 1 and len(spelled[0].name.split()) >= len(name.split()):
        return spelled[0]
    for e in art.entities.values():  # "Maria Zakharova" seen as "Zakharova" first
        if e.kind == "person" and len(e.name.split()) == 1 and name.endswith(" " + e.name):
            others = [n for n in art.surnames.get(e.name, ()) if n != name]
            if not others:
                e.aliases.add(e.name)
                e.name = name
                return e
    return art.entities.setdefault(name, Entity(name, "person"))


def org(art, span, label="", pos=None):
    """The Entity of the organisation ``span`` names; a bare institution ("the
    Secretariat", "the Government" at article offset ``pos``) is whose the article says."""
    from .institutions import bare_institution  # institutions builds on this module

    name = re.sub(r"^(the)\s+|\s*['’]s?$", "", span.text, flags=re.I).strip()
    phrase = span.doc[min(span.root.left_edge.i, span.start):span.end].text  # "the trade ministry"
    bare = bare_institution(art, phrase, len(art.text) if pos is None else pos)
    if bare is not None:
        return bare
    key = "org:" + name.lower()
    if key not in art.entities:
        art.entities[key] = Entity(name, "org", organization=name, country=country_of(name, art.lex),
                                    label=label)
    return art.entities[key]


def title_around(art, doc, i, j):
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
        elif not (t.pos_ in ("PROPN", "NOUN", "ADJ") or t.lower_ == "of" or t.text == "-"
                  or abbreviation(art.lex, t.text)
                  or t.text.isupper() and len(t.text) > 1  # an acronym, whatever its tag ("WHO")
                  or (t.tag_ == "POS" and k > 0 and doc[k - 1].pos_ == "PROPN")):  # "Japan's foreign minister"
            break
        left.append(t)
        seen_role = seen_role or t.lower_ in art.lex.ROLE_WORDS or bool(abbreviation(art.lex, t.text))
        k -= 1
    if seen_role:
        left.reverse()
        return doc[left[0].i:left[-1].i + 1].text
    if j < len(doc) and doc[j].text == ",":
        k = j + 1
        while k < len(doc) and (doc[k].pos_ == "DET" or doc[k].lower_ in art.lex.COUNTRIES
                                or doc[k].tag_ == "POS"):  # ", the Nigerian finance minister,"
            k += 1
        if k < len(doc) and doc[k].lower_ in art.lex.ROLE_TERMS:
            end = k
            while end < len(doc) and doc[end].text not in (",", ";", "(", ".") and \
                    doc[end].pos_ not in ("VERB", "AUX") and not (end > k and doc[end].is_sent_start):
                end += 1
            return doc[j + 1:end].text
    return ""


def clause_org(doc, j):
    """The organisation named after the name ending at token ``j`` as the person's:
    "Nair, of Bernstein," / "Solberg of the Norwegian Meteorological Institute" (an
    organisation spaCy tags), or a relative clause ("Reyes, who volunteers for the
    Red Cross," -> 'the Red Cross'; "who heads the union"), else ''.  The person
    stays the speaker."""
    k = j + (j < len(doc) and doc[j].text == ",")
    if k + 1 < len(doc) and doc[k].lower_ == "of":
        end = k + 1 + (doc[k + 1].pos_ == "DET")
        while end < len(doc) and (doc[end].ent_type_ == "ORG" or k > j and doc[end].pos_ == "PROPN"):
            end += 1  # set off by commas ("Nair, of Bernstein,"), any proper noun
        if end > k + 1 and (doc[end - 1].ent_type_ == "ORG" or k > j and doc[end - 1].pos_ == "PROPN"):
            return doc[k + 1:end].text
    for rel in doc[j - 1].children:
        if rel.dep_ != "relcl" or not any(c.lower_ == "who" for c in rel.children):
            continue
        for c in rel.children:
            obj = None
            if c.dep_ == "prep" and c.lower_ in ("for", "at", "with"):
                obj = next((g for g in c.children if g.dep_ == "pobj"), None)
            elif c.dep_ == "dobj" and rel.lemma_ in ("head", "lead", "run", "chair", "direct"):
                obj = c
            if obj is not None:
                return doc[obj.left_edge.i:obj.right_edge.i + 1].text
    return ""


def subjectlike(art, token):
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


def collect_mentions(art, p, doc, base):
    """Register the person and organisation mentions of paragraph ``p``."""
    for i, j, label, titled in sorted(candidates(art, doc)):
        pos = base + doc[i].idx
        if art._blocked(pos):
            continue
        if doc[i:j].text.lower() in art.lex.CAPITALS and doc[j - 1].text not in art.surnames:
            label, titled = "GPE", False  # "Berlin had warned ...": the government, whatever spaCy says
        i2, j2 = name_tokens(art, doc, i, j)
        outlet = outlet_name(art.lex, doc, i, j)
        if outlet:  # "Xinhua", "the news agency Kazinform": an outlet, whatever spaCy says
            entity, i2, j2 = outlet_entity(art, outlet), i + (doc[i].pos_ == "DET"), j
        elif j2 > i2 and is_person(art, doc, i2, j2, label, titled):
            entity = person(art, doc[i2:j2].text)
            title = title_around(art, doc, i2, j2)
            if i2 > i and not title:
                title = doc[i:i2].text
            add_title(art, entity, title)
            entity.organization = entity.organization or clause_org(doc, j2)
            if doc[i].lower_.rstrip(".") in art.lex.GENDER_WORDS and not entity.gender:
                entity.gender = art.lex.GENDER_WORDS[doc[i].lower_.rstrip(".")]
            if j2 < len(doc) and doc[j2].lower_ in ("himself", "herself"):
                entity.gender = art.lex.PRONOUN_GENDER[doc[j2].lower_]
            entity.gender = entity.gender or name_gender(entity.name, art.lex)
        elif label in ("ORG", "GPE", "NORP", "FAC") or label == "":
            if label == "NORP" or doc[i:j].text.lower() in art.lex.DEMONYMS or (label == "" and not any(
                    t.lower_ in art.lex.ORG_WORDS for t in doc[i:j])):
                continue  # demonyms and unknown proper nouns are not parties
            entity = org(art, doc[i:j], label or "ORG", pos)
            # an organisation keeps its words ("Ministry of Health"), less "the" and "'s"
            i2, j2 = i + (doc[i].pos_ == "DET"), j - (j - i > 1 and doc[j - 1].tag_ == "POS")
        else:
            continue
        if doc[i2:j2].text != entity.name:
            entity.aliases.add(doc[i2:j2].text if entity.kind == "person" else doc[i:j].text)
        entity.last = pos
        entity.positions.append(pos)
        art.mentions.setdefault(p, []).append(
            Mention(i, j, entity, doc[i2:j2].text, pos, p, subjectlike(art, doc[j2 - 1])))


def add_title(art, entity, title):
    if not title:
        return
    entity.title += " " + expand_abbreviations(title, art.lex).lower()
    role, org, country = parse_title(title, art.lex)
    entity.role = entity.role or role
    entity.organization = entity.organization or org
    entity.country = entity.country or country
    for w in title.lower().split():
        if w in art.lex.GENDER_WORDS and not entity.gender:
            entity.gender = art.lex.GENDER_WORDS[w]


def unify_surnames(per_article):
    """Map single-word person names to the one full name ending with them across
    the corpus, else to the one starting with them (surname first); left alone
    where two full names share the word."""
    lasts, firsts = {}, {}
    for art in per_article:
        for e in art.entities.values():
            if e.kind == "person" and len(e.name.split()) > 1:
                lasts.setdefault(e.name.split()[-1], set()).add(e.name)
                firsts.setdefault(e.name.split()[0], set()).add(e.name)
    for art in per_article:
        for e in art.entities.values():
            if e.kind != "person" or len(e.name.split()) != 1:
                continue
            fulls = lasts.get(e.name) or firsts.get(e.name, ())
            if len(fulls) == 1:
                e.aliases.add(e.name)
                e.name = next(iter(fulls))
