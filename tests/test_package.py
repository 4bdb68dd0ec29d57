"""The package as a library: fast lazy import, public API, paths, stage cache, wheel contents."""
import ast
import inspect
import json
import shutil
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import analysis
from analysis import paths, stages
from analysis.io import InputProblem

ROOT = Path(__file__).resolve().parent.parent
API = ["build_figures", "extract_statements", "group_stance", "load_articles", "score_statements", "score_texts",
       "speaker_stance"]


def test_import_is_fast_and_lazy(tmp_path):
    script = ("import json, sys, time; t = time.perf_counter(); import analysis; t = time.perf_counter() - t\n"
              "heavy = [m for m in ('torch', 'spacy', 'pandas', 'transformers', 'matplotlib') if m in sys.modules]\n"
              "print(json.dumps([t, heavy, analysis.__file__]))")
    # From another folder: the package is found by its installation (or, in a bare checkout, PYTHONPATH).
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True,
                            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, check=True)
    seconds, heavy, where = json.loads(result.stdout)
    assert seconds < 0.5 and heavy == [], result.stdout
    assert Path(where).resolve() == ROOT / "analysis" / "__init__.py"


def test_public_api_is_exported_and_typed():
    assert set(API) <= set(analysis.__all__) and set(API) <= set(dir(analysis))
    from analysis import corpus, scoring

    assert analysis.load_articles is corpus.load_articles and analysis.score_texts is scoring.score_texts
    for name in API:
        function = getattr(analysis, name)
        hints = inspect.get_annotations(function)
        assert "return" in hints, name
        params = list(inspect.signature(function).parameters.values())
        assert all(p.name in hints for p in params), (name, [p.name for p in params if p.name not in hints])
    with pytest.raises(AttributeError):
        analysis.no_such_function  # noqa: B018


def test_the_package_holds_no_path_into_tests():
    for source in sorted((ROOT / "analysis").glob("*.py")):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and " " not in node.value:  # not prose
                assert node.value != "tests" and "tests/" not in node.value, (source.name, node.value)


def test_paths_live_in_one_module():
    assert paths.REPO_ROOT == ROOT and paths.MODELS_DIR == ROOT / "analysis" / "models"
    assert paths.INTERACTIVE_FIGURES_DIR == ROOT / "build" / "figures" != paths.FIGURES_DIR
    for source in sorted((ROOT / "analysis").glob("*.py")):
        if source.name != "paths.py":
            assert "Path(__file__)" not in source.read_text(encoding="utf-8"), source.name


def test_cache_dir_honours_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path))
    assert paths.cache_dir() == tmp_path
    monkeypatch.delenv("ANALYSIS_CACHE_DIR")
    assert paths.cache_dir() == ROOT / ".cache"


ARTICLE = "date 2022-01-06 The minister said: \"We welcome the decision.\" Critics said it was a mistake.\n"


def test_stage_cache_extracts_once_per_input(tmp_path, monkeypatch):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    first = stages.run_stages(tmp_path / "in", cache_dir=tmp_path / "cache")
    assert len(first.statements) and first.scored is None
    assert sorted(p.name.split("-")[0] for p in (tmp_path / "cache" / "stages").glob("*.parquet")) == \
        ["articles", "speakers", "statements"]

    import analysis.statements

    def fail(*args, **kwargs):
        raise AssertionError("extraction ran again")

    monkeypatch.setattr(analysis.statements, "extract_statements", fail)
    again = stages.run_stages(tmp_path / "in", cache_dir=tmp_path / "cache")
    for name in ("articles", "statements", "speakers"):
        pd.testing.assert_frame_equal(getattr(first, name), getattr(again, name))
    assert isinstance(again.articles["headings"].iat[0], list) and isinstance(again.speakers["aliases"].iat[0], str)
    # other input bytes, another key: extraction runs
    (tmp_path / "in" / "a.txt").write_text(ARTICLE.replace("welcome", "reject"), encoding="utf-8")
    with pytest.raises(AssertionError, match="extraction ran again"):
        stages.run_stages(tmp_path / "in", cache_dir=tmp_path / "cache")


