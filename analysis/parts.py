"""The store's own files (``analysis.store``): their names, the partitioned datasets, the
one-writer lock and the provenance of the corpus tables.

A store folder may hold other files (``--store`` can name a folder in use): the store reads,
replaces and deletes only the names below, so a user's ``.video.mp4.part`` beside or below it
is never touched::

    .lock, last_run.json, articles.parquet, statements.parquet, speakers.parquet
    files/part-<key>.parquet, extracted/part-<key>.parquet
    scores/<key>/part-<key>.parquet, scores/<key>/{scored,speaker_stance}.parquet, scores/<key>/meta.json

and the temporary names ``io.atomic_path`` gives them (``.<name>.<random>.part``).  Every
table and part read is checked against its columns; a corpus table carries in its Parquet
metadata the id of the corpus it was computed from, so tables of two runs are never served
together.
"""
import json
import re
import warnings
from contextlib import contextmanager
from pathlib import Path

from . import schemas
from .errors import StoreBusy
from .io import atomic_path
from .keys import digest

KEY = r"[0-9a-f]{16}"  # keys.digest
PART = re.compile(rf"part-{KEY}\.parquet")
TABLES = ("articles.parquet", "statements.parquet", "speakers.parquet")
SCORE_TABLES = ("scored.parquet", "speaker_stance.parquet")
CORPUS_FIELD = b"analysis.corpus"  # Parquet metadata key of a corpus table's provenance
LOCK = ".lock"


def corpus_id(article_keys) -> str:
    """Id of the corpus tables computed from these articles (``store.article_key``, in order)."""
    return digest("corpus", *article_keys)


# -- the store's own names -----------------------------------------------------------------------
def own_folders(store):
    """{folder: pattern of the store's own file names in it} for the folders of ``store``."""
    store = Path(store)
    tables = "|".join(map(re.escape, (*TABLES, "last_run.json")))
    folders = {store: re.compile(tables), store / "files": PART, store / "extracted": PART}
    scored = "|".join(map(re.escape, (*SCORE_TABLES, "meta.json")))
    for folder in sorted((store / "scores").glob("*")):
        if re.fullmatch(KEY, folder.name) and folder.is_dir():
            folders[folder] = re.compile(rf"{PART.pattern}|{scored}")
    return folders


def clean_leftovers(store):
    """Delete the temporary files a killed run left half-written: ``atomic_path``'s
    ``.<name>.<random>.part`` of the store's own names only, in its own folders only."""
    for folder, names in own_folders(store).items():
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            temporary = re.fullmatch(r"\.(.+)\.[a-z0-9_]+\.part", path.name)
            if temporary and names.fullmatch(temporary.group(1)) and path.is_file() and not path.is_symlink():
                path.unlink(missing_ok=True)


