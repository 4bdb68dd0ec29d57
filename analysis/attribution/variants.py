"""Name variants across a corpus: one canonical name per speaker.

Four conservative rules, applied to the speakers (``Entity`` objects) of every
article after extraction:

* a two-word name in both orders ("Lee Min-ho" / "Min-ho Lee");
* transliterations of a person's surname ("Pashinian" / "Pashinyan",
  "Tokayev" / "Toqaev"): same consonant skeleton after folding the usual
  transliteration pairs (q/k, kh/h, w/v, ph/f, accents), a string similarity of
  at least ``MIN_SIMILARITY``, at least ``MIN_SURNAME`` letters, and given names
  that agree when both are written;
* acronym and full name of an organisation ("CSTO" / "Collective Security
  Treaty Organization");
* word order and spelling of an organisation ("U.S. Department of State" /
  "US State Department"): the same words, ignoring case, dots, "the" and "of".

The canonical name of a group is the form its statements use most (ties: the
longest, then the first seen; an acronym gives way to its full name); every other
form becomes an alias.
"""
import difflib
import functools
import re
import unicodedata

MIN_SIMILARITY = 0.75
MIN_SURNAME = 5
_FOLD = [("dzh", "zh"), ("kh", "h"), ("ck", "k"), ("q", "k"), ("ph", "f"), ("w", "v"), ("x", "ks"), ("j", "y")]
_STOP = {"the", "of", "and", "for", "on", "in"}
_COUNTRY_FORMS = {"us": "us", "usa": "us", "united states": "us", "uk": "uk", "united kingdom": "uk"}


@functools.lru_cache(maxsize=65536)  # names recur: each is folded once
def fold(word):
    """Lower case, accents and dots removed: 'Vučić' -> 'vucic', 'U.S.' -> 'us'."""
    word = unicodedata.normalize("NFKD", word)
    return "".join(c for c in word if not unicodedata.combining(c)).lower().replace(".", "")


@functools.lru_cache(maxsize=65536)
def skeleton(word):
    """First letter and the consonants after it, transliteration pairs folded:
    'Pashinyan' and 'Pashinian' -> 'pshnn'; 'Tokayev' and 'Toqaev' -> 'tkv';
    'Yertayev' and 'Ertayev' -> 'ertv'."""
    w = re.sub(r"^ye", "e", fold(word))  # Cyrillic Е at the start: "Yertayev" / "Ertayev"
    for a, b in _FOLD:
        w = w.replace(a, b)
    return w[:1] + re.sub(r"[aeiouy\W]", "", w[1:])


def same_surname(a, b):
    """True when surnames ``a`` and ``b`` are spellings of one name."""
    fa, fb = fold(a), fold(b)
    if fa == fb:
        return True
    if min(len(fa), len(fb)) < MIN_SURNAME or skeleton(a) != skeleton(b):
        return False
    return difflib.SequenceMatcher(None, fa, fb).ratio() >= MIN_SIMILARITY


def same_person(a, b):
    """True when person names ``a`` and ``b`` (full or surname only) may be one person."""
    wa, wb = a.replace("-", " ").split(), b.replace("-", " ").split()
    if not wa or not wb or not same_surname(wa[-1], wb[-1]):
        return False
    ga, gb = sorted((wa[:-1], wb[:-1]), key=len)
    # given names agree word by word from the surname back ("Jomart Toqaev" within
    # "Kassym-Jomart Tokayev"); an initial matches its name
    return all(x[0].lower() == y[0].lower() and (len(x.rstrip(".")) == 1 or len(y.rstrip(".")) == 1
                                                 or fold(x) == fold(y) or same_surname(x, y))
               for x, y in zip(reversed(ga), reversed(gb)))


def initials(name):
    """'Collective Security Treaty Organization' -> 'CSTO' (capitalised words only)."""
    return "".join(w[0] for w in re.findall(r"[\w'’-]+", name) if w[:1].isupper() and w.lower() not in _STOP)


def is_acronym(name):
    return bool(re.fullmatch(r"[A-Z][A-Z.&]{1,7}", name.strip()))


def org_key(name):
    """Words of an organisation's name, folded and sorted: 'U.S. Department of State'
    and 'US State Department' -> 'department state us'."""
    low = fold(name)
    for form, short in _COUNTRY_FORMS.items():
        low = re.sub(r"\b" + form + r"\b", short, low)
    return " ".join(sorted(w for w in re.findall(r"\w+", low) if w not in _STOP))


