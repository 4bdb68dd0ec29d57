"""Headless build: run the three notebooks top to bottom and write every figure.

``build_figures(articles, target, out_dir, model=None, sentiment_model=None, precision=None)``
first loads, extracts and scores the corpus once into the stage cache
(``analysis.stages``), then executes ``notebooks/01_corpus_overview``,
``02_who_said_what`` and ``03_stance_and_sentiment`` with papermill in a real
Jupyter kernel, passing the parameters (articles, target, model,
sentiment_model, figures_dir, precision); the notebooks read the cached tables,
and run at the same time, each in its own kernel.  Executed copies go to
``build/notebooks/`` (ignored by git); notebook 03 writes the
figures (``figures.FIGURE_NAMES`` as PNG + SVG, ``figures.EVIDENCE_NAME``),
``speakers.csv`` and ``statements.csv`` into ``out_dir``. The command
(``python -m analysis figures``) checks the articles and both models before
running any notebook, and keeps ``build/notebooks/`` for ``--out figures``.

``precision="fp32"`` (what ``make figures`` uses) makes the build reproducible
byte for byte on any x86-64 CPU: the kernels score in float32 with CPU-independent
arithmetic (``analysis.numerics``), where bfloat16 kernels and vector widths
differ from one kind of CPU to another.

The kernel must run this interpreter, so the notebooks see the same packages
as the command: ``ensure_kernel`` uses the ``python3`` kernel when it does
(ipykernel's own spec says ``python``, which jupyter_client replaces by this
interpreter) and otherwise installs a spec for this interpreter into
``sys.prefix`` (the virtualenv).
"""
import os
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from pathlib import Path

from .paths import EXECUTED_DIR, NOTEBOOKS_DIR, REPO_ROOT
from .vocab import PRECISION_CHOICES

ROOT = REPO_ROOT
NOTEBOOKS = ["01_corpus_overview.ipynb", "02_who_said_what.ipynb", "03_stance_and_sentiment.ipynb"]
KERNEL = "python3"
OWN_KERNEL = "analysis-python3"  # installed only when ``python3`` runs another interpreter


@contextmanager
def _environment(**values):
    """Set environment variables (None: leave alone) for the duration; kernels started inside inherit them."""
    old = {k: os.environ.get(k) for k in values}
    os.environ.update({k: v for k, v in values.items() if v is not None})
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _runs_this_python(spec):
    """Whether a kernel spec starts this interpreter (as jupyter_client resolves it)."""
    exe = spec.argv[0] if spec.argv else ""
    if exe in {"python", f"python{sys.version_info[0]}", "python%i.%i" % sys.version_info[:2]}:
        return True  # jupyter_client substitutes sys.executable
    return Path(exe).exists() and Path(exe).resolve() == Path(sys.executable).resolve()


def ensure_kernel() -> str:
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


def build_figures(articles: str | Path | None, target: str, out_dir: str | Path, *, model: str | Path | None = None,
                  sentiment_model: str | Path | None = None, executed_dir: str | Path = EXECUTED_DIR,
                  log: Callable[[str], None] | None = None, precision: str | None = None,
                  store: str | Path | None = None, device: str | None = None) -> dict[str, float]:
    """Execute every notebook with these parameters; returns {notebook: seconds}.

    ``articles``: article file or folder; ``target``: stance target;
    ``out_dir``: where figures and tables go; ``model``/``sentiment_model``:
    passed to ``score_statements`` (None: the project's adapters);
    ``executed_dir``: where executed notebook copies go; ``log``: a callable
    given one line per finished notebook, or None; ``precision``: "fp32"
    (reproducible on any x86-64 CPU), "bf16", "int8" or "auto"; None:
    ``$ANALYSIS_PRECISION``, else auto; ``store``: a folder written by ``python -m
    analysis run``, whose tables for ``target`` the notebooks read instead of running
    the stages (``articles`` may then be None); ``device``: where the notebooks' kernels
    score (``analysis.device``, given them as ``$ANALYSIS_DEVICE``; None: theirs, else auto).

    The notebooks are independent (each loads the corpus itself, only 03 writes
    into ``out_dir``), so they run at the same time, each top to bottom in its
    own kernel.  Raises ``papermill.PapermillExecutionError`` naming the
    failing cell (after the other notebooks have finished).
    """
    import papermill
    from traitlets.config import Config

    from . import numerics
    from .stages import run_stages

    if NOTEBOOKS_DIR is None:
        raise FileNotFoundError("build_figures needs the project's notebooks: run it from a clone of the repository")
    # CurveZMQ keys for kernels that declare support: no plain-text TCP (and no warning about it).
    config = Config({"KernelManager": {"transport_encryption": "auto"}})
    params = {"articles": str(Path(articles or ".").resolve()), "target": target,
              "model": model, "sentiment_model": sentiment_model,
              "figures_dir": str(Path(out_dir).resolve()), "store": store and str(Path(store).resolve())}
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    Path(executed_dir).mkdir(parents=True, exist_ok=True)
    kernel = ensure_kernel()

    def execute(name):
        start = time.perf_counter()
        papermill.execute_notebook(NOTEBOOKS_DIR / name, Path(executed_dir) / name,
                                   parameters=params, kernel_name=kernel, cwd=str(ROOT),
                                   progress_bar=False, config=config)
        return time.perf_counter() - start

    precision = precision or os.environ.get("ANALYSIS_PRECISION") or "auto"
    if precision not in PRECISION_CHOICES:
        raise ValueError(f"precision must be one of {', '.join(PRECISION_CHOICES)}, not {precision!r}")
    params["precision"] = precision
    # The kernels get the precision as a parameter and inherit this environment: in float32, the
    # CPU-independent arithmetic of analysis.numerics, which must be set before a process starts.
    env = numerics.ENV if precision == "fp32" else {}
    with _environment(**env, ANALYSIS_DEVICE=device):
        # Load and extract once; the notebooks, run at the same time, read the stage cache
        # (notebook 03 scores, in its kernel).
        if store is None:
            run_stages(params["articles"])
        times = _execute_all(execute, log)
    return {name: times[name] for name in NOTEBOOKS}


def _execute_all(execute, log):
    times = {}
    with ThreadPoolExecutor(max_workers=len(NOTEBOOKS)) as pool:
        futures = {pool.submit(execute, name): name for name in NOTEBOOKS}
        for future in as_completed(futures):
            name = futures[future]
            times[name] = future.result()
            if log:
                log(f"{name}: {times[name]:.1f}s")
    return times
