"""Small I/O helpers shared by the stages: atomic writes, cached tables and input problems."""
import os
import tempfile
import warnings
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from .errors import InputError, InputProblem
from .errors import NoArticlesError as NoArticlesError  # its old home
from .textsafe import csv_formulas_kept, neutralise_cells


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
    # the name cut so that '.NAME.' + 8 random characters + '.part' stays within 255 bytes
    name = os.fsencode(path.name)[:240].decode(errors="ignore")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{name}.", suffix=".part")
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; outputs are ordinary shared files
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_table(df, path, *, raw=None):
    """Write ``df`` as CSV (or Parquet for *.parquet) atomically: never half-written.

    In a CSV, text a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``...) gets a
    leading ``'`` (``textsafe.neutralise_cells``) unless ``raw`` is true; ``raw=None``: as set by
    ``textsafe.raw_csv()`` (the command line's ``--raw-csv``), else neutralised.  Parquet keeps text as is.
    """
    path = Path(path)
    with atomic_path(path) as tmp:
        if path.suffix == ".parquet":
            df.to_parquet(tmp, index=False)
        else:
            keep = csv_formulas_kept() if raw is None else raw
            (df if keep else neutralise_cells(df)).to_csv(tmp, index=False)
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


# What a failed write or open means, said as what it is (never "corrupt", never the input's fault).
OS_REASONS = {"ENOSPC": "disk full (no space left on device)", "EDQUOT": "disk quota exceeded",
              "EROFS": "read-only file system", "EACCES": "permission denied", "EPERM": "permission denied",
              "EEXIST": "a file is in the way of a folder", "ENOTDIR": "a file is in the way of a folder",
              "EISDIR": "is a folder"}


def describe_os_error(exc: OSError) -> str:
    """``exc`` as one line: the path it concerns and the reason ("disk full", "read-only file
    system", "permission denied", ...; else the system's own words)."""
    import errno

    reason = OS_REASONS.get(errno.errorcode.get(exc.errno, ""), exc.strerror or str(exc))
    return f"{exc.filename}: {reason}" if exc.filename else reason
