"""Command line: ``python -m analysis COMMAND ...``; ``--help`` lists the commands."""
import argparse
import importlib
import os
import sys
import warnings
from pathlib import Path

from .io import InputProblem

# command -> (module that implements it, one-line help). Modules are imported only
# when their command runs, so ``--help`` stays fast (no torch, no spaCy).
COMMANDS = {
    "articles": ("analysis.corpus.cli", "load articles (files or folders) into the corpus table"),
    "statements": ("analysis.statements", "extract who said what from articles"),
    "train": ("analysis.train", "fine-tune the stance or sentiment LoRA adapter"),
    "soup": ("analysis.soup", "average adapters trained from one base into one (a model soup), then calibrate it"),
    "score": ("analysis.scoring", "score a CSV's text column for stance or sentiment"),
    "stance": ("analysis.speakers", "stance and sentiment per speaker toward a target"),
    "run": ("analysis.store", "run the whole pipeline into a partitioned store, incrementally, on a Dask cluster"),
    "figures": ("analysis.build", "run the notebooks headlessly and write every figure"),
    "adapt": ("analysis.adapt", "refit a model on your own labelled statements, with a cross-validated estimate"),
    "suggest": ("analysis.adapt", "pick the statements most worth labelling next"),
}


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    # The libraries' own bars ("Loading weights") and notices; the project's progress bars stay.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    chosen = argv[0] if argv else None
    modules = {}
    for name, (module_name, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if name == chosen:
            modules[name] = importlib.import_module(module_name)
            modules[name].add_arguments(name, p)
    args = parser.parse_args(argv)

    def show(message, category, filename, lineno, file=None, line=None):
        prefix = "" if issubclass(category, InputProblem) else f"{category.__name__}: "
        print(f"{prefix}{message}", file=sys.stderr)

    warnings.showwarning = show
    folder = next((f"{flag} {value}" for flag, value in output_files(args) if Path(value).is_dir()), None)
    if folder:
        print(f"error: {folder} is a folder; give a file name", file=sys.stderr)
        return 2
    try:
        return modules[args.command].run_cli(args.command, args) or 0
    except KeyboardInterrupt:  # outputs are written atomically, so none is half-written
        print("interrupted; outputs unchanged", file=sys.stderr)
        return 130


def output_files(args):
    """(flag, path) of the output files a command was given (not its output folders)."""
    flags = {"output": "-o", "speakers_out": "--speakers-out", "statements_out": "--statements-out"}
    return [(flag, getattr(args, name)) for name, flag in flags.items() if getattr(args, name, None)]


if __name__ == "__main__":
    sys.exit(main())
