"""``python -m analysis run --articles ... --target T --store DIR``: the partitioned, incremental pipeline."""
import sys
import time

from ..store import DEFAULT_PARTITION, run_store
from .common import add_device_argument, add_model_arguments, add_precision_argument, fail


def add_arguments(name, parser):
    """Arguments of ``python -m analysis run``."""
    parser.add_argument("--articles", required=True, nargs="+", help="article files or folders")
    parser.add_argument("--target", required=True, help="what stance is measured toward")
    parser.add_argument("--store", required=True, help="store folder (created; re-runs compute only what is new)")
    parser.add_argument("--scheduler", default="local",
                        help="local (a Dask cluster of processes here, default), tcp://HOST:PORT (an existing "
                             "Dask scheduler) or sync (this process, no Dask)")
    parser.add_argument("--workers", type=int, help="worker processes of the local cluster (default: one per core)")
    parser.add_argument("--partition-size", type=int, default=DEFAULT_PARTITION,
                        help=f"articles per partition (default {DEFAULT_PARTITION}): bounds each worker's memory")
    add_model_arguments(parser)
    add_precision_argument(parser)
    add_device_argument(parser)


def run_cli(name, args):
    """Run into the store and print a summary line; returns 0, or 2 when no article could be
    loaded or no statement found (a busy or unwritable store raises: ``common.EXIT_CODES``)."""
    start = time.perf_counter()
    if args.partition_size < 1:
        return fail("--partition-size must be at least 1")
    summary = run_store(args.articles, args.target, args.store, model=args.model,
                        sentiment_model=args.sentiment_model, precision=args.precision, device=args.device,
                        scheduler=args.scheduler, n_workers=args.workers, partition_size=args.partition_size)
    if not summary["statements"]:  # nothing usable: no article loaded, or no statement found in them
        what = "statement was found in the articles" if summary["articles"] else "article could be loaded"
        return fail(f"no {what} from {' '.join(args.articles)}")
    state = "up to date" if summary["up_to_date"] else \
        f"{summary['extracted']} articles extracted, {summary['scored']} texts scored"
    print(f"{summary['articles']} articles, {summary['statements']} statements by {summary['speakers']} speakers "
          f"({state}) in {time.perf_counter() - start:.1f}s -> {args.store}", file=sys.stderr)
    return 0
