"""speaker_stance / group_stance on small synthetic scored statements (test inputs, not results),
and the stance command on the seed against the hand-labelled gold."""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import schemas
from analysis.speakers import (
    CORPUS,
    LONE_MIN,
    MARGIN,
    MINORITY,
    PRIOR,
    UNCERTAIN,
    corpus_rows,
    group_stance,
    posterior_draws,
    speaker_stance,
    stance_labels,
    uncertainty,
)

STANCE_P = {"favor": (0.9, 0.05, 0.05), "against": (0.05, 0.9, 0.05), "neutral": (0.05, 0.05, 0.9)}


def scored(rows):
    """rows: (article_id, speaker, stance label or (pf, pa, pn), confidence[, country, org, reported_by])."""
    out = []
    for i, (aid, speaker, stance, conf, *rest) in enumerate(rows):
        pf, pa, pn = STANCE_P[stance] if isinstance(stance, str) else stance
        label = ["favor", "against", "neutral"][int(np.argmax([pf, pa, pn]))]
        country, org, reported_by = (list(rest) + ["", "", ""])[:3]
        out.append({"article_id": aid, "statement_id": f"{aid}:{i}", "speaker": speaker, "role": "",
                    "organization": org, "country": country, "kind": "direct", "cue": "said",
                    "reported_by": reported_by, "text": f"statement {i} by {speaker}", "start": 0, "end": 1,
                    "sentence_index": i, "confidence": conf, "target": "T",
                    "p_favor": pf, "p_against": pa, "p_neutral": pn, "stance": label, "stance_model": "m@1",
                    "p_negative": 0.6, "p_sentiment_neutral": 0.3, "p_positive": 0.1,
                    "sentiment": "negative", "sentiment_model": "s@1"})
    return pd.DataFrame(out, columns=list(schemas.SCORED_STATEMENTS))


def test_weighted_means_and_rows():
    df = scored([("a1", "A", (0.8, 0.1, 0.1), 1.0), ("a1", "A", (0.2, 0.6, 0.2), 0.5),
                 ("a2", "A", "favor", 1.0), ("a1", "B", "neutral", 0.9)])
    t = speaker_stance(df, n_boot=200)
    schemas.check(t, schemas.SPEAKER_STANCE)
    assert list(zip(t["article_id"], t["speaker"])) == [("a1", "A"), ("a1", "B"), ("a2", "A"), (CORPUS, "A"),
                                                        (CORPUS, "B")]
    a1 = t.iloc[0]
    assert a1["p_favor"] == pytest.approx((0.8 * 1 + 0.2 * 0.5) / 1.5)
    assert a1["p_against"] == pytest.approx((0.1 * 1 + 0.6 * 0.5) / 1.5)
    assert a1["score"] == pytest.approx((1.0 * 0.7 / 0.9 + 0.5 * -0.4 / 0.8) / 1.5)  # mean lean
    assert a1["n_statements"] == 2
    assert t.iloc[3]["n_statements"] == 3
    assert t.iloc[0]["p_negative"] == pytest.approx(0.6) and t.iloc[0]["sentiment"] == "negative"
    assert (t[["p_favor", "p_against", "p_neutral"]].sum(axis=1)).to_numpy() == pytest.approx(1.0)


def test_off_target_speaker_stays_neutral_with_no_confidence():
    # Leans favor by probability, but neutral outweighs favor in every statement: nothing on target.
    df = scored([("a", "Off", (0.35, 0.05, 0.6), 1.0), ("a", "Off", (0.35, 0.05, 0.6), 1.0),
                 ("a", "Pro", "favor", 1.0), ("a", "Pro", "favor", 1.0), ("a", "Pro", "favor", 1.0)])
    t = speaker_stance(df, n_boot=500).set_index(["article_id", "speaker"])
    off, pro = t.loc[("a", "Off")], t.loc[("a", "Pro")]
    assert off["p_favor"] - off["p_against"] > MARGIN and off["stance"] == "neutral" and off["score"] == 0
    assert pro["stance"] == "favor"
    assert off["stance_confidence"] == 0 < 0.4 < pro["stance_confidence"]
    assert pro["evidence"].startswith("[favor 0.90] statement")


def test_remarks_on_other_topics_do_not_dilute_the_stance():
    df = scored([("a", "S", "favor", 1.0)] + [("a", "S", "neutral", 1.0)] * 4)
    row = speaker_stance(df, n_boot=200).iloc[0]
    assert row["stance"] == "favor" and row["score"] > 0.8
    assert row["stance_confidence"] <= 0.2  # one statement in five bears on the target
    assert row["evidence"].startswith("[favor 0.90]")


