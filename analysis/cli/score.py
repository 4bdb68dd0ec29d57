"""``python -m analysis score --task T --input IN -o OUT``: score a CSV's text column."""
import sys

from ..corpus import read_table
from ..errors import ModelNotFound
from ..io import write_table
from ..scoring import DEFAULT_CACHE, score_texts
from ..vocab import LABELS
from .common import add_device_argument, fail


def add_arguments(name, parser):
    """Arguments of ``python -m analysis score``."""
    parser.add_argument("--task", required=True, choices=sorted(LABELS))
    parser.add_argument("--input", required=True, help="CSV with a 'text' column (and 'target' for stance)")
    parser.add_argument("--target", help="stance target for every row (else the 'target' column)")
    parser.add_argument("--model", help="adapter folder, local NLI model folder, or cached hub id")
    parser.add_argument("-o", "--output", required=True, help="output CSV: the input plus score columns")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the score cache")
    add_device_argument(parser)


def run_cli(name, args):
    """Read, score, write atomically; returns 0, or 2 when the input cannot be read or scored
    (said with the input's name) or the model is missing."""
    try:
        df = read_table(args.input)
        scored = score_texts(df, args.task, target=args.target, model=args.model,
                             cache_dir=None if args.no_cache else DEFAULT_CACHE, source=args.input, device=args.device)
    except ModelNotFound:
        raise  # its message names the model
    except (OSError, ValueError) as exc:  # UnicodeDecodeError included
        return fail(f"{args.input}: {exc}")
    write_table(scored, args.output)
    counts = scored["label"].replace("", "(empty)").value_counts().to_dict()
    print(f"scored {len(scored)} rows with {scored['model'].iat[0] if len(scored) else '-'}: {counts}",
          file=sys.stderr)
    return 0
