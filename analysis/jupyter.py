"""Keep the committed notebooks clean when they are saved from JupyterLab.

``strip_outputs`` is a Jupyter server ``pre_save_hook``: a notebook saved into the
project's ``notebooks/`` folder is written without outputs, execution counts, widget
state or the kernel's version details, so that working in JupyterLab (autosave
included) leaves ``git status`` clean.  Figures of interactive runs go to
``build/figures`` (``analysis.stages.notebook_setup``); executed copies with their
outputs come from ``make figures`` in ``build/notebooks``.  Other notebooks are
saved as they are.

``python -m analysis.jupyter`` (run by ``make setup``) installs the hook for the
Jupyter server of this environment: it merges the setting into
``<sys.prefix>/etc/jupyter/jupyter_server_config.json``.  (Jupyter Server reads the files
of ``jupyter_server_config.d/`` only to enable extensions, so a ``FileContentsManager``
setting there is never loaded; ``jupyter server --show-config`` shows what is.)
"""
import json
import sys
from pathlib import Path

from .paths import NOTEBOOKS_DIR

CONFIG = {"FileContentsManager": {"pre_save_hook": "analysis.jupyter.strip_outputs"}}


def strip_outputs(model: dict, path: str, contents_manager=None, **kwargs) -> None:
    """Remove outputs and run state from ``model`` when ``path`` is one of the project's notebooks."""
    if model.get("type") != "notebook" or NOTEBOOKS_DIR is None or contents_manager is None:
        return
    full = Path(contents_manager.root_dir, path.lstrip("/")).resolve()
    if full.parent != NOTEBOOKS_DIR.resolve():
        return
    nb = model["content"]
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
        cell.get("metadata", {}).pop("execution", None)
    meta = nb["metadata"]
    meta.pop("widgets", None)
    if "language_info" in meta:
        meta["language_info"] = {"name": meta["language_info"].get("name", "python")}


def install(prefix: str | Path = sys.prefix) -> Path:
    """Merge the setting that enables ``strip_outputs`` into the environment's server config
    (other settings there are kept); returns its path."""
    folder = Path(prefix) / "etc" / "jupyter"
    path = folder / "jupyter_server_config.json"
    config = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    config.setdefault("FileContentsManager", {}).update(CONFIG["FileContentsManager"])
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    (folder / "jupyter_server_config.d" / "analysis.json").unlink(missing_ok=True)  # the old place, never loaded
    return path


if __name__ == "__main__":
    print(f"installed {install()}")
