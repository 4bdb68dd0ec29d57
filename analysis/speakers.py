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
* A statement is *on target* when its stance label is favor or against (its
  p_neutral is not the largest).  Remarks on other topics are off target and
  do not dilute the speaker's stance: they only lower its confidence.
* Each on-target statement leans ``(p_favor - p_against) / (p_favor + p_against)``,
  in [-1, 1]: how it splits between the sides, whatever its certainty, so one
  statement scored 0.94 weighs no more than one scored 0.6 and cannot overrule
  the rest on its own.
* ``score``: the mean lean of the on-target statements, weighted by the
  extractor's ``confidence`` that the speaker really said them (0 when none is
  on target).  Label: favor when ``score >= MARGIN``, against when
  ``score <= -MARGIN``, neutral when no statement is on target.
* **uncertain** instead of a side when the on-target statements do not settle
  it (``uncertainty``): they disagree (statements leaning ``MARGIN`` or more the
  other way from the score hold ``MINORITY`` or more of their weight, or the
  score is within ``MARGIN`` of 0; a statement split about evenly between the
  sides is evidence of neither, so it makes no one uncertain),
  or the only evidence is one statement whose side has a probability below
  ``LONE_MIN``.  One misread statement then makes a speaker uncertain, never
  the other side: three favor statements and one strong against stay favor; one
  favor and one against are uncertain; a lone statement at p 0.55 is uncertain.
  Figure 1 draws uncertain speakers as hatched, faded bars.
* 90% interval of ``score``: the split between the sides gets a Beta posterior
  whose counts are the confidence-weighted sums of the on-target statements'
  shares ``p_favor / (p_favor + p_against)`` and ``p_against / (...)`` plus
  ``PRIOR`` each; ``n_boot`` seeded draws of ``2 * theta - 1`` give the 5% and
  95% quantiles.  One statement gives a wide interval that narrows as
  statements accumulate; the interval is stretched to include ``score``.
* ``stance_confidence = on_target * support``: the confidence-weighted share of
  the speaker's statements that are on target, times the share of posterior
  draws that give the same label.  Off-target speakers come out neutral with
  confidence 0: neutral for lack of evidence.
* ``p_favor``, ``p_against``, ``p_neutral``: confidence-weighted means of the
  statements' probabilities, over all their statements (descriptive).
* Sentiment: the same weighted means of the sentiment probabilities, labelled
  by their argmax; ``sentiment_score = p_positive - p_negative``.
* ``evidence``: the ``N_EVIDENCE`` statements most on the speaker's side (for
  neutral speakers, those closest to taking a side), each cut to
  ``EVIDENCE_CHARS`` characters.
