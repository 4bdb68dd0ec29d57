"""Stage 4: from scored statements to one stance (and sentiment) per speaker.

Public functions
----------------
``speaker_stance(scored, articles=None, n_boot=2000, seed=0)``
    ``schemas.SCORED_STATEMENTS`` (and optionally ``schemas.ARTICLES`` for dates)
    -> ``schemas.SPEAKER_STANCE``: one row per (article_id, speaker) and one
    corpus-wide row per speaker with ``article_id == '*'``.
``group_stance(table, by)``
    the corpus-wide rows of a speaker table -> one row per organisation or country.
``stance_labels(probs)``
    the label rule below, for any array of (p_favor, p_against, p_neutral).

How a speaker's stance is decided
---------------------------------
* Probabilities are means of the statements' probabilities weighted by the
  extractor's ``confidence`` that the speaker really said them.
* ``score = p_favor - p_against``.
* Label: a side only when its mean probability is the largest of the three
  *and* beats the other side by ``MARGIN``; otherwise neutral.  A weighted mean
  keeps every inequality its statements share, so a speaker whose statements are
  all labelled neutral (off-target) is never pushed to a side, and a speaker who
  argues both ways about equally comes out neutral.
* 90% interval of ``score``: the speaker's stance distribution is given a
  Dirichlet posterior whose counts are the confidence-weighted sums of the
  statements' probabilities plus ``PRIOR`` per label; ``n_boot`` seeded draws
  of ``theta_favor - theta_against`` give the 5% and 95% quantiles.  One
  statement thus gives a wide interval whose width still follows how sure the
  classifier was, and the interval narrows as statements accumulate.  (A plain
  statement bootstrap would give a single statement a zero-width interval.)
  The interval is stretched to include ``score`` in the rare case (a lone
  near-certain statement) where the skewed posterior leaves it just outside.
* ``stance_confidence = (1 - p_neutral) * support``: the share of what the
  speaker said that bears on the target, times the share of posterior draws
  that get the same label under the same rule.  Off-target speakers therefore
  come out neutral *with low confidence*: they are neutral for lack of evidence.
* Sentiment: the same weighted means of the sentiment probabilities, labelled
  by their argmax; ``sentiment_score = p_positive - p_negative``.
* ``evidence``: the ``N_EVIDENCE`` statements most on the speaker's side (for
  neutral speakers, those closest to taking a side), each cut to
  ``EVIDENCE_CHARS`` characters.
"""
import zlib

import numpy as np
import pandas as pd

from . import schemas

MARGIN = 0.1          # lead one side must have over the other to be called
PRIOR = 1 / 3         # Dirichlet pseudo-count per label: one uninformative statement in all
N_EVIDENCE = 3        # statements quoted in ``evidence``
EVIDENCE_CHARS = 240  # each evidence statement is cut to this many characters
LABELS = ["favor", "against", "neutral"]
PROBS = ["p_favor", "p_against", "p_neutral"]
SENT_PROBS = ["p_negative", "p_sentiment_neutral", "p_positive"]
SENT_LABELS = ["negative", "neutral", "positive"]
COLUMNS = list(schemas.SPEAKER_STANCE)
CORPUS = "*"
NOT_STATED = "(not stated)"


def _first_common(values):
    """Most frequent non-empty string (ties: first seen), else ''."""
    values = [v for v in values if isinstance(v, str) and v.strip()]
    if not values:
        return ""
    counts = pd.Series(values).value_counts(sort=False)
    return counts.index[int(np.argmax(counts.to_numpy()))]


def _weights(conf):
    """Statement confidences as weights; all-zero or missing -> equal weights."""
    w = np.nan_to_num(np.asarray(conf, dtype=float), nan=0.0).clip(0, None)
    return w if w.sum() > 0 else np.ones_like(w)


def stance_labels(probs):
    """The speaker label rule (module docstring) for ``probs`` of shape (..., 3).

    Columns are p_favor, p_against, p_neutral.  Returns an array of shape
    (...) of 'favor' | 'against' | 'neutral'.
    """
    probs = np.asarray(probs, dtype=float)
    f, a, n = probs[..., 0], probs[..., 1], probs[..., 2]
    return np.where((f >= a + MARGIN) & (f > n), "favor",
                    np.where((a >= f + MARGIN) & (a > n), "against", "neutral"))


