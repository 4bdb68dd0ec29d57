"""``python -m analysis train TASK --data DIR...``: fine-tune a LoRA adapter, then calibrate it."""
import argparse
from pathlib import Path

from ..card import write_card
from ..classifier import ADAPTERS_DIR
from ..recipes import RECIPES, TASKS
from ..train import calibrate, load_split, shift_neutral, train
from .common import add_device_argument, add_precision_argument, fail, missing_split


def add_arguments(name, parser):
    """Arguments of ``python -m analysis train``."""
    parser.add_argument("task", choices=sorted(TASKS))
    parser.add_argument("--data", required=True, nargs="+",
                        help="folder(s) with train.csv.gz and dev.csv.gz (e.g. the shared set and news_statements)")
    parser.add_argument("--out", help="adapter folder (default analysis/models/TASK)")
    parser.add_argument("--epochs", type=int, help="default: the task's recipe in RECIPES")
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--lr", type=float)
    parser.add_argument("--max-length", type=int)
    parser.add_argument("--cap", type=int, help="rows per dataset per epoch")
    parser.add_argument("--mix", action="append", metavar="DATASET=ROWS",
                        help="rows per epoch for one dataset, overriding --cap and the recipe's value for it; "
                             "the recipe's other datasets keep theirs (repeatable)")
    parser.add_argument("--swaps", type=float, help="target-swapped neutral pairs per news row (stance)")
    parser.add_argument("--context-noise", type=float,
                        help="share of news_statements rows read after another statement of their topic (stance)")
    parser.add_argument("--roles", type=float,
                        help="share of own-set rows read with the speaker's role before the statement (stance; "
                             "a model trained with roles reads them when scoring)")
    parser.add_argument("--lora-r", type=int)
    parser.add_argument("--dropout", type=float, help="encoder and LoRA dropout")
    parser.add_argument("--bf16", action=argparse.BooleanOptionalAction, help="bfloat16 autocast for training")
    parser.add_argument("--base", help="base encoder: minilm or mpnet (see classifier.BASES)")
    parser.add_argument("--template", help="how the target is written, e.g. 'The speaker supports {target}.'")
    parser.add_argument("--init", help="go on training this adapter folder instead of a fresh LoRA")
    parser.add_argument("--seed", type=int, default=13)
    add_device_argument(parser)
    add_precision_argument(parser, evaluation=True)
    parser.add_argument("--experiment", help="also record the result under this name in the experiments table")
    parser.add_argument("--calibrate-only", action="store_true", help="re-evaluate and recalibrate a saved adapter")
    parser.add_argument("--neutral-shift", type=float, default=0.0,
                        help="add this to the head's neutral bias before calibrating (a prior correction on dev)")
    parser.add_argument("--card-only", action="store_true",
                        help="rewrite MODEL_CARD.md from the saved metrics.json and training.json (no evaluation)")


def run_cli(name, args):
    """Train (the task's recipe, overridden by the options given), shift, calibrate; returns 0,
    or 2 before any model loads when a data folder lacks its split."""
    splits = ("dev",) if args.card_only or args.calibrate_only else ("train", "dev")
    missing = missing_split(args.data, splits)
    if missing:
        return fail(f"{missing}: no such file (--data names shared {args.task} data folders)")
    if args.card_only:
        write_card(args.task, Path(args.out or ADAPTERS_DIR / args.task), load_split(args.data, args.task, "dev"))
        return 0
    if not args.calibrate_only:
        mix = dict(item.split("=", 1) for item in args.mix) if args.mix else None
        given = {"epochs": args.epochs, "batch_size": args.batch_size, "lr": args.lr, "max_length": args.max_length,
                 "cap": args.cap, "r": args.lora_r, "dropout": args.dropout, "bf16": args.bf16, "swaps": args.swaps,
                 "noise": args.context_noise, "roles": args.roles,
                 "base": args.base, "template": args.template,
                 "mix": {**RECIPES[args.task].get("mix", {}), **{k: int(v) for k, v in mix.items()}} if mix else None}
        recipe = {**RECIPES[args.task], **{k: v for k, v in given.items() if v is not None}}
        train(args.task, args.data, args.out, seed=args.seed, device=args.device, init=args.init, **recipe)
    if args.neutral_shift:
        shift_neutral(args.out or ADAPTERS_DIR / args.task, args.neutral_shift)
    calibrate(args.task, args.data, args.out, precision=args.precision, experiment=args.experiment)
    return 0
