"""Training data handling without training: contexts, contrast groups, context noise, the dev report."""
import gzip

import numpy as np
import pandas as pd
import pytest

from analysis import card, paths, recipes, train
from analysis.classifier import CONTEXT_SEP, with_context

CONTRAST_ROWS = [  # (topic, context, text, stance, phenomenon, pair_id)
    ("t1", "Critics said the release would poison the sea.", "That is complete nonsense.", "favor",
     "context_needed", "t1:g1"),
    ("t1", "Supporters said the release was safe.", "That is complete nonsense.", "against", "context_needed",
     "t1:g1"),
    ("t1", "", "We will never allow anything that endangers health.", "favor", "negated_assurance", "t1:g2"),
    ("t2", "", "No recall has taken place.", "neutral", "denial", "t2:g1"),
    ("t2", "", "The recall was a grave mistake.", "against", "denial", "t2:g1"),
    ("t2", "", "On another matter, the budget passed.", "neutral", "off_topic", ""),
]


def write_contrast(folder, split="dev"):
    folder.mkdir(exist_ok=True)
    rows = [{"dataset": "news_contrast", "topic_id": t, "target": f"the decision {t}", "speaker_role": "minister",
             "kind": "direct", "context": c, "text": x, "stance": s, "sentiment": "neutral", "phenomenon": p,
             "pair_id": g} for t, c, x, s, p, g in CONTRAST_ROWS]
    with gzip.open(folder / f"{split}.csv.gz", "wt", encoding="utf-8") as fh:
        pd.DataFrame(rows).to_csv(fh, index=False)
    return folder


@pytest.fixture()
def contrast(tmp_path):
    return train.load_split(write_contrast(tmp_path / "news_contrast"), "stance", "dev")


def test_stance_reads_the_context_before_the_statement(contrast, tmp_path):
    assert contrast["text"][0] == "Critics said the release would poison the sea." + CONTEXT_SEP + \
        "That is complete nonsense."
    assert contrast["statement"][0] == "That is complete nonsense."
    assert contrast["text"][2] == contrast["statement"][2]  # no context: the statement alone
    assert list(contrast["pair_id"][:2]) == ["t1:g1", "t1:g1"]
    tone = train.load_split(tmp_path / "news_contrast", "sentiment", "dev")
    assert tone["text"][0] == "That is complete nonsense."  # sentiment is the tone of the words alone


def test_groups_right_needs_every_row_of_a_group(contrast):
    correct = np.array([True, False, True, True, True, False])  # g1 half right; the ungrouped row not counted
    share, groups = train.groups_right(contrast, correct)
    assert groups == 3 and share == pytest.approx(2 / 3)
    assert train.groups_right(contrast, np.ones(6, dtype=bool)) == (1.0, 3)


def test_dev_report_has_contrast_phenomena_and_groups(contrast):
    logits = np.eye(3)[contrast["y"].to_numpy()].astype(np.float32)
    logits[1] = [5, 0, 0]  # the second 'nonsense' read by its words: favor instead of against
    report = train.dev_report(contrast, logits, train.TASKS["stance"]["labels"], 1.0)
    assert report["contrast_per_phenomenon"]["context_needed"]["accuracy"] == 0.5
    assert report["contrast_per_phenomenon"]["denial"]["accuracy"] == 1.0
    assert report["contrast_groups_right"] == round(2 / 3, 4) and report["contrast_groups"] == 3
    assert report["news_macro_f1"] is None and report["shared_macro_f1"] is None
    assert 0 < report["contrast_macro_f1"] < 1


def test_selection_score_averages_the_three_parts(contrast):
    rows = pd.concat([contrast, contrast.assign(dataset="news_statements"), contrast.assign(dataset="vast")],
                     ignore_index=True)
    logits = np.eye(3)[rows["y"].to_numpy()]
    logits[len(contrast) * 2:] = np.eye(3)[(rows["y"].to_numpy()[len(contrast) * 2:] + 1) % 3]  # shared all wrong
    score, parts = train.selection_score(rows, logits, 3)
    assert parts == [1.0, 1.0, 0.0] and score == pytest.approx(2 / 3)


def test_the_project_sets_are_never_counted_as_shared(contrast):
    """news_responses (the project's own, written set) is reported per dataset, not mixed
    into the shared (public) sets' macro-F1 nor into checkpoint selection's shared part."""
    rows = pd.concat([contrast.assign(dataset="vast"), contrast.assign(dataset="news_responses")],
                     ignore_index=True)
    logits = np.eye(3)[rows["y"].to_numpy()]
    logits[len(contrast):] = np.eye(3)[(rows["y"].to_numpy()[len(contrast):] + 1) % 3]  # own rows all wrong
    report = train.dev_report(rows, logits, train.TASKS["stance"]["labels"], 1.0)
    assert report["shared_macro_f1"] == 1.0 and report["per_dataset"]["news_responses"]["macro_f1"] == 0.0
    assert train.selection_score(rows, logits, 3)[1] == [1.0]


