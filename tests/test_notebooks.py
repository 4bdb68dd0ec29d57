"""The headless build: the three notebooks run top to bottom on seeds/ in a real Jupyter kernel."""
import argparse
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from analysis import figures
from analysis.build import NOTEBOOKS, ROOT, build_figures, ensure_kernel

TARGET = "the deployment of CSTO forces to Kazakhstan in January 2022"  # the Makefile's default target
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_committed_notebooks_are_stripped_and_open_with_parameters():
    for name in NOTEBOOKS:
        nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
        nbformat.validate(nb)
        title, params = nb.cells[:2]  # the title, then the parameters
        assert title.cell_type == "markdown" and title.source.startswith(f"# {name[:2]} · "), name
        assert params.cell_type == "code" and "parameters" in params.metadata.get("tags", []), name
        for var in ("articles", "target", "model", "sentiment_model", "figures_dir", "precision"):
            assert f"\n{var} = " in f"\n{params.source}", (name, var)
        assert "\nfigures_dir = None " in params.source, name  # interactive runs leave figures/ alone
        assert "notebook_setup(" in nb.cells[2].source and "sys.path" not in nb.cells[2].source, name
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(not c.outputs and c.execution_count is None for c in code), name


def test_notebook_03_states_the_pooling_rule_of_the_code():
    from analysis import speakers

    nb = nbformat.read(ROOT / "notebooks" / NOTEBOOKS[2], as_version=4)
    prose = " ".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for stated in (f"score is {speakers.MARGIN} or more", f"within {speakers.MARGIN} of 0",
                   f"leaning {speakers.MARGIN} or more the other way hold {speakers.MINORITY:.0%} or more of",
                   f"below p {speakers.LONE_MIN}",
                   "mean lean of the on-target statements, weighted by the extractor's `confidence`",
                   "**favor** beside a p_neutral", "`speakers.group_label`"):
        assert stated in prose, stated
    assert "outweighs" not in prose and "score = p_favor" not in prose  # the rule the code never had


def test_kernel_runs_this_interpreter():
    """Start the kernel the build uses and ask it which interpreter and which package it runs."""
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name=ensure_kernel(), cwd=str(ROOT))
    try:
        out = []
        client.execute_interactive("import sys, analysis; print(sys.executable); print(analysis.__file__)",
                                   timeout=60, output_hook=lambda m: out.append(m["content"].get("text", "")))
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    executable, package = "".join(out).split()
    assert Path(executable).resolve() == Path(sys.executable).resolve()
    assert Path(package).resolve() == (ROOT / "analysis" / "__init__.py").resolve()


def test_figures_cli_exits_2_without_articles(tmp_path):
    (tmp_path / "empty").mkdir()
    result = subprocess.run([sys.executable, "-m", "analysis", "figures", "--articles", tmp_path / "empty",
                             "--target", "T", "--out", tmp_path / "out"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2 and "no article" in result.stderr
    assert not (tmp_path / "out").exists()


def test_figures_cli_with_a_missing_model_fails_before_any_notebook(tmp_path):
    result = subprocess.run([sys.executable, "-m", "analysis", "figures", "--articles", ROOT / "seeds",
                             "--target", "T", "--model", "no-such-model", "--out", tmp_path / "out"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.strip().startswith("error: model 'no-such-model' not found")
    assert len(result.stderr.strip().splitlines()) == 1  # no notebook ran, so none printed its time
    assert not (tmp_path / "out").exists()


def test_figures_cli_keeps_build_notebooks_for_make_figures_only(tmp_path, monkeypatch):
    from analysis import paths
    from analysis.cli import figures

    seen = []
    monkeypatch.setattr(figures, "build_figures", lambda *args, executed_dir, **kw: seen.append(executed_dir))
    for out in (tmp_path / "mine", paths.FIGURES_DIR):
        args = argparse.Namespace(articles=str(ROOT / "seeds"), store=None, target="T", out=str(out), model=None,
                                  sentiment_model=None, precision=None, device=None)
        assert figures.run_cli("figures", args) == 0
    assert seen == [tmp_path / "mine" / "notebooks", paths.EXECUTED_DIR]


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """The seed built twice into separate folders (the second run is warm)."""
    base = tmp_path_factory.mktemp("build")
    for run in ("first", "second"):
        build_figures(ROOT / "seeds", TARGET, base / run / "figures", executed_dir=base / run / "executed")
    return base


@pytest.mark.slow
def test_build_on_seed_writes_every_figure(builds):
    out, executed = builds / "first" / "figures", builds / "first" / "executed"
    for name in NOTEBOOKS:
        nb = nbformat.read(executed / name, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(c.execution_count for c in code), name  # every cell ran
        assert not any(o.get("output_type") == "error" for c in code for o in c.outputs), name
        stderr = [o.text for c in code for o in c.outputs if o.get("name") == "stderr"]
        assert not stderr, (name, stderr)  # no warnings, no library progress bars
    for name in figures.FIGURE_NAMES:
        assert (out / f"{name}.png").read_bytes()[:8] == PNG_MAGIC, name
        assert b"<svg" in (out / f"{name}.svg").read_bytes()[:1000], name
    assert (out / figures.EVIDENCE_NAME).read_text(encoding="utf-8").startswith("# Evidence per speaker")
    speakers = pd.read_csv(out / "speakers.csv", keep_default_na=False)
    assert len(speakers) and set(speakers["stance"]) <= {"favor", "against", "neutral", "uncertain"}
    assert (speakers["article_id"] == "*").any()
    # notebook 03 shows the figures it wrote
    nb03 = nbformat.read(executed / NOTEBOOKS[2], as_version=4)
    images = [o for c in nb03.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(images) >= len(figures.FIGURE_NAMES)


@pytest.mark.slow
def test_build_is_reproducible(builds):
    first, second = builds / "first" / "figures", builds / "second" / "figures"
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


@pytest.mark.slow
def test_fresh_build_reproduces_the_committed_figures(tmp_path):
    """`make figures` from an empty cache, in a fresh process, gives figures/ byte for byte."""
    env = {**os.environ, "ANALYSIS_CACHE_DIR": str(tmp_path / "cache")}
    result = subprocess.run([sys.executable, "-m", "analysis", "figures", "--articles", "seeds", "--target", TARGET,
                             "--out", tmp_path / "figures", "--precision", "fp32"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    committed = sorted(p.name for p in (ROOT / "figures").iterdir())
    built = sorted(p.name for p in (tmp_path / "figures").iterdir() if p.name != "notebooks")  # executed copies
    assert committed == built
    differ = [name for name in committed
              if (ROOT / "figures" / name).read_bytes() != (tmp_path / "figures" / name).read_bytes()]
    assert not differ, f"rebuilt files differ from the committed ones: {differ} (run `make figures`)"