@contextmanager
def store_lock(store):
    """Hold ``store``'s lock (``<store>/.lock``, created with the folder) for one run.

    Raises StoreBusy at once when another run holds it, OSError (a read-only or full disk,
    ``store`` a file) when it cannot be created.
    """
    from filelock import FileLock, Timeout  # installed with torch and huggingface-hub, which require it

    store = Path(store)
    store.mkdir(parents=True, exist_ok=True)
    lock = FileLock(store / LOCK, timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise StoreBusy(f"{store} is in use by another run (its lock {store / LOCK} is held); "
                        f"wait for that run to finish or give another --store") from None
    try:
        yield
    finally:
        lock.release()


# -- tables with provenance ----------------------------------------------------------------------
def write_corpus_table(df, path, corpus):
    """Write ``df`` as Parquet atomically, with ``corpus`` (``corpus_id``) in its metadata."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(df, preserve_index=False)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), CORPUS_FIELD: corpus.encode()})
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp)
    return Path(path)


def table_problem(path, columns, corpus=None):
    """Why the corpus table at ``path`` cannot be served, or None when it can.

    ``columns``: the columns it must have (a ``schemas`` dict); ``corpus``: the corpus id it
    must carry (None: any).  Reads the file's footer only.
    """
    import pyarrow.parquet as pq

    path = Path(path)
    if not path.is_file():
        return "missing"
    try:
        schema = pq.read_schema(path)
    except OSError as exc:
        return f"unreadable ({exc.strerror})" if exc.errno else f"damaged ({exc})"
    except Exception as exc:  # noqa: BLE001 - any other failure to parse the footer is damage
        return f"damaged ({type(exc).__name__}: {exc})"
    missing = [c for c in columns if c not in schema.names]
    if missing:
        return f"damaged (no column {', '.join(missing)})"
    found = (schema.metadata or {}).get(CORPUS_FIELD, b"").decode()
    if corpus is not None and found != corpus:
        return "from another run"
    return None


def table_corpus(path) -> str:
    """The corpus id carried by the table at ``path`` ("" when none)."""
    import pyarrow.parquet as pq

    return (pq.read_schema(path).metadata or {}).get(CORPUS_FIELD, b"").decode()


# -- records ---------------------------------------------------------------------------------------
# The columns each corpus table must have, by file name.
COLUMNS = {"articles.parquet": schemas.ARTICLES, "statements.parquet": schemas.STATEMENTS,
           "speakers.parquet": schemas.SPEAKERS, "scored.parquet": schemas.SCORED_STATEMENTS,
           "speaker_stance.parquet": schemas.SPEAKER_STANCE}


def damaged(path, reason):
    """Report the store file at ``path`` as damaged (``reason``); returns None (nothing to serve)."""
    warnings.warn(f"store file {path} is damaged ({reason}); the next run writes it again", RuntimeWarning,
                  stacklevel=3)


def read_record(path):
    """The JSON record in ``path``, or None when it is missing or damaged (reported)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except ValueError as exc:
        return damaged(path, exc)


def read_meta(path):
    """A score folder's meta.json (a dict naming its ``target``), or None when missing or damaged
    (reported)."""
    meta = read_record(path)
    if meta is None:
        return None
    if not (isinstance(meta, dict) and isinstance(meta.get("target"), str)):
        return damaged(path, "not a record of a score folder")
    return meta


# -- partitioned datasets -------------------------------------------------------------------
class Dataset:
    """A folder of ``part-<key>.parquet`` files with ``schema`` (pyarrow), each holding rows keyed
    by the column ``key``.

    Parts are written atomically and never changed; a row's key appears in one part (the run
    computes only keys that no part holds).  A part that cannot be read or whose columns differ
    from ``schema`` is reported, deleted and so computed again: it is never served.
    """

    def __init__(self, folder, key, schema):
        self.folder, self.key, self.schema = Path(folder), key, schema
        self._keys = None

    def parts(self):
        """{part path: set of keys} of the sound parts."""
        import pyarrow.parquet as pq

        if self._keys is None:
            self._keys = {}
            for path in sorted(p for p in self.folder.glob("part-*.parquet") if PART.fullmatch(p.name)):
                problem = self._problem(path)
                if problem is None:
                    self._keys[path] = set(pq.read_table(path, columns=[self.key]).column(0).to_pylist())
                    continue
                warnings.warn(f"store part {path} {problem}; computing it again", RuntimeWarning, stacklevel=2)
                path.unlink()
        return self._keys

    def _problem(self, path):
        """Why the part at ``path`` cannot be used, or None.  A full or read-only disk is not
        damage: it is raised."""
        import pyarrow.parquet as pq

        try:
            found = pq.read_schema(path).remove_metadata()
            if found.equals(self.schema):
                pq.read_table(path, columns=[self.key])
                return None
        except OSError as exc:
            if exc.errno:
                raise
            return f"is unreadable ({type(exc).__name__})"
        except Exception as exc:  # noqa: BLE001 - any other failure to read it is damage
            return f"is unreadable ({type(exc).__name__})"
        wanted = set(self.schema.names)
        missing, extra = sorted(wanted - set(found.names)), sorted(set(found.names) - wanted)
        if missing or extra:
            return "has wrong columns (" + "; ".join(
                text for text in (missing and f"missing {', '.join(missing)}",
                                  extra and f"unexpected {', '.join(extra)}") if text) + ")"
        return "has columns of wrong types"

    def missing(self, keys):
        """The keys of ``keys`` (in their order, once each) that no part holds."""
        done = set().union(*self.parts().values())
        return list(dict.fromkeys(k for k in keys if k not in done))

    def write(self, rows):
        """Write ``rows`` (dicts with the schema's fields) as a new part; returns its path."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        keys = [r[self.key] for r in rows]
        path = self.folder / f"part-{digest(*keys)}.parquet"
        with atomic_path(path) as tmp:
            pq.write_table(pa.Table.from_pylist(rows, schema=self.schema), tmp)
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
