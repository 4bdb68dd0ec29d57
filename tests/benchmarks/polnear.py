"""External development set: PolNeAR (news attribution relations, Newell et al. 2018).

PolNeAR (github.com/networkdynamics/PolNeAR) annotates attributions in 1,008 US
political news articles as brat standoff: a Source, a Cue and a Content span per
attribution.  It has no licence file and its texts are copyrighted news, so the
project commits only this converter: point it at a local copy (a checkout, or
the bare git directory of a mirror) and it measures on this machine.

Conversion, per article of the chosen split: the text as it is; the first
annotator's ``.ann`` file (sorted by annotator id) when several annotated it;
one gold statement per attribution that has a Source, its Content as the
statement (the extent from the first to the last fragment of a discontinuous
Content), its Source text (fragments joined) as the gold speaker mention, kind
"direct" when the Content opens with a quotation mark, else "indirect".
Attributions without a Source (``Attribution-no-source``) are counted and left
out.  ``analysis.extract_statements`` runs on the texts and
``analysis.evaluate.evaluate_statements`` scores it (spans overlapping by half
the longer one).

Printed: statement precision and recall, and source-mention agreement on the
matched statements: the predicted speaker (or one of its aliases in the
article) agrees with the gold Source text when, after normalising both
(``norm``: lower case, no punctuation, possessive, leading article or title),
one holds the other as whole words or they share the surname (the last word of
the predicted name).  A gold Source that is a pronoun ("he", "they") names
nobody (the extractor resolves it to a name), so those are not compared;
pronoun aliases never count.  PolNeAR gives relayed speech ("A said B had told
him ...") to the relaying A, the project to B with A in ``reported_by``: the
agreement is also given counting ``reported_by`` as the source.

    python tests/benchmarks/polnear.py PATH [--split dev] [--limit N] [--seed 0]

PATH: a PolNeAR checkout (holding ``data/``) or its bare git directory.  The dev
split has 84 articles (about 2,000 sourced attributions), a few minutes' run on
two cores; ``--limit N`` takes a sample of N of them (seeded, sorted by name).
"""
import argparse
import random
import re
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from analysis.evaluate import evaluate_statements, match  # noqa: E402
from analysis.statements import extract_statements, load_nlp  # noqa: E402

QUOTES = "\"'“”‘’«"
TITLES = {"mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "president", "senator", "secretary"}
ARTICLES_WORDS = {"the", "a", "an"}
PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "him", "her", "them"}


class Source:
    """Read files of a PolNeAR copy: a checkout (``data/`` under ``path``) or a bare git directory."""

    def __init__(self, path):
        self.path = Path(path)
        self.checkout = (self.path / "data").is_dir()

    def list(self, folder):
        """File names under ``data/<folder>``, sorted."""
        if self.checkout:
            return sorted(p.name for p in (self.path / "data" / folder).iterdir())
        out = subprocess.run(["git", "--git-dir", str(self.path), "ls-tree", "--name-only", f"HEAD:data/{folder}"],
                             check=True, capture_output=True, text=True).stdout
        return sorted(out.split())

    def read(self, rel):
        """Text of ``data/<rel>`` (UTF-8)."""
        if self.checkout:
            return (self.path / "data" / rel).read_text(encoding="utf-8")
        return subprocess.run(["git", "--git-dir", str(self.path), "show", f"HEAD:data/{rel}"],
                              check=True, capture_output=True).stdout.decode("utf-8")


def parse_ann(ann):
    """brat standoff -> list of (source fragments, content fragments): one per
    attribution event (``E`` line), fragments as (start, end) offsets; an
    event without a Source gives an empty source list."""
    spans, events = {}, []
    for line in ann.splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            label, _, offsets = parts[1].partition(" ")
            spans[parts[0]] = (label, [tuple(map(int, f.split())) for f in offsets.split(";")])
        elif line.startswith("E") and len(parts) >= 2:
            roles = dict(r.split(":", 1) for r in parts[1].split() if ":" in r)
            events.append(roles)
    out = []
    for roles in events:
        content = spans.get(roles.get("Content", ""), (None, []))[1]
        source = spans.get(roles.get("Source", ""), (None, []))[1]
        if content:
            out.append((source, content))
    return out