def posterior_draws(probs, weights, n_draws, rng):
    """Draws of the speaker's (favor, against, neutral) distribution.

    ``probs``: (n, 3) statement probabilities; ``weights``: (n,) confidences.
    The posterior is Dirichlet(PRIOR + sum_i weights_i * probs_i).  Returns an
    (n_draws, 3) array whose rows sum to 1.
    """
    alpha = PRIOR + (np.asarray(weights, dtype=float)[:, None] * probs).sum(axis=0)
    return rng.dirichlet(alpha, size=n_draws)


def _evidence(group, stance):
    """The statements that best show ``stance``, strongest first, ' | '-joined.

    For a side: highest probability of that side.  For neutral: the statements
    closest to taking a side (largest |p_favor - p_against|), so a reader can
    check that nothing on-target was missed.
    """
    if stance in ("favor", "against"):
        strength = group[f"p_{stance}"]
    else:
        strength = (group["p_favor"] - group["p_against"]).abs()
    top = group.assign(_s=strength).sort_values(["_s", "statement_id"], ascending=[False, True])
    parts = []
    for row in top.head(N_EVIDENCE).itertuples():
        text = " ".join(str(row.text).split()).replace("|", "/")
        if len(text) > EVIDENCE_CHARS:
            text = text[:EVIDENCE_CHARS - 1].rstrip() + "…"
        parts.append(f"[{row.stance} {max(row.p_favor, row.p_against, row.p_neutral):.2f}] {text}")
    return " | ".join(parts)


def _aggregate(group, article_id, n_boot, seed):
    """One output row for one speaker's statements (``group``)."""
    w = _weights(group["confidence"])
    probs = group[PROBS].to_numpy(dtype=float)
    mean = (w[:, None] * probs).sum(axis=0) / w.sum()
    p_favor, p_against, p_neutral = mean
    stance = str(stance_labels(mean))
    speaker = group["speaker"].iat[0]
    # The random stream is keyed by the statements pooled: the same statements
    # always get the same interval (per-article and corpus-wide rows alike), and
    # adding a speaker elsewhere in the corpus moves no one else's.
    key = zlib.crc32("\x00".join(sorted(map(str, group["statement_id"]))).encode())
    draws = posterior_draws(probs, w, n_boot, np.random.default_rng([seed, key]))
    lo, hi = np.quantile(draws[:, 0] - draws[:, 1], [0.05, 0.95])
    score = p_favor - p_against
    # With one near-certain statement the skewed posterior can leave the plain
    # mean a hair outside its 5-95% range; stretch the interval to include it.
    lo, hi = min(lo, score), max(hi, score)
    support = (stance_labels(draws) == stance).mean()

    sent = (w[:, None] * group[SENT_PROBS].to_numpy(dtype=float)).sum(axis=0) / w.sum()
    return {
        "article_id": article_id,
        "speaker": speaker,
        "role": _first_common(group["role"]),
        "organization": _first_common(group["organization"]),
        "country": _first_common(group["country"]),
        "date": pd.NaT,
        "stance": stance,
        "p_favor": p_favor, "p_against": p_against, "p_neutral": p_neutral,
        "score": score, "score_lo": float(lo), "score_hi": float(hi),
        "stance_confidence": float((1 - p_neutral) * support),
        "sentiment": SENT_LABELS[int(np.argmax(sent))],
        "p_negative": sent[0], "p_sentiment_neutral": sent[1], "p_positive": sent[2],
        "sentiment_score": sent[2] - sent[0],
        "n_statements": len(group),
        "evidence": _evidence(group, stance),
        "target": _first_common(group["target"]),
        "stance_model": _first_common(group["stance_model"]),
        "sentiment_model": _first_common(group["sentiment_model"]),
    }