@pytest.mark.filterwarnings("ignore::analysis.io.InputProblem")
def test_stage_cache_replays_load_warnings_and_survives_damage(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "in" / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "in" / "quiet.txt").write_text("date 2022-01-07 The weather was mild.\n", encoding="utf-8")
    for _ in range(2):  # computed, then from the cache: the same messages
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            stages.run_stages(tmp_path / "in", cache_dir=tmp_path / "cache")
        messages = [str(w.message) for w in caught if issubclass(w.category, InputProblem)]
        assert any("empty.txt" in m for m in messages) and any("no statements found" in m for m in messages), messages
    for path in (tmp_path / "cache" / "stages").glob("statements-*.parquet"):
        path.write_bytes(b"not parquet")
    with pytest.warns(RuntimeWarning, match="unreadable"):
        again = stages.run_stages(tmp_path / "in", cache_dir=tmp_path / "cache")
    assert len(again.statements)


def test_interactive_runs_write_to_build_figures(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path))
    run = stages.notebook_setup("seeds", "T")
    assert run.figures_path == ROOT / "build" / "figures" and run.scored is None
    assert run.articles_path == ROOT / "seeds" and len(run.statements)
    assert stages.notebook_setup(str(ROOT / "seeds"), figures_dir="figures").figures_path == ROOT / "figures"


@pytest.mark.slow
def test_wheel_ships_the_models_and_training_sets(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copytree(ROOT / "analysis", src / "analysis", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    "-w", tmp_path / "dist", src], check=True, capture_output=True)
    names = set(zipfile.ZipFile(next((tmp_path / "dist").glob("analysis-*.whl"))).namelist())
    for folder in (paths.MODELS_DIR, paths.TRAINING_DATA_DIR):  # paths.TRAINING_DATA_DIR is read by train and card
        committed = {str(p.relative_to(ROOT)) for p in folder.rglob("*") if p.is_file()}
        assert committed and committed <= names, committed - names
    assert {"analysis/__init__.py", "analysis/paths.py", "analysis/py.typed"} <= names


def test_notebooks_saved_from_jupyterlab_stay_clean(tmp_path):
    from types import SimpleNamespace

    import nbformat

    from analysis import jupyter

    nb = nbformat.read(ROOT / "notebooks" / "03_stance_and_sentiment.ipynb", as_version=4)
    clean = nbformat.writes(nb)
    nb.cells[2].outputs = [nbformat.v4.new_output("stream", text="3 articles")]
    nb.cells[2].execution_count = 4
    nb.metadata.language_info = {"name": "python", "version": "3.11.7", "mimetype": "text/x-python"}
    nb.metadata.widgets = {"application/vnd.jupyter.widget-state+json": {}}
    model = {"type": "notebook", "content": nb}
    elsewhere = {"type": "notebook", "content": nbformat.from_dict(nb)}
    jupyter.strip_outputs(elsewhere, "scratch/03_stance_and_sentiment.ipynb",
                          contents_manager=SimpleNamespace(root_dir=str(ROOT)))
    assert elsewhere["content"].cells[2].outputs  # only the project's notebooks are stripped
    jupyter.strip_outputs(model, "notebooks/03_stance_and_sentiment.ipynb",
                          contents_manager=SimpleNamespace(root_dir=str(ROOT)))
    assert nbformat.writes(model["content"]) == clean
    (tmp_path / "etc" / "jupyter").mkdir(parents=True)
    (tmp_path / "etc" / "jupyter" / "jupyter_server_config.json").write_text('{"ServerApp": {"port": 9999}}')
    config = jupyter.install(tmp_path)
    saved = json.loads(config.read_text())
    assert saved["FileContentsManager"]["pre_save_hook"] == "analysis.jupyter.strip_outputs"
    assert saved["ServerApp"] == {"port": 9999}  # other settings kept


@pytest.mark.slow
def test_jupyter_server_of_this_environment_loads_the_save_hook():
    """The server really reads the hook (a file in jupyter_server_config.d/ would not be read)."""
    jupyter_bin = Path(sys.executable).parent / "jupyter"
    out = subprocess.run([str(jupyter_bin), "server", "--show-config"], capture_output=True, text=True,
                         timeout=120).stdout
    assert "pre_save_hook = 'analysis.jupyter.strip_outputs'" in out, out


def test_top_level_help_is_plain_text():
    result = subprocess.run([sys.executable, "-m", "analysis", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "COMMAND --help" in result.stdout
    assert "``" not in result.stdout  # reStructuredText marks belong in docstrings, not on the terminal
