"""``python -m analysis stance PATH... --target TEXT -o OUT``: stance and sentiment per speaker."""
import sys

from ..io import write_table
from ..speakers import CORPUS, corpus_rows, speaker_stance
from .common import add_device_argument, add_input_arguments, add_model_arguments, load_cli


def add_arguments(name, parser):
    """Arguments of ``python -m analysis stance``."""
    add_input_arguments(parser)
    parser.add_argument("--target", required=True, help="what stance is measured toward")
    add_model_arguments(parser)
    parser.add_argument("-o", "--output", required=True, help="speakers CSV (or .parquet)")
    parser.add_argument("--statements-out", help="also write the scored statements here")
    add_device_argument(parser)


def run_cli(name, args):
    """Load, extract, score, aggregate, write atomically; returns 0, or 2 when no article loaded
    (a missing model or GPU raises, and ``__main__`` says it: ``common.EXIT_CODES``)."""
    from ..scorecache import usable_folder
    from ..scoring import DEFAULT_CACHE, score_statements  # here, so that --help loads neither torch nor spaCy
    from ..statements import extract_statements

    articles = load_cli(args)
    if articles is None:
        return 2
    statements, _ = extract_statements(articles)
    scored = score_statements(statements, args.target, model=args.model, sentiment_model=args.sentiment_model,
                              cache_dir=usable_folder(DEFAULT_CACHE), device=args.device)
    table = speaker_stance(scored, articles)
    if args.statements_out:
        write_table(scored, args.statements_out)
    write_table(table, args.output)
    per_article = table[table["article_id"] != CORPUS]
    counts = corpus_rows(table)["stance"].value_counts().to_dict()
    print(f"{len(per_article)} (article, speaker) rows, {len(table) - len(per_article)} speakers "
          f"{counts} -> {args.output}", file=sys.stderr)
    return 0
