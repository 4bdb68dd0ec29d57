"""The store never destroys or misreports data (issue 25): one writer at a time, only its own
files deleted, every part and table checked before it is served, a full or read-only disk said
as what it is.

Real spaCy extraction on three tiny articles; scoring is replaced by a stand-in (no model is
loaded), since these tests are about the store's files, not the scores; only the two concurrent
``python -m analysis run`` processes score with the project's adapters."""
import errno
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pyarrow.parquet as pq
import pytest

from analysis import scoring, store
from analysis.__main__ import main
from analysis.speakers import CORPUS
from analysis.store import read_tables, run_store

ROOT = Path(__file__).resolve().parent.parent
TARGET = "the new pension reform"
ARTICLES = {
    "a.txt": 'date 2022-01-05 "We will help the pensioners," Minister Ann Lee said on Monday.\n',
    "b.txt": 'date 2022-01-06 "The reform must be stopped," opposition leader Tom Berg said.\n',
    "c.txt": 'date 2022-01-07 "The reform is fair to the young," economist Eva Stone said.\n',
}


def fake_score_partition(units, target, model=None, sentiment_model=None, precision=None, device=None):
    """STORE_SCORES rows for (stance input, text) pairs without a model: probabilities from the text's hash."""
    rows = []
    for unit in units:
        p = int(hashlib.sha256(unit[1].encode()).hexdigest()[:4], 16) / 0xFFFF
        rows.append({"text_key": store.score_key(*unit), "p_favor": p, "p_against": (1 - p) / 2,
                     "p_neutral": (1 - p) / 2, "stance": "favor" if p > 0.5 else "against", "stance_model": "fake",
                     "p_negative": 0.2, "p_sentiment_neutral": 0.5, "p_positive": 0.3, "sentiment": "neutral",
                     "sentiment_model": "fake"})
    return rows


@pytest.fixture(autouse=True)
def no_models(monkeypatch, tmp_path):
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(store, "score_partition", fake_score_partition)
    monkeypatch.setattr(scoring, "get_scorer", lambda task, model=None, precision=None, device=None:
                        SimpleNamespace(fingerprint=f"fake-{task}", speaker=False))


def corpus(folder, *names):
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_text(ARTICLES[name], encoding="utf-8")
    return folder


def run(articles, where, target=TARGET):
    return run_store(articles, target, where, scheduler="sync", progress=False, precision="fp32")


def cli_run(articles, where):
    return main(["run", "--articles", str(articles), "--target", TARGET, "--store", str(where), "--scheduler", "sync",
                 "--precision", "fp32"])


def test_a_second_run_on_a_store_in_use_refuses_and_the_first_finishes(tmp_path, monkeypatch, capsys):
    first_input, second_input = corpus(tmp_path / "one", "a.txt", "b.txt"), corpus(tmp_path / "two", "c.txt")
    where, second = tmp_path / "store", []
    real_load = store.load_phase

    def load_then_start_another_run(*args):
        articles = real_load(*args)  # the first run's file parts are written, its tables not yet
        if not second:
            second.append(None)
            second[0] = cli_run(second_input, where)
        return articles

    monkeypatch.setattr(store, "load_phase", load_then_start_another_run)
    summary = run(first_input, where)
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error")]
    assert second == [2] and len(errors) == 1 and "is in use by another run" in errors[0], errors
    assert summary["articles"] == 2
    tables = read_tables(where, TARGET)
    assert set(tables["articles"]["article_id"]) == {"a", "b"} == set(tables["scored"]["article_id"])


