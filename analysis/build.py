"""Headless build: run the three notebooks top to bottom and write every figure.

``build_figures(articles, target, out_dir, model=None, sentiment_model=None)``
executes ``notebooks/01_corpus_overview``, ``02_who_said_what`` and
``03_stance_and_sentiment`` with papermill in a real Jupyter kernel, passing the
parameters (articles, target, model, sentiment_model, figures_dir); the three
run at the same time, each in its own kernel.  Executed copies go to
``build/notebooks/`` (ignored by git); notebook 03 writes the
figures (``figures.FIGURE_NAMES`` as PNG + SVG, ``figures.EVIDENCE_NAME``),
``speakers.csv`` and ``statements.csv`` into ``out_dir``.

The kernel must run this interpreter, so the notebooks see the same packages
as the command: ``ensure_kernel`` uses the ``python3`` kernel when it does
(ipykernel's own spec says ``python``, which jupyter_client replaces by this
interpreter) and otherwise installs a spec for this interpreter into
``sys.prefix`` (the virtualenv).
"""
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ["01_corpus_overview.ipynb", "02_who_said_what.ipynb", "03_stance_and_sentiment.ipynb"]
EXECUTED_DIR = ROOT / "build" / "notebooks"
KERNEL = "python3"
OWN_KERNEL = "analysis-python3"  # installed only when ``python3`` runs another interpreter


def _runs_this_python(spec):
    """Whether a kernel spec starts this interpreter (as jupyter_client resolves it)."""
    exe = spec.argv[0] if spec.argv else ""
    if exe in {"python", f"python{sys.version_info[0]}", "python%i.%i" % sys.version_info[:2]}:
        return True  # jupyter_client substitutes sys.executable
    return Path(exe).exists() and Path(exe).resolve() == Path(sys.executable).resolve()


def ensure_kernel():
    """Name of a Jupyter kernel that runs this interpreter; installs one if there is none."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    manager = KernelSpecManager()
    for name in (KERNEL, OWN_KERNEL):
        try:
            if _runs_this_python(manager.get_kernel_spec(name)):
                return name
        except NoSuchKernel:
            pass
    from ipykernel.kernelspec import install

    install(kernel_name=OWN_KERNEL, display_name=f"Python ({sys.prefix})", prefix=sys.prefix)
    return OWN_KERNEL


def build_figures(articles, target, out_dir, model=None, sentiment_model=None,
                  executed_dir=EXECUTED_DIR, log=None):
    """Execute every notebook with these parameters; returns {notebook: seconds}.

    ``articles``: article file or folder; ``target``: stance target;
    ``out_dir``: where figures and tables go; ``model``/``sentiment_model``:
    passed to ``score_statements`` (None: the project's adapters);
    ``executed_dir``: where executed notebook copies go; ``log``: a callable
    given one line per finished notebook, or None.

    The notebooks are independent (each loads the corpus itself, only 03 writes
    into ``out_dir``), so they run at the same time, each top to bottom in its
    own kernel.  Raises ``papermill.PapermillExecutionError`` naming the
    failing cell (after the other notebooks have finished).
    """
    import papermill
    from traitlets.config import Config

    # CurveZMQ keys for kernels that declare support: no plain-text TCP (and no warning about it).
    config = Config({"KernelManager": {"transport_encryption": "auto"}})
    params = {"articles": str(Path(articles).resolve()), "target": target,
              "model": model, "sentiment_model": sentiment_model,
              "figures_dir": str(Path(out_dir).resolve())}
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    Path(executed_dir).mkdir(parents=True, exist_ok=True)
    kernel = ensure_kernel()

    def execute(name):
        start = time.perf_counter()
        papermill.execute_notebook(ROOT / "notebooks" / name, Path(executed_dir) / name,
                                   parameters=params, kernel_name=kernel, cwd=str(ROOT),
                                   progress_bar=False, config=config)
        return time.perf_counter() - start

    times = {}
    with ThreadPoolExecutor(max_workers=len(NOTEBOOKS)) as pool:
        futures = {pool.submit(execute, name): name for name in NOTEBOOKS}
        for future in as_completed(futures):
            name = futures[future]
            times[name] = future.result()
            if log:
                log(f"{name}: {times[name]:.1f}s")
    return {name: times[name] for name in NOTEBOOKS}


def add_arguments(name, parser):
    """Arguments of ``python -m analysis figures``."""
    parser.add_argument("--articles", required=True, help="article file or folder")
    parser.add_argument("--target", required=True, help="what stance is measured toward")
    parser.add_argument("--out", required=True, help="folder for figures and tables")
    parser.add_argument("--model", help="stance model (default: the project's adapter)")
    parser.add_argument("--sentiment-model", help="sentiment model (default: the project's adapter)")


def run_cli(name, args):
    """Run the build; 2 when no article can be loaded, 1 when a notebook fails."""
    import papermill

    from .corpus import load_articles

    if not Path(args.articles).exists() or load_articles([args.articles]).empty:
        print(f"error: no article could be loaded from {args.articles}", file=sys.stderr)
        return 2
    start = time.perf_counter()
    try:
        build_figures(args.articles, args.target, args.out, model=args.model,
                      sentiment_model=args.sentiment_model,
                      log=lambda line: print(line, file=sys.stderr))
    except papermill.PapermillExecutionError as exc:
        print(f"error: notebook failed: {exc.ename}: {exc.evalue} "
              f"(executed copy in {EXECUTED_DIR})", file=sys.stderr)
        return 1
    print(f"built {len(NOTEBOOKS)} notebooks in {time.perf_counter() - start:.1f}s -> {args.out}",
          file=sys.stderr)
    return 0
