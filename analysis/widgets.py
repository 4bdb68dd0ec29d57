"""A stance-labelling widget for notebooks: one statement at a time, a button per label.

Every click appends a row (target, text, label, speaker) to the labels CSV at once and
flushes it to disk, so nothing is lost if the kernel dies; the file is what
``python -m analysis adapt --labels`` reads. Statements already in the file are skipped,
so a labelling session can be resumed.
"""
import csv
import html
import os
from pathlib import Path

from .adapt import LABELS, labelled_texts

COLUMNS = ["target", "text", "label", "speaker"]


def append_label(path, target, text, label, speaker=""):
    """Append one labelled row to the CSV at ``path`` (header first if new) and flush it to disk."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists() or path.stat().st_size == 0
    with open(path, "a", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        if new:
            writer.writerow(COLUMNS)
        writer.writerow([target, text, label, speaker])
        fh.flush()
        os.fsync(fh.fileno())


def label_counts(path, labels):
    """{label: count} of the labels CSV at ``path`` (zeros when it does not exist yet)."""
    counts = dict.fromkeys(labels, 0)
    if Path(path).is_file():
        with open(path, newline="", encoding="utf-8-sig") as fh:
            for row in csv.DictReader(fh):
                if row.get("label") in counts:
                    counts[row["label"]] += 1
    return counts


class Labeller:
    """ipywidgets labelling UI over ``statements`` (rows with ``text``, optional ``speaker``, ``guess``).

    ``widget`` is what to display; ``buttons`` maps each label (and "skip") to its button.
    """

    def __init__(self, statements, target, labels_path):
        import ipywidgets as w

        self.target, self.path, self.labels = target, Path(labels_path), LABELS["stance"]
        done = labelled_texts(self.path)
        self.queue = [row for _, row in statements.iterrows() if str(row["text"]).strip() not in done]
        self.position = 0
        self.statement = w.HTML()
        self.count = w.HTML()
        self.buttons = {label: w.Button(description=label) for label in [*self.labels, "skip"]}
        for label, button in self.buttons.items():
            button.on_click(lambda _, label=label: self.answer(label))
        self.widget = w.VBox([self.statement, w.HBox(list(self.buttons.values())), self.count])
        self.show()

    def answer(self, label):
        """Save ``label`` for the current statement ("skip": none) and move to the next."""
        if self.position >= len(self.queue):
            return
        if label != "skip":
            row = self.queue[self.position]
            append_label(self.path, self.target, str(row["text"]).strip(), label, row.get("speaker", ""))
        self.position += 1
        self.show()

    def show(self):
        counts = label_counts(self.path, self.labels)
        self.count.value = (f"{sum(counts.values())} labelled ("
                            + ", ".join(f"{k} {v}" for k, v in counts.items()) + f") · saved to {self.path}")
        if self.position >= len(self.queue):
            self.statement.value = "<p><b>No statement left to label here</b>: suggest more, or run adapt.</p>"
            for button in self.buttons.values():
                button.disabled = True
            return
        row = self.queue[self.position]
        guess = f" · the model's guess: <i>{html.escape(str(row['guess']))}</i>" if "guess" in row else ""
        self.statement.value = (f"<p>{self.position + 1} of {len(self.queue)} · "
                                f"<b>{html.escape(str(row.get('speaker', '')))}</b>{guess}</p>"
                                f"<blockquote>{html.escape(str(row['text']))}</blockquote>"
                                f"<p>Stance toward <i>{html.escape(self.target)}</i>?</p>")
