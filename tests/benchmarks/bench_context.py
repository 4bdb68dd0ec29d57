"""Experiment: which sentence the stance model should read before a statement.

Scores news_contrast dev (statements with the sentence that stood before them in the
article, for about 60 % of rows) and news_statements dev (no article context) with one
stance adapter under three context policies, as the extractor would apply them:

* ``none``: the statement alone;
* ``back_references``: the sentence before only when the statement opens with a word
  pointing back to it ("this", "that", "it", "these", "those", "such"), the round-2 rule;
* ``always``: the sentence before whenever there is one (the extractor's rule now).

news_statements has no article context, so it is read alone and, as a check that an
unrelated sentence before does not move a self-contained statement, after another
statement of its own topic (seeded).  Prints macro-F1 per policy, news_contrast
accuracy per phenomenon and the share of contrast groups fully right.

    python tests/benchmarks/bench_context.py [--model DIR] [--precision fp32|bf16]
"""
import argparse
import sys
from pathlib import Path

import numpy as np
from transformers import AutoTokenizer

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from analysis import train  # noqa: E402
from analysis.classifier import ADAPTERS_DIR, base_model_dir, for_inference, load_classifier, with_context  # noqa: E402

DATA = Path(__file__).resolve().parents[3] / "shared/data"
BACK_REFERENCES = {"it", "such", "that", "these", "this", "those"}  # the round-2 rule's words


def policy_texts(rows, policy, back_references):
    """The stance input of each row of ``rows`` (``load_split`` output) under ``policy``."""
    def first_word(text):
        words = text.split()
        return words[0].strip("\"'“‘(").lower() if words else ""

    if policy == "none":
        return rows["statement"].tolist()
    keep = [policy == "always" or first_word(t) in back_references for t in rows["statement"]]
    return [with_context(c if k else "", t) for c, k, t in zip(rows["context"], keep, rows["statement"])]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=str(ADAPTERS_DIR / "stance"))
    parser.add_argument("--precision", default="bf16", choices=["fp32", "bf16"])
    args = parser.parse_args(argv)
    model = load_classifier(args.model)
    tokenizer = AutoTokenizer.from_pretrained(base_model_dir(model.base))
    scorer = for_inference(model, args.precision)
    back_references = BACK_REFERENCES
    contrast = train.load_split(DATA / "news_contrast", "stance", "dev")
    news = train.load_split(DATA / "news_statements", "stance", "dev")
    n = len(model.labels)
    print(f"model {args.model} ({args.precision}); news_contrast dev {len(contrast)} rows "
          f"({(contrast['context'] != '').sum()} with context), news_statements dev {len(news)}")
    per_phenomenon = {}
    for policy in ("none", "back_references", "always"):
        rows = contrast.assign(text=policy_texts(contrast, policy, back_references))
        pred = train.predict_logits(scorer, tokenizer, rows).argmax(1)
        y = rows["y"].to_numpy()
        share, groups = train.groups_right(rows, y == pred)
        per_phenomenon[policy] = {name: float((y[g.index] == pred[g.index]).mean())
                                  for name, g in rows.groupby("phenomenon")}
        given = sum(a != b for a, b in zip(rows["text"], rows["statement"]))
        print(f"news_contrast, context {policy:<16} macro-F1 {train.macro_f1(y, pred, n):.4f}  groups fully "
              f"right {share:.3f} of {groups}  (context read for {given} rows)")
    print("news_contrast accuracy per phenomenon (none / back_references / always):")
    for name in sorted(per_phenomenon["none"]):
        print(f"  {name:<24} " + " / ".join(f"{per_phenomenon[p][name]:.2f}" for p in per_phenomenon))
    y = news["y"].to_numpy()
    alone = train.predict_logits(scorer, tokenizer, news).argmax(1)
    noisy = train.context_noise(news, news, np.random.default_rng(0))
    after = train.predict_logits(scorer, tokenizer, noisy).argmax(1)
    print(f"news_statements, alone                   macro-F1 {train.macro_f1(y, alone, n):.4f}")
    print(f"news_statements, after another statement macro-F1 {train.macro_f1(y, after, n):.4f}  "
          f"(label changed for {(alone != after).mean():.3f} of rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
