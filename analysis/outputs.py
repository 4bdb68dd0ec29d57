"""Checks of the paths a command is told to write, made before it starts any work.

``file_problem(path, inputs)`` and ``folder_problem(path, inputs)`` return why the output
file or folder cannot or must not be written, in a few words, or None when it is fine.
Refused: a folder given as a file (and a file given as a folder), a device, pipe or socket
(or a symlink to one: writing would replace it), one of the inputs itself, a path inside an
input folder (it would be read as an article next time), a file name over ``NAME_MAX``
bytes, and a place whose nearest existing folder cannot be written (read-only).
"""
import os
import stat
from pathlib import Path

NAME_MAX = 255  # bytes in one file name (Linux, macOS, Windows)

_KINDS = {stat.S_ISCHR: "character device", stat.S_ISBLK: "block device", stat.S_ISFIFO: "named pipe",
          stat.S_ISSOCK: "socket"}


def _special(path):
    """'is a character device, ...' when ``path`` (followed through symlinks) is not a file or folder, else None."""
    try:
        mode = os.stat(path).st_mode
    except OSError:  # missing or a dangling link: writing creates a file
        return None
    kind = next((name for test, name in _KINDS.items() if test(mode)), None)
    if kind:
        return f"is {'a symlink to ' if os.path.islink(path) else ''}a {kind}, not a regular file"
    return None


def _input_clash(path, inputs):
    """Why ``path`` collides with one of ``inputs`` (files or folders), else None."""
    resolved = Path(os.path.realpath(path))
    for given in inputs:
        source = Path(os.path.realpath(given))
        if resolved == source:
            return f"is the input {given} itself"
        if source.is_dir() and resolved.is_relative_to(source):
            return f"is inside the input folder {given} (it would be read as input next time)"
    return None


def _unwritable(path):
    """Why files cannot be made at ``path`` (its nearest existing folder), else None."""
    existing = Path(os.path.abspath(path))
    while not os.path.lexists(existing) and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return f"cannot be written: {existing} is a file, not a folder"
    if not os.access(existing, os.W_OK | os.X_OK):
        return f"cannot be written: {existing} is read-only"
    return None


def file_problem(path, inputs=()):
    """Why the output file ``path`` must not be written ('is ...', 'cannot ...'), or None when it may.

    ``inputs``: the command's input files and folders.
    """
    name = Path(path).name
    if len(os.fsencode(name)) > NAME_MAX:
        return f"has a file name of {len(os.fsencode(name))} bytes; the limit is {NAME_MAX}"
    if os.path.isdir(path):
        return "is a folder; give a file name"
    return _special(path) or _input_clash(path, inputs) or _unwritable(Path(path).parent)


def folder_problem(path, inputs=()):
    """Why the output folder ``path`` must not be written into, or None when it may (it may not exist yet)."""
    if os.path.lexists(path) and not os.path.isdir(path):
        return "is a file, not a folder"
    return _input_clash(path, inputs) or _unwritable(path)
