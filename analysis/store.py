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
only the rest.  Only one run may write to a store at a time.

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
from .device import add_device_argument
from .io import atomic_path, read_parquet_table, write_table, write_text
from .keys import EXTRACTION_CODE, code_version, digest
from .vocab import PRECISION_CHOICES

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


# -- partitioned datasets -------------------------------------------------------------------
class Dataset:
    """A folder of ``part-<key>.parquet`` files, each holding rows keyed by ``key``.

    Parts are written atomically and never changed; a row's key appears in one part
    (the run computes only keys that no part holds).
    """

    def __init__(self, folder, key):
        self.folder, self.key = Path(folder), key
        self._keys = None

    def parts(self):
        """{part path: set of keys}; an unreadable part is reported and deleted (recomputed)."""
        import pyarrow.parquet as pq

        if self._keys is None:
            self._keys = {}
            for path in sorted(self.folder.glob("part-*.parquet")):
                try:
                    self._keys[path] = set(pq.read_table(path, columns=[self.key]).column(0).to_pylist())
                except Exception as exc:  # noqa: BLE001 - any damage means: compute again
                    warnings.warn(f"store part {path} unreadable ({type(exc).__name__}); recomputing it",
                                  RuntimeWarning, stacklevel=2)
                    path.unlink()
        return self._keys

    def missing(self, keys):
        """The keys of ``keys`` (in their order, once each) that no part holds."""
        done = set().union(*self.parts().values())
        return list(dict.fromkeys(k for k in keys if k not in done))

    def write(self, rows, schema):
        """Write ``rows`` (dicts with ``schema``'s fields) as a new part; returns its path."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        keys = [r[self.key] for r in rows]
        path = self.folder / f"part-{digest(*keys)}.parquet"
        with atomic_path(path) as tmp:
            pq.write_table(pa.Table.from_pylist(rows, schema=schema), tmp)
        self.parts()[path] = set(keys)
        return path

    def read(self, keys):
        """{key: row dict} for ``keys``, read from the parts that hold any of them; parts
        holding none of them are deleted (rows of inputs no longer there)."""
        import pyarrow.parquet as pq

        wanted, rows = set(keys), {}
        for path, held in list(self.parts().items()):
            if not held & wanted:
                path.unlink(missing_ok=True)
                del self._keys[path]
                continue
            for row in pq.read_table(path).to_pylist():
                if row[self.key] in wanted:
                    rows.setdefault(row[self.key], row)
        return rows


def clean_leftovers(folder):
    """Delete the temporary files a killed run left half-written (``atomic_path``'s ``.*.part``)."""
    for path in Path(folder).rglob(".*.part"):
        path.unlink(missing_ok=True)


# -- Parquet schemas of the parts --------------------------------------------------------------
def part_schemas():
    """{dataset: pyarrow schema} of the parts (columns documented in ``schemas.STORE_*``)."""
    import pyarrow as pa

    strings = pa.list_(pa.string())
    article = pa.struct([(f, pa.string()) for f in ("article_id", "source", "date", "title", "url", "text")]
                        + [("headings", strings), ("encoding", pa.string())])
    entity = pa.struct([(f, pa.string()) for f in ("name", "kind", "role", "organization", "country")]
                       + [("aliases", strings)])
    statement = pa.struct([(f, pa.string()) for f in ("kind", "cue", "reported_by", "text", "context")]
                          + [(f, pa.int64()) for f in ("start", "end", "sentence_index", "entity")]
                          + [("confidence", pa.float64())])
    probs = [(c, pa.float64()) for c in ("p_favor", "p_against", "p_neutral")]
    sent = [(c, pa.float64()) for c in ("p_negative", "p_sentiment_neutral", "p_positive")]
    return {
        "files": pa.schema([("file_key", pa.string()), ("path", pa.string()), ("articles", pa.list_(article)),
                            ("problems", strings), ("skipped", pa.int64())]),
        "extracted": pa.schema([("article_key", pa.string()), ("article_id", pa.string()),
                                ("entities", pa.list_(entity)), ("statements", pa.list_(statement)),
                                ("problems", strings)]),
        "scores": pa.schema([("text_key", pa.string()), *probs, ("stance", pa.string()),
                             ("stance_model", pa.string()), *sent, ("sentiment", pa.string()),
                             ("sentiment_model", pa.string())]),
    }


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
    from .io import InputProblem

    warnings.warn(message, InputProblem, stacklevel=3)


def load_phase(files, keys, store, size, progress=None) -> pd.DataFrame:
    """Input files -> ARTICLES (plus ``article_key``): new or changed files parsed and
    stored as parts of ``files/``, the others read back; problems reported in file order."""
    from .corpus import combine

    dataset = Dataset(store / "files", "file_key")
    todo = set(dataset.missing(keys))
    new = [(f, k) for f, k in zip(files, keys) if k in todo]
    with _bar(len(new), "parsing", "file", progress) as bar:
        for chunk in _chunks(new, size):
            dataset.write([{"file_key": k, **parse_file(f)} for f, k in chunk], part_schemas()["files"])
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

    dataset = Dataset(store / "extracted", "article_key")
    todo = set(dataset.missing(articles["article_key"]))
    new = articles.loc[articles["article_key"].isin(todo), ["article_key", "article_id", "source", "text"]]
    parts = [(new.iloc[i:i + size],) for i in range(0, len(new), size)]
    with _bar(len(new), f"extracting ({len(parts)} partitions)", "article", progress) as bar:
        for _, rows in executor.run(extract_partition, parts):
            dataset.write(rows, part_schemas()["extracted"])
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

    dataset = Dataset(folder, "text_key")
    units = list(zip(stance_inputs(statements, get_scorer("stance", models[0], precision, device).speaker),
                     statements["text"]))
    keys = {u: score_key(*u) for u in dict.fromkeys(units)}
    todo = set(dataset.missing(keys.values()))
    new = [u for u, k in keys.items() if k in todo]
    parts = [(chunk, target, *models, precision, device) for chunk in _chunks(new, size * TEXTS_PER_ARTICLE)]
    with _bar(len(new), f"scoring ({len(parts)} partitions)", "text", progress) as bar:
        for _, rows in executor.run(score_partition, parts):
            dataset.write(rows, part_schemas()["scores"])
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
    """
    from .cluster import Executor
    from .corpus import expand

    store, problems = Path(store), []
    clean_leftovers(store)
    files = _collect(problems, expand, [articles] if isinstance(articles, (str, Path)) else list(articles))
    version = code_version(EXTRACTION_CODE)
    keys = [file_key(f, version) for f in files]
    signature = run_signature(keys, target, model, sentiment_model, precision, device)
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
    with Executor(scheduler, n_workers) as executor:
        statements, speakers, summary["extracted"] = _collect(problems, extract_phase, art, store, partition_size,
                                                              executor, progress)
        write_table(art.drop(columns="article_key"), store / "articles.parquet")
        write_table(statements, store / "statements.parquet")
        write_table(speakers, store / "speakers.parquet")
        folder, precision, device = score_folder(store, target, model, sentiment_model, precision, device)
        scored, summary["scored"] = _collect(problems, score_phase, statements, target, folder,
                                             (model, sentiment_model), precision, partition_size, executor, progress,
                                             device)
    _finish(store, folder, scored, art, signature, problems, summary,
            {"target": target, "model": model, "sentiment_model": sentiment_model, "precision": precision})
    summary.update(statements=len(statements), speakers=statements["speaker"].nunique(), score_dir=str(folder))
    return summary


def _finish(store, folder, scored, articles, signature, problems, summary, meta):
    """Write the scored statements, the speaker table, the folder's meta.json and last_run.json."""
    from .speakers import speaker_stance

    write_table(scored, folder / "scored.parquet")
    write_table(speaker_stance(scored, articles), folder / "speaker_stance.parquet")
    write_text(json.dumps({k: None if v is None else str(v) for k, v in meta.items()}, indent=1),
               folder / "meta.json")
    done = {**summary, "statements": len(scored), "speakers": int(scored["speaker"].nunique()),
            "score_dir": str(folder)}
    write_text(json.dumps({"signature": signature, "problems": problems, "summary": done}, indent=1),
               store / "last_run.json")


def _last_run(store):
    """The latest run's record (last_run.json) when its tables are all there, else None."""
    try:
        last = json.loads((store / "last_run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    needed = [store / f"{t}.parquet" for t in ("articles", "statements", "speakers")]
    needed += [Path(last["summary"]["score_dir"]) / f"{t}.parquet" for t in ("scored", "speaker_stance")]
    return last if all(p.is_file() for p in needed) else None


# -- reading a store ------------------------------------------------------------------------------
def read_tables(store, target: str) -> dict:
    """The tables of a store for ``target``: {"articles", "statements", "speakers", "scored",
    "speaker_stance": DataFrame}; "scored" and "speaker_stance" come from the latest score
    folder written for ``target`` (any models).  Raises FileNotFoundError naming what is missing."""

    store = Path(store)
    tables = {name: read_parquet_table(store / f"{name}.parquet") for name in ("articles", "statements", "speakers")}
    if any(df is None for df in tables.values()):
        raise FileNotFoundError(f"{store} holds no complete run: run python -m analysis run --store {store} first")
    folders = [m.parent for m in (store / "scores").glob("*/meta.json")
               if json.loads(m.read_text(encoding="utf-8"))["target"] == target
               and (m.parent / "speaker_stance.parquet").is_file()]
    if not folders:
        raise FileNotFoundError(f"{store} holds no scores for the target {target!r}")
    latest = max(folders, key=lambda f: (f / "scored.parquet").stat().st_mtime_ns)
    return {**tables, "scored": read_parquet_table(latest / "scored.parquet"),
            "speaker_stance": read_parquet_table(latest / "speaker_stance.parquet")}


# -- command line ---------------------------------------------------------------------------------
def add_arguments(name, parser):
    """Arguments of ``python -m analysis run``."""
    parser.add_argument("--articles", required=True, nargs="+", help="article files or folders")
    parser.add_argument("--target", required=True, help="what stance is measured toward")
    parser.add_argument("--store", required=True, help="store folder (created; re-runs compute only what is new)")
    parser.add_argument("--scheduler", default="local",
                        help="local (a Dask cluster of processes here, default), tcp://HOST:PORT (an existing "
                             "Dask scheduler) or sync (this process, no Dask)")
    parser.add_argument("--workers", type=int, help="worker processes of the local cluster (default: one per core)")
    parser.add_argument("--partition-size", type=int, default=DEFAULT_PARTITION,
                        help=f"articles per partition (default {DEFAULT_PARTITION}): bounds each worker's memory")
    parser.add_argument("--model", help="stance model (default: the project's adapter)")
    parser.add_argument("--sentiment-model", help="sentiment model (default: the project's adapter)")
    parser.add_argument("--precision", choices=PRECISION_CHOICES,
                        help="scoring precision (default: $ANALYSIS_PRECISION, else auto)")
    add_device_argument(parser)


def run_cli(name, args):
    """Run into the store and print a summary line; 2 when no article could be loaded or no statement found."""
    import time

    start = time.perf_counter()
    if args.partition_size < 1:
        print("error: --partition-size must be at least 1", file=sys.stderr)
        return 2
    try:
        summary = run_store(args.articles, args.target, args.store, model=args.model,
                            sentiment_model=args.sentiment_model, precision=args.precision, device=args.device,
                            scheduler=args.scheduler, n_workers=args.workers, partition_size=args.partition_size)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not summary["statements"]:  # nothing usable: no article loaded, or no statement found in them
        what = "statement was found in the articles" if summary["articles"] else "article could be loaded"
        print(f"error: no {what} from {' '.join(args.articles)}", file=sys.stderr)
        return 2
    state = "up to date" if summary["up_to_date"] else \
        f"{summary['extracted']} articles extracted, {summary['scored']} texts scored"
    print(f"{summary['articles']} articles, {summary['statements']} statements by {summary['speakers']} speakers "
          f"({state}) in {time.perf_counter() - start:.1f}s -> {args.store}", file=sys.stderr)
    return 0