"""
import zlib
from collections import Counter

import numpy as np
import pandas as pd

from . import schemas, vocab

MARGIN = 0.2          # mean lean of the on-target statements needed to call a side
MINORITY = 0.3        # on-target weight on the other side from which a speaker's statements disagree
LONE_MIN = 0.75       # a lone on-target statement below this probability of its side settles nothing
PRIOR = 0.5           # Beta pseudo-count per side: one uninformative statement in all
N_EVIDENCE = 3        # statements quoted in ``evidence``
EVIDENCE_CHARS = 240  # each evidence statement is cut to this many characters
LABELS = vocab.LABELS["stance"]
UNCERTAIN = "uncertain"  # a speaker label: on-target statements that do not settle a side
PROBS = vocab.PROB_COLUMNS["stance"]
SENT_PROBS = vocab.SENTIMENT_COLUMNS
SENT_LABELS = vocab.LABELS["sentiment"]
COLUMNS = list(schemas.SPEAKER_STANCE)
CORPUS = "*"
NOT_STATED = "(not stated)"


def _first_common(values):
    """Most frequent non-empty string (ties: first seen), else ''."""
    counts = Counter(v for v in values if isinstance(v, str) and v.strip())
    return counts.most_common(1)[0][0] if counts else ""  # most_common keeps first-seen order among ties


def _weights(conf):
    """Statement confidences as weights; all-zero or missing -> equal weights."""
    w = np.nan_to_num(np.asarray(conf, dtype=float), nan=0.0).clip(0, None)
    return w if w.sum() > 0 else np.ones_like(w)


def statement_leans(probs):
    """(on_target, lean) for statement probabilities of shape (n, 3) (p_favor, p_against, p_neutral).

    ``on_target``: the statement's label is a side (p_neutral not the largest);
    ``lean``: (p_favor - p_against) / (p_favor + p_against), in [-1, 1].
    """
    probs = np.asarray(probs, dtype=float).reshape(-1, 3)
    f, a, n = probs[:, 0], probs[:, 1], probs[:, 2]
    on_target = np.maximum(f, a) >= n
    lean = (f - a) / np.maximum(f + a, 1e-12)
    return on_target, lean


def stance_labels(score):
    """The speaker label rule for ``score`` (array-like): 'favor' | 'against' | 'neutral'."""
    score = np.asarray(score, dtype=float)
    return np.where(score >= MARGIN, "favor", np.where(score <= -MARGIN, "against", "neutral"))


def uncertainty(probs, weights, counter_lean=MARGIN):
    """Why one speaker's on-target statements do not settle a side, or '' when they do.

    ``probs``: (n, 3) (p_favor, p_against, p_neutral) of the on-target statements,
    ``weights``: their (n,) confidences.  Returns 'sides disagree' (the statements
    leaning ``counter_lean`` or more away from the weighted mean lean hold ``MINORITY``
    or more of the weight, or the mean lean is within ``MARGIN`` of 0), 'one weak
    statement' (a single statement whose side has probability below ``LONE_MIN``) or ''.
    ``counter_lean`` = ``MARGIN`` was chosen on speakers drawn from the news dev sets
    (``tests/benchmarks/bench_speaker_rule.py``): it calls more speakers right than 0
    (any lean the other way) and no more of them the wrong side.
    """
    probs, weights = np.asarray(probs, dtype=float).reshape(-1, 3), np.asarray(weights, dtype=float)
    _, lean = statement_leans(probs)
    score = float((weights * lean).sum() / weights.sum())
    other = -np.sign(score) * lean >= counter_lean if score else np.ones(len(lean), dtype=bool)
    if abs(score) < MARGIN or weights[other].sum() >= MINORITY * weights.sum():
        return "sides disagree"
    if len(probs) == 1 and probs[0, :2].max() < LONE_MIN:
        return "one weak statement"
    return ""


def posterior_draws(probs, weights, n_draws, rng):
    """Draws of the speaker's score ``2 * theta - 1``, theta ~ Beta(favor, against counts).

    ``probs``: (n, 3) probabilities of the on-target statements; ``weights``: (n,)
    confidences.  Counts: PRIOR + sum_i weights_i * p_side_i / (p_favor_i + p_against_i).
    Returns an (n_draws,) array in [-1, 1].
    """
    probs = np.asarray(probs, dtype=float).reshape(-1, 3)
    sides = probs[:, :2] / np.maximum(probs[:, :2].sum(axis=1, keepdims=True), 1e-12)
    alpha = PRIOR + (np.asarray(weights, dtype=float)[:, None] * sides).sum(axis=0)
    return 2 * rng.beta(alpha[0], alpha[1], size=n_draws) - 1


def _evidence(cols, idx, stance):
    """The statements (rows ``idx`` of ``cols``) that best show ``stance``, strongest first, ' | '-joined.

    For a side: highest probability of that side.  For neutral: the statements
    closest to taking a side (largest |p_favor - p_against|), so a reader can
    check that nothing on-target was missed.
    """
    probs = cols["probs"][idx]
    if stance in ("favor", "against"):
        strength = probs[:, LABELS.index(stance)]
    else:
        strength = np.abs(probs[:, 0] - probs[:, 1])
    ids = [cols["statement_id"][i] for i in idx]
    order = sorted(range(len(idx)), key=lambda k: (-strength[k], ids[k]))[:N_EVIDENCE]
    parts = []
    for k in order:
        text = " ".join(str(cols["text"][idx[k]]).split()).replace("|", "/")
        if len(text) > EVIDENCE_CHARS:
            text = text[:EVIDENCE_CHARS - 1].rstrip() + "…"
        parts.append(f"[{cols['stance'][idx[k]]} {probs[k].max():.2f}] {text}")
    return " | ".join(parts)


def _stance(probs, w, n_boot, rng):
    """(stance, score, lo, hi, confidence, n_on_target) of one speaker's statements (module docstring);
    confidence is that of the side the score leans to, also for uncertain speakers."""
    on_target, lean = statement_leans(probs)
    if not on_target.any():
        return "neutral", 0.0, -1.0, 1.0, 0.0, 0
    wt = w[on_target]
    score = float((wt * lean[on_target]).sum() / wt.sum())
    side = str(stance_labels(score))
    draws = posterior_draws(probs[on_target], wt, n_boot, rng)
    lo, hi = np.quantile(draws, [0.05, 0.95])
    support = (stance_labels(draws) == side).mean()
    share = wt.sum() / w.sum()
    stance = UNCERTAIN if uncertainty(probs[on_target], wt) else side
    return stance, score, float(min(lo, score)), float(max(hi, score)), float(share * support), int(on_target.sum())


def _columns(usable):
    """The columns ``_aggregate`` reads, as numpy arrays and lists (no pandas per speaker)."""
    cols = {c: usable[c].tolist() for c in ("speaker", "role", "organization", "country", "statement_id", "text",
                                             "stance", "target", "stance_model", "sentiment_model")}
    cols["probs"] = usable[PROBS].to_numpy(dtype=float)
    cols["sent"] = usable[SENT_PROBS].to_numpy(dtype=float)
    cols["confidence"] = usable["confidence"].to_numpy()
    return cols


def _aggregate(cols, idx, article_id, n_boot, seed):
    """One output row for one speaker's statements: rows ``idx`` of ``cols`` (``_columns``)."""
    w = _weights(cols["confidence"][idx])
    probs = cols["probs"][idx]
    p_favor, p_against, p_neutral = (w[:, None] * probs).sum(axis=0) / w.sum()
    # The random stream is keyed by the statements pooled: the same statements
    # always get the same interval (per-article and corpus-wide rows alike), and
    # adding a speaker elsewhere in the corpus moves no one else's.
    key = zlib.crc32("\x00".join(sorted(str(cols["statement_id"][i]) for i in idx)).encode())
    stance, score, lo, hi, confidence, n_on_target = _stance(probs, w, n_boot, np.random.default_rng([seed, key]))
    sent = (w[:, None] * cols["sent"][idx]).sum(axis=0) / w.sum()

    def common(name):
        return _first_common([cols[name][i] for i in idx])

    return {
        "article_id": article_id,
        "speaker": cols["speaker"][idx[0]],
        "role": common("role"),
        "organization": common("organization"),
        "country": common("country"),
        "date": pd.NaT,
        "stance": stance,
        "p_favor": p_favor, "p_against": p_against, "p_neutral": p_neutral,
        "score": score, "score_lo": lo, "score_hi": hi,
        "stance_confidence": confidence,
        "sentiment": SENT_LABELS[int(np.argmax(sent))],
        "p_negative": sent[0], "p_sentiment_neutral": sent[1], "p_positive": sent[2],
        "sentiment_score": sent[2] - sent[0],
        "n_statements": len(idx),
        "n_on_target": n_on_target,
        "evidence": _evidence(cols, idx, stance),
        "target": common("target"),
        "stance_model": common("stance_model"),
        "sentiment_model": common("sentiment_model"),
    }


