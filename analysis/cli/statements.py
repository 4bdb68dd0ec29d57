"""``python -m analysis statements PATH... -o OUT [--speakers-out F]``: who said what."""
import sys

from ..io import write_table
from ..statements import extract_statements
from .common import add_input_arguments, load_cli, to_csv_ready


def add_arguments(name, parser):
    """Arguments of ``python -m analysis statements``."""
    add_input_arguments(parser)
    parser.add_argument("-o", "--output", required=True, help="statements CSV (or .parquet)")
    parser.add_argument("--speakers-out", help="also write the speakers table here")


def run_cli(name, args):
    """Load articles (as ``articles`` does), extract, write; returns 0, or 2 when nothing loaded."""
    articles = load_cli(args)
    if articles is None:
        return 2
    statements, speakers = extract_statements(articles)
    write_table(statements, args.output)
    if args.speakers_out:
        write_table(to_csv_ready(speakers), args.speakers_out)
    print(f"{len(statements)} statements by {speakers['speaker'].nunique()} speakers "
          f"-> {args.output}", file=sys.stderr)
    return 0
