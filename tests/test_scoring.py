"""Scoring stage: adapter and NLI paths, cache behaviour, CLI.

The models here are built by the tests (a fresh, untrained LoRA head on the real
base encoder; a tiny random NLI model): they exercise code paths, not quality.
"""
import json
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
import torch

from analysis import device, numerics, schemas, scoring
from analysis.classifier import ADAPTERS_DIR, base_model_dir, new_classifier, save_classifier, with_context


@pytest.fixture(scope="module")
def tiny_adapter(tmp_path_factory):
    torch.manual_seed(0)
    path = tmp_path_factory.mktemp("adapter") / "stance-test"
    model = new_classifier(scoring.LABELS["stance"], pair=True, max_length=64, r=2)
    save_classifier(model, path)
    return path


@pytest.fixture(scope="module")
def tiny_nli(tmp_path_factory):
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    torch.manual_seed(0)
    path = tmp_path_factory.mktemp("nli") / "tiny-nli"
    tok = AutoTokenizer.from_pretrained(base_model_dir())
    config = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, num_labels=3,
                        id2label={0: "contradiction", 1: "neutral", 2: "entailment"},
                        label2id={"contradiction": 0, "neutral": 1, "entailment": 2})
    BertForSequenceClassification(config).save_pretrained(path)
    tok.save_pretrained(path)
    return path


@pytest.fixture(autouse=True)
def fresh_scorers():
    scoring.clear_scorers()


TEXTS = pd.DataFrame({"text": ["We welcome the decision.", "", "This is a disgrace and must stop.",
                               "We welcome the decision."], "id": [1, 2, 3, 4]})


def test_adapter_scores_keep_rows_and_sum_to_one(tiny_adapter, tmp_path):
    with pytest.warns(RuntimeWarning, match="empty text"):
        out = scoring.score_texts(TEXTS, "stance", target="the plan", model=tiny_adapter, cache_dir=tmp_path)
    assert list(out["id"]) == [1, 2, 3, 4]
    assert list(out.columns[-5:]) == list(schemas.STANCE_SCORES)
    probs = out[["p_favor", "p_against", "p_neutral"]].to_numpy()
    assert np.allclose(probs[[0, 2, 3]].sum(1), 1.0)
    assert np.isnan(probs[1]).all() and out["label"].iat[1] == ""
    # the label is the most probable class, and the model reads the text: other words, other scores
    assert list(out["label"].iloc[[0, 2]]) == [scoring.LABELS["stance"][k] for k in probs[[0, 2]].argmax(1)]
    assert not np.allclose(probs[0], probs[2])
    assert np.allclose(probs[0], probs[3])  # same text, same target -> same score
    assert out["model"].iat[0].startswith("stance-test@")


def test_one_scorer_per_task_and_model_however_named(tiny_adapter):
    scorer = scoring.get_scorer("stance", tiny_adapter)
    assert scoring.get_scorer("stance", model=str(tiny_adapter)) is scorer
    assert scoring.get_scorer("stance", None) is scoring.get_scorer("stance") is not scorer


@pytest.mark.slow
def test_batching_does_not_change_scores(tiny_adapter):
    texts = pd.DataFrame({"text": [f"Statement number {i} " + "word " * (i % 7) for i in range(20)]})
    one = scoring.Scorer("stance", tiny_adapter, batch_size=1, precision="fp32")
    many = scoring.Scorer("stance", tiny_adapter, batch_size=8, precision="fp32")
    targets = ["t"] * len(texts)
    got = [np.zeros((len(texts), 3)), np.zeros((len(texts), 3))]
    for k, scorer in enumerate([one, many]):
        for idx, enc in scorer.preprocess(texts["text"], targets):
            got[k][idx] = scorer.postprocess(scorer.forward(enc))
    assert np.allclose(got[0], got[1], atol=1e-5)


