"""``.csv`` (delimiter , ; tab or |) -> rows; an open quote skips its row only.

``csv_rows(text, path, strict, stats)`` -> (header, [(line number, record)]).
"""
import csv
import io

from .common import skip


def csv_rows(text, path, strict, stats):
    """CSV text -> (header, [(line number, record)]), records keyed by the lowercased header.

    The delimiter is the one of , ; tab | that makes a ``text`` column in the
    header (default comma).  Rows with the wrong number of fields, and rows whose
    quote never closes (swallowing the lines after it), are reported and skipped.
    """
    # long article bodies exceed csv's default 128 KiB field limit (a process-wide setting)
    csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))
    first_line = text.split("\n", 1)[0]
    delimiter = next((d for d in ",;\t|" if "text" in (h.strip().strip('"').lower() for h in first_line.split(d))),
                     ",")
    records = _csv_records(text, delimiter)
    rows, header, last = [], [], 1
    try:
        _, last, fields = next(records, (1, 1, []))
        header = [h.strip().lower() for h in fields or []]
        for n, last, record in records:
            if record is None:
                swallowed = f"line {last}" if last == n + 1 else f"lines {n + 1}-{last}"
                skip(stats, f"{path}: line {n}: quote never closed (it ran over {swallowed}); row skipped, "
                             f"the lines after it read as rows", strict)
            elif not any(field.strip() for field in record):
                continue
            elif len(record) != len(header):
                skip(stats, f"{path}: line {n}: {len(record)} fields, expected {len(header)}; skipped", strict)
            else:
                rows.append((n, dict(zip(header, record))))
    except csv.Error as exc:
        skip(stats, f"{path}: line {last + 1}: malformed CSV ({exc}); rest of file skipped", strict)
    return header, rows


def _csv_records(text, delimiter):
    """Yield (first line, last line, fields) per CSV record, lines numbered from 1.

    A record spanning several lines that is not valid strict CSV (a quote left
    open that swallowed the rows after it) yields ``None`` as its fields, and
    reading starts again on its second line.  The reader is fed the lines one by
    one (never a copy of the rest of the text), so a restart costs only the lines
    it reads again: time linear in the file's size.
    """
    lines = text.split("\n")
    start = 0  # lines[start] is where the current reader began
    while start < len(lines):
        reader = csv.reader(_lines_from(lines, start), delimiter=delimiter)
        done = 0
        for record in reader:
            first, done = start + done + 1, reader.line_num
            last = start + done
            if last > first and not _strict_csv("\n".join(lines[first - 1:last]), delimiter):
                yield first, last, None
                start = first
                break
            yield first, last, record
        else:
            return


def _lines_from(lines, start):
    """``lines[start:]`` one at a time, each with its line end back (but the last, left out when empty)."""
    for i in range(start, len(lines) - 1):
        yield lines[i] + "\n"
    if start < len(lines) and lines[-1]:
        yield lines[-1]


def _strict_csv(chunk, delimiter):
    """Whether ``chunk`` parses as CSV with quotes closed where they should be."""
    try:
        list(csv.reader(io.StringIO(chunk), delimiter=delimiter, strict=True))
    except csv.Error:
        return False
    return True
