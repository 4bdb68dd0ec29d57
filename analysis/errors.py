"""Every exception of the package, and its one warning category.

The stage modules raise these and re-export them under their old names (``io.InputError``,
``scoring.ModelNotFound``, ...); the command line turns them into one ``error: ...`` line and
exit code 2 (``cli.common.EXIT_CODES``).  Each one derives from the builtin a caller would
catch without knowing the package: ``ValueError`` for bad input, ``FileNotFoundError`` for
something missing.
"""


class InputProblem(UserWarning):
    """A bad or repaired input: the message names the file (and row) and the reason."""


class InputError(ValueError):
    """Raised instead of an InputProblem warning when a loader runs with strict=True."""


class NoArticlesError(ValueError):
    """Raised by ``corpus.load_articles`` when it loads no article: no path given, or every
    input skipped (each one reported before).  ``files`` and ``skipped`` count them."""

    def __init__(self, message, *, files=0, skipped=0):
        super().__init__(message)
        self.files, self.skipped = files, skipped


class ModelNotFound(FileNotFoundError):
    """The ``model`` argument names neither an adapter, a local model folder nor a cached hub model."""


class AdaptError(ValueError):
    """Input that adapt or suggest cannot use; the message names the file (and row)."""


class StoreBusy(ValueError):
    """Another run holds the store's lock."""


class SchedulerUnreachable(ValueError):
    """The tcp:// scheduler did not answer; the message names its address."""


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that temporary files are removed on the way out."""
