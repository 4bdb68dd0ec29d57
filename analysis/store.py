"""The partitioned stage store: ``python -m analysis run --articles DIR --target T --store DIR``.

``run_store(articles, target, store, ...)`` runs articles -> statements -> scores ->
speakers over a corpus of any size, incrementally and resumably, writing Parquet
files under the store folder (tables in ``analysis.schemas``, STORE_* for the parts)::

    files/part-<key>.parquet          STORE_FILES: each input file parsed once, keyed by its bytes
    extracted/part-<key>.parquet      STORE_EXTRACTED: each article's statements and speakers
                                      before the corpus-wide name unification, keyed by the article
    scores/<score key>/part-<key>.parquet   STORE_SCORES: each distinct statement text's scores
    articles.parquet, statements.parquet, speakers.parquet       the corpus tables (ARTICLES,
                                      STATEMENTS, SPEAKERS) of the latest run
    scores/<score key>/scored.parquet, speaker_stance.parquet, meta.json
                                      SCORED_STATEMENTS and SPEAKER_STANCE for one target and
                                      model pair; meta.json names the target, models, precision
    last_run.json                     the latest run's signature and the problems it reported

Keys.  A file: its path, its bytes and the version of the loading and extraction code
(``keys.code_version(EXTRACTION_CODE)``: a change to scoring or figures re-extracts
nothing).  An article: its row (id, source, date, title, url, text, headings) and that version; the
source is the path as given, so a corpus moved or named by another path is extracted anew.
A score folder: the target, both models' fingerprints and the precision; a score row:
the statement text.  A run only computes what has no part yet: new or changed files
are parsed, new articles extracted, new texts scored; articles no longer in the input
are left out of the tables (and parts holding only such rows deleted).  When the
signature of a run (input files, target, models, precision, environment) equals the
latest one the run stops at once: no spaCy, no torch.

Resumable.  Each part is written atomically (``io.atomic_path``) as soon as its
partition is done; a killed run keeps the finished parts and the next run computes
only the rest.  One run writes to a store at a time: a second one refuses at once
(``parts.store_lock``).  The store touches only its own files (``analysis.parts``): a part or
table that is damaged, has other columns or comes from another run is never served (parts are
computed again, tables written again; ``read_tables`` names what to re-run).

Work.  Parsing and the corpus-wide steps (names unified across articles as
``statements.corpus_tables`` does, ``speakers.speaker_stance``) run in this process;
extraction and scoring run per partition of ``partition_size`` articles (scoring:
``partition_size * TEXTS_PER_ARTICLE`` texts) on a Dask cluster (``analysis.cluster``).
The tables equal those of the in-memory pipeline (``stages.run_stages``) on the same
input, scores up to float rounding: scores are computed in other batches.
"""
import hashlib
import json
import os
import platform
import sys
import warnings
from importlib import metadata
from pathlib import Path

import pandas as pd

from . import paths, schemas
from .io import read_parquet_table, write_text
from .keys import EXTRACTION_CODE, code_version, digest
from .parts import (
    COLUMNS,
    SCORE_TABLES,
    TABLES,
    Dataset,
    clean_leftovers,
    corpus_id,
    damaged,
    part_schemas,
    read_meta,
    read_record,
    store_lock,
    table_corpus,
    table_problem,
    write_corpus_table,
)
from .scorecache import usable_folder

DEFAULT_PARTITION = 200
TEXTS_PER_ARTICLE = 5  # a scoring partition holds partition_size * this many texts
NUMERIC_ENV = ("ANALYSIS_THREADS", "MKL_CBWR", "ATEN_CPU_CAPABILITY")


def file_key(path, version) -> str:
    """Key of one input file: its path as given, its bytes and the code version."""
    try:
        content = hashlib.sha256(Path(path).read_bytes()).digest()
    except OSError as exc:  # broken link, unreadable: parsing reports it
        content = type(exc).__name__.encode()
    return digest(version, path, content)


