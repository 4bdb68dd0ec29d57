"""Figure 5: who relays whose words (nested attribution)."""

import matplotlib
import numpy as np
import pandas as pd

from .style import (
    NAME_WIDTH,
    QUOTES_TITLE,
    STYLE,
    WIDTH,
    Canvas,
    as_text,
    count_noun,
    join_notes,
    message_figure,
    models_note,
    short,
)


def who_quotes_whom_figure(statements, *, corpus=None, max_names=20):
    """Figure 5: matrix of who relays whose words (``reported_by`` -> ``speaker``).

    ``statements``: ``schemas.STATEMENTS`` (or scored).  Rows: the relaying
    speaker; columns: the speaker whose words are relayed; cells: statements.
    At most ``max_names`` rows and columns (most relays first; the note counts
    the others).  Without any nested attribution, a figure that says so.
    Titled with the corpus (``corpus``: its name, e.g. the articles folder's, and
    the number of articles), never with the stance target: the articles need not
    be about it, and the figure shows no stance.  Returns a Figure.
    """
    n_articles = statements["article_id"].nunique() if "article_id" in statements else 0
    described = ", ".join(p for p in (corpus, count_noun(n_articles, "article")) if p)
    note = models_note(statements)
    relayed = statements[statements["reported_by"].map(as_text).str.strip() != ""]
    if relayed.empty:
        return message_figure(described, note, "No statement in this corpus is relayed by another speaker\n"
                               "(no 'A quoted B' attributions), so there is no who-quotes-whom matrix.",
                               title=QUOTES_TITLE)
    counts = pd.crosstab(relayed["reported_by"], relayed["speaker"])
    left_out = max(0, counts.shape[0] - max_names), max(0, counts.shape[1] - max_names)
    if any(left_out):
        note = join_notes(note, f"{left_out[0]} relaying and {left_out[1]} relayed speakers with fewest relays "
                                "not shown")
    counts = counts.loc[counts.sum(axis=1).sort_values(ascending=False, kind="stable").index[:max_names],
                        counts.sum(axis=0).sort_values(ascending=False, kind="stable").index[:max_names]]
    values = counts.to_numpy()
    r, c = values.shape
    columns = [short(s, 18, 2) for s in counts.columns]
    # Inches: cells, the names' margin, and room below for names rotated 40 degrees.
    cell_w, cell_h, left = 0.55, 0.4, 2.55
    longest = max(len(line) for name in columns for line in name.split("\n"))
    bottom = 0.75 + 0.075 * longest * np.sin(np.radians(40)) + 0.15 * max(n.count("\n") for n in columns)
    with matplotlib.rc_context(STYLE):
        canvas = Canvas(described, join_notes(note, count_noun(len(relayed), "relayed statement")),
                        0.35 + bottom + cell_h * r, width=max(WIDTH, left + cell_w * c + 0.5), title=QUOTES_TITLE)
        ax = canvas.axes(left=left, right=canvas.width - left - cell_w * c, top=0.35, bottom=bottom)
        vmax = max(1, values.max())
        ax.imshow(values, cmap="Blues", vmin=0, vmax=vmax * 1.15, aspect="auto")
        for (i, j), v in np.ndenumerate(values):
            if v:
                ax.text(j, i, str(v), ha="center", va="center", fontsize=10, fontweight="bold",
                        color="white" if v > 0.55 * vmax else "black")
        ax.set_xticks(range(c), columns, rotation=40, ha="right",
                      rotation_mode="anchor", fontsize=8.5)
        ax.set_yticks(range(r), [short(s, NAME_WIDTH, 2) for s in counts.index], fontsize=8.5)
        ax.grid(False)
        ax.set_title("rows relay the words of columns ('A quoted B')", loc="left", fontsize=10)
        ax.set_xlabel("speaker whose words are relayed")
        ax.set_ylabel("relayed by")
        return canvas.fig