def test_bf16_scorer_holds_the_model_in_bfloat16(tiny_adapter):
    fp32 = scoring.Scorer("stance", tiny_adapter, precision="fp32").load()
    bf16 = scoring.Scorer("stance", tiny_adapter, precision="bf16").load()
    assert {p.dtype for p in bf16.model.parameters()} == {torch.bfloat16}
    assert {p.dtype for p in fp32.model.parameters()} == {torch.float32}
    idx, enc = next(bf16.preprocess(["We back the plan."], ["the plan"]))
    assert bf16.forward(enc).dtype == np.float32  # logits come back as float32 for postprocess


def test_get_scorer_keeps_one_scorer_per_precision(tiny_adapter):
    fp32 = scoring.get_scorer("stance", tiny_adapter, precision="fp32")
    assert scoring.get_scorer("stance", str(tiny_adapter), "fp32") is fp32
    assert scoring.get_scorer("stance", tiny_adapter, precision="bf16").precision == "bf16"
    assert scoring.get_scorer("stance", tiny_adapter, precision="int8").precision == "int8"
    assert fp32.precision == "fp32"


@pytest.mark.slow
@pytest.mark.parametrize("precision, tolerance", [("bf16", 0.03), ("int8", 0.06)])
def test_reduced_precision_scores_stay_close_to_fp32_and_are_cached_apart(tiny_adapter, precision, tolerance):
    texts = [f"Statement number {i} " + "word " * (i % 7) for i in range(20)]
    scorers = [scoring.Scorer("stance", tiny_adapter, precision=p) for p in ("fp32", precision)]
    got = []
    for scorer in scorers:
        probs = np.zeros((len(texts), 3))
        for idx, enc in scorer.preprocess(texts, ["t"] * len(texts)):
            probs[idx] = scorer.postprocess(scorer.forward(enc))
        got.append(probs)
    assert np.abs(got[0] - got[1]).max() < tolerance
    assert scorers[1].fingerprint.startswith(scorers[0].fingerprint + f"+{precision}")
    assert scorers[1].model_id.endswith(f"+{precision}")
    with pytest.raises(ValueError, match="precision"):
        scoring.Scorer("stance", tiny_adapter, precision="fp8")


@pytest.mark.slow
def test_an_int8_score_does_not_depend_on_the_statements_beside_it(tiny_adapter):
    texts = [f"Statement number {i} " + "word " * (i % 7) for i in range(12)] + ["WAR!!! " * 30]

    def probs(scorer, rows):
        out = np.zeros((len(rows), 3))
        for idx, enc in scorer.preprocess(rows, ["t"] * len(rows)):
            out[idx] = scorer.postprocess(scorer.forward(enc))
        return out

    scorer = scoring.Scorer("stance", tiny_adapter, precision="int8").load()
    assert scorer.batch_size == device.INT8_BATCH == 1
    alone = np.vstack([probs(scorer, [t]) for t in texts[:3]])
    np.testing.assert_array_equal(probs(scorer, texts)[:3], alone)
    scorer.batch_size = 32  # what batching did: one activation scale for the whole batch
    assert not np.array_equal(probs(scorer, texts)[:3], alone)


def test_cache_is_reused_and_keyed_by_target(tiny_adapter, tmp_path, monkeypatch):
    df = TEXTS.iloc[[0, 2]]
    first = scoring.score_texts(df, "stance", target="the plan", model=tiny_adapter, cache_dir=tmp_path)

    def fail(self, *args):
        raise AssertionError("model used although every row is cached")

    # A new process (fresh scorer) with everything cached neither loads weights nor runs them.
    scoring.clear_scorers()
    monkeypatch.setattr(scoring.Scorer, "load", fail)
    monkeypatch.setattr(scoring.Scorer, "forward", fail)
    again = scoring.score_texts(df, "stance", target="the plan", model=tiny_adapter, cache_dir=tmp_path)
    pd.testing.assert_frame_equal(first, again)
    with pytest.raises(AssertionError, match="model used"):
        scoring.score_texts(df, "stance", target="another target", model=tiny_adapter, cache_dir=tmp_path)


