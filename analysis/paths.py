"""Every path the package uses, in one place.

``PACKAGE_DIR``
    the installed ``analysis`` package (its models ship inside it as package data).
``MODELS_DIR``
    the committed stance and sentiment adapters, ``analysis/models/<task>``.
``TRAINING_DATA_DIR``
    the project's own written training sets, ``analysis/training_data/<name>`` (CC0; each
    folder has ``train.csv.gz``, ``dev.csv.gz`` and a README), read by ``train --data``.
``REPO_ROOT``
    the source checkout holding the package (an editable install, or a clone used in
    place), or None when the package is installed without its repository.
``NOTEBOOKS_DIR``, ``SEEDS_DIR``
    the checkout's notebooks and sample articles (None without a checkout).
``CACHE_DIR``
    score and stage caches: ``$ANALYSIS_CACHE_DIR``, else ``.cache/`` in the checkout,
    else ``~/.cache/analysis``.
``BASES_DIR``
    base encoders unpacked from their pip parts: ``$ANALYSIS_BASES_DIR``, else ``.cache/bases``
    in the checkout, else ``~/.cache/analysis/bases`` (apart from ``CACHE_DIR``, so that a
    fresh score cache does not unpack 438 MB again).
``ONNX_DIR``
    int8 ONNX Runtime copies of the models (``analysis.runtime``), made once per model:
    ``$ANALYSIS_ONNX_DIR``, else ``onnx/`` beside ``BASES_DIR``.
``BUILD_DIR``
    ignored build outputs: ``build/`` in the checkout (else in the current folder);
    ``EXECUTED_DIR`` (executed notebook copies) and ``INTERACTIVE_FIGURES_DIR`` (where
    interactive notebook runs write figures) lie inside it.
``FIGURES_DIR``
    the committed figures, ``figures/``, written by ``make figures`` only.
"""
import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
MODELS_DIR = PACKAGE_DIR / "models"
TRAINING_DATA_DIR = PACKAGE_DIR / "training_data"  # the project's own written training sets (CC0)


def _checkout(package_dir: Path) -> Path | None:
    root = package_dir.parent
    return root if (root / "pyproject.toml").is_file() and (root / "notebooks").is_dir() else None


REPO_ROOT = _checkout(PACKAGE_DIR)
NOTEBOOKS_DIR = REPO_ROOT / "notebooks" if REPO_ROOT else None
SEEDS_DIR = REPO_ROOT / "seeds" if REPO_ROOT else None


def cache_dir() -> Path:
    """The cache folder, read from ``$ANALYSIS_CACHE_DIR`` now (``CACHE_DIR``: at import)."""
    if os.environ.get("ANALYSIS_CACHE_DIR"):
        return Path(os.environ["ANALYSIS_CACHE_DIR"])
    return REPO_ROOT / ".cache" if REPO_ROOT else Path.home() / ".cache" / "analysis"


CACHE_DIR = cache_dir()
BASES_DIR = Path(os.environ.get("ANALYSIS_BASES_DIR") or
                 (REPO_ROOT / ".cache" if REPO_ROOT else Path.home() / ".cache" / "analysis") / "bases")
ONNX_DIR = Path(os.environ.get("ANALYSIS_ONNX_DIR") or BASES_DIR.parent / "onnx")
BUILD_DIR = (REPO_ROOT or Path.cwd()) / "build"
EXECUTED_DIR = BUILD_DIR / "notebooks"
INTERACTIVE_FIGURES_DIR = BUILD_DIR / "figures"
FIGURES_DIR = (REPO_ROOT or Path.cwd()) / "figures"
