"""According-to family: "According to X, ...", "In the words of X", "as X put
it", "As noted by X, ...", "In his opinion, ...", "..., in her view."."""

import re

from .coref import speaker_of

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
# "Output will double, in her view."
ACCORDING_POSS_TAIL = re.compile(r",\s*(?P<cue>" + _POSS_CUE + r")\s*[.!?]?\s*$", re.I)
RELATIVE_START = re.compile(r"^(who|which|whose)\b", re.I)


def find_according(ctx):
    """The according-to cues of sentence ``ctx.sent`` (the first that names a speaker)."""
    art, p, doc, base, sent = ctx.art, ctx.p, ctx.doc, ctx.base, ctx.sent
    s0 = base + sent.start_char
    stext = sent.text
    for rx, lead in ((ACCORDING_LEAD, True), (ACCORDING_POSS, True), (ACCORDING_AS, True),
                     (ACCORDING_MID, None), (ACCORDING_POSS_MID, "whole"), (ACCORDING_TAIL, False),
                     (ACCORDING_POSS_TAIL, False)):
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
            appos = appositive_name(art, doc, p, base + sent.start_char + cs)
            if appos is not None:  # "As noted by the governor, Ivana Novak, content"
                ws, we, cs = (k - s0 for k in appos)
        else:
            cs, ce = 0, m.start()
        who_tokens = [t for t in sent if ws <= t.idx - sent.start_char < we]
        if not who_tokens:
            continue
        head = min(who_tokens, key=lambda t: len([a for a in t.ancestors if a in who_tokens]))
        who = speaker_of(art, doc, p, base, head)
        if who.entity is None:
            continue
        cue = re.sub(r"\s+", " ", m.group("cue").lower())
        if m.groupdict().get("verb"):
            cue = f"as {m.group('verb').lower()}"
        yield who.says("according_to", cue, s0 + cs, s0 + ce)
        return


def appositive_name(art, doc, p, pos):
    """(start, end, after) article offsets of a person's name that starts at
    ``pos`` and is closed by a comma (an apposition to the cue's role noun),
    ``after`` being where the text goes on past the comma; else None."""
    for m in art.mentions.get(p, []):
        if m.pos == pos and m.entity.kind == "person" and m.j < len(doc) and doc[m.j].text == ",":
            shift = m.pos - doc[m.i].idx  # article offset of the paragraph start
            end = shift + doc[m.j - 1].idx + len(doc[m.j - 1])
            after = shift + doc[m.j].idx + 1
            while after < len(art.text) and art.text[after] == " ":
                after += 1
            return m.pos, end, after
    return None