def article_key(row, version) -> str:
    """Key of one ARTICLES row (a dict): everything but its encoding, and the code version."""
    date = "" if pd.isna(row["date"]) else pd.Timestamp(row["date"]).isoformat()
    return digest(version, row["article_id"], row["source"], date, row["title"], row["url"], row["text"],
                  json.dumps(list(row["headings"]), ensure_ascii=False))


# -- the work of one partition (runs on a worker) -------------------------------------------------
def parse_file(path) -> dict:
    """One input file -> its STORE_FILES row (without ``file_key``): articles and problems."""
    from .corpus import read_file

    stats = {"skipped": 0}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        articles = read_file(path, stats=stats)
    for a in articles:
        a["date"] = None if pd.isna(a["date"]) else pd.Timestamp(a["date"]).isoformat()
    return {"path": str(path), "articles": articles, "problems": [str(w.message) for w in caught],
            "skipped": stats["skipped"]}


def extract_partition(articles: pd.DataFrame) -> list[dict]:
    """ARTICLES rows (with ``article_key``) -> their STORE_EXTRACTED rows.

    spaCy is loaded once per process (``statements.load_nlp``); problems are returned
    in the rows, not shown here (the driver reports them).
    """
    from .statements import article_records

    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        records = article_records(articles)
    return [{"article_key": key, **r} for key, r in zip(articles["article_key"], records)]


def score_key(stance_input, text):
    """The key of a statement's scores: of its text, and of the stance input when it differs (a context,
    the speaker's role)."""
    return digest(text) if stance_input == text else digest(stance_input, text)


def score_partition(units: list[tuple[str, str]], target: str, model=None, sentiment_model=None,
                    precision=None, device=None) -> list[dict]:
    """Distinct (stance input, text) pairs (``scoring.stance_inputs``) -> their STORE_SCORES
    rows: stance of the input toward ``target``, sentiment of the text.

    Models are loaded once per process (``scoring.get_scorer``); the score cache is this
    process's ``paths.cache_dir()``.
    """
    from .scoring import score_texts

    inputs, texts = (pd.DataFrame({"text": [u[i] for u in units]}) for i in (0, 1))
    cache = paths.cache_dir()
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        stance = score_texts(inputs, "stance", target=target, model=model, cache_dir=cache, progress=False,
                             precision=precision, device=device)
        sentiment = score_texts(texts, "sentiment", model=sentiment_model, cache_dir=cache, progress=False,
                                precision=precision, device=device)
    out = pd.DataFrame({"text_key": [score_key(*u) for u in units]})
    out[["p_favor", "p_against", "p_neutral"]] = stance[["p_favor", "p_against", "p_neutral"]].to_numpy()
    out["stance"], out["stance_model"] = stance["label"], stance["model"]
    out[["p_negative", "p_sentiment_neutral", "p_positive"]] = \
        sentiment[["p_negative", "p_neutral", "p_positive"]].to_numpy()
    out["sentiment"], out["sentiment_model"] = sentiment["label"], sentiment["model"]
    return out.to_dict("records")


# -- the driver ------------------------------------------------------------------------------------
def _chunks(items, size):
    return [items[i:i + size] for i in range(0, len(items), size)]


def _bar(total, desc, unit, progress):
    """A tqdm bar on stderr; ``progress`` None: only on a terminal."""
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, disable=None if progress is None else not progress)


def _problem(message):
    from .errors import InputProblem

    warnings.warn(message, InputProblem, stacklevel=3)


def load_phase(files, keys, store, size, progress=None) -> pd.DataFrame:
    """Input files -> ARTICLES (plus ``article_key``): new or changed files parsed and
    stored as parts of ``files/``, the others read back; problems reported in file order."""
    from .corpus import combine

    dataset = Dataset(store / "files", "file_key", part_schemas()["files"])
    todo = set(dataset.missing(keys))
    new = [(f, k) for f, k in zip(files, keys) if k in todo]
    with _bar(len(new), "parsing", "file", progress) as bar:
        for chunk in _chunks(new, size):
            dataset.write([{"file_key": k, **parse_file(f)} for f, k in chunk])
            bar.update(len(chunk))
    rows, stats = dataset.read(keys), {"skipped": 0}

    def per_file():
        for k in keys:
            for message in rows[k]["problems"]:
                _problem(message)
            stats["skipped"] += rows[k]["skipped"]
            yield rows[k]["articles"]

    articles = combine(per_file(), len(files), stats)
    version = code_version(EXTRACTION_CODE)
    articles["article_key"] = [article_key(r, version) for r in articles.to_dict("records")]
    return articles


