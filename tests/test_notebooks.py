"""The headless build: the three notebooks run top to bottom on seeds/ in a real Jupyter kernel."""
import subprocess
import sys

import nbformat
import pandas as pd
import pytest
from jupyter_client.kernelspec import KernelSpecManager

from analysis import figures
from analysis.build import NOTEBOOKS, ROOT, _runs_this_python, build_figures, ensure_kernel

TARGET = "the deployment of CSTO forces to Kazakhstan in January 2022"  # the Makefile's default target
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_committed_notebooks_are_stripped_and_open_with_parameters():
    for name in NOTEBOOKS:
        nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
        nbformat.validate(nb)
        first = nb.cells[0]
        assert first.cell_type == "code" and "parameters" in first.metadata.get("tags", []), name
        for var in ("articles", "target", "model", "sentiment_model", "figures_dir"):
            assert f"\n{var} = " in f"\n{first.source}", (name, var)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(not c.outputs and c.execution_count is None for c in code), name


def test_kernel_runs_this_interpreter():
    assert _runs_this_python(KernelSpecManager().get_kernel_spec(ensure_kernel()))


def test_figures_cli_exits_2_without_articles(tmp_path):
    result = subprocess.run([sys.executable, "-m", "analysis", "figures", "--articles", tmp_path,
                             "--target", "T", "--out", tmp_path / "out"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2 and "no article" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """The seed built twice into separate folders (the second run is warm)."""
    base = tmp_path_factory.mktemp("build")
    for run in ("first", "second"):
        build_figures(ROOT / "seeds", TARGET, base / run / "figures", executed_dir=base / run / "executed")
    return base


def test_build_on_seed_writes_every_figure(builds):
    out, executed = builds / "first" / "figures", builds / "first" / "executed"
    for name in NOTEBOOKS:
        nb = nbformat.read(executed / name, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(c.execution_count for c in code), name  # every cell ran
        assert not any(o.get("output_type") == "error" for c in code for o in c.outputs), name
    for name in figures.FIGURE_NAMES:
        assert (out / f"{name}.png").read_bytes()[:8] == PNG_MAGIC, name
        assert b"<svg" in (out / f"{name}.svg").read_bytes()[:1000], name
    assert (out / figures.EVIDENCE_NAME).read_text(encoding="utf-8").startswith("# Evidence per speaker")
    speakers = pd.read_csv(out / "speakers.csv", keep_default_na=False)
    assert len(speakers) and set(speakers["stance"]) <= {"favor", "against", "neutral"}
    assert (speakers["article_id"] == "*").any()
    # notebook 03 shows the figures it wrote
    nb03 = nbformat.read(executed / NOTEBOOKS[2], as_version=4)
    images = [o for c in nb03.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(images) >= len(figures.FIGURE_NAMES)


def test_build_is_reproducible(builds):
    first, second = builds / "first" / "figures", builds / "second" / "figures"
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
