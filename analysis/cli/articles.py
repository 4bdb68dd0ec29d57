"""``python -m analysis articles PATH... -o OUT [--strict]``: the corpus table."""
from ..io import write_table
from .common import add_input_arguments, load_cli, to_csv_ready


def add_arguments(name, parser):
    """Arguments of ``python -m analysis articles``."""
    add_input_arguments(parser)
    parser.add_argument("-o", "--output", required=True, help="CSV (or .parquet) to write")


def run_cli(name, args):
    """Write the corpus table atomically (headings as JSON); returns 0, or 2 when no article loaded."""
    articles = load_cli(args)
    if articles is None:
        return 2
    write_table(to_csv_ready(articles), args.output)
    return 0
