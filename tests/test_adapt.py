"""Adapting a model to one's own labels: reading labels (per target), the head refit, the CV
estimate, the adapted folder and its out-of-fold scores, suggest, the labelling widget, and
the CLI's bad-input errors.

End-to-end tests use the shipped stance adapter on hand-written labels
(``tests/fixtures/adapt/labels.csv``: a made-up congestion charge, 6 rows per label).
"""
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from analysis import adapt, labels, scoring
from analysis.build import ROOT
from analysis.classifier import ADAPTERS_DIR, fingerprint, read_config

FIXTURES = ROOT / "tests" / "fixtures" / "adapt"
TARGET = "the city congestion charge"


def write(tmp_path, text, name="labels.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def cli(*args):
    return subprocess.run([sys.executable, "-m", "analysis", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True)


# -- reading labels ----------------------------------------------------------------------
def test_read_labels_normalises_labels_skips_blank_ones_and_fills_the_target(tmp_path):
    path = write(tmp_path, "text,label,extra\nGood plan.,Favor,x\nBad plan.,none,y\nLater.,,z\n\nAwful.,against,w\n")
    read = labels.read_labels(path, "stance", target="the plan")
    assert read[["target", "text", "label"]].to_dict("list") == {
        "target": ["the plan"] * 3, "text": ["Good plan.", "Bad plan.", "Awful."],
        "label": ["favor", "neutral", "against"]}
    assert list(read.columns) == labels.FIELDS and (read[labels.INPUTS] == "").all().all()  # none in the file


@pytest.mark.parametrize("content, message", [
    ("text,label\nGood.,favor\nBad.,against,extra\n", "row 2: 3 fields, the header has 2"),
    ('text,label\nGood.,favor\n"Bad.,against\n', "not a readable UTF-8 CSV"),
    ("text,label\nGood.,favor\nBad.,sideways\n", "row 2: unknown label 'sideways'"),
    ("text,label\nGood.,favor\nFine.,favor\n", "at least 2 classes"),
    ("text,label\nGood.,favor\n  ,against\n", "row 2: empty text"),
    ("words,label\nGood.,favor\n", "no 'text' column"),
    ("", "empty file"),
])
def test_bad_labels_name_the_file_and_row(tmp_path, content, message):
    path = write(tmp_path, content)
    with pytest.raises(labels.AdaptError, match=message) as info:
        labels.read_labels(path, "stance", target="the plan")
    assert str(info.value).startswith(f"{path}: ")


def test_stance_labels_need_a_target(tmp_path):
    path = write(tmp_path, "text,label\nGood.,favor\nBad.,against\n")
    with pytest.raises(labels.AdaptError, match="no 'target' column; give the target with --target"):
        labels.read_labels(path, "stance")
    path = write(tmp_path, "target,text,label\nthe plan,Good.,favor\n,Bad.,against\n")
    with pytest.raises(labels.AdaptError, match="row 2: empty target"):
        labels.read_labels(path, "stance")
    assert list(labels.read_labels(path, "stance", target="T")["target"]) == ["the plan", "T"]


def test_target_labels_keep_one_target_and_say_what_is_missing(tmp_path):
    path = tmp_path / "labels.csv"
    found, note = labels.target_labels(path, "B")
    assert found.empty and note == f"no labels yet: {path} does not exist"
    rows = [("A", f"a{i}.", "favor" if i % 2 else "against") for i in range(12)]
    rows += [("B", f"b{i}.", "favor" if i % 2 else "neutral") for i in range(9)]
    write(tmp_path, "target,text,label\n" + "".join(f"{t},{x},{y}\n" for t, x, y in rows))
    found, note = labels.target_labels(path, "B")  # 9 for B: too few, A's 12 never make up for them
    assert found.empty
    assert note == (f"9 labels for 'B' (favor 4, against 0, neutral 5) in {path}; 12 labels for other targets "
                    f"left out: adapt needs at least {labels.MIN_LABELS} labels of at least 2 classes")
    found, note = labels.target_labels(path, "A")
    assert len(found) == 12 and set(found["target"]) == {"A"} and note.endswith("9 labels for other targets left out")
    assert labels.labelled_texts(path, "B") == {f"b{i}." for i in range(9)}
    assert labels.label_counts(path, ["favor", "against", "neutral"], "B") == {"favor": 4, "against": 0, "neutral": 5}


def test_labels_carry_what_the_scorer_reads_and_older_files_gain_the_columns(tmp_path):
    path = write(tmp_path, "target,text,label,speaker\nT,Old one.,favor,A\nT,'=1+1,neutral,\n")  # an older file
    labels.append_label(path, "T", "New one.", "against",
                        statement={"speaker": "B", "context": "Talks began.", "role": "minister",
                                   "organization": float("nan"), "country": "Chile", "guess": "favor"})
    rows = labels._csv_rows(path)
    assert rows == [labels.COLUMNS, ["T", "Old one.", "favor", "A", "", "", "", ""],
                    ["T", "=1+1", "neutral", "", "", "", "", ""],
                    ["T", "New one.", "against", "B", "Talks began.", "minister", "", "Chile"]]
    assert "T,'=1+1,neutral," in path.read_text()  # the rewrite keeps the formula guard
    assert labels.read_labels(path, "stance").to_dict("list") == {
        "target": ["T"] * 3, "text": ["Old one.", "=1+1", "New one."], "label": ["favor", "neutral", "against"],
        "context": ["", "", "Talks began."], "role": ["", "", "minister"], "organization": ["", "", ""],
        "country": ["", "", "Chile"]}
    notes = write(tmp_path, "label,text,notes\nfavor,Mine.,keep\n", "notes.csv")  # other columns stay put
    labels.append_label(notes, "T", "Next.", "neutral")
    assert labels._csv_rows(notes)[1:] == [["favor", "Mine.", "keep", "", "", "", "", "", ""],
                                           ["neutral", "Next.", "", "T", "", "", "", "", ""]]


def test_adapt_cli_exits_2_on_bad_labels_and_writes_nothing(tmp_path):
    path = write(tmp_path, "text,label\nGood.,favor\nBad.,maybe\n")
    result = cli("adapt", "--task", "stance", "--labels", path, "--target", "T", "--out", tmp_path / "out")
    assert result.returncode == 2
    assert result.stderr.strip() == f"error: {path}: row 2: unknown label 'maybe' (use favor, against, neutral)"
    assert not (tmp_path / "out").exists()


# -- folds, head, estimate -------------------------------------------------------------
def test_folds_are_stratified_and_keep_copies_together():
    y = np.array([0] * 10 + [1] * 10)
    groups = np.array([f"t{i // 2}" for i in range(20)])  # every text twice
    fold = adapt.folds(y, groups, k=5)
    assert all(len(set(fold[groups == g])) == 1 for g in set(groups))
    for label in (0, 1):
        assert sorted(np.bincount(fold[y == label], minlength=5)) == [2, 2, 2, 2, 2]


def test_fit_head_moves_from_the_base_only_as_far_as_the_penalty_lets_it():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 8))
    y = (X[:, 0] > 0).astype(int)
    W0, b0 = np.zeros((3, 8)), np.zeros(3)
    W, b = adapt.fit_head(X, y, W0, b0, np.inf)
    assert np.array_equal(W, W0) and np.array_equal(b, b0)
    weak, _ = adapt.fit_head(X, y, W0, b0, 1e-3)
    strong, _ = adapt.fit_head(X, y, W0, b0, 10.0)
    assert np.linalg.norm(strong) < np.linalg.norm(weak)
    assert ((X @ weak.T).argmax(1) == y).mean() > 0.95


