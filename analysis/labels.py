"""The labels file that ``adapt`` reads and the labelling widget writes.

A labels CSV has ``text`` and ``label`` columns, plus ``target`` for stance (else the
caller's target fills it in); ``context``, ``role``, ``organization`` and ``country`` (the
statement's row in STATEMENTS, which the stance scorer reads: ``scoring.stance_inputs``)
are read when present and are '' when not; other columns are ignored, rows with a blank
label are skipped. Rows are numbered from 1 for the first row under the header.

One file may hold the labels of several targets: ``target_labels``, ``labelled_texts``
and ``label_counts`` take a target and see only its rows (a row without a target counts
for every target), so labels given for one target never train, hide or count for another.
"""
import csv
import os
from pathlib import Path

import pandas as pd

from .errors import AdaptError
from .io import atomic_path
from .textsafe import neutralise_cell, restore_cell
from .vocab import LABELS

ALIASES = {"none": "neutral", "favour": "favor", "pro": "favor", "con": "against"}
INPUTS = ["context", "role", "organization", "country"]  # what the stance scorer reads besides the text
COLUMNS = ["target", "text", "label", "speaker", *INPUTS]  # what the widget writes
FIELDS = ["target", "text", "label", *INPUTS]  # what adapt reads
MIN_LABELS = 10  # fewer labels give no usable cross-validated estimate: adapt refuses them


def read_labels(path, task, target=None):
    """DataFrame (``FIELDS``: target, text, label, then the scorer's ``INPUTS``, '' where the file has
    none) of a labels CSV, every target; raises AdaptError naming file and row."""
    labels = _parse(path, task, target)
    if labels["label"].nunique() < 2:
        raise AdaptError(f"{path}: labels of at least 2 classes are needed, found "
                         f"{sorted(set(labels['label'])) or 'none'}")
    return labels


def target_labels(path, target, *, task="stance"):
    """(labels, note): the rows of the labels CSV at ``path`` for ``target``, and one line saying
    what was found and what was left out.

    ``labels`` is a ``FIELDS`` DataFrame (as ``read_labels``), empty when the file does not exist yet,
    holds fewer than ``MIN_LABELS`` rows for ``target`` or fewer than 2 classes: the note then
    says what is missing. A malformed file still raises AdaptError.
    """
    if not Path(path).is_file():
        return pd.DataFrame(columns=FIELDS), f"no labels yet: {path} does not exist"
    every = _parse(path, task, target)
    mine = every[every["target"] == target].reset_index(drop=True)
    counts = ", ".join(f"{label} {n}" for label, n in
                       mine["label"].value_counts().reindex(LABELS[task], fill_value=0).items())
    note = f"{len(mine)} labels for {target!r} ({counts}) in {path}"
    if len(every) > len(mine):
        note += f"; {len(every) - len(mine)} labels for other targets left out"
    if len(mine) < MIN_LABELS or mine["label"].nunique() < 2:
        return mine.iloc[:0], f"{note}: adapt needs at least {MIN_LABELS} labels of at least 2 classes"
    return mine, note


def _parse(path, task, target):
    """``FIELDS`` DataFrame of the labels CSV at ``path``, every target."""
    if task not in LABELS:
        raise AdaptError(f"unknown task {task!r}: choose stance or sentiment")
    head, *body = _csv_rows(path)
    header = [h.strip().lower() for h in head]
    for column in ("text", "label"):
        if column not in header:
            raise AdaptError(f"{path}: no '{column}' column (header: {', '.join(head)})")
    if task == "stance" and "target" not in header and not target:
        raise AdaptError(f"{path}: no 'target' column; give the target with --target")
    records = []
    for number, row in enumerate(body, start=1):
        if not any(cell.strip() for cell in row):
            continue  # a blank line
        if len(row) != len(header):
            raise AdaptError(f"{path}: row {number}: {len(row)} fields, the header has {len(header)}")
        record = _record(dict(zip(header, row)), task, target, f"{path}: row {number}")
        if record:
            records.append(record)
    return pd.DataFrame(records, columns=FIELDS)