def test_interrupted_run_keeps_scored_batches(tiny_adapter, tmp_path, monkeypatch):
    df = pd.DataFrame({"text": [f"text {i}" for i in range(10)]})
    scorer = scoring.get_scorer("stance", str(tiny_adapter))
    monkeypatch.setattr(scorer, "batch_size", 4)
    real_forward, calls = scoring.Scorer.forward, []

    def flaky(self, encoded):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_forward(self, encoded)

    monkeypatch.setattr(scoring.Scorer, "forward", flaky)
    with pytest.raises(KeyboardInterrupt):
        scoring.score_texts(df, "stance", target="x", model=tiny_adapter, cache_dir=tmp_path)
    cache = scoring.ScoreCache(tmp_path / "scores.sqlite")
    kept = cache.get(scorer.fingerprint, "stance", "x", [cache.key(t) for t in df["text"]])
    assert len(kept) == 4


def test_corrupt_cache_is_reported_and_rebuilt(tiny_adapter, tmp_path):
    (tmp_path / "scores.sqlite").write_bytes(b"this is not a database" * 100)
    with pytest.warns(RuntimeWarning, match="corrupt"):
        out = scoring.score_texts(TEXTS.iloc[[0]], "stance", target="t", model=tiny_adapter, cache_dir=tmp_path)
    fresh = scoring.score_texts(TEXTS.iloc[[0]], "stance", target="t", model=tiny_adapter, cache_dir=None)
    assert np.allclose(out[["p_favor", "p_against", "p_neutral"]], fresh[["p_favor", "p_against", "p_neutral"]])
    assert out["label"].iat[0] == fresh["label"].iat[0]
    assert scoring.ScoreCache(tmp_path / "scores.sqlite").get(
        scoring.get_scorer("stance", str(tiny_adapter)).fingerprint, "stance", "t",
        [scoring.ScoreCache.key(TEXTS.text.iat[0])])


