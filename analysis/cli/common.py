"""What the commands share: the exception -> exit-code map and the ``error: ...`` line, the
options several commands take (defined here once), and the corpus input loaded with its summary.

Kept light (no torch or spaCy at import): ``__main__`` imports it for every command,
``--help`` included.
"""
import sys

from ..io import describe_os_error

# What a command's failure exits with, first match wins.  The package's own exceptions
# (analysis.errors) derive from these: bad input is a ValueError, something missing or
# unwritable an OSError.  Anything else is a bug and keeps its traceback.
EXIT_CODES = {OSError: 2, ValueError: 2}


def fail(message, *, code=2) -> int:
    """Print ``error: message`` on stderr; returns ``code`` (the command's exit code)."""
    print(f"error: {message}", file=sys.stderr)
    return code


def report_error(exc: Exception) -> int:
    """``exc`` (one of ``EXIT_CODES``) as one ``error: ...`` line on stderr; returns its exit code.
    An OSError is said as what it is (``io.describe_os_error``: "disk full", "permission
    denied", ...), anything else by its message."""
    code = next(code for kind, code in EXIT_CODES.items() if isinstance(exc, kind))
    return fail(describe_os_error(exc) if isinstance(exc, OSError) else exc, code=code)


def missing_split(folders, splits) -> str | None:
    """The first ``FOLDER/SPLIT.csv.gz`` of ``folders`` x ``splits`` that is not a file, as text, or None:
    what ``train`` and ``soup`` say before any model loads."""
    from pathlib import Path

    return next((str(Path(d) / f"{s}.csv.gz") for d in folders for s in splits
                 if not (Path(d) / f"{s}.csv.gz").is_file()), None)


# -- options several commands share -------------------------------------------------------------
def add_input_arguments(parser) -> None:
    """The corpus input of the commands that read articles: PATH... and --strict."""
    parser.add_argument("paths", nargs="+", metavar="PATH", help="article files or folders")
    parser.add_argument("--strict", action="store_true", help="stop at the first bad input, write nothing")


def add_model_arguments(parser) -> None:
    """--model and --sentiment-model of the commands that score statements for both tasks."""
    parser.add_argument("--model", help="stance model (default: the project's adapter)")
    parser.add_argument("--sentiment-model", help="sentiment model (default: the project's adapter)")


def add_precision_argument(parser, *, evaluation=False,
                           help="scoring precision (default: $ANALYSIS_PRECISION, else auto)") -> None:
    """--precision: how scoring runs (``vocab.PRECISION_CHOICES``, default from the environment,
    else auto), or with ``evaluation`` how train and soup evaluate on dev (``vocab.PRECISIONS``, fp32)."""
    from ..vocab import PRECISION_CHOICES, PRECISIONS

    if evaluation:
        parser.add_argument("--precision", choices=PRECISIONS, default="fp32",
                            help="precision of the dev evaluation (default fp32)")
    else:
        parser.add_argument("--precision", choices=PRECISION_CHOICES, help=help)


def add_device_argument(parser) -> None:
    """The ``--device`` option of the commands that score or train."""
    from ..device import DEVICE_CHOICES

    parser.add_argument("--device", metavar=DEVICE_CHOICES,
                        help="where models run: auto (a CUDA GPU when there is one), cpu, cuda or cuda:N "
                             "(default: $ANALYSIS_DEVICE, else auto)")


# -- the corpus input, loaded -------------------------------------------------------------------
def load_cli(args):
    """Load the articles of ``args.paths`` (``args.strict``) and print a one-line summary to
    stderr.  Returns the ARTICLES table, or None when nothing loaded or a strict run stopped
    (the caller exits 2); each skipped input has had its message."""
    from ..corpus import load_articles
    from ..errors import InputError, NoArticlesError

    try:
        articles = load_articles(args.paths, strict=args.strict)
    except InputError as exc:
        fail(f"{exc} (--strict: stopped, nothing written)")
        return None
    except NoArticlesError as exc:
        print(f"loaded 0 articles from {exc.files} files; {exc.skipped} skipped", file=sys.stderr)
        return None
    print(f"loaded {len(articles)} articles from {articles.attrs['files']} files; "
          f"{articles.attrs['skipped']} skipped", file=sys.stderr)
    return articles


def to_csv_ready(df):
    """Copy of ``df`` with list cells (e.g. ``headings``) as JSON strings, for CSV."""
    import json

    out = df.copy()
    for col in out.columns:
        if out[col].map(lambda v: isinstance(v, list)).any():
            out[col] = out[col].map(lambda v: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v)
    return out