def convert(src, split, limit=None, seed=0):
    """(articles, gold, n_no_source) for ``split``: the ARTICLES table, the gold
    table of ``analysis.evaluate.load_gold`` plus a ``source`` column (the gold
    Source text), and the count of attributions left out for having no Source."""
    texts = src.list(f"{split}/text")
    if limit:
        texts = sorted(random.Random(seed).sample(texts, min(limit, len(texts))))
    anns = src.list(f"{split}/attributions")
    arts, rows, no_source = [], [], 0
    for name in texts:
        stem = name[:-len(".txt")]
        ann = next((a for a in anns if a.startswith(stem + "_")), None)
        if ann is None:
            continue
        text = src.read(f"{split}/text/{name}")
        arts.append(dict(article_id=stem, source=name, date=pd.NaT, title="", url="", text=text,
                         headings=[], encoding="utf-8"))
        for source, content in parse_ann(src.read(f"{split}/attributions/{ann}")):
            if not source:
                no_source += 1
                continue
            s, e = min(a for a, _ in content), max(b for _, b in content)
            body = text[s:e]
            rows.append(dict(article_id=stem, speaker=" ".join(text[a:b] for a, b in source), kind=(
                "direct" if body.lstrip()[:1] in QUOTES else "indirect"), reported_by="", text=body, start=s, end=e))
    gold = pd.DataFrame(rows, columns=["article_id", "speaker", "kind", "reported_by", "text", "start", "end"])
    return pd.DataFrame(arts), gold, no_source


def norm(name):
    """Lower case, words only, no possessive, leading article or title."""
    words = re.findall(r"[a-z0-9]+", re.sub(r"['’]s\b", "", str(name).lower()))
    while words and (words[0] in ARTICLES_WORDS or words[0] in TITLES):
        words = words[1:]
    return words


def agrees(names, source):
    """True when one of the predicted ``names`` and the gold ``source`` text agree (see the module doc)."""
    g = norm(source)
    gs = " " + " ".join(g) + " "
    for name in names:
        p = norm(name)
        ps = " " + " ".join(p) + " "
        if p and g and (ps in gs or gs in ps or p[-1] in g):
            return True
    return False


def source_agreement(predicted, gold, pairs):
    """(agreement, agreement counting relays, n) over the matched (predicted,
    gold) ``pairs`` whose gold Source is not a pronoun: the share where the
    predicted speaker or one of its non-pronoun aliases agrees with the gold
    Source text, and the share where that or the predicted ``reported_by``
    does (PolNeAR gives relayed speech, "A said B had told him ...", to A;
    the project to B, relayed by A)."""
    hits, relayed = [], []
    for pi, gi in pairs:
        if " ".join(norm(gold.at[gi, "speaker"])) in PRONOUNS:
            continue
        p = predicted.iloc[pi]
        names = [n for n in [p.speaker, *str(p.aliases).split("; ")] if n and " ".join(norm(n)) not in PRONOUNS]
        hits.append(agrees(names, gold.at[gi, "speaker"]))
        relayed.append(hits[-1] or agrees([p.reported_by], gold.at[gi, "speaker"]))
    return share(hits), share(relayed), len(hits)


def share(flags):
    """The share of true values among ``flags``, rounded (0.0 when empty)."""
    return round(sum(flags) / len(flags), 3) if flags else 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="PolNeAR checkout or bare git directory")
    parser.add_argument("--split", default="dev", choices=["train", "dev", "test"])
    parser.add_argument("--limit", type=int, default=None, help="a seeded sample of this many articles")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    articles, gold, no_source = convert(Source(args.path), args.split, args.limit, args.seed)
    nlp = load_nlp()
    t0 = time.perf_counter()
    predicted, _ = extract_statements(articles, nlp=nlp)
    seconds = time.perf_counter() - t0
    predicted = predicted.reset_index(drop=True)
    pairs = match(predicted, gold)
    scores = evaluate_statements(predicted, gold, pairs)
    agree, agree_relay, n_named = source_agreement(predicted, gold, pairs)
    print(f"PolNeAR {args.split}: {len(articles)} articles, {len(gold)} sourced attributions "
          f"({no_source} without a source left out), {seconds:.0f} s")
    print(f"statement precision {scores['precision']:.3f} recall {scores['recall']:.3f} f1 {scores['f1']:.3f} "
          f"({scores['n_matched']} matched of {scores['n_predicted']} predicted)")
    print(f"source-mention agreement {agree:.3f} on the {n_named} matched statements whose gold source "
          f"is not a pronoun ({scores['n_matched'] - n_named} pronoun sources not compared); {agree_relay:.3f} "
          f"counting the relay (reported_by) as the source")
    for kind in ("direct", "indirect"):
        if f"recall_{kind}" in scores:
            print(f"recall of gold {kind} (opens with a quotation mark or not): {scores[f'recall_{kind}']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