def _damage_a_data_page(path):
    """Overwrite one table data page of the sqlite file at ``path``; returns the page size."""
    import sqlite3

    db = sqlite3.connect(path)
    page_size = db.execute("PRAGMA page_size").fetchone()[0]
    root = db.execute("SELECT rootpage FROM sqlite_master WHERE name='scores'").fetchone()[0]
    db.close()
    with open(path, "r+b") as f:  # the table's root page points at its data pages; the last is one of them
        f.seek(0, 2)
        pages = f.tell() // page_size
        assert pages > root + 2
        f.seek((pages - 1) * page_size)
        f.write(b"\xde\xad" * (page_size // 2))
    return page_size


def test_damaged_cache_page_is_caught_by_quick_check(tmp_path):
    import sqlite3

    path = tmp_path / "scores.sqlite"
    cache = scoring.ScoreCache(path)
    hashes = [cache.key(str(i)) for i in range(3000)]
    cache.put("m", "stance", [("t", h, (0.2, 0.3, 0.5)) for h in hashes])
    cache.db.close()
    _damage_a_data_page(path)
    db = sqlite3.connect(path)
    db.execute("SELECT count(*) FROM scores").fetchone()  # the old check passes on this file
    with pytest.raises(sqlite3.DatabaseError, match="malformed"):
        db.execute("SELECT sum(p0) FROM scores").fetchone()
    db.close()
    with pytest.warns(RuntimeWarning, match=f"score cache {path} is corrupt"):
        cache = scoring.ScoreCache(path)
    assert cache.get("m", "stance", "t", hashes) == {}
    cache.put("m", "stance", [("t", hashes[0], (0.2, 0.3, 0.5))])
    assert cache.get("m", "stance", "t", hashes) == {hashes[0]: [0.2, 0.3, 0.5]}


class _FailingDb:
    """Stands in for a connection that fails in use, whatever the state of the file."""

    def execute(self, *args):
        import sqlite3

        raise sqlite3.DatabaseError("database disk image is malformed")

    executemany = execute

    def rollback(self):
        pass

    def close(self):
        pass


def test_sqlite_error_in_use_rebuilds_the_cache_only_when_quick_check_finds_damage(tmp_path):
    path = tmp_path / "scores.sqlite"
    cache = scoring.ScoreCache(path)
    hashes = [cache.key(str(i)) for i in range(3000)]
    cache.put("m", "stance", [("t", h, (0.2, 0.3, 0.5)) for h in hashes])
    cache.db.close()
    cache.db = _FailingDb()
    with pytest.warns(RuntimeWarning, match="could not be read .database disk image is malformed.; scoring without"):
        assert cache.get("m", "stance", "t", hashes[:1]) == {}
    assert len(scoring.ScoreCache(path).get("m", "stance", "t", hashes)) == 3000  # the file is sound: kept
    _damage_a_data_page(path)
    with pytest.warns(RuntimeWarning, match="is corrupt .*; rebuilding it"):
        cache.put("m", "stance", [("t", "h2", (0.1, 0.1, 0.8))])
    assert cache.get("m", "stance", "t", [hashes[0], "h2"]) == {"h2": [0.1, 0.1, 0.8]}


def test_cache_locked_by_another_process_is_waited_for_then_skipped_not_rebuilt(tmp_path, monkeypatch):
    import sqlite3

    path = tmp_path / "scores.sqlite"
    scoring.ScoreCache(path).put("m", "stance", [("t", "h1", (0.2, 0.3, 0.5))])
    other = sqlite3.connect(path)  # another worker, in the middle of a write
    other.execute("BEGIN EXCLUSIVE")
    monkeypatch.setattr(scoring.ScoreCache, "TIMEOUT", 0.2)
    cache = scoring.ScoreCache(path)
    with pytest.warns(RuntimeWarning, match="stayed locked by another process for 0.2 s; 1 scores not cached"):
        cache.put("m", "stance", [("t", "h2", (0.1, 0.1, 0.8))])
    other.rollback()
    other.close()
    # nothing was rebuilt: the first worker's score is still there, and the cache works again
    assert cache.get("m", "stance", "t", ["h1"]) == {"h1": [0.2, 0.3, 0.5]}
    cache.put("m", "stance", [("t", "h2", (0.1, 0.1, 0.8))])
    assert scoring.ScoreCache(path).get("m", "stance", "t", ["h2"]) == {"h2": [0.1, 0.1, 0.8]}


def test_nli_model_scores_both_tasks(tiny_nli, tmp_path):
    stance = scoring.score_texts(TEXTS.iloc[[0, 2]], "stance", target="the plan", model=tiny_nli, cache_dir=tmp_path)
    sentiment = scoring.score_texts(TEXTS.iloc[[0, 2]], "sentiment", model=tiny_nli, cache_dir=tmp_path)
    assert np.allclose(stance[["p_favor", "p_against", "p_neutral"]].sum(axis=1), 1.0)
    assert np.allclose(sentiment[["p_negative", "p_neutral", "p_positive"]].sum(axis=1), 1.0)
    probs = sentiment[["p_negative", "p_neutral", "p_positive"]].to_numpy()
    assert list(sentiment["label"]) == [scoring.LABELS["sentiment"][k] for k in probs.argmax(1)]
    # the target goes into the hypotheses: another target, other stance scores for the same text
    other = scoring.score_texts(TEXTS.iloc[[0, 2]], "stance", target="the weather", model=tiny_nli, cache_dir=None)
    assert not np.allclose(stance[["p_favor", "p_against", "p_neutral"]], other[["p_favor", "p_against", "p_neutral"]])
    assert stance["model"].iat[0].startswith("tiny-nli@")


def test_nli_hypotheses_name_the_target(tiny_nli):
    scorer = scoring.Scorer("stance", tiny_nli)
    _, enc = next(scorer.preprocess(["Some text."], ["the new dam"]))
    decoded = scorer.tokenizer.decode(enc["input_ids"][0])
    assert "supports the new dam" in decoded and enc["input_ids"].shape[0] == 3


def test_model_without_entailment_label_is_refused(tmp_path):
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    path = tmp_path / "not-nli"
    config = BertConfig(vocab_size=30522, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=32, num_labels=2)
    BertForSequenceClassification(config).save_pretrained(path)
    AutoTokenizer.from_pretrained(base_model_dir()).save_pretrained(path)
    with pytest.raises(ValueError, match="not an NLI model"):
        scoring.Scorer("stance", path)


def test_missing_model_is_named():
    with pytest.raises(scoring.ModelNotFound, match="no-such-org/no-such-model"):
        scoring.Scorer("stance", "no-such-org/no-such-model")


def test_score_statements_has_scored_schema(tiny_adapter, tmp_path):
    adapter_sent = tmp_path / "sent"
    save_classifier(new_classifier(scoring.LABELS["sentiment"], pair=False, max_length=64, r=2), adapter_sent)
    statements = pd.DataFrame([{c: "" for c in schemas.STATEMENTS}] * 2)
    statements["text"] = ["It was the right decision.", "It was a grave mistake."]
    scored = scoring.score_statements(statements, "the decision", model=tiny_adapter, sentiment_model=adapter_sent,
                                      cache_dir=tmp_path)
    assert list(scored.columns) == list(schemas.SCORED_STATEMENTS)
    assert (scored["target"] == "the decision").all()
    assert np.allclose(scored[["p_negative", "p_sentiment_neutral", "p_positive"]].sum(axis=1), 1.0)


def test_stance_reads_the_context_and_sentiment_the_text(tiny_adapter, tmp_path):
    adapter_sent = tmp_path / "sent"
    save_classifier(new_classifier(scoring.LABELS["sentiment"], pair=False, max_length=64, r=2), adapter_sent)
    statements = pd.DataFrame([{c: "" for c in schemas.STATEMENTS}] * 2)
    statements["text"] = ["This was lawful.", "The troops were welcome."]
    statements["context"] = ["The council sent troops.", ""]
    assert scoring.stance_inputs(statements) == ["The council sent troops. | This was lawful.",
                                                 "The troops were welcome."]
    scored = scoring.score_statements(statements, "T", model=tiny_adapter, sentiment_model=adapter_sent,
                                      cache_dir=tmp_path)
    stance = scoring.score_texts(pd.DataFrame({"text": scoring.stance_inputs(statements)}), "stance", target="T",
                                 model=tiny_adapter, cache_dir=tmp_path)
    sentiment = scoring.score_texts(statements[["text"]], "sentiment", model=adapter_sent, cache_dir=tmp_path)
    assert np.allclose(scored[["p_favor", "p_against", "p_neutral"]], stance[["p_favor", "p_against", "p_neutral"]])
    alone = scoring.score_texts(statements[["text"]], "stance", target="T", model=tiny_adapter, cache_dir=tmp_path)
    assert not np.isclose(alone["p_favor"][0], scored["p_favor"][0])  # the context changed what the model read
    assert np.allclose(scored["p_positive"], sentiment["p_positive"])
    # score --input reads a 'context' column the same way
    table = scoring.score_texts(statements[["text", "context"]], "stance", target="T", model=tiny_adapter,
                                cache_dir=tmp_path)
    assert np.allclose(table[["p_favor", "p_against", "p_neutral"]], stance[["p_favor", "p_against", "p_neutral"]])


def test_context_is_cut_to_its_last_words():
    long = " ".join(f"w{i}" for i in range(100))
    assert with_context(long, "It was lawful.") == " ".join(f"w{i}" for i in range(60, 100)) + " | It was lawful."
    assert with_context("", "It was lawful.") == with_context("  ", "It was lawful.") == "It was lawful."
    expected = "The court ruled. | a judge: It was lawful."
    assert with_context("The court ruled.", "It was lawful.", " a  judge ") == expected
    assert with_context("", "It was lawful.", "") == "It was lawful."


def test_speaker_description_names_each_part_once():
    assert scoring.speaker_description("spokeswoman", "Ministry of Foreign Affairs of Russia", "Russia") == \
        "spokeswoman, Ministry of Foreign Affairs of Russia"
    # the organisation names the country by a short form or a seat: the country is not repeated
    assert scoring.speaker_description("spokesman", "US State Department", "United States") == \
        "spokesman, US State Department"
    assert scoring.speaker_description("", "British Foreign Office", "United Kingdom") == "British Foreign Office"
    assert scoring.speaker_description("President", "", "Kazakhstan") == "President, Kazakhstan"
    assert scoring.speaker_description("Chairman", "Duma committee", "Russia") == "Chairman, Duma committee, Russia"
    assert scoring.speaker_description(" ", None, "") == ""


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "analysis", *map(str, args)], capture_output=True, text=True)


