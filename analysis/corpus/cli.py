"""``python -m analysis articles PATH... -o OUT``, and the corpus input every command that reads
articles shares (``add_input_arguments``, ``load_cli``, ``to_csv_ready``)."""
import json
import sys

from ..io import InputError, NoArticlesError, write_table
from .load import load_articles


def add_input_arguments(parser):
    """The corpus input every command that reads articles shares: PATH... and --strict."""
    parser.add_argument("paths", nargs="+", metavar="PATH", help="article files or folders")
    parser.add_argument("--strict", action="store_true", help="stop at the first bad input, write nothing")


def add_arguments(name, parser):
    """Arguments of ``python -m analysis articles``."""
    add_input_arguments(parser)
    parser.add_argument("-o", "--output", required=True, help="CSV (or .parquet) to write")


def to_csv_ready(df):
    """Copy of ``df`` with list cells (e.g. ``headings``) as JSON strings, for CSV."""
    out = df.copy()
    for col in out.columns:
        if out[col].map(lambda v: isinstance(v, list)).any():
            out[col] = out[col].map(lambda v: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v)
    return out


def load_cli(args):
    """Shared CLI front (``args.paths``, ``args.strict``): load the articles and print a
    one-line summary to stderr.  Returns the ARTICLES table, or None when nothing loaded
    or a strict run stopped (the caller exits 2)."""
    try:
        articles = load_articles(args.paths, strict=args.strict)
    except InputError as exc:
        print(f"error: {exc} (--strict: stopped, nothing written)", file=sys.stderr)
        return None
    except NoArticlesError as exc:  # each skipped input has had its message
        print(f"loaded 0 articles from {exc.files} files; {exc.skipped} skipped", file=sys.stderr)
        return None
    print(f"loaded {len(articles)} articles from {articles.attrs['files']} files; "
          f"{articles.attrs['skipped']} skipped", file=sys.stderr)
    return articles


def run_cli(name, args):
    """``articles PATH... -o OUT [--strict]``: write the corpus table atomically (headings
    as JSON); returns 0, or 2 when no article loaded."""
    articles = load_cli(args)
    if articles is None:
        return 2
    write_table(to_csv_ready(articles), args.output)
    return 0