def test_one_strongly_scored_statement_does_not_overrule_the_rest():
    # Five statements lean favor without much certainty; one rebuttal is scored against 0.94.
    df = scored([("a", "S", (0.55, 0.15, 0.30), 1.0)] * 5 + [("a", "S", (0.03, 0.94, 0.03), 1.0)])
    row = speaker_stance(df, n_boot=500).iloc[0]
    assert row["p_against"] < row["p_favor"] < 0.5  # the plain means would hardly separate them
    assert row["stance"] == "favor" and row["score"] > MARGIN


def test_mixed_speaker_is_uncertain_and_against_side():
    df = scored([("a", "Mixed", "favor", 1.0), ("a", "Mixed", "against", 1.0), ("a", "Con", "against", 0.8)])
    t = speaker_stance(df, n_boot=200).set_index(["article_id", "speaker"])
    assert t.loc[("a", "Mixed"), "stance"] == UNCERTAIN  # on target, but on both sides: not "neutral"
    assert t.loc[("a", "Con"), "stance"] == "against"


def test_three_favor_and_one_strong_against_stay_favor():
    df = scored([("a", "S", (0.7, 0.1, 0.2), 1.0)] * 3 + [("a", "S", (0.02, 0.96, 0.02), 1.0)])
    row = speaker_stance(df, n_boot=500).iloc[0]
    assert row["stance"] == "favor" and row["score"] > MARGIN
    assert row["score_lo"] < row["score"] < row["score_hi"]


def test_two_favor_and_one_against_disagree():
    # The against statement holds a third of the on-target weight (>= MINORITY): no side is settled.
    df = scored([("a", "S", "favor", 1.0)] * 2 + [("a", "S", "against", 1.0)])
    row = speaker_stance(df, n_boot=500).iloc[0]
    assert 1 / 3 >= MINORITY and row["score"] > MARGIN  # the plain rule would have called it favor
    assert row["stance"] == UNCERTAIN
    assert uncertainty(df[["p_favor", "p_against", "p_neutral"]].to_numpy(), np.ones(3)) == "sides disagree"


def test_a_statement_split_between_the_sides_makes_no_one_uncertain():
    # Two clear favor statements and one split about evenly (leaning against by 0.06, under MARGIN):
    # it is evidence of neither side, though it holds a third of the weight.
    split = (0.40, 0.45, 0.15)
    df = scored([("a", "S", (0.8, 0.1, 0.1), 1.0)] * 2 + [("a", "S", split, 1.0)])
    probs = df[["p_favor", "p_against", "p_neutral"]].to_numpy()
    assert 1 / 3 >= MINORITY and 0 < (split[1] - split[0]) / (split[0] + split[1]) < MARGIN
    assert speaker_stance(df, n_boot=200).iloc[0]["stance"] == "favor"
    assert uncertainty(probs, np.ones(3)) == ""
    assert uncertainty(probs, np.ones(3), counter_lean=0.0) == "sides disagree"  # any lean the other way


def test_lone_low_margin_statement_is_uncertain_and_a_sure_one_is_not():
    weak = speaker_stance(scored([("a", "S", (0.55, 0.10, 0.35), 1.0)]), n_boot=500).iloc[0]
    sure = speaker_stance(scored([("a", "S", (0.90, 0.05, 0.05), 1.0)]), n_boot=500).iloc[0]
    assert 0.55 < LONE_MIN <= 0.9
    assert weak["stance"] == UNCERTAIN and weak["score"] > MARGIN and weak["n_on_target"] == 1
    assert weak["score_lo"] < 0 < weak["score_hi"]  # the interval shows it too
    assert sure["stance"] == "favor"
    assert uncertainty(np.array([[0.55, 0.10, 0.35]]), np.ones(1)) == "one weak statement"
    assert uncertainty(np.array([[0.90, 0.05, 0.05]]), np.ones(1)) == ""
    # A weak statement beside a sure one on the same side is not "one weak statement".
    both = speaker_stance(scored([("a", "S", (0.55, 0.10, 0.35), 1.0), ("a", "S", "favor", 1.0)])).iloc[0]
    assert both["stance"] == "favor"


@pytest.mark.parametrize("score, label", [
    (0.5, "favor"), (MARGIN, "favor"), (-0.5, "against"), (-MARGIN, "against"),
    (MARGIN - 0.01, "neutral"), (0.0, "neutral")])
def test_stance_label_rule(score, label):
    assert stance_labels(score) == label
    assert list(stance_labels([score, score])) == [label, label]


def test_interval_contains_score_narrows_with_n_and_is_seeded():
    few = scored([("a", "S", (0.7, 0.2, 0.1), 1.0)] * 2)
    many = scored([("a", "S", (0.7, 0.2, 0.1), 1.0)] * 40)
    t_few, t_many = speaker_stance(few, n_boot=1000).iloc[0], speaker_stance(many, n_boot=1000).iloc[0]
    for r in (t_few, t_many):
        assert r["score_lo"] <= r["score"] <= r["score_hi"]
    assert (t_many["score_hi"] - t_many["score_lo"]) < (t_few["score_hi"] - t_few["score_lo"])
    assert t_many["score_lo"] > 0  # forty favouring statements: the interval excludes 0
    pd.testing.assert_frame_equal(speaker_stance(many, seed=3), speaker_stance(many, seed=3))
    assert not speaker_stance(many, seed=3).equals(speaker_stance(many, seed=4))