@pytest.mark.parametrize("name", [recipes.RESPONSES, recipes.REASONS])
def test_the_shipped_written_data_keeps_its_columns_and_labels(name):
    folder = paths.TRAINING_DATA_DIR / name
    splits = [train.load_split(folder, "stance", split) for split in ("train", "dev")]
    for rows in splits:
        assert set(rows["dataset"]) == {name} and set(rows["label"]) == {"favor", "against", "neutral"}
        assert (rows["statement"] != "").all() and (rows["pair_id"] != "").all()
    assert not set(splits[0]["topic"]) & set(splits[1]["topic"])  # dev topics are not trained on


def test_context_noise_keeps_labels_and_draws_from_the_topic():
    news = pd.DataFrame({"dataset": "news_statements", "topic": ["a", "a", "a", "b"], "target": "T",
                         "text": ["A one.", "A two.", "A three.", "B one."], "label": "favor", "y": 0})
    news = news.assign(statement=news["text"], context="", speaker="")
    noisy = train.context_noise(news, news, np.random.default_rng(0))
    assert (noisy["y"] == news["y"]).all() and (noisy["dataset"] == "news_statements+context").all()
    for before, after in zip(news["text"][:3], noisy["text"][:3]):
        context, text = after.split(CONTEXT_SEP)
        assert text == before and context.startswith("A ") and context != before
    assert noisy["text"].iat[3] == "B one."  # no other statement of its topic: no context


def test_epoch_sample_adds_noise_and_swaps_from_both_own_sets(contrast):
    news = contrast.assign(dataset="news_statements", topic="news:" + contrast["topic"], text=contrast["statement"])
    rows = pd.concat([contrast.assign(topic="news_contrast:" + contrast["topic"]), news], ignore_index=True)
    sample = train.epoch_sample(rows, 100, np.random.default_rng(1), batch_size=4, swaps=1.0, noise=1.0)
    kinds = sample["dataset"].value_counts()
    assert kinds["news_statements+context"] + kinds.get("news_statements+context+swap", 0) >= 6
    assert any(k.startswith("news_contrast") and k.endswith("+swap") for k in kinds.index)
    swapped = sample[sample["dataset"].str.endswith("+swap")]
    assert (swapped["label"] == "neutral").all()


def test_roles_put_the_speakers_role_before_the_statement_in_about_that_share(contrast):
    rows = pd.concat([contrast] * 20, ignore_index=True).assign(speaker="a farm minister")
    sample = train.epoch_sample(rows, 10_000, np.random.default_rng(2), batch_size=4, roles=0.5)
    with_role = sample["text"].str.contains("a farm minister: ", regex=False)
    assert 0.4 < with_role.mean() < 0.6
    assert (sample["text"] == [with_context(c, t, r) for c, t, r in
                               zip(sample["context"], sample["statement"], sample["speaker"])]).all()
    plain = train.epoch_sample(rows, 10_000, np.random.default_rng(2), batch_size=4)
    assert not plain["text"].str.contains("a farm minister", regex=False).any()


def test_card_rebuilds_a_run_that_went_on_training_and_its_neutral_shift():
    recipe = recipes.RECIPES["stance"]
    first = {"task": "stance", "data": ["stance", "news_statements"], "epochs": recipe["epochs"],
             "cap_per_dataset_per_epoch": recipe["cap"], "swaps": recipe["swaps"], "lr": recipe["lr"],
             "max_length": 64, "dropout": recipe["dropout"], "batch_size": recipe["batch_size"],
             "lora_r": recipe["r"], "seed": 13, "mix": recipe["mix"], "context_noise": recipe.get("noise", 0.0)}
    second = {**first, "data": ["stance", "news_statements", "news_contrast", recipes.REASONS], "epochs": 1, "lr": 1e-4,
              "init": first, "neutral_shift": 0.5}
    lines = card._reproduce("stance", second)
    commands = [line for line in lines if line.startswith("python -m analysis")]
    assert "went on training" in lines[0] and "neutral bias" in lines[0]
    assert commands[0].startswith("python -m analysis train stance --data ../shared/data/stance "
                                  "../shared/data/news_statements --out build/stance-init --max-length 64")
    assert "--init build/stance-init" in commands[1] and "--epochs 1" in commands[1] and "--lr 0.0001" in commands[1]
    assert "../shared/data/news_contrast analysis/training_data/news_reasons --out" in commands[1]  # an own set
    assert commands[2].endswith("--out build/stance --calibrate-only --neutral-shift 0.5 --precision fp32")
    assert card._reproduce("stance", first)[0].startswith("Reproduce: `python -m analysis train stance")
