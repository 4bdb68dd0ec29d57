"""Benchmark: how the speaker rule's ``counter_lean`` changes speaker labels, on speakers drawn from news dev.

The news dev sets have almost no speaker with several statements, so speakers are drawn: for
each topic of news_statements dev and news_contrast dev and each side, ``--draws`` speakers of
1-4 statements with that gold stance and 0-2 gold-neutral statements of the same topic.  The
statements are scored once in float32 (calibrated), and each speaker is labelled by
``speakers.uncertainty`` and ``speakers.stance_labels`` as ``speaker_stance`` does (equal
confidences).  Prints, per ``counter_lean``, the share of speakers given their gold side, given
the other side, and called uncertain.

    python tests/benchmarks/bench_speaker_rule.py [--model DIR] [--draws 300] [--leans 0 0.1 0.2 0.3 0.5]
"""
import argparse
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from analysis import speakers, train  # noqa: E402
from analysis.classifier import ADAPTERS_DIR, base_model_dir, load_classifier  # noqa: E402
from analysis.metrics import softmax  # noqa: E402

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
SIDES = ("favor", "against")


def scored_dev(model_dir):
    """news_statements dev and news_contrast dev with (p_favor, p_against, p_neutral) in ``probs``."""
    from transformers import AutoTokenizer

    model = load_classifier(model_dir)
    dev = train.load_split([DATA / "news_statements", DATA / "news_contrast"], "stance", "dev", model.speaker)
    tokenizer = AutoTokenizer.from_pretrained(base_model_dir(model.base))
    probs = softmax(train.predict_logits(model, tokenizer, dev) / model.temperature)
    return dev, probs[:, [model.labels.index(label) for label in speakers.LABELS]]


def draw_speakers(dev, probs, draws, seed=0):
    """[(gold side, (n, 3) probabilities)]: ``draws`` speakers per topic and side."""
    rng = np.random.default_rng(seed)
    out = []
    for topic, rows in dev.groupby("topic_id"):
        neutral = np.flatnonzero((dev["topic_id"] == topic).to_numpy() & (dev["label"] == "neutral").to_numpy())
        for side in SIDES:
            pool = rows.index[rows["label"] == side].to_numpy()
            for _ in range(draws if len(pool) else 0):
                k, m = rng.integers(1, 5), rng.integers(0, 3)
                idx = np.concatenate([rng.choice(pool, min(k, len(pool)), replace=False),
                                      rng.choice(neutral, min(m, len(neutral)), replace=False)])
                out.append((side, probs[idx]))
    return out


def label(probs, counter_lean):
    """The speaker label ``speaker_stance`` gives these statements at equal confidence."""
    on_target, lean = speakers.statement_leans(probs)
    if not on_target.any():
        return "neutral"
    weights = np.ones(int(on_target.sum()))
    if speakers.uncertainty(probs[on_target], weights, counter_lean=counter_lean):
        return speakers.UNCERTAIN
    return str(speakers.stance_labels(lean[on_target].mean()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(ADAPTERS_DIR / "stance"))
    parser.add_argument("--draws", type=int, default=300)
    parser.add_argument("--leans", type=float, nargs="+", default=[0.0, 0.1, speakers.MARGIN, 0.3, 0.5])
    args = parser.parse_args()
    torch.set_num_threads(2)
    dev, probs = scored_dev(args.model)
    drawn = draw_speakers(dev.reset_index(drop=True), probs, args.draws)
    gold = np.array([side for side, _ in drawn])
    print(f"{len(drawn)} speakers drawn from {dev['topic_id'].nunique()} dev topics; model {args.model}")
    for counter_lean in args.leans:
        got = np.array([label(p, counter_lean) for _, p in drawn])
        wrong = np.isin(got, SIDES) & (got != gold)
        print(f"counter_lean {counter_lean:.2f}: right side {(got == gold).mean():.3f}  other side "
              f"{wrong.mean():.4f}  uncertain {(got == speakers.UNCERTAIN).mean():.3f}  "
              f"neutral {(got == 'neutral').mean():.3f}", flush=True)


if __name__ == "__main__":
    main()