def _csv_rows(path):
    """All rows of a CSV file as lists of strings (header first), formula guards undone (``textsafe``)."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            rows = [[restore_cell(c) for c in row] for row in csv.reader(fh, strict=True)]  # our CSVs' ' undone
    except FileNotFoundError:
        raise AdaptError(f"{path}: no such file") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise AdaptError(f"{path}: not a readable UTF-8 CSV ({exc})") from None
    if not rows:
        raise AdaptError(f"{path}: empty file")
    return rows


def _record(row, task, target, where):
    """``FIELDS`` values of one CSV row (a missing input column: ''); None for a blank label; AdaptError when bad."""
    label = row["label"].strip().lower()
    if not label:
        return None
    label = ALIASES.get(label, label)
    if label not in LABELS[task]:
        raise AdaptError(f"{where}: unknown label {row['label']!r} (use {', '.join(LABELS[task])})")
    text = row["text"].strip()
    if not text:
        raise AdaptError(f"{where}: empty text")
    row_target = (row.get("target") or "").strip() or (target or "")
    if task == "stance" and not row_target:
        raise AdaptError(f"{where}: empty target (fill it in or give --target)")
    return (row_target if task == "stance" else "", text, label, *((row.get(c) or "").strip() for c in INPUTS))


def _rows_of(path, target):
    """The data rows of the CSV at ``path`` as dicts (lower-case keys) for ``target`` (None: all);
    none when the file does not exist. An unfinished file (blank labels) is fine."""
    if not Path(path).is_file():
        return []
    rows = _csv_rows(path)
    header = [h.strip().lower() for h in rows[0]]
    if "text" not in header:
        raise AdaptError(f"{path}: no 'text' column (header: {', '.join(rows[0])})")
    out = [dict(zip(header, row)) for row in rows[1:] if len(row) == len(header)]
    if target is None:
        return out
    return [row for row in out if (row.get("target") or "").strip() in ("", target)]


def labelled_texts(path, target=None):
    """The texts of a labels CSV (those for ``target`` when given), whatever their labels."""
    return {row["text"].strip() for row in _rows_of(path, target)}


def label_counts(path, labels, target=None):
    """{label: count} of the labels CSV at ``path`` (those for ``target`` when given; zeros when
    the file does not exist yet)."""
    counts = dict.fromkeys(labels, 0)
    for row in _rows_of(path, target):
        label = (row.get("label") or "").strip()
        if label in counts:
            counts[label] += 1
    return counts


def append_label(path, target, text, label, *, statement=None):
    """Append one labelled row to the CSV at ``path`` (header ``COLUMNS`` first if new) and flush it
    to disk. ``statement``: the statement's row (a mapping), whose ``speaker`` and ``INPUTS`` are
    written with the label (missing or NaN: ''). A file whose header lacks some ``COLUMNS`` (an
    older or hand-written one) is first rewritten with them added, its rows keeping ''."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    header = _upgraded_header(path)
    values = {"target": target, "text": text, "label": label}
    for column in ("speaker", *INPUTS):
        value = "" if statement is None else statement.get(column, "")
        values[column] = "" if pd.isna(value) else str(value)
    with open(path, "a", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        if header is None:
            header = COLUMNS
            writer.writerow(header)
        writer.writerow([values.get(column.strip().lower(), "") for column in header])
        fh.flush()
        os.fsync(fh.fileno())


def _upgraded_header(path):
    """The header of the CSV at ``path`` after adding any missing ``COLUMNS`` to it (rewriting the
    file atomically, old rows padded with ''); None when the file is missing or empty."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    head, *body = _csv_rows(path)
    missing = [c for c in COLUMNS if c not in {h.strip().lower() for h in head}]
    if missing:
        with atomic_path(path) as tmp, open(tmp, "w", newline="", encoding="utf-8") as fh:
            rows = [head + missing] + [row + [""] * len(missing) if row else row for row in body]
            csv.writer(fh).writerows([[neutralise_cell(c) for c in row] for row in rows])  # guards read undone, kept
        head = head + missing
    return head


def remove_last_label(path, target, text):
    """Delete the last row of the CSV at ``path`` with this ``target`` and ``text`` (the widget's
    undo), rewriting the file atomically; returns whether a row was removed."""
    rows = _csv_rows(path)
    header = [h.strip().lower() for h in rows[0]]
    for i in range(len(rows) - 1, 0, -1):
        row = dict(zip(header, rows[i]))
        if row.get("text", "").strip() == text and (row.get("target") or "").strip() in ("", target):
            with atomic_path(path) as tmp, open(tmp, "w", newline="", encoding="utf-8") as fh:
                csv.writer(fh).writerows(rows[:i] + rows[i + 1:])
            return True
    return False
