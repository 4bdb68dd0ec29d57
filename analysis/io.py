"""Small I/O helpers shared by the stages: atomic writes, cached tables and input problems."""
import os
import tempfile
import warnings
from contextlib import contextmanager
from pathlib import Path

import pandas as pd


class InputProblem(UserWarning):
    """A bad or repaired input: the message names the file (and row) and the reason."""


class InputError(ValueError):
    """Raised instead of an InputProblem warning when a loader runs with strict=True."""


class NoArticlesError(ValueError):
    """Raised by ``corpus.load_articles`` when it loads no article: no path given, or every
    input skipped (each one reported before).  ``files`` and ``skipped`` count them."""

    def __init__(self, message, *, files=0, skipped=0):
        super().__init__(message)
        self.files, self.skipped = files, skipped


def report(message, strict=False):
    """Warn about a bad input, or raise InputError when ``strict``."""
    if strict:
        raise InputError(message)
    warnings.warn(message, InputProblem, stacklevel=3)


@contextmanager
def atomic_path(path):
    """Yield a temporary path beside ``path``; move it into place only on success."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; outputs are ordinary shared files
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_table(df, path):
    """Write ``df`` as CSV (or Parquet for *.parquet) atomically: never half-written."""
    path = Path(path)
    with atomic_path(path) as tmp:
        if path.suffix == ".parquet":
            df.to_parquet(tmp, index=False)
        else:
            df.to_csv(tmp, index=False)
    return path


def round_floats(df, digits=6):
    """``df`` with its float columns rounded to ``digits`` decimals (other columns untouched)."""
    return df.round({col: digits for col in df.columns if df[col].dtype.kind == "f"})


def write_text(text, path):
    """Write ``text`` (UTF-8) atomically; returns the path."""
    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path


def read_parquet_table(path: Path):
    """The cached table at ``path``, or None when missing or unreadable."""
    if not path.is_file():
        return None
    try:
        df = pd.read_parquet(path)
    except Exception as exc:  # noqa: BLE001 - any damage means: compute again
        warnings.warn(f"stage cache {path.name} unreadable ({type(exc).__name__}); recomputing", RuntimeWarning,
                      stacklevel=3)
        return None
    for col in [c for c in df.columns if df[c].dtype == "object"]:  # list columns come back as arrays
        if len(df) and all(hasattr(v, "tolist") for v in df[col]):
            df[col] = [v.tolist() for v in df[col]]
    return df