def extract_phase(articles, store, size, executor, progress=None):
    """ARTICLES (with ``article_key``) -> (STATEMENTS, SPEAKERS, number of articles extracted now)."""
    from .statements import corpus_tables

    dataset = Dataset(store / "extracted", "article_key", part_schemas()["extracted"])
    todo = set(dataset.missing(articles["article_key"]))
    new = articles.loc[articles["article_key"].isin(todo), ["article_key", "article_id", "source", "text"]]
    parts = [(new.iloc[i:i + size],) for i in range(0, len(new), size)]
    with _bar(len(new), f"extracting ({len(parts)} partitions)", "article", progress) as bar:
        for _, rows in executor.run(extract_partition, parts):
            dataset.write(rows)
            bar.update(len(rows))
    rows = dataset.read(articles["article_key"])
    records = [rows[k] for k in articles["article_key"]]
    for record in records:
        for message in record["problems"]:
            _problem(message)
    statements, speakers = corpus_tables(records)
    return statements, speakers, len(new)


def score_folder(store, target, model=None, sentiment_model=None, precision=None, device=None):
    """(folder of the scores of ``target`` with these models, resolved precision, resolved device); builds
    the Scorers to read their fingerprints (no weights are loaded for adapters; a GPU's are apart)."""
    from .device import resolve_device, resolve_precision
    from .scoring import get_scorer

    device = resolve_device(device)
    precision = resolve_precision(precision, device)
    fingerprints = [get_scorer(task, m, precision, device).fingerprint
                    for task, m in (("stance", model), ("sentiment", sentiment_model))]
    return store / "scores" / digest(target, *fingerprints, precision), precision, device


def score_phase(statements, target, folder, models, precision, size, executor, progress=None, device="cpu"):
    """STATEMENTS -> (SCORED_STATEMENTS, number of texts scored now); new distinct texts
    scored in partitions and stored as parts of ``folder``."""
    from .scoring import get_scorer, stance_inputs

    dataset = Dataset(folder, "text_key", part_schemas()["scores"])
    units = list(zip(stance_inputs(statements, get_scorer("stance", models[0], precision, device).speaker),
                     statements["text"]))
    keys = {u: score_key(*u) for u in dict.fromkeys(units)}
    todo = set(dataset.missing(keys.values()))
    new = [u for u, k in keys.items() if k in todo]
    parts = [(chunk, target, *models, precision, device) for chunk in _chunks(new, size * TEXTS_PER_ARTICLE)]
    with _bar(len(new), f"scoring ({len(parts)} partitions)", "text", progress) as bar:
        for _, rows in executor.run(score_partition, parts):
            dataset.write(rows)
            bar.update(len(rows))
    rows = dataset.read(keys.values())
    scores = pd.DataFrame([rows[keys[u]] for u in units], index=statements.index, columns=[*schemas.SCORED_STATEMENTS])
    scored = statements.copy()
    scored["target"] = target
    for col in schemas.SCORED_STATEMENTS:
        if col not in scored.columns:
            scored[col] = scores[col]
    return scored[list(schemas.SCORED_STATEMENTS)].reset_index(drop=True), len(new)


def _model_state(model, task):
    """What identifies a model without loading it: its files' names, sizes and times for a
    folder (the project's adapter for None), else the name."""
    folder = paths.MODELS_DIR / task if model is None else Path(model)
    if not folder.is_dir():
        return str(model)
    return [(p.relative_to(folder).as_posix(), p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()]


def run_signature(keys, target, model, sentiment_model, precision, device=None) -> str:
    """Key of a whole run: the input files' keys, the whole package's code version, the target,
    the models (files or names), the precision and device asked for, the numeric environment, the CPU and the
    installed packages.
    A run whose signature equals the latest one's has nothing to compute."""
    flags = ""
    if Path("/proc/cpuinfo").is_file():
        flags = next((line for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("flags")), "")
    packages = sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions())

    models = json.dumps([_model_state(model, "stance"), _model_state(sentiment_model, "sentiment")])
    return digest(*keys, code_version(), target, models, precision or os.environ.get("ANALYSIS_PRECISION", "auto"),
                  device or os.environ.get("ANALYSIS_DEVICE", "auto"),
                  *(os.environ.get(k, "") for k in NUMERIC_ENV), platform.machine(), flags, *packages)


