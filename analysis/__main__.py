"""Command line: ``python -m analysis COMMAND ...``; ``--help`` lists the commands."""
import argparse
import importlib
import os
import signal
import sys
import warnings

from .cli.common import EXIT_CODES, fail, report_error
from .errors import InputProblem, Terminated
from .outputs import file_problem, folder_problem
from .textsafe import raw_csv

# command -> (module that implements it, one-line help). Modules are imported only
# when their command runs, so ``--help`` stays fast (no torch, no spaCy).
COMMANDS = {
    "articles": ("analysis.cli.articles", "load articles (files or folders) into the corpus table"),
    "statements": ("analysis.cli.statements", "extract who said what from articles"),
    "train": ("analysis.cli.train", "fine-tune the stance or sentiment LoRA adapter"),
    "soup": ("analysis.cli.soup", "average adapters trained from one base into one (a model soup), then calibrate it"),
    "score": ("analysis.cli.score", "score a CSV's text column for stance or sentiment"),
    "stance": ("analysis.cli.stance", "stance and sentiment per speaker toward a target"),
    "run": ("analysis.cli.run", "run the whole pipeline into a partitioned store, incrementally, on a Dask cluster"),
    "figures": ("analysis.cli.figures", "run the notebooks headlessly and write every figure"),
    "adapt": ("analysis.cli.adapt", "refit a model on your own labelled statements, with a cross-validated estimate"),
    "suggest": ("analysis.cli.adapt", "pick the statements most worth labelling next"),
}

HELP = "Who said what, and which side they take: python -m analysis COMMAND --help for a command's options."

CSV_COMMANDS = ("articles", "statements", "score", "stance", "suggest")  # commands that can write a CSV


def _terminate(signum, frame):
    raise Terminated


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    # The libraries' own bars ("Loading weights") and notices; the project's progress bars stay.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    parser = argparse.ArgumentParser(prog="python -m analysis", description=HELP)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    chosen = argv[0] if argv else None
    modules = {}
    for name, (module_name, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if name == chosen:
            modules[name] = importlib.import_module(module_name)
            modules[name].add_arguments(name, p)
            if name in CSV_COMMANDS:
                p.add_argument("--raw-csv", action="store_true",
                               help="keep text that starts with = + - @ as it is in CSV outputs (for programs); "
                                    "by default such cells get a leading ' so that spreadsheets do not run them")
    args = parser.parse_args(argv)

    def show(message, category, filename, lineno, file=None, line=None):
        prefix = "" if issubclass(category, InputProblem) else f"{category.__name__}: "
        print(f"{prefix}{message}", file=sys.stderr)

    warnings.showwarning = show
    problem = output_problem(args)
    if problem:
        return fail(problem)
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        with raw_csv(getattr(args, "raw_csv", False)):
            return modules[args.command].run_cli(args.command, args) or 0
    except tuple(EXIT_CODES) as exc:  # a bad input, a missing model, an unwritable store...
        return report_error(exc)
    except KeyboardInterrupt as exc:  # outputs are written atomically, so none is half-written
        print(f"{'terminated' if isinstance(exc, Terminated) else 'interrupted'}; outputs unchanged",
              file=sys.stderr)
        return 143 if isinstance(exc, Terminated) else 130
    finally:
        signal.signal(signal.SIGTERM, previous)


def output_files(args):
    """(flag, path) of the output files a command was given (not its output folders)."""
    flags = {"output": "-o", "speakers_out": "--speakers-out", "statements_out": "--statements-out"}
    return [(flag, getattr(args, name)) for name, flag in flags.items() if getattr(args, name, None)]


def input_paths(args):
    """The input files and folders a command was given."""
    found = []
    for name in ("paths", "articles", "input", "labels", "labelled"):
        value = getattr(args, name, None)
        found += [value] if isinstance(value, str) else list(value or ())
    return found


def output_problem(args):
    """'FLAG PATH why' for the first output path that must not be written, else None."""
    inputs = input_paths(args)
    checks = [(flag, path, file_problem(path, inputs)) for flag, path in output_files(args)]
    if getattr(args, "out", None):  # an output folder (figures, adapt)
        checks.append(("--out", args.out, folder_problem(args.out, inputs)))
    return next((f"{flag} {path} {why}" for flag, path, why in checks if why), None)


if __name__ == "__main__":
    sys.exit(main())
