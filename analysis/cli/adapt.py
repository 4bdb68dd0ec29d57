"""``python -m analysis adapt`` (refit on your labels) and ``suggest`` (what to label next)."""
import sys
from pathlib import Path

from ..adapt import adapt, describe, suggest
from ..errors import AdaptError
from ..labels import labelled_texts, read_labels
from ..vocab import LABELS


def add_arguments(name, parser):
    """Arguments of ``python -m analysis adapt`` and of ``suggest`` (``name``)."""
    parser.add_argument("--task", choices=sorted(LABELS), default="stance" if name == "suggest" else None,
                        required=name == "adapt")
    parser.add_argument("--target", help="stance target for every row without a 'target' column")
    parser.add_argument("--model", help="adapter folder to start from (default: the shipped adapter)")
    if name == "adapt":
        parser.add_argument("--labels", required=True, help="CSV with text, label (and target) columns")
        parser.add_argument("--out", required=True, help="folder for the adapted model")
        parser.add_argument("--folds", type=int, default=5, help="cross-validation folds (default 5)")
    else:
        parser.add_argument("--input", required=True, help="CSV with a 'text' column (e.g. from 'statements')")
        parser.add_argument("-n", type=int, default=30, help="how many statements to suggest (default 30)")
        parser.add_argument("--labelled", help="labels CSV whose texts (for --target, when given) are left out")
        parser.add_argument("-o", "--output", required=True, help="output CSV: fill in its 'label' column")


def run_cli(name, args):
    """Run ``adapt`` or ``suggest``; returns 0 (unusable input raises AdaptError, naming the
    file and row: one line and exit 2, ``common.EXIT_CODES``)."""
    return _run_adapt(args) if name == "adapt" else _run_suggest(args)


def _run_adapt(args):
    labels = read_labels(args.labels, args.task, args.target)
    report = adapt(labels, args.task, args.out, model=args.model, folds_k=args.folds, labels_path=args.labels)
    print(f"{describe(report)}\nadapted model written to {args.out} in {report['seconds']:.0f}s "
          f"(model card: {Path(args.out) / 'MODEL_CARD.md'})", file=sys.stderr)
    return 0


def _run_suggest(args):
    from ..corpus import read_table
    from ..io import write_table
    from ..textsafe import restore_cells

    try:
        statements = restore_cells(read_table(args.input))  # as `score` reads tables; our CSVs' ' undone
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise AdaptError(f"{args.input}: {exc}") from None
    exclude = labelled_texts(args.labelled, args.target) if args.labelled else ()
    try:
        chosen = suggest(statements, args.target, model=args.model, task=args.task, n=args.n, exclude=exclude)
    except AdaptError as exc:
        raise AdaptError(f"{args.input}: {exc}") from None
    write_table(chosen, args.output)
    print(f"{len(chosen)} statements to label written to {args.output}: fill in the 'label' column "
          f"and pass it to 'python -m analysis adapt --labels'", file=sys.stderr)
    return 0
