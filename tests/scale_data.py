"""A synthetic corpus-sized pair of tables (test inputs, not results): scored statements and speakers.

``synthetic_tables(n_articles=10_000, n_speakers=2_000, n_orgs=60, n_countries=40, days=730)``
returns ``(table, scored)`` with the columns of ``schemas.SPEAKER_STANCE`` and
``schemas.SCORED_STATEMENTS``, built with numpy in well under a second (``speaker_stance``
would take minutes at this size; the figures only need its columns).  Statement counts per
speaker follow a Zipf law, so a few speakers say a lot and most say little; names, organisations
and countries include very long ones; 2% of the articles have no date; each speaker leans
around their organisation's side and the corpus drifts from against to favour over the span.
"""
import numpy as np
import pandas as pd

from analysis import schemas
from analysis.speakers import CORPUS, LABELS, SENT_LABELS, stance_labels, statement_leans

LONG = "Extraordinary and Plenipotentiary Representative of the Committee for Very Long Names"


def _names(prefix, n, rng):
    """``n`` distinct names, one in ten very long."""
    return [f"{prefix} {i} {LONG}" if rng.random() < 0.1 else f"{prefix} {i}" for i in range(n)]


def _statements(n_articles, n_speakers, n_orgs, n_countries, days, rng):
    """Scored statements: 1-5 per article, speakers drawn by a Zipf law."""
    orgs, countries = _names("Organisation", n_orgs, rng) + [""], _names("Country", n_countries, rng) + [""]
    org_of = rng.integers(0, n_orgs + 1, n_speakers)
    country_of = rng.integers(0, n_countries + 1, n_speakers)
    org_side = rng.uniform(-2, 2, n_orgs + 1)
    speaker_side = org_side[org_of] + rng.normal(0, 1, n_speakers)
    per_article = rng.integers(1, 6, n_articles)
    article = np.repeat(np.arange(n_articles), per_article)
    weights = 1 / np.arange(1, n_speakers + 1) ** 0.9
    speaker = rng.choice(n_speakers, size=len(article), p=weights / weights.sum())
    day = rng.uniform(0, days, n_articles)
    drift = (day[article] / days - 0.5) * 2
    logits = np.stack([speaker_side[speaker] + drift, -speaker_side[speaker] - drift,
                       rng.normal(0.5, 1.5, len(article))], axis=1)
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    sent = rng.dirichlet([2, 2, 1], len(article))
    names = np.array(_names("Speaker", n_speakers, rng), dtype=object)
    ids = np.array([f"article-{i:05d}" for i in range(n_articles)], dtype=object)
    df = pd.DataFrame({
        "article_id": ids[article], "statement_id": [f"{ids[a]}:{i}" for i, a in enumerate(article)],
        "speaker": names[speaker], "aliases": "", "role": "spokesperson",
        "organization": np.array(orgs, dtype=object)[org_of[speaker]],
        "country": np.array(countries, dtype=object)[country_of[speaker]], "kind": "direct", "cue": "said",
        "reported_by": np.where(rng.random(len(article)) < 0.03, names[rng.integers(0, 50, len(article))], ""),
        "text": "statement", "start": 0, "end": 9, "sentence_index": 0,
        "confidence": rng.uniform(0.4, 0.95, len(article)), "target": "T",
        "p_favor": probs[:, 0], "p_against": probs[:, 1], "p_neutral": probs[:, 2],
        "stance": np.array(LABELS)[probs.argmax(axis=1)], "stance_model": "m@1",
        "p_negative": sent[:, 0], "p_sentiment_neutral": sent[:, 1], "p_positive": sent[:, 2],
        "sentiment": np.array(SENT_LABELS)[sent.argmax(axis=1)], "sentiment_model": "s@1",
    }, columns=list(schemas.SCORED_STATEMENTS))
    dates = pd.Timestamp("2022-01-01") + pd.to_timedelta(np.floor(day), unit="D")
    return df, pd.Series(np.where(rng.random(n_articles) < 0.02, pd.NaT, dates), index=ids, dtype="datetime64[ns]")


def _speaker_rows(scored, keys):
    """One speaker-table row per group of ``keys``: weighted means and a normal 90% interval."""
    on, lean = statement_leans(scored[["p_favor", "p_against", "p_neutral"]].to_numpy())
    w = scored["confidence"].to_numpy()
    df = scored.assign(_w=w, _won=w * on, _wlean=w * on * lean, _on=on.astype(int),
                       **{f"_w{c}": w * scored[c] for c in ("p_favor", "p_against", "p_neutral", "p_negative",
                                                            "p_sentiment_neutral", "p_positive")})
    g = df.groupby(keys, sort=True)
    sums = g[[c for c in df if c.startswith("_")]].sum()
    first = g[["role", "organization", "country", "target", "stance_model", "sentiment_model"]].first()
    out = pd.concat([first, sums], axis=1).reset_index()
    out["score"] = np.where(out["_won"] > 0, out["_wlean"] / out["_won"].where(out["_won"] > 0, 1), 0.0)
    half = 1.645 / np.sqrt(out["_on"] + 1)
    out["score_lo"], out["score_hi"] = (out["score"] - half).clip(-1, 1), (out["score"] + half).clip(-1, 1)
    for c in ("p_favor", "p_against", "p_neutral", "p_negative", "p_sentiment_neutral", "p_positive"):
        out[c] = out[f"_w{c}"] / out["_w"]
    out["stance"] = stance_labels(out["score"])
    out["stance_confidence"] = out["_won"] / out["_w"]
    sent = out[["p_negative", "p_sentiment_neutral", "p_positive"]].to_numpy()
    out["sentiment"] = np.array(SENT_LABELS)[sent.argmax(axis=1)]
    out["sentiment_score"] = out["p_positive"] - out["p_negative"]
    out["n_statements"] = g.size().to_numpy()
    out["n_on_target"] = out["_on"]
    out["evidence"] = ""
    return out


def synthetic_tables(n_articles=10_000, n_speakers=2_000, n_orgs=60, n_countries=40, days=730, seed=0):
    """(speaker table, scored statements) of a synthetic corpus; see the module docstring."""
    rng = np.random.default_rng(seed)
    scored, dates = _statements(n_articles, n_speakers, n_orgs, n_countries, days, rng)
    per_article = _speaker_rows(scored, ["article_id", "speaker"])
    per_article["date"] = per_article["article_id"].map(dates)
    corpus = _speaker_rows(scored, ["speaker"]).assign(article_id=CORPUS, date=pd.NaT)
    table = pd.concat([per_article, corpus], ignore_index=True)[list(schemas.SPEAKER_STANCE)]
    table["date"] = pd.to_datetime(table["date"])
    return table, scored
