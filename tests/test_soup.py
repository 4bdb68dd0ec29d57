"""The soup of adapters: exactly the weighted average of their merged weights and heads."""
import json
import subprocess
import sys

import pytest
import torch

from analysis import scoring
from analysis.build import ROOT
from analysis.classifier import load_classifier, new_classifier, save_classifier
from analysis.soup import soup

SETTINGS = {"task": "stance", "data": ["stance"], "base": "sentence-transformers/all-MiniLM-L6-v2",
            "template": "{target}", "max_length": 64, "batch_size": 32, "lr": 5e-4, "dropout": 0.0,
            "bf16_autocast": True, "seed": 13, "epochs": 3, "cap_per_dataset_per_epoch": 250, "swaps": 0.75,
            "lora_r": 2, "train_seconds": 60.0, "best_dev_selection": 0.5, "mix": {"news_statements": 100}}


def _adapter(path, seed, **settings):
    torch.manual_seed(seed)
    model = new_classifier(scoring.LABELS["stance"], pair=True, max_length=64, r=2)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "lora_B" in name:  # a fresh LoRA update is zero: give it one
                p.normal_(0, 0.05)
    save_classifier(model, path)
    (path / "training.json").write_text(json.dumps({**SETTINGS, **settings}))
    return path


def test_soup_is_the_weighted_average_of_the_merged_adapters(tmp_path):
    a = _adapter(tmp_path / "a", 1)
    b = _adapter(tmp_path / "b", 2, epochs=2, mix={"news_statements": 200})
    settings = soup([a, b], [0.7, 0.3], tmp_path / "soup")
    ma, mb, ms = (load_classifier(p).state_dict() for p in (a, b, tmp_path / "soup"))
    assert set(ms) == set(ma)
    for key in ms:
        assert torch.allclose(ms[key], 0.7 * ma[key] + 0.3 * mb[key], atol=1e-6), key
    assert not torch.allclose(ma["head.weight"], mb["head.weight"])
    assert settings["epochs"] == "3 / 2" and settings["mix"] == {"news_statements": "100 / 200"}
    assert settings["train_seconds"] == 120.0 and len(settings["ingredients"]) == 2


def test_soup_refuses_adapters_that_do_not_mix(tmp_path):
    a = _adapter(tmp_path / "a", 1)
    b = _adapter(tmp_path / "b", 2, template="The speaker supports {target}.")
    with pytest.raises(ValueError, match="differ"):
        soup([a, b], [0.5, 0.5], tmp_path / "soup")
    with pytest.raises(ValueError, match="one weight per adapter"):
        soup([a, b], [1.0], tmp_path / "soup")


def test_card_says_how_to_rebuild_the_soup(tmp_path):
    from analysis.card import _reproduce

    a = _adapter(tmp_path / "a", 1)
    b = _adapter(tmp_path / "b", 2, epochs=2, mix={"news_statements": 200})
    lines = _reproduce("stance", soup([a, b], [0.7, 0.3], tmp_path / "soup"))
    commands = [line for line in lines if line.startswith("python -m analysis")]
    assert len(commands) == 3 and "--out build/stance-a" in commands[0] and "--epochs" not in commands[0]
    assert "--epochs 2" in commands[1] and "--mix news_statements=200" in commands[1]
    assert commands[2].endswith("--adapters build/stance-a build/stance-b --weights 0.7 0.3 --precision fp32")


def test_a_soup_of_a_soup_is_the_flat_soup_of_its_runs(tmp_path):
    from analysis.card import _reproduce

    a = _adapter(tmp_path / "a", 1)
    b = _adapter(tmp_path / "b", 2, epochs=2)
    c = _adapter(tmp_path / "c", 3, data=["stance", "news_contrast"], max_length=128, context_noise=0.3)
    (c / "classifier.json").write_text(json.dumps({**json.loads((c / "classifier.json").read_text()),
                                                   "max_length": 128}))
    soup([a, b], [0.7, 0.3], tmp_path / "ab")
    nested = soup([tmp_path / "ab", c], [0.4, 0.6], tmp_path / "abc")
    soup([a, b, c], [0.28, 0.12, 0.6], tmp_path / "flat")
    m_nested, m_flat = (load_classifier(p).state_dict() for p in (tmp_path / "abc", tmp_path / "flat"))
    for key in m_flat:
        assert torch.allclose(m_nested[key], m_flat[key], atol=1e-6), key
    assert nested["soup_weights"] == [0.28, 0.12, 0.6] and len(nested["ingredients"]) == 3
    assert nested["data"] == ["stance", "news_contrast"] and nested["max_length"] == "64 / 64 / 128"
    assert load_classifier(tmp_path / "abc").max_length == 128  # the soup reads the longest input
    commands = [line for line in _reproduce("stance", nested) if line.startswith("python -m analysis")]
    assert "--data ../shared/data/stance --out build/stance-a" in commands[0]
    assert "--max-length 64" in commands[0] and "--context-noise 0.0" in commands[0]  # against the recipe's
    assert "news_contrast" in commands[2] and "--max-length" not in commands[2]  # c: the recipe's length
    assert commands[3].endswith("--weights 0.28 0.12 0.6 --precision fp32")


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "analysis", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True)


def test_soup_and_train_cli_misuse_is_one_line_and_exit_2(tmp_path):
    a, b = _adapter(tmp_path / "a", 1), _adapter(tmp_path / "b", 2)
    data = tmp_path / "data"
    data.mkdir()
    (data / "dev.csv.gz").write_bytes(b"")  # never read: the soup fails first
    cases = [
        (["soup", "stance", "--data", data, "--adapters", a, b, "--weights", "0.5", "--out", tmp_path / "s"],
         "error: give two or more adapters and one weight per adapter (2 adapters, 1 weights)"),
        (["soup", "stance", "--data", data, "--adapters", a, tmp_path / "none", "--weights", "0.5", "0.5",
          "--out", tmp_path / "s"], f"error: {tmp_path / 'none'}: not an adapter folder (no adapter_config.json)"),
        (["soup", "stance", "--data", tmp_path / "nope", "--adapters", a, b, "--weights", "0.5", "0.5",
          "--out", tmp_path / "s"],
         f"error: {tmp_path / 'nope' / 'dev.csv.gz'}: no such file (--data names folders with dev.csv.gz)"),
        (["train", "stance", "--data", tmp_path / "nope", "--out", tmp_path / "t"],
         f"error: {tmp_path / 'nope' / 'train.csv.gz'}: no such file (--data names shared stance data folders)"),
    ]
    for args, message in cases:
        result = _cli(*args)
        assert (result.returncode, result.stderr.strip()) == (2, message), args
    assert not (tmp_path / "s").exists() and not (tmp_path / "t").exists()