def test_compare_calls_a_clear_gain_helped_and_a_tie_no_gain():
    y = np.array([0, 1, 2] * 20)
    right, wrong = np.eye(3)[y], np.eye(3)[(y + 1) % 3]
    half = np.where((np.arange(60) % 2 == 0)[:, None], right, wrong)
    assert adapt.compare(y, right, half)["verdict"] == "helped"
    assert adapt.compare(y, half, right)["verdict"] == "hurt"
    assert adapt.compare(y, half, half)["verdict"] == "no clear gain"


# -- what adapt reads: the scorer's input ---------------------------------------------------
class FakeBase:
    """A base classifier with a 4-feature head, for adapt without the encoder."""

    def __init__(self, speaker):
        import torch

        self.speaker, self.temperature = speaker, 1.0
        self.head = torch.nn.Linear(4, 3)


@pytest.fixture
def fake_base(monkeypatch):
    """Replace the encoder: ``seen`` collects the texts ``features`` gets, each text's features
    are random but fixed by the text. Returns (seen, setter of the base's ``speaker`` flag)."""
    import zlib

    seen, base = [], {}

    def features(classifier, tokenizer, texts, targets, progress=True):
        seen.append(list(texts))
        return np.array([np.random.default_rng(zlib.crc32(t.encode())).normal(size=4) for t in texts])

    monkeypatch.setattr(adapt, "features", features)
    monkeypatch.setattr(adapt, "load_base", lambda model, task: (base["classifier"], None))
    return seen, lambda speaker: base.update(classifier=FakeBase(speaker))


