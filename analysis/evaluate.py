"""Score extracted statements against hand-written gold.

``evaluate_statements(predicted, gold) -> dict``: a predicted and a gold
statement of the same article match when their character spans overlap by at
least half of the longer one (one-to-one, best overlaps first; of equal
overlaps, same speakers first, so that a joint statement -- "X and Y said ...",
one statement per speaker over the same words -- pairs each speaker with its
own).  Reports statement precision / recall / F1, speaker accuracy on matched
statements, kind accuracy on matched statements, relay accuracy (``reported_by``:
the relaying source of nested attribution or the spokesperson, on matched
statements where gold or prediction has one; a gold relay matches a predicted
one that contains it, "spokesman" in "Antonio Guterres's spokesman"), recall
per gold kind and precision per predicted kind.

``python -m analysis.evaluate GOLD.json ...`` runs ``extract_statements`` on
each gold file (the project's are in ``tests/gold/``) and prints the numbers,
then every miss, extra and wrong speaker.  A gold file may list each article's
speakers with their role, organization and country (``speakers``):
``evaluate_speakers`` then reports country and organisation accuracy over the
speakers that have one in the text.
"""
import json
import re
import sys
from pathlib import Path

import pandas as pd

MIN_OVERLAP = 0.5


def _norm_name(name):
    """Compare names case-blind, without a leading 'the' or surrounding space."""
    return re.sub(r"^the\s+", "", str(name or "").strip().lower())


def same_relay_name(predicted, gold):
    """True when a predicted ``reported_by`` matches the gold one: equal names, or
    the gold words found in the predicted ("spokesman" in "Antonio Guterres's
    spokesman")."""
    p, g = _norm_name(predicted), _norm_name(gold)
    return p == g or bool(g) and re.search(r"\b" + re.escape(g) + r"\b", p) is not None


def load_gold(path):
    """Read a gold JSON file -> (articles, gold).

    ``articles`` has the ARTICLES columns (inline texts, or files read with
    ``corpus.load_articles``); ``gold`` has article_id, speaker, kind,
    reported_by, text, start, end, with offsets found in the article text.
    """
    from .corpus import load_articles

    path = Path(path)
    spec = json.loads(path.read_text(encoding="utf-8"))
    articles, rows = [], []
    for item in spec["articles"]:
        if "path" in item:
            loaded = load_articles([path.parent.parent.parent / item["path"]])
            loaded = loaded.assign(article_id=item["id"])
        else:
            loaded = pd.DataFrame([dict(article_id=item["id"], source="gold", date=pd.NaT,
                                        title="", url="", text=item["text"], headings=[],
                                        encoding="utf-8")])
        articles.append(loaded)
        text = loaded["text"].iat[0]
        for st in item["statements"]:
            start = text.find(st["text"])
            if start < 0:
                raise ValueError(f"gold text not in article {item['id']}: {st['text']!r}")
            rows.append(dict(article_id=item["id"], speaker=st["speaker"], kind=st["kind"],
                             reported_by=st.get("reported_by", ""), text=st["text"],
                             start=start, end=start + len(st["text"])))
    gold = pd.DataFrame(rows, columns=["article_id", "speaker", "kind", "reported_by",
                                       "text", "start", "end"])
    return pd.concat(articles, ignore_index=True), gold


METADATA_FILE = "speaker_metadata.json"


def load_gold_speakers(path):
    """The speaker metadata of a gold JSON file: article_id, speaker, role,
    organization, country, one row per entry of an article's optional ``speakers``
    list and of the file's entries in ``speaker_metadata.json`` next to it (gold
    file name -> article id -> speakers); '' where the text ties no value to the
    speaker."""
    path = Path(path)
    spec = json.loads(path.read_text(encoding="utf-8"))
    side = path.parent / METADATA_FILE
    extra = json.loads(side.read_text(encoding="utf-8"))["files"].get(path.name, {}) if side.exists() else {}
    rows = [dict(article_id=item["id"], **{k: sp.get(k, "") for k in ("speaker", "role", "organization", "country")})
            for item in spec["articles"] for sp in [*item.get("speakers", ()), *extra.get(item["id"], ())]]
    return pd.DataFrame(rows, columns=["article_id", "speaker", "role", "organization", "country"])


def _norm_org(name):
    """An organisation compared by its canonical name (``organizations.json``), case-blind."""
    from .attribution.metadata import known_org
    from .lexicon import load_lexicon

    hit = known_org(str(name or ""), load_lexicon())
    return _norm_name(hit[0] if hit else name)


