"""Hostile corpus inputs (issue 25): each bad file gets one message naming it, the rest loads.

Fixtures: ``tests/fixtures/hostile/corpus_*`` (dates outside 1677-2262 in every format, JSON
nested deeper than the recursion limit, a lone surrogate escape in JSONL).  The commands that
score (``stance``, ``run``, ``figures``) run on the whole ``tests/fixtures/hostile/`` folder
with one good article beside it.
"""
import os
import shutil
import subprocess
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from analysis.corpus import load_articles
from analysis.io import InputProblem

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
CORPUS_FILES = sorted(HOSTILE.glob("corpus_*"))
GOOD = ROOT / "tests" / "fixtures" / "corpus" / "briefing.md"
TARGET = "the fee"
# The articles of the whole hostile folder and GOOD in which statements are found.
KEPT = {"briefing", "xss_quote", "corpus_date_1500", "date-0999", "date-2300", "nested-1", "surrogate-1",
        "surrogate-2"}


def load_with_messages(paths):
    """load_articles plus the InputProblem messages it emitted."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        df = load_articles(paths)
    return df, [str(w.message) for w in caught if issubclass(w.category, InputProblem)]


@pytest.mark.parametrize("name, where, value", [
    ("corpus_date_1500.txt", "", "1500-03-01"),
    ("corpus_date_1200.md", "", "1200-06-01"),
    ("corpus_date_3000.html", "", "3000-05-05T10:00:00Z"),
    ("corpus_date_0999.csv", ": line 2", "0999-12-31"),
    ("corpus_date_2300.json", ": item 1", "2300-01-01"),
])
def test_a_date_outside_the_nanosecond_range_is_unknown_with_one_message(name, where, value):
    df, messages = load_with_messages(HOSTILE / name)
    assert len(df) == 1 and pd.isna(df.date[0]) and str(df.date.dtype) == "datetime64[ns]"
    assert "said" in df.text[0]  # the article itself is kept
    assert messages == [f"{HOSTILE / name}{where}: date {value!r} outside the years 1677-2262; date left unknown"]


def test_json_nested_too_deeply_names_the_file_and_line():
    df, messages = load_with_messages([HOSTILE / "corpus_nested.json", HOSTILE / "corpus_nested.jsonl"])
    assert list(df.article_id) == ["nested-1", "nested-3"]
    assert messages == [f"{HOSTILE / 'corpus_nested.json'}: JSON nested too deeply to read; file skipped",
                        f"{HOSTILE / 'corpus_nested.jsonl'}: line 2: JSON nested too deeply to read; skipped"]


def test_a_lone_surrogate_becomes_a_replacement_character_with_a_message():
    df, messages = load_with_messages(HOSTILE / "corpus_surrogate.jsonl")
    assert list(df.article_id) == ["surrogate-1", "surrogate-2"]
    for column in ("article_id", "title", "text"):
        "".join(df[column]).encode("utf-8")  # raised UnicodeEncodeError on a lone surrogate
    assert df.text[0] == "The spokeswoman said \ufffd the talks would resume on Friday."
    assert df.title[0] == "Broken \ufffd title" and "\U0001F600" in df.text[1]  # a valid pair is kept
    assert messages == [f"{HOSTILE / 'corpus_surrogate.jsonl'}: line 1: lone surrogate (invalid Unicode escape) "
                        f"replaced with U+FFFD"]


def test_a_file_name_spelt_in_nfc_and_in_nfd_gives_two_ids_that_look_different(tmp_path):
    import unicodedata

    for form, text in (("NFC", "The minister said the plan was good."), ("NFD", "The minister said it was bad.")):
        (tmp_path / unicodedata.normalize(form, "café.txt")).write_text(f"Title: {form}\n\n{text}\n")
    df, messages = load_with_messages([tmp_path])
    assert sorted(df["article_id"]) == ["café", "café~2"]
    assert all(unicodedata.is_normalized("NFC", i) for i in df["article_id"])
    assert len([m for m in messages if "already used" in m]) == 1


def test_twenty_thousand_unclosed_paragraphs_load_in_linear_time(tmp_path):
    # every <p> left open nests the next: asking each <p> for its own strings was quadratic
    page = tmp_path / "unclosed.html"
    page.write_text("<html><body>" + "".join(f"<p>Paragraph {i} of the report." for i in range(20_000)),
                    encoding="utf-8")
    start = time.process_time()  # CPU time: a busy machine does not make it fail
    df = load_articles(page)
    assert time.process_time() - start <= 10
    paras = df.text[0].split("\n\n")
    assert len(paras) == 20_000 and paras[0] == "Paragraph 0 of the report." and paras[-1].startswith("Paragraph 19999")


@pytest.mark.parametrize("command", ["articles", "statements"])
def test_cli_on_the_hostile_corpus_names_each_bad_file_once_and_keeps_the_rest(tmp_path, command):
    out = tmp_path / "out.csv"
    result = subprocess.run([sys.executable, "-m", "analysis", command, *map(str, CORPUS_FILES), "-o", str(out)],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    # the loader's messages (extraction adds its own, "no statements found", for an article it finds none in)
    lines = [line for line in result.stderr.splitlines() if not line.endswith(": no statements found")]
    for path in CORPUS_FILES:
        assert sum(line.startswith(f"{path}:") for line in lines) == 1, (path.name, result.stderr)
    assert "loaded 9 articles from 8 files; 2 skipped" in lines
    pd.read_csv(out, encoding="utf-8")  # written, and valid UTF-8


@pytest.fixture(scope="module")
def whole_corpus(tmp_path_factory):
    """Every file of the hostile folder and GOOD, in one folder (``figures`` reads one path)."""
    folder = tmp_path_factory.mktemp("whole")
    for path in [*HOSTILE.iterdir(), GOOD]:
        shutil.copy(path, folder)
    return folder


def run_on_whole_corpus(folder, tmp_path, *args):
    """Run ``python -m analysis ARGS``; check it exits 0, says nothing twice and names each bad
    file of ``folder`` once (besides extraction's "no statements found" for an article)."""
    env = {**os.environ, "ANALYSIS_CACHE_DIR": str(tmp_path / "cache"), "ANALYSIS_PRECISION": "fp32",
           "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "analysis", *map(str, args)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert [line for line, n in Counter(lines).items() if n > 1] == [], result.stderr
    named = Counter(line.split(": ")[0] for line in lines
                    if line.startswith(str(folder)) and not line.endswith(": no statements found"))
    assert named == {str(path): 1 for path in folder.glob("corpus_*")}, result.stderr


def test_statements_on_the_whole_hostile_corpus_keeps_every_good_article(whole_corpus, tmp_path):
    run_on_whole_corpus(whole_corpus, tmp_path, "statements", whole_corpus, "-o", tmp_path / "statements.csv")
    assert set(pd.read_csv(tmp_path / "statements.csv")["article_id"]) == KEPT


@pytest.mark.slow
def test_stance_on_the_whole_hostile_corpus_keeps_every_good_article(whole_corpus, tmp_path):
    run_on_whole_corpus(whole_corpus, tmp_path, "stance", whole_corpus, "--target", TARGET,
                        "-o", tmp_path / "speakers.csv", "--statements-out", tmp_path / "statements.csv")
    assert set(pd.read_csv(tmp_path / "statements.csv")["article_id"]) == KEPT


@pytest.mark.slow
def test_run_on_the_whole_hostile_corpus_keeps_every_good_article(whole_corpus, tmp_path):
    from analysis.store import read_tables

    store = tmp_path / "store"
    run_on_whole_corpus(whole_corpus, tmp_path, "run", "--articles", whole_corpus, "--target", TARGET,
                        "--store", store, "--scheduler", "sync")
    assert set(read_tables(store, TARGET)["scored"]["article_id"]) == KEPT


@pytest.mark.slow
def test_figures_on_the_whole_hostile_corpus_keeps_every_good_article(whole_corpus, tmp_path):
    out = tmp_path / "figures"
    run_on_whole_corpus(whole_corpus, tmp_path, "figures", "--articles", whole_corpus, "--target", TARGET,
                        "--out", out)
    assert set(pd.read_csv(out / "statements.csv")["article_id"]) == KEPT
