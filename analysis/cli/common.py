"""What the commands share: the exception -> exit-code map and the ``error: ...`` line.

Kept light (no torch or spaCy at import): ``__main__`` imports it for every command,
``--help`` included.
"""
import sys

from ..io import describe_os_error

# What a command's failure exits with, first match wins.  The package's own exceptions
# (analysis.errors) derive from these: bad input is a ValueError, something missing or
# unwritable an OSError.  Anything else is a bug and keeps its traceback.
EXIT_CODES = {OSError: 2, ValueError: 2}


def fail(message, *, code=2) -> int:
    """Print ``error: message`` on stderr; returns ``code`` (the command's exit code)."""
    print(f"error: {message}", file=sys.stderr)
    return code


def report_error(exc: Exception) -> int:
    """``exc`` (one of ``EXIT_CODES``) as one ``error: ...`` line on stderr; returns its exit code.
    An OSError is said as what it is (``io.describe_os_error``: "disk full", "permission
    denied", ...), anything else by its message."""
    code = next(code for kind, code in EXIT_CODES.items() if isinstance(exc, kind))
    return fail(describe_os_error(exc) if isinstance(exc, OSError) else exc, code=code)
