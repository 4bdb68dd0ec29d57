"""A stance-labelling widget for notebooks: one statement at a time, a button per label.

Every click appends a row (target, text, label, speaker, and the statement's context, role,
organization and country, which the stance scorer reads and ``adapt`` with it) to the labels
CSV at once and flushes it to disk, so nothing is lost if the kernel dies; the file is what
``python -m analysis adapt --labels`` reads (``analysis.labels``). Statements already
labelled for this target are skipped, so a labelling session can be resumed; labels for
other targets in the same file are neither skipped nor counted.

A statement is shown inside its sentence (and the sentence before, which the stance model
reads too), the model's guess only on request (it can anchor the labeller). Clicks within
``DEBOUNCE_S`` of the last one are ignored (a double click labels one statement, not two);
``undo`` takes back the last answer, removing its row from the file.
"""
import html
import time
from pathlib import Path

import pandas as pd

from .labels import append_label, label_counts, labelled_texts, remove_last_label
from .vocab import LABELS

DEBOUNCE_S = 0.5  # a second click sooner than this after an answer is ignored


def statement_html(row, article_text=None):
    """HTML of a statement in its setting: the sentence before (``context``), then the statement's
    own sentence(s) with the statement marked when ``article_text`` and the row's ``start`` and
    ``end`` offsets are known, else the statement alone."""
    text = str(row["text"])
    context = str(row.get("context", "") or "")
    before = f'<p style="color:#666">{html.escape(context)}</p>' if context else ""
    start, end = row.get("start"), row.get("end")
    if article_text is None or pd.isna(start) or pd.isna(end) or article_text[int(start):int(end)] != text:
        return f"{before}<blockquote><mark>{html.escape(text)}</mark></blockquote>"
    from .corpus import sentences

    start, end = int(start), int(end)
    spans = sentences(pd.DataFrame({"article_id": [""], "text": [article_text]}))
    spans = spans[(spans["start"] < end) & (spans["end"] > start)]
    a, b = min([start, *spans["start"]]), max([end, *spans["end"]])
    return (f"{before}<blockquote>{html.escape(article_text[a:start])}<mark>{html.escape(text)}</mark>"
            f"{html.escape(article_text[end:b])}</blockquote>")


class Labeller:
    """ipywidgets labelling UI over ``statements`` (rows with ``text``, optional ``speaker``,
    ``context``, ``role``, ``organization``, ``country``, ``article_id``, ``start``, ``end`` and
    ``guess``, as ``adapt.suggest`` returns).

    ``articles``: the corpus table (``article_id``, ``text``), to show each statement inside its
    sentence; ``show_guess``: also show the model's guess; ``clock``: seconds, for the debounce.
    ``widget`` is what to display; ``buttons`` maps each label, "skip" and "undo" to its button.
    """

    def __init__(self, statements, target, labels_path, *, articles=None, show_guess=False,
                 clock=time.monotonic):
        import ipywidgets as w

        self.target, self.path, self.labels = target, Path(labels_path), LABELS["stance"]
        self.texts = dict(zip(articles["article_id"], articles["text"])) if articles is not None else {}
        self.show_guess, self.clock, self.last_click = show_guess, clock, -float("inf")
        done = labelled_texts(self.path, target)
        self.queue = [row for _, row in statements.iterrows() if str(row["text"]).strip() not in done]
        self.position, self.history = 0, []  # history: (position, whether a row was saved) per answer
        self.statement = w.HTML()
        self.count = w.HTML()
        self.buttons = {label: w.Button(description=label) for label in [*self.labels, "skip", "undo"]}
        for label, button in self.buttons.items():
            button.on_click(lambda _, label=label: self.undo() if label == "undo" else self.answer(label))
        self.widget = w.VBox([self.statement, w.HBox(list(self.buttons.values())), self.count])
        self.show()

    def _bounced(self):
        """Whether this click comes too soon after the last one (then it is ignored)."""
        now = self.clock()
        if now - self.last_click < DEBOUNCE_S:
            return True
        self.last_click = now
        return False

    def answer(self, label):
        """Save ``label`` for the current statement ("skip": none) and move to the next."""
        if self.position >= len(self.queue) or self._bounced():
            return
        if label != "skip":
            row = self.queue[self.position]
            append_label(self.path, self.target, str(row["text"]).strip(), label, statement=row)
        self.history.append((self.position, label != "skip"))
        self.position += 1
        self.show()

    def undo(self):
        """Go back to the statement answered last, removing its label from the file."""
        if not self.history or self._bounced():
            return
        self.position, saved = self.history.pop()
        if saved:
            remove_last_label(self.path, self.target, str(self.queue[self.position]["text"]).strip())
        self.show()

    def show(self):
        counts = label_counts(self.path, self.labels, self.target)
        others = sum(label_counts(self.path, self.labels).values()) - sum(counts.values())
        self.count.value = (f"{sum(counts.values())} labelled for this target ("
                            + ", ".join(f"{k} {v}" for k, v in counts.items()) + f") · saved to {self.path}"
                            + (f" · {others} labels for other targets, not counted" if others else ""))
        self.buttons["undo"].disabled = not self.history
        left = self.position >= len(self.queue)
        for label in [*self.labels, "skip"]:
            self.buttons[label].disabled = left
        if left:
            self.statement.value = "<p><b>No statement left to label here</b>: suggest more, or run adapt.</p>"
            return
        row = self.queue[self.position]
        guess = (f" · the model's guess: <i>{html.escape(str(row['guess']))}</i>"
                 if self.show_guess and "guess" in row else "")
        self.statement.value = (f"<p>{self.position + 1} of {len(self.queue)} · "
                                f"<b>{html.escape(str(row.get('speaker', '')))}</b>{guess}</p>"
                                + statement_html(row, self.texts.get(row.get("article_id")))
                                + f"<p>Stance of the marked words toward <i>{html.escape(self.target)}</i>?</p>")