def _collect(problems, fn, *args):
    """``fn(*args)``; its warnings are shown and their messages appended to ``problems``."""
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            return fn(*args)
    finally:
        for w in caught:
            problems.append(str(w.message))
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def run_store(articles, target: str, store, *, model=None, sentiment_model=None, precision: str | None = None,
              scheduler: str = "local", n_workers: int | None = None, partition_size: int = DEFAULT_PARTITION,
              progress: bool | None = None, device: str | None = None) -> dict:
    """Run the pipeline over ``articles`` (files or folders) into the ``store`` folder.

    ``target``: the stance target; ``model``/``sentiment_model``/``precision``/``device``: as for
    ``scoring.score_texts``; ``scheduler``/``n_workers``: see ``analysis.cluster``;
    ``partition_size``: articles per partition; ``progress``: tqdm bars on stderr (None:
    on a terminal).  Returns a summary dict: ``articles``, ``statements``, ``speakers``,
    ``extracted`` and ``scored`` (articles extracted and texts scored by this run),
    ``score_dir`` and ``up_to_date`` (True when the run found nothing to do).
    Raises ``parts.StoreBusy`` (a ValueError) when another run holds the store, OSError when
    the store cannot be written (a full or read-only disk, a file in the way).
    """
    store = Path(store)
    with store_lock(store):
        clean_leftovers(store)
        return _run(articles, target, store, (model, sentiment_model), precision, device, scheduler, n_workers,
                    partition_size, progress)


def _run(articles, target, store, models, precision, device, scheduler, n_workers, partition_size, progress):
    """``run_store``'s work, with the store's lock held."""
    from .cluster import Executor
    from .corpus import expand

    problems = []
    files = _collect(problems, expand, [articles] if isinstance(articles, (str, Path)) else list(articles))
    version = code_version(EXTRACTION_CODE)
    keys = [file_key(f, version) for f in files]
    signature = run_signature(keys, target, *models, precision, device)
    last = _last_run(store)
    if last and last["signature"] == signature:
        for message in last["problems"]:
            _problem(message)
        return {**last["summary"], "extracted": 0, "scored": 0, "up_to_date": True}
    art = _collect(problems, load_phase, files, keys, store, partition_size, progress)
    summary = {"articles": len(art), "statements": 0, "speakers": 0, "extracted": 0, "scored": 0,
               "score_dir": "", "up_to_date": False}
    if art.empty:
        return summary
    corpus = corpus_id(art["article_key"])
    usable_folder(paths.cache_dir())  # a file in the way is said here: the workers' warnings are not shown
    with Executor(scheduler, n_workers) as executor:
        statements, speakers, summary["extracted"] = _collect(problems, extract_phase, art, store, partition_size,
                                                              executor, progress)
        for name, df in zip(TABLES, (art.drop(columns="article_key"), statements, speakers)):
            write_corpus_table(df, store / name, corpus)
        folder, precision, device = score_folder(store, target, *models, precision, device)
        scored, summary["scored"] = _collect(problems, score_phase, statements, target, folder,
                                             models, precision, partition_size, executor, progress, device)
    _finish(store, folder, scored, art, {"signature": signature, "corpus": corpus, "problems": problems},
            summary, {"target": target, "model": models[0], "sentiment_model": models[1], "precision": precision})
    summary.update(statements=len(statements), speakers=statements["speaker"].nunique(), score_dir=str(folder))
    return summary


