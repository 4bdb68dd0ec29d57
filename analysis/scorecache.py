"""The score cache: probabilities in SQLite (``<cache>/scores.sqlite``), keyed by model
fingerprint, task, target and text hash, shared by processes (``scoring.score_texts``).

Damage and trouble are told apart.  The file is deleted and rebuilt only when ``PRAGMA
quick_check`` says it is damaged (or that it is no database).  A full disk, a read-only file or
folder, a cache folder that is a file, or a database another process keeps locked are reported
as what they are, and scoring goes on: what can be read is read, new scores are not stored.
``usable_folder`` tells a command, once, that a file stands where the cache folder must be.
"""
import hashlib
import os
import sqlite3
import warnings
from pathlib import Path

from .io import describe_os_error

DAMAGE = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}  # primary result codes that mean a damaged file


class ScoreCache:
    """SQLite store of probabilities keyed by (model fingerprint, task, target, text hash).

    Several processes (Dask workers) may share one file: writers wait for each other
    (write-ahead log, ``TIMEOUT`` seconds), and a database still locked after that is
    not damage: the read counts as a miss, the write is skipped with a warning.
    ``writable`` turns False when the file cannot be written (disk full, read-only):
    the writes of this process are then skipped, with one warning.
    """

    TIMEOUT = 120
    SCHEMA = ("CREATE TABLE IF NOT EXISTS scores (model TEXT, task TEXT, target TEXT, text_hash TEXT, "
              "p0 REAL, p1 REAL, p2 REAL, PRIMARY KEY (model, task, target, text_hash))")

    def __init__(self, path):
        self.path = Path(path)
        self.db, self.writable = None, True
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._open()
        except OSError as exc:  # the folder cannot be made: a file in the way, a read-only disk
            self._in_memory(f"cannot be created ({describe_os_error(exc)})")
        except sqlite3.DatabaseError as exc:
            if _locked(exc):  # another process holds it: score without the cache this time
                self._in_memory("stayed locked by another process")
            elif problem := self._damage():
                self._rebuild(problem)
            else:
                self._read_only(exc)

    def _open(self):
        self.db = sqlite3.connect(self.path, timeout=self.TIMEOUT)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(self.SCHEMA)
        problems = [row[0] for row in self.db.execute("PRAGMA quick_check")]
        if problems != ["ok"]:
            raise sqlite3.DatabaseError(f"quick_check: {problems[0]}")

    def _damage(self):
        """What ``PRAGMA quick_check`` finds wrong with the file (read-only), else None: a file
        that cannot be opened or checked for any other reason is not called damaged."""
        try:
            db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=self.TIMEOUT)
            try:
                found = [row[0] for row in db.execute("PRAGMA quick_check")]
            finally:
                db.close()
        except sqlite3.DatabaseError as exc:
            return str(exc) if ((getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF) in DAMAGE else None
        return None if found == ["ok"] else f"quick_check: {found[0]}"

    def _rebuild(self, problem):
        warnings.warn(f"score cache {self.path} is corrupt ({problem}); rebuilding it", RuntimeWarning)
        if self.db is not None:
            self.db.close()
        try:
            self.path.unlink(missing_ok=True)
            self._open()
        except (OSError, sqlite3.DatabaseError) as exc:
            self._in_memory(f"cannot be rebuilt ({exc})")

    def _read_only(self, exc):
        """Open the file for reading only (it cannot be written: ``exc``), else do without it."""
        warnings.warn(f"score cache {self.path} cannot be written ({exc}); cached scores are read, "
                      f"new ones are not stored", RuntimeWarning)
        self.writable = False
        try:
            self.db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=self.TIMEOUT)
            self.db.execute("SELECT 1 FROM scores LIMIT 1").fetchall()
        except sqlite3.DatabaseError as second:
            self._in_memory(f"cannot be read either ({second})")

    def _in_memory(self, reason):
        """Score without the file: an empty cache in memory, for this process only."""
        warnings.warn(f"score cache {self.path} {reason}; not used", RuntimeWarning)
        self.db = sqlite3.connect(":memory:")
        self.db.execute(self.SCHEMA)

    @staticmethod
    def key(text):
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def get(self, model, task, target, hashes):
        """{text_hash: (p0, p1, p2)} for the hashes already scored ({} when the file cannot be read)."""
        found = {}
        hashes = list(set(hashes))
        try:
            for i in range(0, len(hashes), 500):
                chunk = hashes[i:i + 500]
                rows = self.db.execute(
                    f"SELECT text_hash, p0, p1, p2 FROM scores WHERE model=? AND task=? AND target=? "
                    f"AND text_hash IN ({','.join('?' * len(chunk))})", [model, task, target, *chunk])
                found.update({h: p for h, *p in rows})
        except sqlite3.DatabaseError as exc:
            if _locked(exc):
                return {}
            if problem := self._damage():
                self._rebuild(problem)
            else:
                warnings.warn(f"score cache {self.path} could not be read ({exc}); scoring without it",
                              RuntimeWarning)
            return {}
        return found

    def put(self, model, task, rows):
        """Store [(target, text_hash, probs)] and commit, so an interrupted run keeps them."""
        if not self.writable:
            return
        rows = [(model, task, t, h, *map(float, p)) for t, h, p in rows]
        try:
            self._insert(rows)
        except sqlite3.DatabaseError as exc:
            self._rollback()
            if _locked(exc):
                warnings.warn(f"score cache {self.path} stayed locked by another process for {self.TIMEOUT} s; "
                              f"{len(rows)} scores not cached", RuntimeWarning)
            elif problem := self._damage():
                self._rebuild(problem)
                self._insert(rows)
            else:  # disk full, read-only: the scores already there stay
                self.writable = False
                warnings.warn(f"score cache {self.path} cannot be written ({exc}); {len(rows)} scores and "
                              f"those after them not cached, the ones already there kept", RuntimeWarning)

    def _insert(self, rows):
        self.db.executemany("INSERT OR REPLACE INTO scores VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        self.db.commit()

    def _rollback(self):
        try:
            self.db.rollback()
        except sqlite3.DatabaseError:
            pass  # nothing was begun, or the connection is gone: nothing to undo


def usable_folder(folder):
    """``folder`` when the score cache can be kept there, else None with one RuntimeWarning naming
    the file in the way (``folder`` itself or one of its parents).  Creates nothing; a read-only or
    full disk is left to ``ScoreCache``, which still reads what it can."""
    absolute = Path(os.path.abspath(folder))
    for path in (absolute, *absolute.parents):
        if path.is_dir():
            return folder
        if os.path.lexists(path):
            why = "is a file" if path == absolute else f"cannot be made: {path} is a file"
            warnings.warn(f"score cache folder {folder} {why}; scores are not cached", RuntimeWarning, stacklevel=2)
            return None
    return folder


def _locked(exc) -> bool:
    """Whether a sqlite error means another process holds the lock (not a damaged file)."""
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in str(exc) or "busy" in str(exc))