def evaluate_speakers(speakers, gold):
    """Score the SPEAKERS rows ``speakers`` against gold metadata (``load_gold_speakers``).

    A gold speaker is looked up by name (or alias) in its article.  Returns a dict:
    country_accuracy and organization_accuracy over gold speakers that have one in
    the text (filled and right; a speaker not found counts as wrong), the number of
    each (n_country, n_organization) and of the right ones (right_country,
    right_organization), and spurious_organization: predicted
    organisations of found speakers whose gold has none."""
    by_name = {}
    for row in speakers.itertuples():
        for name in [row.speaker, *str(row.aliases or "").split("; ")]:
            by_name.setdefault((row.article_id, _norm_name(name)), row)
    right = dict(country=0, organization=0)
    total = dict(country=0, organization=0)
    spurious = 0
    for g in gold.itertuples():
        p = by_name.get((g.article_id, _norm_name(g.speaker)))
        for key, norm in (("country", _norm_name), ("organization", _norm_org)):
            if getattr(g, key):
                total[key] += 1
                right[key] += p is not None and norm(getattr(p, key)) == norm(getattr(g, key))
        spurious += p is not None and not g.organization and bool(p.organization)
    return dict(country_accuracy=round(right["country"] / total["country"], 3) if total["country"] else 1.0,
                organization_accuracy=round(right["organization"] / total["organization"], 3)
                if total["organization"] else 1.0,
                n_country=total["country"], n_organization=total["organization"], right_country=right["country"],
                right_organization=right["organization"], spurious_organization=spurious)


def match(predicted, gold):
    """One-to-one (predicted index, gold index) pairs whose spans overlap enough."""
    pairs = []
    for aid, g in gold.groupby("article_id"):
        p = predicted[predicted["article_id"] == aid]
        for gi, gr in g.iterrows():
            for pi, pr in p.iterrows():
                inter = min(gr.end, pr.end) - max(gr.start, pr.start)
                longer = max(gr.end - gr.start, pr.end - pr.start)
                if inter > 0 and inter >= MIN_OVERLAP * longer:
                    pairs.append((inter / longer, _norm_name(pr.speaker) == _norm_name(gr.speaker), pi, gi))
    used_p, used_g, out = set(), set(), []
    for _, _, pi, gi in sorted(pairs, key=lambda x: (-x[0], not x[1], x[2], x[3])):
        if pi not in used_p and gi not in used_g:
            used_p.add(pi)
            used_g.add(gi)
            out.append((pi, gi))
    return out


def evaluate_statements(predicted, gold, pairs=None):
    """Score STATEMENTS rows ``predicted`` against ``gold`` (see ``load_gold``).

    ``pairs``: ``match(predicted, gold)`` when already computed (both indexed 0..n-1).
    Returns a dict: precision, recall, f1, speaker_accuracy, kind_accuracy,
    n_predicted, n_gold, n_matched, n_same_speaker, recall_<kind> for each gold kind and
    precision_<kind> for each predicted kind (a match counts whatever its kind).
    """
    predicted = predicted.reset_index(drop=True)
    gold = gold.reset_index(drop=True)
    pairs = match(predicted, gold) if pairs is None else pairs
    n_p, n_g, n_m = len(predicted), len(gold), len(pairs)
    precision = n_m / n_p if n_p else 0.0
    recall = n_m / n_g if n_g else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    same_speaker = sum(_norm_name(predicted.at[pi, "speaker"]) == _norm_name(gold.at[gi, "speaker"])
                       for pi, gi in pairs)
    same_kind = sum(predicted.at[pi, "kind"] == gold.at[gi, "kind"] for pi, gi in pairs)
    relayed = [(predicted.at[pi, "reported_by"], gold.at[gi, "reported_by"]) for pi, gi in pairs
               if _norm_name(predicted.at[pi, "reported_by"]) or _norm_name(gold.at[gi, "reported_by"])]
    same_relay = sum(same_relay_name(p, g) for p, g in relayed)
    result = dict(precision=round(precision, 3), recall=round(recall, 3), f1=round(f1, 3),
                  speaker_accuracy=round(same_speaker / n_m, 3) if n_m else 0.0,
                  kind_accuracy=round(same_kind / n_m, 3) if n_m else 0.0,
                  relay_accuracy=round(same_relay / len(relayed), 3) if relayed else 1.0,
                  n_predicted=n_p, n_gold=n_g, n_matched=n_m, n_same_speaker=same_speaker,
                  n_relayed=len(relayed), n_same_relay=same_relay)
    matched_g = {gi for _, gi in pairs}
    for kind, rows in gold.groupby("kind"):
        result[f"recall_{kind}"] = round(sum(i in matched_g for i in rows.index) / len(rows), 3)
    matched_p = {pi for pi, _ in pairs}
    for kind, rows in predicted.groupby("kind"):
        result[f"precision_{kind}"] = round(sum(i in matched_p for i in rows.index) / len(rows), 3)
    return result