@pytest.mark.slow
def test_cli_scores_csv_in_order(tiny_adapter, tmp_path):
    src = tmp_path / "in.csv"
    pd.DataFrame({"text": ["b text", "a", ""], "n": [1, 2, 3]}).to_csv(src, index=False)
    result = run_cli("score", "--task", "stance", "--input", src, "--target", "it", "--model", tiny_adapter,
                     "-o", tmp_path / "out.csv", "--no-cache")
    assert result.returncode == 0, result.stderr
    out = pd.read_csv(tmp_path / "out.csv", keep_default_na=False)
    assert list(out["n"]) == [1, 2, 3] and out["label"].iat[2] == ""
    assert "empty text" in result.stderr
    assert "Loading weights" not in result.stderr  # the libraries' own bars are silenced


@pytest.mark.slow
def test_cli_reads_tables_as_the_loader_does(tiny_adapter, tmp_path):
    src = tmp_path / "in.csv"  # a "Text" header, ";" delimiter, cp1251, "NA" as text, an empty row
    src.write_bytes("N;Text\n1;Мы поддерживаем это решение.\n2;NA\n3;\n4;NaN\n".encode("cp1251"))
    result = run_cli("score", "--task", "stance", "--input", src, "--target", "it", "--model", tiny_adapter,
                     "-o", tmp_path / "out.csv", "--no-cache")
    assert result.returncode == 0, result.stderr
    out = pd.read_csv(tmp_path / "out.csv", keep_default_na=False, dtype=str)
    assert out["text"].tolist() == ["Мы поддерживаем это решение.", "NA", "", "NaN"]
    assert [label != "" for label in out["label"]] == [True, True, False, True]
    assert f"{src}: not valid UTF-8; decoded as cp1251" in result.stderr
    assert f"{src}: 1 row(s) with empty text left unscored (data rows 3)" in result.stderr


