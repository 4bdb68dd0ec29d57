"""``python -m analysis soup TASK --data DIR... --adapters A... --weights W...``: average, then calibrate."""
from pathlib import Path

from ..classifier import ADAPTERS_DIR
from ..soup import soup
from .common import add_precision_argument, missing_split


def add_arguments(name, parser):
    """Arguments of ``python -m analysis soup``."""
    parser.add_argument("task", choices=["stance", "sentiment"])
    parser.add_argument("--data", required=True, nargs="+", help="folder(s) with dev.csv.gz, for calibration")
    parser.add_argument("--adapters", required=True, nargs="+", help="adapter folders trained on the same base")
    parser.add_argument("--weights", required=True, nargs="+", type=float, help="one weight per adapter")
    parser.add_argument("--out", help="soup folder (default analysis/models/TASK)")
    add_precision_argument(parser, evaluation=True)
    parser.add_argument("--experiment", help="also record the result under this name in the experiments table")


def run_cli(name, args):
    """Soup, then calibrate; returns 0 (a missing data or adapter folder or mismatched weights
    raises, said in one line with exit 2: ``common.EXIT_CODES``)."""
    from ..train import calibrate

    out = Path(args.out or ADAPTERS_DIR / args.task)
    missing = missing_split(args.data, ("dev",))
    if missing:
        raise FileNotFoundError(f"{missing}: no such file (--data names folders with dev.csv.gz)")
    soup(args.adapters, args.weights, out)
    calibrate(args.task, args.data, out, precision=args.precision, experiment=args.experiment)
    return 0