def test_single_statement_interval_is_wide_but_graded():
    sure = speaker_stance(scored([("a", "S", (0.02, 0.96, 0.02), 1.0)]), n_boot=2000).iloc[0]
    unsure = speaker_stance(scored([("a", "S", (0.3, 0.5, 0.2), 1.0)]), n_boot=2000).iloc[0]
    assert sure["score_lo"] <= sure["score"] <= sure["score_hi"] < 1
    assert sure["score_hi"] < unsure["score_hi"]
    assert sure["score_hi"] - sure["score_lo"] > 0.5  # one statement is weak evidence


def test_same_statements_same_interval_in_article_and_corpus_rows():
    rows = [("a1", "A", (0.6, 0.3, 0.1), 0.9), ("a1", "A", (0.2, 0.1, 0.7), 0.8), ("a2", "B", "favor", 1.0)]
    t = speaker_stance(scored(rows), n_boot=300)
    cols = ["score", "score_lo", "score_hi", "stance_confidence"]
    per_article = t[t["article_id"] == "a1"].iloc[0]
    corpus = t[(t["article_id"] == CORPUS) & (t["speaker"] == "A")].iloc[0]
    assert per_article[cols].tolist() == corpus[cols].tolist()
    # another speaker added to the corpus leaves A's interval unchanged
    more = speaker_stance(scored(rows + [("a2", "C", "against", 1.0)]), n_boot=300)
    assert more.iloc[0][cols].tolist() == per_article[cols].tolist()


def test_posterior_mean_follows_weighted_counts():
    probs = np.array([[0.6, 0.3, 0.1], [0.1, 0.4, 0.5]])
    weights = np.array([1.0, 0.5])
    draws = posterior_draws(probs, weights, 20000, np.random.default_rng(0))
    favor, against = PRIOR + 1.0 * 0.6 / 0.9 + 0.5 * 0.1 / 0.5, PRIOR + 1.0 * 0.3 / 0.9 + 0.5 * 0.4 / 0.5
    assert draws.mean() == pytest.approx((favor - against) / (favor + against), abs=0.01)
    assert draws.min() >= -1 and draws.max() <= 1


def test_zero_confidence_falls_back_to_equal_weights_and_dates_from_articles():
    df = scored([("a", "S", "favor", 0.0), ("a", "S", "against", 0.0)])
    articles = pd.DataFrame({"article_id": ["a"], "date": pd.to_datetime(["2022-01-06"])})
    t = speaker_stance(df, articles, n_boot=50)
    assert t.iloc[0]["score"] == pytest.approx(0.0)
    assert t.iloc[0]["date"] == pd.Timestamp("2022-01-06")
    assert pd.isna(t.iloc[1]["date"])  # corpus-wide row


def test_empty_input_and_missing_columns():
    t = speaker_stance(scored([]))
    assert t.empty and set(schemas.SPEAKER_STANCE) <= set(t.columns)
    with pytest.raises(ValueError, match="missing columns"):
        speaker_stance(pd.DataFrame({"speaker": ["x"]}))


def test_group_stance():
    df = scored([("a", "A", "favor", 1.0, "X", "Org1"), ("a", "A", "favor", 1.0, "X", "Org1"),
                 ("a", "B", "against", 1.0, "X", "Org2"), ("a", "C", "against", 1.0, "", "")])
    t = speaker_stance(df, n_boot=50)
    g = group_stance(t, "country").set_index("country")
    assert g.loc["X", "n_speakers"] == 2 and g.loc["X", "n_statements"] == 3
    lean = 0.85 / 0.95  # (p_favor - p_against) / (p_favor + p_against) of each statement
    assert g.loc["X", "score"] == pytest.approx((2 * lean - lean) / 3)
    assert g.loc["(not stated)", "stance"] == "against"
    assert set(group_stance(t, "organization")["organization"]) == {"Org1", "Org2", "(not stated)"}
    with pytest.raises(ValueError):
        group_stance(t, "role")


# -- the stance command on the seed (runs the real upstream stages and models) --------------------
ROOT = Path(__file__).resolve().parent.parent
GOLD = json.loads((ROOT / "tests" / "gold" / "speaker_stance.json").read_text(encoding="utf-8"))


def run_cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "analysis", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, env=None if env is None else {**os.environ, **env})