def _finish(store, folder, scored, articles, record, summary, meta):
    """Write the scored statements, the speaker table, the folder's meta.json and last_run.json
    (``record``: the run's signature, corpus id and problems)."""
    from .speakers import speaker_stance

    for name, df in zip(SCORE_TABLES, (scored, speaker_stance(scored, articles))):
        write_corpus_table(df, folder / name, record["corpus"])
    write_text(json.dumps({k: None if v is None else str(v) for k, v in meta.items()}, indent=1),
               folder / "meta.json")
    done = {**summary, "statements": len(scored), "speakers": int(scored["speaker"].nunique()),
            "score_dir": str(folder)}
    write_text(json.dumps({**record, "summary": done}, indent=1), store / "last_run.json")


def _last_run(store):
    """The latest run's record (last_run.json) when it, its score folder's meta.json and the five
    tables it wrote are sound and of that run, else None (the run then writes them again from its
    parts; a damaged file is reported)."""
    path = store / "last_run.json"
    last = read_record(path)
    if last is None:
        return None
    shape = {"signature": str, "corpus": str, "problems": list, "summary": dict}
    if not (isinstance(last, dict) and all(isinstance(last.get(k), t) for k, t in shape.items())
            and isinstance(last["summary"].get("score_dir"), str)
            and all(isinstance(m, str) for m in last["problems"])):
        return damaged(path, "not a record of a run")
    folder = store / "scores" / Path(last["summary"]["score_dir"]).name  # the store may have moved
    last["summary"]["score_dir"] = str(folder)
    if read_meta(folder / "meta.json") is None:
        return None
    for table in [store / name for name in TABLES] + [folder / name for name in SCORE_TABLES]:
        problem = table_problem(table, COLUMNS[table.name], last["corpus"])
        if problem:
            return damaged(table, problem) if problem.startswith("damaged") else None
    return last


# -- reading a store ------------------------------------------------------------------------------
def read_tables(store, target: str) -> dict:
    """The tables of a store for ``target``: {"articles", "statements", "speakers", "scored",
    "speaker_stance": DataFrame}; "scored" and "speaker_stance" come from the latest score
    folder written for ``target`` (any models) from the same corpus as the other tables: tables of
    two runs are never mixed.  Raises FileNotFoundError naming what is missing, damaged or out of date."""
    store = Path(store)
    again = f"run python -m analysis run --store {store} --target {target!r} again"
    problems = {name: table_problem(store / name, COLUMNS[name]) for name in TABLES}
    if all(p == "missing" for p in problems.values()):
        raise FileNotFoundError(f"{store} holds no complete run: run python -m analysis run --store {store} first")
    for name, problem in problems.items():
        if problem:
            raise FileNotFoundError(f"{store / name} is {problem}: {again}")
    corpora = {table_corpus(store / name) for name in TABLES}
    if len(corpora) != 1 or "" in corpora:
        raise FileNotFoundError(f"{store} holds tables of different runs (one was interrupted, or an older "
                                f"version wrote them): {again}")
    corpus = corpora.pop()
    found = []  # (score folder, why it cannot be served or None)
    for meta in sorted((store / "scores").glob("*/meta.json")):
        if (read_meta(meta) or {}).get("target") == target:
            why = [f"{meta.parent / n} is {'from an earlier corpus' if p == 'from another run' else p}"
                   for n in SCORE_TABLES if (p := table_problem(meta.parent / n, COLUMNS[n], corpus))]
            found.append((meta.parent, why[0] if why else None))
    fresh = [folder for folder, why in found if why is None]
    if not found:
        raise FileNotFoundError(f"{store} holds no scores for the target {target!r}")
    if not fresh:
        raise FileNotFoundError(f"{store} holds no scores for the target {target!r} from its latest run "
                                f"({found[0][1]}): {again}")
    latest = max(fresh, key=lambda f: (f / "scored.parquet").stat().st_mtime_ns)
    tables = {}
    for path in [store / name for name in TABLES] + [latest / name for name in SCORE_TABLES]:
        tables[path.stem] = read_parquet_table(path)
        if tables[path.stem] is None:  # its footer was sound, its data is not
            raise FileNotFoundError(f"{path} is damaged: {again}")
    return tables
