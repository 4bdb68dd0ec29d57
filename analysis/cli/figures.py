"""``python -m analysis figures --articles DIR|--store DIR --target T --out DIR``: run the notebooks."""
import sys
import time
import warnings
from pathlib import Path

from ..build import NOTEBOOKS, build_figures
from ..paths import EXECUTED_DIR, FIGURES_DIR
from .common import add_device_argument, add_model_arguments, add_precision_argument, fail

PRECISION_HELP = ("scoring precision; fp32 reproduces the figures byte for byte on any x86-64 CPU "
                  "(default: $ANALYSIS_PRECISION, else auto: bfloat16 where the CPU runs it natively)")


def add_arguments(name, parser):
    """Arguments of ``python -m analysis figures``."""
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--articles", help="article file or folder")
    source.add_argument("--store", help="read the tables from this store (written by python -m analysis run)")
    parser.add_argument("--target", required=True, help="what stance is measured toward")
    parser.add_argument("--out", required=True, help="folder for figures and tables")
    add_model_arguments(parser)
    add_precision_argument(parser, help=PRECISION_HELP)
    add_device_argument(parser)


def check_inputs(args):
    """Why the build cannot run (no article, no store tables, a missing model), or None.  The bad
    inputs' messages are said here only when it cannot: otherwise the build loads the articles
    again and says them then, once."""
    from ..corpus import load_articles
    from ..errors import NoArticlesError

    if args.store:
        from ..store import read_tables

        try:
            read_tables(args.store, args.target)
        except FileNotFoundError as exc:
            return str(exc)
        return None  # the store's tables are scored already: the models are not used
    with warnings.catch_warnings(record=True) as told:
        warnings.simplefilter("always")
        try:
            load_articles([args.articles])
            problem = None
        except NoArticlesError:
            problem = f"no article could be loaded from {args.articles}"
    problem = problem or _missing_model(args)
    if problem:
        for w in told:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return problem


def _missing_model(args):
    """Why the stance or sentiment model of ``args`` cannot be found, or None."""
    from ..errors import ModelNotFound
    from ..scoring import get_scorer

    for task, model in (("stance", args.model), ("sentiment", args.sentiment_model)):
        try:
            get_scorer(task, model, args.precision)
        except ModelNotFound as exc:
            return str(exc)
    return None


def run_cli(name, args):
    """Run the build; returns 0, 2 when no article can be loaded or a model is missing (before any
    notebook runs), 1 when a notebook fails. Executed copies go to ``build/notebooks/`` for
    ``--out figures`` (``make figures``), else to ``OUT/notebooks/``."""
    import papermill

    problem = check_inputs(args)
    if problem:
        return fail(problem)
    out = Path(args.out)
    executed = EXECUTED_DIR if out.resolve() == FIGURES_DIR.resolve() else out / "notebooks"
    start = time.perf_counter()
    try:
        build_figures(args.articles, args.target, out, model=args.model,
                      sentiment_model=args.sentiment_model, precision=args.precision, device=args.device,
                      executed_dir=executed,
                      log=lambda line: print(line, file=sys.stderr), store=args.store)
    except papermill.PapermillExecutionError as exc:
        return fail(f"notebook failed: {exc.ename}: {exc.evalue} (executed copy in {executed})", code=1)
    print(f"built {len(NOTEBOOKS)} notebooks in {time.perf_counter() - start:.1f}s -> {args.out}",
          file=sys.stderr)
    return 0