def test_stance_cli_exits_2_without_articles(tmp_path):
    (tmp_path / "empty").mkdir()
    result = run_cli("stance", tmp_path / "empty", "--target", "T", "-o", tmp_path / "s.csv")
    assert result.returncode == 2 and not (tmp_path / "s.csv").exists()
    assert "loaded 0 articles" in result.stderr


@pytest.mark.slow
def test_stance_cli_on_seed_matches_gold_speakers(tmp_path):
    article = GOLD["articles"][0]
    out, statements_out = tmp_path / "speakers.csv", tmp_path / "statements.csv"
    result = run_cli("stance", ROOT / article["path"], "--target", GOLD["target"], "-o", out,
                     "--statements-out", statements_out, env={"ANALYSIS_PRECISION": "fp32"})
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(out, keep_default_na=False)
    for column in ("article_id", "speaker", "role", "organization", "country", "stance", "p_favor",
                   "p_against", "p_neutral", "sentiment", "n_statements", "evidence"):
        assert column in table.columns
    rows = table[table["article_id"] == article["id"]].set_index("speaker")
    gold = {s["speaker"]: s["stance"] for s in article["speakers"]}
    assert set(gold) <= set(rows.index), f"missing speakers: {set(gold) - set(rows.index)}"
    agree = [s for s, stance in gold.items() if rows.loc[s, "stance"] == stance]
    # In float32 (the precision of CPUs without native bfloat16 and of `make figures`). The round-3
    # adapter (I) gets 7 of 8: Zakharova's rebuttal of US officials (against 0.48, favor 0.47) and Ned
    # Price's "the government was well protected" (favor 0.45, against 0.39) are split between the sides
    # and so make neither uncertain (counter_lean).  Its miss is "uncertain", never the other side, and
    # leans to its hand-labelled side: Kalashnikov's "the security of our countries is always under
    # threat" is read against.
    assert len(agree) >= 7, rows.loc[list(gold), ["stance", "score", "evidence"]]
    opposite = {"favor": "against", "against": "favor"}
    assert not [s for s, stance in gold.items() if rows.loc[s, "stance"] == opposite.get(stance)]
    sign = {"favor": 1, "against": -1}
    leaning_wrong = [s for s, stance in gold.items() if stance in sign and rows.loc[s, "score"] * sign[stance] <= 0]
    assert not leaning_wrong, rows.loc[leaning_wrong, ["stance", "score", "evidence"]]
    assert rows.loc["Nikol Pashinyan", "stance"] == "favor"
    assert rows.loc["Kassym-Jomart Tokayev", "stance"] == "favor"  # his appeal for help, read as support
    assert len(pd.read_csv(statements_out)) == rows["n_statements"].sum()


@pytest.mark.slow
def test_seed_speakers_are_neutral_toward_an_unrelated_target(tmp_path):
    # What the seed's speakers say bears on the deployment, not on a pension reform.
    out = tmp_path / "speakers.csv"
    result = run_cli("stance", ROOT / GOLD["articles"][0]["path"], "--target", "the new pension reform", "-o", out)
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(out, keep_default_na=False)
    rows = table[table["article_id"] == CORPUS]
    assert len(rows) >= 8 and (rows["stance"] == "neutral").mean() >= 7 / 8, rows[["speaker", "stance", "evidence"]]


def test_a_group_is_uncertain_when_its_uncertain_speakers_outweigh_its_decided_ones():
    df = scored([("a", "Lone", (0.55, 0.3, 0.15), 1.0, "X"),  # one weak statement: an uncertain speaker
                 ("a", "Sure", "against", 1.0, "Y"), ("a", "Sure", "against", 1.0, "Y"),
                 ("a", "Weak", (0.3, 0.55, 0.15), 1.0, "Y")])
    t = speaker_stance(df, n_boot=50)
    members = corpus_rows(t).set_index("speaker")["stance"]
    assert members["Lone"] == members["Weak"] == "uncertain" and members["Sure"] == "against"
    g = group_stance(t, "country").set_index("country")
    assert g.loc["X", "stance"] == "uncertain" and g.loc["X", "score"] > 0
    assert g.loc["Y", "stance"] == "against"  # two decided statements outweigh one uncertain


def test_off_target_speakers_do_not_dilute_their_group():
    df = scored([("a", "A", "against", 1.0, "X"), ("a", "Quiet", "neutral", 1.0, "X"),
                 ("a", "Quiet", "neutral", 1.0, "X"), ("a", "Off", "neutral", 1.0, "Y")])
    t = speaker_stance(df, n_boot=50)
    assert list(corpus_rows(t).set_index("speaker")["n_on_target"]) == [1, 0, 0]
    g = group_stance(t, "country").set_index("country")
    assert g.loc["X", "stance"] == "against" and g.loc["X", "score"] == pytest.approx(-0.85 / 0.95)
    assert g.loc["Y", "stance"] == "neutral" and g.loc["Y", "score"] == 0