def main(argv=None):
    """Evaluate the extractor on each gold file given."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        print("usage: python -m analysis.evaluate GOLD.json ... (for example tests/gold/*.json)", file=sys.stderr)
        return 2
    totals = dict(n_predicted=0, n_gold=0, n_matched=0, n_same_speaker=0, n_relayed=0, n_same_relay=0)
    meta = dict(n_country=0, right_country=0, n_organization=0, right_organization=0, spurious_organization=0)
    for path in argv:
        if "statements" not in (json.loads(Path(path).read_text(encoding="utf-8")).get("articles") or [{}])[0]:
            print(f"== {path}: no statements (another kind of gold), skipped")
            continue
        print(f"== {path}")
        scores = report_file(path)
        for key in totals:
            totals[key] += scores[key]
        for key in meta:
            meta[key] += scores.get(key, 0)
    if meta["n_country"] or meta["n_organization"]:
        print(f"== pooled metadata: country_accuracy {meta['right_country'] / max(meta['n_country'], 1):.3f} "
              f"organization_accuracy {meta['right_organization'] / max(meta['n_organization'], 1):.3f} ({meta})")
    if len(argv) > 1:
        p = totals["n_matched"] / totals["n_predicted"] if totals["n_predicted"] else 0.0
        r = totals["n_matched"] / totals["n_gold"] if totals["n_gold"] else 0.0
        acc = totals["n_same_speaker"] / totals["n_matched"] if totals["n_matched"] else 0.0
        relay = totals["n_same_relay"] / totals["n_relayed"] if totals["n_relayed"] else 1.0
        print(f"== pooled: precision {p:.3f} recall {r:.3f} f1 {2 * p * r / (p + r) if p + r else 0:.3f} "
              f"speaker_accuracy {acc:.3f} relay_accuracy {relay:.3f} ({totals})")
    return 0


def report_file(path):
    """Print the scores, misses, extras and wrong speakers for one gold file;
    return the scores."""
    from .statements import extract_statements

    articles, gold = load_gold(path)
    predicted, speakers = extract_statements(articles)
    pairs = match(predicted, gold)
    scores = evaluate_statements(predicted, gold, pairs)
    gold_speakers = load_gold_speakers(path)
    if len(gold_speakers):
        scores.update(evaluate_speakers(speakers, gold_speakers))
    for key, value in scores.items():
        print(f"{key:>22}: {value}")
    mp, mg = {p for p, _ in pairs}, {g for _, g in pairs}
    for gi, g in gold.iterrows():
        if gi not in mg:
            print(f"MISSED   {g.article_id} [{g.kind}] {g.speaker}: {g.text[:70]}")
    for pi, p in predicted.iterrows():
        if pi not in mp:
            print(f"EXTRA    {p.article_id} [{p.kind}] {p.speaker}: {p.text[:70]}")
    for pi, gi in pairs:
        p, g = predicted.iloc[pi], gold.iloc[gi]
        if _norm_name(p.speaker) != _norm_name(g.speaker):
            print(f"SPEAKER  {g.article_id} gold={g.speaker} got={p.speaker}: {g.text[:50]}")
        if not same_relay_name(p.reported_by, g.reported_by):
            print(f"RELAY    {g.article_id} gold={g.reported_by!r} got={p.reported_by!r}: {g.text[:50]}")
    rows = {(r.article_id, _norm_name(r.speaker)): r for r in speakers.itertuples()}
    for g in gold_speakers.itertuples():
        p = rows.get((g.article_id, _norm_name(g.speaker)))
        got = (p.organization, p.country) if p is not None else ("(speaker not found)", "")
        if _norm_org(got[0]) != _norm_org(g.organization) or _norm_name(got[1]) != _norm_name(g.country):
            print(f"METADATA {g.article_id} {g.speaker}: gold={(g.organization, g.country)} got={got}")
    return scores


if __name__ == "__main__":
    sys.exit(main())