def test_cli_errors_are_clear(tmp_path):
    src = tmp_path / "in.csv"
    pd.DataFrame({"text": ["x"]}).to_csv(src, index=False)
    no_target = run_cli("score", "--task", "stance", "--input", src, "-o", tmp_path / "o.csv")
    assert no_target.returncode == 2 and "target" in no_target.stderr
    no_model = run_cli("score", "--task", "sentiment", "--input", src, "--model", "nobody/nothing",
                       "-o", tmp_path / "o.csv")
    assert no_model.returncode == 2 and "nobody/nothing" in no_model.stderr
    assert not (tmp_path / "o.csv").exists()


@pytest.mark.skipif(not (ADAPTERS_DIR / "stance" / "classifier.json").is_file(), reason="adapter not trained")
def test_shipped_adapters_load_with_calibration():
    for task in ("stance", "sentiment"):
        cfg = json.loads((ADAPTERS_DIR / task / "classifier.json").read_text())
        metrics = json.loads((ADAPTERS_DIR / task / "metrics.json").read_text())
        assert cfg["temperature"] == metrics["temperature"] > 0
        assert (ADAPTERS_DIR / task / "MODEL_CARD.md").is_file()
    scoring.clear_scorers()  # so that the adapter is loaded here, with library deprecations as errors
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        out = scoring.score_texts(pd.DataFrame({"text": ["I absolutely love this wonderful film!",
                                                         "This is the worst, most miserable day."]}),
                                  "sentiment", cache_dir=None)
    assert list(out["label"]) == ["positive", "negative"]
    assert not scoring.get_scorer("sentiment").model.training