def twelve_labels(tmp_path, extra_header="", extra=lambda i: ""):
    rows = "".join(f"T,Statement {i}.,{adapt.LABELS['stance'][i % 3]}{extra(i)}\n" for i in range(12))
    return labels.read_labels(write(tmp_path, f"target,text,label{extra_header}\n{rows}"), "stance")


@pytest.mark.parametrize("speaker", [True, False])
def test_adapt_fits_and_cross_validates_on_the_scorers_input(tmp_path, fake_base, speaker):
    seen, set_speaker = fake_base
    set_speaker(speaker)
    read = twelve_labels(tmp_path, ",context,role,organization,country",
                         lambda i: ",Talks began.,minister,Ministry of Transport,Chile" if i < 2 else ",,,,")
    report = adapt.adapt(read, "stance", tmp_path / "m", progress=False)
    expected = scoring.stance_inputs(read, speaker)
    assert seen == [expected] and expected[2] == "Statement 2."
    assert expected[0] == ("Talks began. | minister, Ministry of Transport, Chile: Statement 0." if speaker
                           else "Talks began. | Statement 0.")
    assert (report["with_context"], report["with_speaker"], report["reads_speaker"]) == (2, 2 * speaker, speaker)
    assert "as the scorer reads them: 2 with the sentence before" in (tmp_path / "m" / "MODEL_CARD.md").read_text()


def test_adapt_still_reads_a_file_of_target_text_label_alone(tmp_path, fake_base):
    seen, set_speaker = fake_base
    set_speaker(True)
    report = adapt.adapt(twelve_labels(tmp_path), "stance", tmp_path / "m", progress=False)
    assert seen == [[f"Statement {i}." for i in range(12)]]
    assert report["n_labels"] == 12 and report["with_context"] == report["with_speaker"] == 0
    assert (tmp_path / "m" / "head.safetensors").is_file()


@pytest.mark.slow
def test_the_same_text_after_another_sentence_has_other_features():
    classifier, tokenizer = adapt.load_base()
    rows = pd.DataFrame({"text": ["It works."] * 3, "context": ["The plan failed.", "The plan won praise.", ""]})
    X = adapt.features(classifier, tokenizer, adapt.model_inputs(classifier, rows, "stance"), [TARGET] * 3,
                       progress=False)
    assert not np.allclose(X[0], X[1]) and not np.allclose(X[0], X[2])


# -- end to end with the shipped stance adapter -------------------------------------------
@pytest.fixture(scope="module")
def adapted(tmp_path_factory):
    out = tmp_path_factory.mktemp("adapted") / "congestion"
    result = cli("adapt", "--task", "stance", "--labels", FIXTURES / "labels.csv", "--target", TARGET, "--out", out)
    assert result.returncode == 0, result.stderr
    return out, result.stderr


@pytest.mark.slow
def test_adapt_writes_a_scoring_model_with_its_card(adapted, tmp_path):
    out, stderr = adapted
    report = json.loads((out / "adapt.json").read_text())
    assert report["n_labels"] == 18 and report["label_counts"] == {"favor": 6, "against": 6, "neutral": 6}
    assert report["folds"] == 5 and report["targets"] == [TARGET]
    assert f"5-fold cross-validated macro-F1 on your 18 labels: adapted {report['cv_macro_f1_adapted']:.3f}" in stderr
    card = (out / "MODEL_CARD.md").read_text()
    assert str(ADAPTERS_DIR / "stance") in card and f"{report['cv_macro_f1_base']:.3f}" in card
    assert fingerprint(out) != fingerprint(ADAPTERS_DIR / "stance")
    config = json.loads((out / "classifier.json").read_text())
    assert config["temperature"] == report["temperature"] >= read_config(ADAPTERS_DIR / "stance")["temperature"]
    scoring.clear_scorers()
    scored = scoring.score_texts(pd.DataFrame({"text": ["The charge must go."]}), "stance", target=TARGET,
                                 model=out, cache_dir=tmp_path)
    assert scored["model"].iat[0].startswith("congestion@") and scored["label"].iat[0] in adapt.LABELS["stance"]