def speaker_stance(scored: pd.DataFrame, articles: pd.DataFrame | None = None, n_boot: int = 2000,
                   seed: int = 0) -> pd.DataFrame:
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
    cols = _columns(usable)
    rows = [_aggregate(cols, idx, aid, n_boot, seed)
            for (aid, _), idx in sorted(usable.groupby(["article_id", "speaker"]).indices.items())]
    rows += [_aggregate(cols, idx, CORPUS, n_boot, seed)
             for _, idx in sorted(usable.groupby("speaker").indices.items())]
    table = pd.DataFrame(rows, columns=COLUMNS)
    table["date"] = pd.to_datetime(table["date"])
    if articles is not None and len(table):
        dates = pd.to_datetime(articles.set_index("article_id")["date"])
        dates = dates[~dates.index.duplicated()]
        table["date"] = pd.to_datetime(table["article_id"].map(dates))
    table[["n_statements", "n_on_target"]] = table[["n_statements", "n_on_target"]].astype(int)
    return table.reset_index(drop=True)


def corpus_rows(table):
    """The corpus-wide rows (``article_id == '*'``) of a speaker table."""
    return table[table["article_id"] == CORPUS].reset_index(drop=True)


def group_label(members: pd.DataFrame, score: float) -> str:
    """A group's label from its ``members`` (rows of ``speaker_stance`` output) and its ``score``:
    ``stance_labels(score)``, but ``UNCERTAIN`` when members address the target and those
    whose own label is that side hold less on-target weight (``n_on_target``) than the
    uncertain members, or when the score is within ``MARGIN`` though members take sides
    (a group whose one speaker is uncertain is uncertain, not a full bar)."""
    label = str(stance_labels(score))
    on = members["n_on_target"].to_numpy(dtype=float)
    if not on.sum():
        return label
    agree = on[(members["stance"] == label).to_numpy()].sum()
    unsure = on[(members["stance"] == UNCERTAIN).to_numpy()].sum()
    return UNCERTAIN if label == "neutral" or agree < unsure else label


def group_stance(table: pd.DataFrame, by: str) -> pd.DataFrame:
    """Speaker table -> stance per ``by`` ('organization' or 'country').

    Uses the corpus-wide rows of ``speaker_stance`` output.  A group's score is
    its speakers' scores weighted by their on-target statements (``n_on_target``;
    0 when none of them addresses the target), labelled with ``group_label``;
    its probabilities are weighted by ``n_statements``.  Speakers without a value
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
        on = g["n_on_target"].to_numpy(dtype=float)
        score = float((on * g["score"].to_numpy(dtype=float)).sum() / on.sum()) if on.sum() else 0.0
        out.append({by: name, "stance": group_label(g, score), "p_favor": p[0], "p_against": p[1],
                    "p_neutral": p[2], "score": score, "score_min": g["score"].min(),
                    "score_max": g["score"].max(), "n_speakers": len(g),
                    "n_statements": int(w.sum()), "speakers": "; ".join(g["speaker"])})
    return pd.DataFrame(out, columns=cols).sort_values(["score", by]).reset_index(drop=True)
