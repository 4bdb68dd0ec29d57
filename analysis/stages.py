"""The stage cache, and the one set-up every notebook runs.

``run_stages(articles, target=None, ...)`` loads the articles, extracts the
statements and (given a target) scores them, keeping each stage's tables as
Parquet files in ``<cache>/stages/`` (``paths.cache_dir()``)::

    articles-<key>.parquet -> statements-<key>.parquet, speakers-<key>.parquet
        -> scored-<key>.parquet

Keys: the articles' key hashes the input files (names and bytes, folders walked)
and the code version (the package's source, the spaCy and pandas versions); the
statements' key is the articles' key; the scored key adds the target, both models'
fingerprints and the precision.  A hit skips the stage (spaCy is not even
loaded), so ``python -m analysis figures`` runs extraction once for its three
notebooks, and an interactive re-run reads the tables.  The warnings of a
cached stage (bad files, repaired encodings, articles without statements) are
stored with it and replayed.  Files are written atomically; an unreadable cache file is recomputed.

``notebook_setup(articles, target, ...)`` is the first code cell of every
notebook: it quiets the libraries' own progress bars, sets display options,
resolves the parameters against the repository root and runs the stages.
"""
import json
import os
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import paths
from .io import atomic_path, read_parquet_table, write_table
from .keys import code_version, digest, input_key


@dataclass
class Stages:
    """The tables of one run; ``scored`` is None without a target."""
    articles: pd.DataFrame
    statements: pd.DataFrame
    speakers: pd.DataFrame
    scored: pd.DataFrame | None = None
    keys: dict = field(default_factory=dict)


def run_stages(articles, target: str | None = None, model=None, sentiment_model=None,
               precision: str | None = None, cache_dir=None, device: str | None = None) -> Stages:
    """Articles (a file, folder or list of them) -> Stages(articles, statements, speakers, scored).

    ``target`` None skips scoring.  ``model``/``sentiment_model``/``precision``/``device``
    go to ``score_statements``/``score_texts``.  ``cache_dir``: default
    ``paths.cache_dir()``; False: no stage cache (the score cache still applies).
    """
    from .corpus import load_articles

    inputs = [articles] if isinstance(articles, (str, Path)) else list(articles)
    use_cache = cache_dir is not False
    folder = Path(cache_dir or paths.cache_dir()) / "stages"
    keys = {"articles": digest("articles", code_version(), input_key(inputs))}

    def cached(stage):
        return read_parquet_table(folder / f"{stage}-{keys[stage.split('_')[0]]}.parquet") if use_cache else None

    def store(stage, df):
        if use_cache:
            write_table(df, folder / f"{stage}-{keys[stage.split('_')[0]]}.parquet")

    def logged(stage, compute, *tables):
        """The cached tables of ``stage`` with its warnings replayed, else ``compute()`` stored with its warnings."""
        log = folder / f"{stage}-{keys[stage]}.warnings.json"
        found = [cached(t) for t in tables]
        if use_cache and log.is_file() and all(df is not None for df in found):
            for message, category in json.loads(log.read_text(encoding="utf-8")):
                warnings.warn(message, _category(category), stacklevel=3)
            return found
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = compute()
        for w in caught:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        if use_cache and len(result[0]):
            for t, df in zip(tables, result):
                store(t, df)
            with atomic_path(log) as tmp:
                tmp.write_text(json.dumps([[str(w.message), f"{w.category.__module__}.{w.category.__qualname__}"]
                                           for w in caught]), encoding="utf-8")
        return result

    (art,) = logged("articles", lambda: (load_articles(inputs),), "articles")
    if art.empty:
        return Stages(art, pd.DataFrame(), pd.DataFrame(), None, keys)

    def extract():
        from .statements import extract_statements

        return extract_statements(art)

    keys["statements"] = keys["speakers"] = keys["articles"]
    statements, speakers = logged("statements", extract, "statements", "speakers")
    if target is None:
        return Stages(art, statements, speakers, None, keys)

    from .device import resolve_device, resolve_precision
    from .scoring import get_scorer, score_statements

    device = resolve_device(device)
    precision = resolve_precision(precision, device)
    fingerprints = [get_scorer(task, m, precision, device).fingerprint
                    for task, m in (("stance", model), ("sentiment", sentiment_model))]
    keys["scored"] = digest("scored", keys["statements"], target, *fingerprints, precision)
    scored = cached("scored")
    if scored is None:
        scored = score_statements(statements, target, model=model, sentiment_model=sentiment_model,
                                  precision=precision, device=device)
        store("scored", scored)
    return Stages(art, statements, speakers, scored, keys)


def _category(name: str) -> type:
    module, _, qualname = name.rpartition(".")
    category = getattr(sys.modules.get(module), qualname, None)
    return category if isinstance(category, type) and issubclass(category, Warning) else UserWarning


def quiet_libraries() -> None:
    """Silence the libraries' own progress bars and tqdm's notebook warning; the project's bars stay."""
    from tqdm import TqdmWarning

    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # read when transformers is imported
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    if "transformers" in sys.modules:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()
    warnings.filterwarnings("ignore", message="IProgress not found", category=TqdmWarning)


@dataclass
class NotebookRun:
    """What ``notebook_setup`` gives a notebook."""
    root: Path
    articles_path: Path
    figures_path: Path
    articles: pd.DataFrame
    statements: pd.DataFrame
    speakers: pd.DataFrame
    scored: pd.DataFrame | None


def _count(n, noun):
    """'1 article', '2 articles'."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def notebook_setup(articles: str | Path = "seeds", target: str | None = None, model=None, sentiment_model=None,
                   figures_dir: str | Path | None = None, precision: str | None = None,
                   score: bool = False, store: str | Path | None = None) -> NotebookRun:
    """The set-up cell of every notebook.

    Relative ``articles``, ``figures_dir`` and ``store`` are taken from the repository root
    (else the current folder); ``figures_dir`` None: ``build/figures``, so that
    interactive runs leave the committed ``figures/`` alone (``make figures``
    passes ``figures/``).  ``score``: also score the statements toward ``target``.
    Loads, extracts (and scores) through the stage cache; with ``store`` (a folder
    written by ``python -m analysis run``) reads the tables of its latest run for
    ``target`` instead (``store.read_tables``; ``articles`` and the models are then
    not used).  Prints one summary line.
    """
    quiet_libraries()
    pd.set_option("display.max_colwidth", 120)
    pd.set_option("display.max_rows", 200)
    pd.set_option("display.html.use_mathjax", False)  # "$5 ... $10" in a table cell is text, not math
    root = paths.REPO_ROOT or Path.cwd()
    articles_path = root / articles  # an absolute path stays as it is
    figures_path = root / figures_dir if figures_dir is not None else paths.INTERACTIVE_FIGURES_DIR
    if store is not None:
        from .store import read_tables

        tables = read_tables(root / store, target)
        stages = Stages(tables["articles"], tables["statements"], tables["speakers"], tables["scored"])
    else:
        stages = run_stages(articles_path, target if score else None, model=model, sentiment_model=sentiment_model,
                            precision=precision)
    if stages.articles.empty:
        raise FileNotFoundError(f"no article could be loaded from {articles_path}")
    st = stages.statements
    print(f"{_count(len(stages.articles), 'article')}, {_count(len(st), 'statement')} by "
          f"{_count(st['speaker'].nunique() if len(st) else 0, 'speaker')}")
    return NotebookRun(root, articles_path, figures_path, stages.articles, st, stages.speakers,
                       stages.scored if score or store is None else None)