def speaker_stance(scored, articles=None, n_boot=2000, seed=0):
    """Scored statements -> stance and sentiment per speaker.

    ``scored``: ``schemas.SCORED_STATEMENTS``; statements with empty text (stance
    label '') or missing probabilities are left out.  ``articles``: optional
    ``schemas.ARTICLES`` giving each article's ``date``.  ``n_boot``: posterior
    draws behind the interval and ``stance_confidence``; ``seed``: their seed
    (same inputs and seed -> same table).

    Returns ``schemas.SPEAKER_STANCE`` columns: rows per (article_id, speaker)
    sorted by article then speaker, followed by one corpus-wide row per speaker
    (``article_id == '*'``, ``date`` NaT) pooling all their statements.
    """
    schemas.check(scored, schemas.SCORED_STATEMENTS, "scored statements")
    usable = scored[scored["stance"].isin(LABELS)].dropna(subset=PROBS + SENT_PROBS)
    rows = [_aggregate(g, aid, n_boot, seed)
            for (aid, _), g in usable.groupby(["article_id", "speaker"], sort=True)]
    rows += [_aggregate(g, CORPUS, n_boot, seed) for _, g in usable.groupby("speaker", sort=True)]
    table = pd.DataFrame(rows, columns=COLUMNS)
    table["date"] = pd.to_datetime(table["date"])
    if articles is not None and len(table):
        dates = pd.to_datetime(articles.set_index("article_id")["date"])
        dates = dates[~dates.index.duplicated()]
        table["date"] = pd.to_datetime(table["article_id"].map(dates))
    table["n_statements"] = table["n_statements"].astype(int)
    return table.reset_index(drop=True)


def corpus_rows(table):
    """The corpus-wide rows (``article_id == '*'``) of a speaker table."""
    return table[table["article_id"] == CORPUS].reset_index(drop=True)


def group_stance(table, by):
    """Speaker table -> stance per ``by`` ('organization' or 'country').

    Uses the corpus-wide rows of ``speaker_stance`` output.  A group's
    probabilities are its speakers' probabilities weighted by their
    ``n_statements``, labelled with ``stance_labels``; speakers without a value
    for ``by`` form the group ``NOT_STATED``.

    Returns columns: ``by``, stance, p_favor, p_against, p_neutral, score,
    score_min, score_max (range of member scores), n_speakers, n_statements,
    speakers ('; '-joined), sorted by score.
    """
    if by not in ("organization", "country"):
        raise ValueError(f"group by 'organization' or 'country', not {by!r}")
    cols = [by, "stance", *PROBS, "score", "score_min", "score_max",
            "n_speakers", "n_statements", "speakers"]
    rows = corpus_rows(table)
    if rows.empty:
        return pd.DataFrame(columns=cols)
    rows = rows.assign(**{by: rows[by].fillna("").replace("", NOT_STATED)})
    out = []
    for name, g in rows.groupby(by, sort=True):
        w = g["n_statements"].to_numpy(dtype=float)
        p = (w[:, None] * g[PROBS].to_numpy(dtype=float)).sum(axis=0) / w.sum()
        out.append({by: name, "stance": str(stance_labels(p)), "p_favor": p[0], "p_against": p[1],
                    "p_neutral": p[2], "score": p[0] - p[1], "score_min": g["score"].min(),
                    "score_max": g["score"].max(), "n_speakers": len(g),
                    "n_statements": int(w.sum()), "speakers": "; ".join(g["speaker"])})
    return pd.DataFrame(out, columns=cols).sort_values(["score", by]).reset_index(drop=True)


def add_arguments(name, parser):
    """Arguments of ``python -m analysis stance``."""
    from .corpus import add_input_arguments

    add_input_arguments(parser)
    parser.add_argument("--target", required=True, help="what stance is measured toward")
    parser.add_argument("--model", help="stance model (default: the project's adapter)")
    parser.add_argument("--sentiment-model", help="sentiment model (default: the project's adapter)")
    parser.add_argument("-o", "--output", required=True, help="speakers CSV (or .parquet)")
    parser.add_argument("--statements-out", help="also write the scored statements here")


def run_cli(name, args):
    """Load, extract, score, aggregate, write atomically; 2 when no article loaded."""
    import sys

    from .corpus import load_cli
    from .io import write_table
    from .scoring import ModelNotFound, score_statements
    from .statements import extract_statements

    articles = load_cli(args)
    if articles is None:
        return 2
    statements, _ = extract_statements(articles)
    try:
        scored = score_statements(statements, args.target, model=args.model,
                                  sentiment_model=args.sentiment_model)
    except ModelNotFound as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    table = speaker_stance(scored, articles)
    if args.statements_out:
        write_table(scored, args.statements_out)
    write_table(table, args.output)
    per_article = table[table["article_id"] != CORPUS]
    counts = corpus_rows(table)["stance"].value_counts().to_dict()
    print(f"{len(per_article)} (article, speaker) rows, {len(table) - len(per_article)} speakers "
          f"{counts} -> {args.output}", file=sys.stderr)
    return 0