def test_long_text_is_scored_in_windows_and_pooled(tiny_adapter, tmp_path):
    scorer = scoring.get_scorer("stance", tiny_adapter, "fp32")
    long_text = " ".join(f"We oppose it strongly, point {i}." for i in range(60))
    windows = scorer.windows(long_text, "the plan")
    assert len(windows) > 3 and scorer.windows("We oppose it.", "the plan") == ["We oppose it."]
    assert windows[0].startswith("We oppose") and long_text.endswith(windows[-1])
    assert all(w in long_text for w in windows)
    for w in windows:  # each window fits beside the target without truncation
        assert len(scorer.tokenizer("the plan", w)["input_ids"]) <= scorer.max_length
    with pytest.warns(RuntimeWarning, match="1 text.*overlapping windows"):
        out = scoring.score_texts(pd.DataFrame({"text": [long_text]}), "stance", target="the plan",
                                  model=tiny_adapter, cache_dir=tmp_path, precision="fp32", source="long.csv")
    parts = scoring.score_texts(pd.DataFrame({"text": windows}), "stance", target="the plan", model=tiny_adapter,
                                cache_dir=None, precision="fp32")
    expected = parts[["p_favor", "p_against", "p_neutral"]].to_numpy().mean(axis=0)
    assert out[["p_favor", "p_against", "p_neutral"]].to_numpy()[0] == pytest.approx(expected, abs=1e-5)


def test_auto_precision_is_bf16_where_native_else_int8(monkeypatch):
    monkeypatch.delenv("ANALYSIS_PRECISION", raising=False)
    monkeypatch.setattr(device, "fast_bf16", lambda: False)
    assert scoring.resolve_precision() == "int8"  # about 3x float32 there (README, Benchmarks)
    monkeypatch.setattr(device, "fast_bf16", lambda: True)
    assert scoring.resolve_precision("auto") == "bf16" and scoring.resolve_precision("int8") == "int8"


def test_cpu_scorer_keeps_its_cache_key_and_a_gpu_one_is_apart(tiny_adapter, monkeypatch):
    from analysis.classifier import fingerprint

    monkeypatch.delenv("ANALYSIS_DEVICE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    cpu = scoring.get_scorer("stance", tiny_adapter, "fp32")
    assert cpu is scoring.get_scorer("stance", tiny_adapter, "fp32", "cpu")  # auto is the CPU here
    assert (cpu.device, cpu.batch_size) == ("cpu", device.CPU_BATCH)
    assert cpu.fingerprint == fingerprint(tiny_adapter) + numerics.fingerprint_suffix()
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: True)
    gpu = scoring.get_scorer("stance", tiny_adapter)  # adapter weights load on first use: none here
    assert (gpu.device, gpu.precision, gpu.batch_size) == ("cuda:0", "bf16", device.GPU_BATCH)
    assert gpu.fingerprint.startswith(fingerprint(tiny_adapter) + "+cuda-bf16") and gpu.model_id.endswith("+bf16+cuda")