@pytest.mark.slow
def test_adapting_on_contradictory_labels_is_reported_as_not_helping(tmp_path):
    rows = pd.read_csv(FIXTURES / "labels.csv", keep_default_na=False).head(12)
    flipped = rows.assign(label=rows["label"].map({"favor": "against", "against": "favor", "neutral": "favor"}))
    labels = pd.concat([rows, flipped]).assign(target=TARGET)  # every text labelled two different ways
    report = adapt.adapt(labels[["target", "text", "label"]].reset_index(drop=True), "stance", tmp_path / "m",
                         progress=False)
    assert report["verdict"] != "helped"
    assert report["cv_macro_f1_adapted"] <= report["cv_macro_f1_base"] + adapt.MIN_GAIN


def test_adapt_refuses_to_overwrite_the_base_or_a_foreign_folder(tmp_path):
    read = labels.read_labels(FIXTURES / "labels.csv", "stance", target=TARGET)
    with pytest.raises(labels.AdaptError, match="refusing to overwrite"):
        adapt.adapt(read, "stance", ADAPTERS_DIR / "stance")
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(labels.AdaptError, match="not an adapted model"):
        adapt.adapt(read, "stance", tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_adapt_cli_refuses_too_few_labels_and_writes_nothing(tmp_path):
    path = write(tmp_path, "text,label\nGood.,favor\nBad.,against\nSo so.,neutral\n")
    result = cli("adapt", "--task", "stance", "--labels", path, "--target", "T", "--out", tmp_path / "out")
    assert result.returncode == 2
    assert result.stderr.strip() == (f"error: {path}: 3 labelled statements; adapt needs at least "
                                     f"{labels.MIN_LABELS} for a cross-validated estimate")
    assert not (tmp_path / "out").exists()


def test_held_out_scores_replace_the_labelled_statements_by_their_out_of_fold_scores(tmp_path):
    pd.DataFrame({"target": ["T"], "text": ["It works."], "label": ["against"], "p_favor": [0.1],
                  "p_against": [0.7], "p_neutral": [0.2]}).to_csv(tmp_path / "out_of_fold.csv", index=False)
    scored = pd.DataFrame({"target": ["T", "T", "other"], "text": [" It works. ", "Unlabelled.", "It works."],
                           "p_favor": [0.99, 0.5, 0.9], "p_against": [0.0, 0.3, 0.05],
                           "p_neutral": [0.01, 0.2, 0.05], "stance": ["favor", "favor", "favor"]})
    out, n = adapt.held_out_scores(scored, tmp_path)
    assert n == 1  # the in-sample 0.99 is gone; other rows and other targets are left alone
    assert out[["p_favor", "p_against", "p_neutral"]].to_numpy().tolist() == [
        [0.1, 0.7, 0.2], [0.5, 0.3, 0.2], [0.9, 0.05, 0.05]]
    assert list(out["stance"]) == ["against", "favor", "favor"] and scored["stance"].iat[0] == "favor"


# -- suggest ---------------------------------------------------------------------------
def test_pick_prefers_uncertain_rows_but_not_two_copies_or_one_speaker():
    X = np.array([[1.0, 0, 0], [1.0, 0, 0], [0, 1.0, 0], [0, 0, 1.0]])
    uncertainty = np.array([0.9, 0.9, 0.5, 0.4])
    assert adapt.pick(X, uncertainty, np.array(["a", "b", "c", "d"]), 2) == [0, 2]
    X = np.eye(4)
    assert adapt.pick(X, np.array([0.9, 0.8, 0.7, 0.6]), np.array(["a", "a", "b", "c"]), 2) == [0, 2]


@pytest.mark.slow
def test_suggest_cli_writes_a_labels_template_without_labelled_statements(tmp_path):
    statements = pd.read_csv(FIXTURES / "labels.csv", keep_default_na=False).drop(columns="label")
    statements.to_csv(tmp_path / "statements.csv", index=False)
    labelled = write(tmp_path, "text,label\nThe charge is a fair price for the damage traffic does.,favor\n",
                     "done.csv")
    result = cli("suggest", "--input", tmp_path / "statements.csv", "--target", TARGET, "-n", 5,
                 "--labelled", labelled, "-o", tmp_path / "to_label.csv")
    assert result.returncode == 0, result.stderr
    out = pd.read_csv(tmp_path / "to_label.csv", keep_default_na=False)
    assert list(out.columns[:8]) == ["target", "text", "label", "guess", "p_favor", "p_against", "p_neutral",
                                     "uncertainty"]
    assert len(out) == 5 and out["text"].is_unique and (out["label"] == "").all() and (out["target"] == TARGET).all()
    assert "The charge is a fair price for the damage traffic does." not in set(out["text"])
    assert np.allclose(out[["p_favor", "p_against", "p_neutral"]].sum(axis=1), 1, atol=1e-3)
    assert out["speaker"].nunique() >= 4


def test_suggest_cli_exits_2_on_a_file_without_text(tmp_path):
    write(tmp_path, "words\nhello\n", "statements.csv")
    result = cli("suggest", "--input", tmp_path / "statements.csv", "--target", "T", "-o", tmp_path / "o.csv")
    expected = f"error: {tmp_path / 'statements.csv'}: input has no 'text' column"
    assert result.returncode == 2 and expected in result.stderr


# -- the labelling widget --------------------------------------------------------------
class Clock:
    """Seconds for the widget's debounce, moved by the test."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def labeller(statements, path, target=TARGET, **options):
    from analysis.widgets import Labeller

    clock = Clock()
    widget = Labeller(statements, target, path, clock=clock, **options)

    def click(name, after=1.0):
        clock.now += after
        widget.buttons[name].click()

    return widget, click


STATEMENTS = pd.DataFrame({"text": ["One.", "Two.", "Three."], "speaker": ["A", "B", "C"],
                           "guess": ["favor", "neutral", "against"], "context": ["Before.", "", ""],
                           "role": ["mayor", "", ""]})


def test_labeller_saves_each_click_at_once_and_resumes(tmp_path):
    path = tmp_path / "labels" / "mine.csv"
    widget, click = labeller(STATEMENTS, path)
    click("favor")
    assert pd.read_csv(path, keep_default_na=False).to_dict("records") == [
        {"target": TARGET, "text": "One.", "label": "favor", "speaker": "A", "context": "Before.", "role": "mayor",
         "organization": "", "country": ""}]
    click("skip")
    click("against")
    assert list(pd.read_csv(path)["label"]) == ["favor", "against"]
    assert widget.count.value.startswith("2 labelled for this target (favor 1, against 1, neutral 0)")
    assert widget.buttons["favor"].disabled  # nothing left
    resumed, _ = labeller(STATEMENTS, path)
    assert [row["text"] for row in resumed.queue] == ["Two."]
    assert len(labels.read_labels(path, "stance")) == 2


def test_a_double_click_labels_one_statement_and_undo_takes_it_back(tmp_path):
    path = tmp_path / "mine.csv"
    widget, click = labeller(STATEMENTS, path)
    click("favor")
    click("favor", after=0.1)  # the second click of a double click
    assert list(pd.read_csv(path)["text"]) == ["One."] and widget.position == 1
    click("against")
    click("undo")
    assert list(pd.read_csv(path)["text"]) == ["One."] and "Two." in widget.statement.value
    click("skip")
    click("undo")
    click("undo")
    assert pd.read_csv(path).empty and "One." in widget.statement.value
    assert widget.buttons["undo"].disabled
    click("neutral")
    assert pd.read_csv(path).to_dict("list")["label"] == ["neutral"]


def test_switching_target_neither_hides_nor_counts_the_other_targets_labels(tmp_path):
    path = tmp_path / "mine.csv"
    _, click = labeller(STATEMENTS, path, target="A")
    click("favor")
    click("against")
    widget, click = labeller(STATEMENTS, path, target="B")
    assert [row["text"] for row in widget.queue] == ["One.", "Two.", "Three."]
    assert widget.count.value.startswith("0 labelled for this target (favor 0, against 0, neutral 0)")
    assert "2 labels for other targets, not counted" in widget.count.value
    click("neutral")
    assert labels.label_counts(path, ["favor", "against", "neutral"], "B") == {"favor": 0, "against": 0, "neutral": 1}
    found, note = labels.target_labels(path, "B")  # adapt on B never sees A's labels
    assert found.empty and "1 labels for 'B'" in note and "2 labels for other targets left out" in note


def test_labeller_shows_the_sentence_around_the_statement_and_hides_the_guess(tmp_path):
    text = "The talks began. Officials said the plan was sound, and left. More later."
    start = text.index("the plan")
    row = {"article_id": "a1", "text": "the plan was sound", "speaker": "Officials", "guess": "favor",
           "context": "The talks began.", "start": start, "end": start + len("the plan was sound")}
    articles = pd.DataFrame({"article_id": ["a1"], "text": [text]})
    widget, _ = labeller(pd.DataFrame([row]), tmp_path / "l.csv", articles=articles)
    shown = widget.statement.value
    assert "Officials said <mark>the plan was sound</mark>, and left.</blockquote>" in shown
    assert "The talks began." in shown and "More later" not in shown and "guess" not in shown
    widget, _ = labeller(pd.DataFrame([row]), tmp_path / "l.csv", show_guess=True)
    assert "the model's guess: <i>favor</i>" in widget.statement.value


# -- notebook 04 ---------------------------------------------------------------------------
NOTEBOOK = ROOT / "notebooks" / "04_adapt_to_your_target.ipynb"


def test_notebook_04_is_stripped_and_opens_with_a_title_then_parameters():
    import nbformat

    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    title, params = nb.cells[:2]
    assert title.cell_type == "markdown" and title.source.startswith("# 04")
    assert params.cell_type == "code" and "parameters" in params.metadata.get("tags", [])
    for var in ("articles", "target", "model", "labels", "labels_file", "adapted_dir", "n_suggest"):
        assert f"\n{var} = " in f"\n{params.source}", var
    assert all(not c.outputs and c.execution_count is None for c in nb.cells if c.cell_type == "code")


def run_notebook_04(tmp_path, **parameters):
    """Notebook 04 executed headlessly into ``tmp_path`` with ``parameters``; its code cells' outputs."""
    import nbformat
    import papermill

    from analysis.build import ensure_kernel

    executed = tmp_path / "04.ipynb"
    papermill.execute_notebook(NOTEBOOK, executed, kernel_name=ensure_kernel(), cwd=str(ROOT), progress_bar=False,
                               parameters={"adapted_dir": str(tmp_path / "adapted"), "n_suggest": 5, **parameters})
    nb = nbformat.read(executed, as_version=4)
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]


