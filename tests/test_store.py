"""The partitioned store (``python -m analysis run``): equal to the in-memory pipeline,
incremental, resumable after a kill, and the same on a real Dask cluster as in one process.

Real spaCy model and the project's real adapters throughout."""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from analysis import paths, scoring, statements
from analysis.stages import run_stages
from analysis.store import read_tables, run_store
from benchmarks.make_corpus import make_corpus

TARGET = "the deployment of CSTO forces to Kazakhstan in January 2022"
ROOT = paths.REPO_ROOT
TABLES = ["articles", "statements", "speakers", "scored", "speaker_stance"]


def make_inputs(folder, n=10, seed=1):
    """The seed article, ``n`` generated articles (every format), an empty and a binary file."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(next(paths.SEEDS_DIR.glob("*.txt")), folder)
    make_corpus(n, folder, seed=seed)
    (folder / "empty.txt").write_text("")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02" * 50)
    (folder / "nobody.txt").write_text("date 2022-03-01 The weather was mild and the markets were closed.\n")
    return folder


def assert_same_tables(a, b):
    """Two {name: DataFrame} equal table by table, rows sorted (scores up to float rounding)."""
    for name in TABLES:
        x, y = a[name], b[name]
        keys = [c for c in ("article_id", "statement_id", "speaker") if c in x.columns]
        x, y = (df.sort_values(keys).reset_index(drop=True) for df in (x, y))
        pd.testing.assert_frame_equal(x, y, obj=name)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_inputs(tmp_path_factory.mktemp("corpus"))


@pytest.mark.slow
def test_store_equals_in_memory_pipeline_then_runs_only_what_is_new(tmp_path, monkeypatch, recwarn):
    corpus = make_inputs(tmp_path / "corpus")
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "cache"))
    store = tmp_path / "store"
    # float32: in bfloat16 a text's scores move by about 1e-3 with the batch it is scored in
    summary = run_store(corpus, TARGET, store, scheduler="sync", partition_size=3, progress=False, precision="fp32")
    messages = [str(w.message) for w in recwarn]
    for name, reason in (("empty.txt", "empty file"), ("binary.txt", "binary file"),
                         ("nobody.txt", "no statements found")):
        assert any(name in m and reason in m for m in messages), (name, messages)
    memory = run_stages(corpus, TARGET, cache_dir=False, precision="fp32")
    assert summary["articles"] == len(memory.articles) == 12 and summary["extracted"] == 12
    from analysis.speakers import speaker_stance

    expected = {"articles": memory.articles, "statements": memory.statements, "speakers": memory.speakers,
                "scored": memory.scored, "speaker_stance": speaker_stance(memory.scored, memory.articles)}
    assert_same_tables(read_tables(store, TARGET), expected)

    # Nothing new: neither spaCy nor a model is touched.
    def forbidden(*args, **kwargs):
        raise AssertionError("loaded on a run with nothing new")

    monkeypatch.setattr(statements, "load_nlp", forbidden)
    monkeypatch.setattr(scoring.Scorer, "load", forbidden)
    again = run_store(corpus, TARGET, store, scheduler="sync", partition_size=3, progress=False, precision="fp32")
    assert again["up_to_date"] and again["statements"] == summary["statements"]
    monkeypatch.undo()

    # Two new articles, one removed: only the new ones are extracted, the removed one drops out.
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "cache"))
    changed = corpus
    removed = sorted(changed.glob("a*.txt"))[0]
    removed.unlink()
    make_corpus(2, changed, seed=7, start=500)
    third = run_store(changed, TARGET, store, scheduler="sync", partition_size=3, progress=False, precision="fp32")
    assert third["extracted"] == 2 and third["articles"] == 13
    tables = read_tables(store, TARGET)
    assert removed.stem not in set(tables["statements"]["article_id"])
    assert {"a000500", "a000501"} <= set(tables["statements"]["article_id"])
    assert tables["scored"]["statement_id"].is_unique
    memory = run_stages(changed, TARGET, cache_dir=False)
    pd.testing.assert_frame_equal(tables["statements"], memory.statements)


def _run_command(corpus, store, *extra):
    return [sys.executable, "-m", "analysis", "run", "--articles", str(corpus), "--target", TARGET,
            "--store", str(store), *extra]


@pytest.mark.slow
def test_killed_run_resumes_without_loss_or_duplicates(corpus, tmp_path):
    env = {**os.environ, "ANALYSIS_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)}
    store = tmp_path / "store"
    args = _run_command(corpus, store, "--scheduler", "sync", "--partition-size", "2")
    proc = subprocess.Popen(args, cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 300
    while len(list((store / "extracted").glob("part-*.parquet"))) < 2 and proc.poll() is None:
        assert time.time() < deadline, "no partition written in 5 minutes"
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stderr.close()
    kept = len(list((store / "extracted").glob("part-*.parquet")))
    assert 2 <= kept < 6 and not (store / "last_run.json").exists()  # 12 articles: 6 partitions of 2

    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    assert f"{12 - 2 * kept} articles extracted" in done.stderr  # the killed run's partitions are kept
    whole = tmp_path / "whole"
    full = subprocess.run(_run_command(corpus, whole, "--scheduler", "sync", "--partition-size", "2"),
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert full.returncode == 0, full.stderr
    resumed, uninterrupted = read_tables(store, TARGET), read_tables(whole, TARGET)
    assert resumed["statements"]["statement_id"].is_unique
    assert_same_tables(resumed, uninterrupted)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def dask_cluster(tmp_path):
    """A real ``dask scheduler`` and two ``dask worker`` processes on 127.0.0.1; yields the address."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ANALYSIS_CACHE_DIR": str(tmp_path / "worker-cache"),
           "ANALYSIS_THREADS": "1"}
    dask = [str(Path(sys.executable).parent / "dask")]
    procs = [subprocess.Popen([*dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        from distributed import Client

        for _ in range(2):
            procs.append(subprocess.Popen([*dask, "worker", address, "--nthreads", "1", "--no-dashboard",
                                           "--host", "127.0.0.1"],
                                          cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in reversed(procs):
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.mark.slow
def test_dask_cluster_run_equals_sync_run(corpus, tmp_path, monkeypatch, dask_cluster):
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "driver-cache"))
    on_cluster = run_store(corpus, TARGET, tmp_path / "tcp", scheduler=dask_cluster, partition_size=3,
                           progress=False, precision="fp32")
    in_process = run_store(corpus, TARGET, tmp_path / "sync", scheduler="sync", partition_size=3, progress=False,
                           precision="fp32")
    assert on_cluster["extracted"] == in_process["extracted"] == 12
    assert on_cluster["scored"] == in_process["scored"] > 0
    # the workers scored with their own cache: the driver's holds only the sync run's scores
    assert (tmp_path / "worker-cache" / "scores.sqlite").is_file()
    assert_same_tables(read_tables(tmp_path / "tcp", TARGET), read_tables(tmp_path / "sync", TARGET))
    meta = json.loads(next((tmp_path / "tcp" / "scores").glob("*/meta.json")).read_text())
    assert meta["target"] == TARGET


def test_dataset_parts_are_keyed_read_back_and_pruned(tmp_path):
    from analysis.parts import Dataset, clean_leftovers, part_schemas

    schema = part_schemas()["files"]
    row = {"path": "a.txt", "articles": [], "problems": ["a.txt: empty file; skipped"], "skipped": 1}
    ds = Dataset(tmp_path / "files", "file_key", schema)
    ds.write([{**row, "file_key": "k1"}, {**row, "file_key": "k2"}])
    ds.write([{**row, "file_key": "k3"}])
    (tmp_path / "files" / f".part-{'0' * 16}.parquet.ab12_xyz.part").write_text("half-written")
    clean_leftovers(tmp_path)
    fresh = Dataset(tmp_path / "files", "file_key", schema)  # reads the parts from disk
    assert fresh.missing(["k3", "k4", "k1", "k4"]) == ["k4"]
    assert set(fresh.read(["k1", "k2"])) == {"k1", "k2"}
    assert fresh.read(["k1"])["k1"]["problems"] == row["problems"]
    assert len(list((tmp_path / "files").iterdir())) == 1  # k3's part held nothing asked for: deleted


def test_extraction_version_covers_every_module_that_loading_and_extraction_run(tmp_path):
    """The store keys extracted articles by ``EXTRACTION_CODE`` only: every package module that
    loading and extracting an article imports must lie inside it."""
    from analysis.keys import EXTRACTION_CODE

    (tmp_path / "a.txt").write_text('date 2022-01-05 "We will help," Minister Ann Lee said on Monday.\n')
    script = ("import sys; from analysis.corpus import load_articles; from analysis.statements import "
              f"extract_statements; extract_statements(load_articles([{str(tmp_path / 'a.txt')!r}])); "
              "print('\\n'.join(m.__file__ for n, m in list(sys.modules.items()) if n.startswith('analysis')))")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    used = {Path(f).relative_to(paths.PACKAGE_DIR) for f in out.split()}
    assert Path("attribution/driver.py") in used  # extraction really ran
    outside = [str(f) for f in used if f.parts[0] not in EXTRACTION_CODE]
    assert outside == ["__init__.py"], outside  # the package's lazy __init__ holds no pipeline code


def test_local_scheduler_runs_a_one_partition_phase_in_this_process():
    from analysis.cluster import Executor

    with Executor("local", n_workers=2) as executor:
        assert list(executor.run(os.getpid, [()])) == [(0, os.getpid())]
        assert executor.client is None and executor.cluster is None  # no cluster was started for it


def test_run_command_without_articles_exits_2(tmp_path, capsys):
    from analysis.__main__ import main

    (tmp_path / "in").mkdir()
    assert main(["run", "--articles", str(tmp_path / "in"), "--target", TARGET, "--store", str(tmp_path / "s"),
                 "--scheduler", "sync"]) == 2
    assert "no articles in this folder" in capsys.readouterr().err


@pytest.mark.slow
def test_figures_command_reads_the_store(tmp_path, monkeypatch):
    from analysis.__main__ import main
    from analysis.figures import FIGURE_NAMES

    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "cache"))
    store = tmp_path / "store"
    run_store(paths.SEEDS_DIR, TARGET, store, scheduler="sync", progress=False)
    out = tmp_path / "figures"
    assert main(["figures", "--store", str(store), "--target", TARGET, "--out", str(out)]) == 0
    assert all((out / f"{name}.png").is_file() for name in FIGURE_NAMES)
    written = pd.read_csv(out / "statements.csv", keep_default_na=False)
    assert list(written["statement_id"]) == list(read_tables(store, TARGET)["scored"]["statement_id"])
    assert main(["figures", "--store", str(store), "--target", "another target", "--out", str(out)]) == 2