def test_score_texts_on_the_cpu_device_equals_the_default(tiny_adapter, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    df = TEXTS.iloc[[0, 2]]
    default = scoring.score_texts(df, "stance", target="the plan", model=tiny_adapter, cache_dir=None, precision="fp32")
    cpu = scoring.score_texts(df, "stance", target="the plan", model=tiny_adapter, cache_dir=None, precision="fp32",
                              device="cpu")
    pd.testing.assert_frame_equal(default, cpu)
    with pytest.raises(ValueError, match="torch sees 0 CUDA"):
        scoring.score_texts(df, "stance", target="the plan", model=tiny_adapter, cache_dir=None, device="cuda")


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
@pytest.mark.parametrize("precision, tolerance", [("fp32", 1e-3), ("auto", 0.03)])
def test_gpu_scores_match_cpu_and_are_cached_apart(tiny_adapter, tmp_path, precision, tolerance):
    df = pd.DataFrame({"text": [f"Statement number {i} " + "word " * (i % 7) for i in range(40)]})
    cpu = scoring.score_texts(df, "stance", target="t", model=tiny_adapter, cache_dir=tmp_path, precision="fp32",
                              device="cpu")
    gpu = scoring.score_texts(df, "stance", target="t", model=tiny_adapter, cache_dir=tmp_path, precision=precision,
                              device="cuda")
    cols = ["p_favor", "p_against", "p_neutral"]
    assert np.abs(cpu[cols].to_numpy() - gpu[cols].to_numpy()).max() < tolerance
    assert gpu["model"].iat[0].endswith("+cuda") and gpu["model"].iat[0] != cpu["model"].iat[0]
    fingerprints = {scoring.get_scorer("stance", tiny_adapter, p, d).fingerprint
                    for p, d in (("fp32", "cpu"), (precision, "cuda"))}
    assert len(fingerprints) == 2  # two cache keys: the GPU run did not read the CPU's scores


def test_smoothing_keeps_the_float_function_and_ignores_padding(tiny_adapter):
    from analysis import runtime

    scorer = scoring.Scorer("stance", tiny_adapter, precision="fp32").load()
    batches = list(scorer.calibration_batches())
    assert sum(len(b["input_ids"]) for b in batches) == len(runtime.calibration_rows()) > 600  # every own row
    smoothed = runtime.smooth(scorer.model, batches[:2])
    wrapped = [m for m in smoothed.modules() if isinstance(m, runtime._Smoothed)]
    assert len(wrapped) == sum(isinstance(m, torch.nn.Linear) for m in scorer.model.modules())
    assert not any(isinstance(m, runtime._Smoothed) for m in scorer.model.modules())  # the original is kept
    assert any((m.inverse - 1).abs().max() > 0.1 for m in wrapped)  # channels really rescaled
    padded = batches[0]  # length-sorted, so its first rows are padded
    lengths = padded["attention_mask"].sum(1)
    assert lengths.min() < padded["attention_mask"].shape[1]
    alone = [{k: v[i:i + 1, :lengths[i]] for k, v in padded.items()} for i in range(len(lengths))]
    for a, b in zip(*([m for m in runtime.smooth(scorer.model, rows).modules() if isinstance(m, runtime._Smoothed)]
                      for rows in ([padded], alone))):
        torch.testing.assert_close(a.inverse, b.inverse)  # padding does not count as an activation
    with torch.inference_mode():
        for batch in batches[-2:]:  # rows it was not calibrated on
            torch.testing.assert_close(smoothed(**batch), scorer.model(**batch), rtol=1e-4, atol=1e-4)
    int8 = {task: scoring.Scorer(task, precision="int8").fingerprint for task in ("stance", "sentiment")}
    assert all("+int8-onnxruntime-rowwise-smoothed-" in f for f in int8.values())
    assert "-smoothed" not in scoring.Scorer("stance", tiny_adapter, precision="fp32").fingerprint


def test_the_int8_cache_key_changes_with_the_calibration_rows(tiny_adapter, monkeypatch):
    """int8 scores depend on the rows smoothing measured (``runtime.calibration_rows``): a change to
    the own training sets must not reuse the int8 scores or ONNX file made before it."""
    from analysis import runtime

    before = scoring.Scorer("stance", tiny_adapter, precision="int8").fingerprint
    rows = runtime.calibration_rows()
    monkeypatch.setattr(runtime, "calibration_rows", lambda: rows.iloc[1:])
    after = scoring.Scorer("stance", tiny_adapter, precision="int8").fingerprint
    assert before != after and before.rsplit("-", 1)[0] == after.rsplit("-", 1)[0]