@pytest.mark.slow
def test_notebook_04_runs_top_to_bottom_before_any_label(tmp_path):
    """A fresh clone's first Run All: no labels file yet, so the adapt cells say so instead of failing."""
    outputs = run_notebook_04(tmp_path, labels_file=str(tmp_path / "labels.csv"))
    text = "".join(o.get("text", "") for o in outputs)
    assert f"no labels yet: {tmp_path / 'labels.csv'} does not exist" in text and "adapt skipped" in text
    assert not (tmp_path / "adapted").exists() and not (tmp_path / "labels.csv").exists()


@pytest.mark.slow
def test_notebook_04_adapts_on_the_seed_headlessly(tmp_path):
    outputs = run_notebook_04(tmp_path, labels=str(FIXTURES / "seed_labels.csv"))
    report = json.loads((tmp_path / "adapted" / "adapt.json").read_text())
    assert report["n_labels"] == 13 and report["targets"] == [
        "the deployment of CSTO forces to Kazakhstan in January 2022"]
    assert not any(o.get("output_type") == "error" for o in outputs)
    assert not any("Warning" in o.get("text", "") for o in outputs if o.get("name") == "stderr")
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 2  # figure 1 before and after
    assert any("cross-validated macro-F1" in o.get("text", "") for o in outputs)