def run_process(articles, where, cache):
    """A ``python -m analysis run`` process on ``articles`` into ``where`` (its stderr piped)."""
    env = {**os.environ, "ANALYSIS_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "analysis", "run", "--articles", str(articles), "--target", TARGET,
                             "--store", str(where), "--scheduler", "sync", "--precision", "fp32"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_two_run_processes_on_one_store_never_mix_tables_nor_delete_other_files(tmp_path):
    where = tmp_path / "store"
    where.mkdir()
    decoys = [where / ".video.mp4.part", tmp_path / ".video.mp4.part", tmp_path / ".articles.parquet.x1y2z3.part"]
    for decoy in decoys:
        decoy.write_text("the user's own")
    inputs = [corpus(tmp_path / "one", "a.txt", "b.txt"), corpus(tmp_path / "two", "c.txt")]
    procs = [run_process(articles, where, tmp_path / "cache") for articles in inputs]
    errs = [proc.communicate(timeout=1200)[1] for proc in procs]
    codes = [proc.returncode for proc in procs]
    assert sorted(codes) in ([0, 0], [0, 2]) and not any("Traceback" in err for err in errs), errs
    if 2 in codes:  # the one that found the store in use said so in one line
        refused = errs[codes.index(2)].splitlines()
        assert len(refused) == 1 and refused[0].startswith(f"error: {where} is in use by another run"), refused
    tables = read_tables(where, TARGET)
    written = set(tables["articles"]["article_id"])
    assert written in [ids for ids, code in zip(({"a", "b"}, {"c"}), codes) if code == 0]  # the last to finish
    for name in ("statements", "scored", "speaker_stance"):
        assert set(tables[name]["article_id"]) - {CORPUS} == written, name  # one input's rows only
    reference = tmp_path / "reference"
    run(inputs[0] if "a" in written else inputs[1], reference)
    assert tables["statements"].equals(read_tables(reference, TARGET)["statements"])
    assert list(tables["scored"]["statement_id"]) == list(tables["statements"]["statement_id"])
    assert tables["scored"]["p_favor"].notna().all()
    assert [d.read_text() for d in decoys] == ["the user's own"] * len(decoys)


def test_clean_up_deletes_only_the_stores_own_files(tmp_path):
    where = tmp_path / "store"
    (where / "files").mkdir(parents=True)
    (where / "holiday").mkdir()
    decoys = [where / ".video.mp4.part", where / "files" / ".video.mp4.part", where / "holiday" / ".clip.mkv.part",
              where / "files" / "part-mine.parquet", where / "notes.txt"]
    for decoy in decoys:
        decoy.write_text("the user's own")
    leftover = where / "files" / f".part-{'a' * 16}.parquet.k3j4_x9z.part"  # a killed run's temporary part
    leftover.write_text("half-written")
    run(corpus(tmp_path / "in", "a.txt"), where)
    assert [d.read_text() for d in decoys] == ["the user's own"] * len(decoys)
    assert not leftover.exists()


def test_a_garbage_table_is_named_then_written_again_not_served_nor_called_up_to_date(tmp_path):
    articles, where = corpus(tmp_path / "in", "a.txt", "b.txt"), tmp_path / "store"
    run(articles, where)
    assert run(articles, where)["up_to_date"]
    (where / "statements.parquet").write_bytes(b"garbage" * 100)
    with pytest.raises(FileNotFoundError, match=r"statements.parquet is damaged .*run .* again"):
        read_tables(where, TARGET)
    with pytest.warns(RuntimeWarning, match="statements.parquet is damaged"):
        again = run(articles, where)
    assert not again["up_to_date"] and again["extracted"] == 0  # written again from the parts
    assert len(read_tables(where, TARGET)["statements"]) == again["statements"] > 0
    assert run(articles, where)["up_to_date"]


def test_a_score_part_with_wrong_columns_is_computed_again_never_served(tmp_path):
    articles, where = corpus(tmp_path / "in", "a.txt", "b.txt"), tmp_path / "store"
    run(articles, where)
    (part,) = (where / "scores").glob("*/part-*.parquet")
    pq.write_table(pq.read_table(part).drop_columns(["p_favor"]), part)
    (where / "last_run.json").unlink()
    with pytest.warns(RuntimeWarning, match=r"has wrong columns \(missing p_favor\); computing it again"):
        again = run(articles, where)
    assert again["scored"] > 0
    scored = read_tables(where, TARGET)["scored"]
    assert len(scored) and scored["p_favor"].notna().all()


def test_after_a_corpus_change_an_old_targets_scores_are_not_served_beside_the_new_tables(tmp_path):
    where = tmp_path / "store"
    run(corpus(tmp_path / "old", "a.txt", "b.txt"), where)
    run(corpus(tmp_path / "new", "a.txt", "b.txt", "c.txt"), where, target="another target")
    assert set(read_tables(where, "another target")["scored"]["article_id"]) == {"a", "b", "c"}
    with pytest.raises(FileNotFoundError, match=f"no scores for the target '{TARGET}' from its latest run .*"
                                                "from an earlier corpus.*again"):
        read_tables(where, TARGET)


@pytest.mark.parametrize("record", ["{}", "[]", "{", '{"signature": "x", "corpus": 1}'])
def test_a_damaged_last_run_record_is_reported_and_the_run_recovers(tmp_path, capsys, record):
    articles, where = corpus(tmp_path / "in", "a.txt"), tmp_path / "store"
    run(articles, where)
    (where / "last_run.json").write_text(record)
    assert cli_run(articles, where) == 0
    err = capsys.readouterr().err
    assert "last_run.json is damaged" in err and "0 articles extracted" in err, err
    assert json.loads((where / "last_run.json").read_text())["summary"]["articles"] == 1


def test_a_damaged_meta_json_is_named_and_written_again(tmp_path, capsys):
    articles, where = corpus(tmp_path / "in", "a.txt"), tmp_path / "store"
    run(articles, where)
    (meta,) = (where / "scores").glob("*/meta.json")
    meta.write_text("[1, 2")
    out = tmp_path / "figures"
    assert main(["figures", "--store", str(where), "--target", TARGET, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{meta} is damaged" in err and f"error: {where} holds no scores for the target" in err, err
    assert not run(articles, where)["up_to_date"]
    assert json.loads(meta.read_text())["target"] == TARGET


@pytest.mark.parametrize("code, words", [(errno.ENOSPC, "disk full"), (errno.EROFS, "read-only file system"),
                                         (errno.EACCES, "permission denied")])
def test_a_full_or_read_only_disk_is_said_as_such_and_the_store_kept(tmp_path, monkeypatch, capsys, code, words):
    where = tmp_path / "store"
    run(corpus(tmp_path / "in", "a.txt"), where)
    before = {p: p.read_bytes() for p in where.rglob("*") if p.is_file() and p.name != ".lock"}

    def no_room(suffix=None, prefix=None, dir=None, text=False):
        raise OSError(code, os.strerror(code), os.path.join(dir, f"{prefix}x1y2z3{suffix}"))

    monkeypatch.setattr(tempfile, "mkstemp", no_room)
    assert cli_run(corpus(tmp_path / "in", "b.txt"), where) == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(errors) == 1 and errors[0].startswith("error: ") and words in errors[0], errors
    assert "corrupt" not in errors[0] and str(tmp_path / "in") not in errors[0]  # nor damage nor the input blamed
    assert {p: p.read_bytes() for p in where.rglob("*") if p.is_file() and p.name != ".lock"} == before


@pytest.mark.parametrize("under", ["", "sub"])
def test_a_score_cache_folder_that_is_a_file_is_named_once_and_the_run_goes_on(tmp_path, monkeypatch, capsys, under):
    (tmp_path / "cache-file").write_text("not a folder")
    cache = tmp_path / "cache-file" / under if under else tmp_path / "cache-file"
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(cache))
    assert cli_run(corpus(tmp_path / "in", "a.txt"), tmp_path / "store") == 0
    told = [line for line in capsys.readouterr().err.splitlines() if str(tmp_path / "cache-file") in line]
    why = "is a file" if cache.name == "cache-file" else f"cannot be made: {tmp_path / 'cache-file'} is a file"
    assert told == [f"RuntimeWarning: score cache folder {cache} {why}; scores are not cached"], told
    assert read_tables(tmp_path / "store", TARGET)["scored"]["p_favor"].notna().all()
    assert (tmp_path / "cache-file").read_text() == "not a folder"