def _canonical(forms):
    """forms: {name: (statements, first seen)} -> the canonical name."""
    full = {n: v for n, v in forms.items() if not is_acronym(n)} or forms
    return max(full, key=lambda n: (full[n][0], len(n), -full[n][1]))


def _person_groups(names):
    """Partition person ``names`` into groups of spellings of one person.  Names
    are compared only within a bucket of equal surname skeletons; a surname alone
    joins a group only when exactly one group fits it (it never links two)."""
    buckets = {}
    for name in names:
        buckets.setdefault(skeleton(name.replace("-", " ").split()[-1]), []).append(name)
    out = []
    for bucket in buckets.values():
        groups = []
        for name in sorted(bucket, key=lambda n: -len(n.split())):  # full names first
            hits = [g for g in groups if all(same_person(name, other) for other in g)]
            if len(hits) == 1:
                hits[0].append(name)
            else:
                groups.append([name])
        out.extend(groups)
    return _join_swapped(out)


def _join_swapped(groups):
    """Join the groups of a two-word name written in both orders across the corpus
    ("Lee Min-ho" / "Min-ho Lee", "Horvath Gabor" / "Gabor Horvath": surname first
    in one outlet, last in another)."""
    index = {name: k for k, g in enumerate(groups) for name in g}
    parent = list(range(len(groups)))

    def root(k):
        while parent[k] != k:
            k = parent[k]
        return k

    for name, k in index.items():
        words = name.split()
        other = index.get(f"{words[1]} {words[0]}") if len(words) == 2 else None
        if other is not None:
            parent[root(other)] = root(k)
    joined = {}
    for k, g in enumerate(groups):
        joined.setdefault(root(k), []).extend(g)
    return list(joined.values())


def _org_groups(names):
    """Partition organisation ``names``: equal ``org_key``; an acronym joins the one
    key group whose full name it abbreviates."""
    by_key = {}
    for name in names:
        if not is_acronym(name):
            by_key.setdefault(org_key(name), []).append(name)
    by_initials = {}
    for key, group in by_key.items():
        for name in group:
            by_initials.setdefault(initials(name), set()).add(key)
    for name in names:
        if is_acronym(name):
            keys = by_initials.get(name.replace(".", ""), set())
            if len(keys) == 1:
                by_key[next(iter(keys))].append(name)
            else:
                by_key.setdefault("acronym:" + name, []).append(name)
    return list(by_key.values())


def _people_taken_for_orgs(entities):
    """An 'organisation' whose name is spelled like a person's full name found
    elsewhere in the corpus ("Nikol Pashinian" tagged ORG) becomes that person."""
    people = {}
    for e in entities:
        words = e.name.replace("-", " ").split()
        if e.kind == "person" and len(words) >= 2:
            people.setdefault(skeleton(words[-1]), []).append(e.name)
    for e in entities:
        words = e.name.replace("-", " ").split()
        if e.kind != "org" or not 2 <= len(words) <= 4 or not all(w[:1].isupper() for w in words):
            continue
        if any(same_person(e.name, full) for full in people.get(skeleton(words[-1]), ())):
            e.kind = "person"
            if e.organization == e.name:
                e.organization = ""


def unify_variants(entities, counts):
    """Give every Entity of ``entities`` (all articles) its group's canonical name;
    ``counts`` maps id(entity) -> statements.  The old name becomes an alias."""
    _people_taken_for_orgs(entities)
    for kind, grouping in (("person", _person_groups), ("org", _org_groups)):
        forms = {}
        for order, e in enumerate(x for x in entities if x.kind == kind and x.name.strip()):
            n, first = forms.get(e.name, (0, order))
            forms[e.name] = (n + counts.get(id(e), 0), first)
        rename = {}
        for group in grouping(list(forms)):
            if len(group) > 1:
                canonical = _canonical({n: forms[n] for n in group})
                rename.update({n: canonical for n in group if n != canonical})
        for e in entities:
            if e.kind == kind and e.name in rename:
                e.aliases.add(e.name)
                e.name = rename[e.name]
        if kind == "org":  # an organisation named in a title takes the canonical form too
            for e in entities:
                if e.organization in rename:
                    e.organization = rename[e.organization]
