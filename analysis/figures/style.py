"""The figures' shared style: Okabe-Ito colours, sizes in inches, titles, notes, label wrapping and the canvas."""
import textwrap

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ..speakers import UNCERTAIN, corpus_rows, stance_labels

OKABE_ITO = {"black": "#000000", "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73",
             "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7"}


STANCE_COLORS = {"favor": OKABE_ITO["blue"], "against": OKABE_ITO["vermillion"], "neutral": "#8C8C8C"}


UNCERTAIN_STYLE = {"alpha": 0.45, "hatch": "////"}  # an uncertain speaker: faded, hatched, in its lean's colour
UNCERTAIN_RING = "#555555"  # figure 2's legend entry for uncertain rings, which take each speaker's lean colour


SERIES_COLORS = [OKABE_ITO[k] for k in ("orange", "sky", "green", "purple")]  # yellow: too pale on white


DPI = 110


STYLE = {
    "font.family": "DejaVu Sans", "font.size": 10, "axes.titlesize": 11, "axes.labelsize": 10,
    "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True, "grid.alpha": 0.3,
    "grid.linewidth": 0.6, "axes.axisbelow": True, "legend.frameon": False,
    "svg.hashsalt": "analysis-figures", "svg.fonttype": "path", "figure.dpi": DPI,
    "text.parse_math": False,  # names and targets are shown as written: "$5 fee" is not mathtext
}


WIDTH = 10.0          # inches, every figure


NAME_WIDTH = 30       # characters per line of a speaker or group label


STANCE_TITLE = "Stance toward"                              # figures 1-4: "<title>: <target>"


QUOTES_TITLE = "Who quotes whom in the corpus"  # figure 5 shows attribution, not stance: no target


TOP_SPEAKERS = 20     # speakers shown in figure 1 and named in figure 2 (most statements first)


TOP_GROUPS = 15       # groups per panel of figure 3 (most statements first)


MAX_HEIGHT = 16.0     # inches: a figure grows with its rows up to this, then shows fewer rows


N_BOOT = 1000         # bootstrap resamples behind each interval of figure 4


FREQS = {"D": "day", "W": "week", "M": "month"}  # time bins of figure 4


FIGURE_NAMES = ["1_speaker_stance", "2_stance_vs_sentiment", "3_stance_by_group",
                "4_stance_over_time", "5_who_quotes_whom"]


EVIDENCE_NAME = "6_evidence.md"


SCORE_LABEL = "stance score (mean lean of on-target statements)"


def short(text, width=NAME_WIDTH, lines=2):
    """Wrap ``text`` to at most ``lines`` lines of ``width`` characters; '…' if cut."""
    wrapped = textwrap.wrap(as_text(text), width) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][:width - 1].rstrip() + "…"
    return "\n".join(wrapped)


def as_text(value):
    """A cell as text: '' for missing values (NaN from a CSV)."""
    return value if isinstance(value, str) else "" if pd.isna(value) else str(value)


def models_note(table):
    """'stance model: X · sentiment model: Y' from a speaker or scored table."""
    parts = []
    for col, what in (("stance_model", "stance model"), ("sentiment_model", "sentiment model")):
        if col in table:
            names = sorted({as_text(v) for v in table[col]} - {""})
            if names:
                parts.append(f"{what}: {', '.join(names)}")
    return " · ".join(parts)


def title_target(table, target=None):
    """The target given, else the table's ``target`` column, else a placeholder."""
    if target:
        return target
    if "target" in table and len(table):
        return as_text(table["target"].iat[0]) or "(no target)"
    return "(no target)"


def join_notes(*parts):
    return " · ".join(p for p in parts if p)


def count_noun(n, noun):
    """'1 statement', '2 statements'."""
    return f"{n} {noun}" + ("s" if n != 1 else "")


def corpus_table(table):
    """Corpus-wide speaker rows with label columns as text."""
    rows = corpus_rows(table)
    for col in ("speaker", "role", "organization", "country"):
        rows[col] = rows[col].map(as_text)
    return rows


class Canvas:
    """A figure laid out in inches: title block on top, note at the bottom.

    ``body`` is the height (inches) left for axes and their labels; ``axes``
    places an axes by its margins in inches inside the body.
    """

    def __init__(self, target, note, body, width=WIDTH, note_lines=1, title=STANCE_TITLE):
        title = short(f"{title}: {target}", int(width * 8.5), 2)
        self.note_width = int(width * 15)
        note = short(note, self.note_width, 2)
        note_lines = max(note_lines, note.count("\n") + 1)
        self.top = 0.2 + 0.24 * (title.count("\n") + 1)
        self.bottom = 0.12 + 0.16 * note_lines
        self.width, self.height = width, self.top + body + self.bottom
        self.fig = Figure(figsize=(width, self.height))
        FigureCanvasAgg(self.fig)
        self.fig.text(0.1 / width, 1 - 0.12 / self.height, title, ha="left", va="top",
                      fontsize=12, fontweight="bold")
        self.note = self.fig.text(0.1 / width, 0.08 / self.height, note, fontsize=8,
                                  color="#555555", va="bottom")

    def add_note(self, text):
        """Append ``text`` to the note (room for it must have been asked via ``note_lines``)."""
        self.note.set_text(short(join_notes(" ".join(self.note.get_text().split()), text), self.note_width, 2))

    def axes(self, left, right, top, bottom):
        """Axes whose edges lie these many inches inside the body's edges."""
        h = self.height
        y0 = (self.bottom + bottom) / h
        return self.fig.add_axes([left / self.width, y0, 1 - (left + right) / self.width,
                                  1 - (self.top + top) / h - y0])


def message_figure(target, note, message, title=STANCE_TITLE):
    """A figure that states why there is nothing to plot, instead of an empty axis."""
    with matplotlib.rc_context(STYLE):
        canvas = Canvas(target, note, 2.4, title=title)
        canvas.fig.text(0.5, (canvas.bottom + 1.2) / canvas.height, message, ha="center",
                        va="center", fontsize=11)
        return canvas.fig


def speaker_label(row):
    """Speaker name (up to two lines), then organisation or role on one line when known."""
    name = short(row["speaker"], NAME_WIDTH, 2)
    extra = next((v for v in (row["organization"], row["role"]) if v and v != row["speaker"]), "")
    return f"{name}\n{short(extra, NAME_WIDTH, 1)}" if extra else name


def stance_colors(rows):
    """Colour of each row's stance; an uncertain speaker takes the colour of the side its score leans to."""
    return [STANCE_COLORS[str(stance_labels(score)) if stance == UNCERTAIN else stance]
            for stance, score in zip(rows["stance"], rows["score"])]


def stance_legend(ax, uncertain=False, **kw):
    handles = [Patch(color=c, label=s) for s, c in STANCE_COLORS.items()]
    if uncertain:
        handles.append(Patch(facecolor="#8C8C8C", edgecolor="white", label=UNCERTAIN, **UNCERTAIN_STYLE))
    return ax.legend(handles=handles, ncol=len(handles), fontsize=8, handlelength=1.2, **kw)


def top_rows(rows, by, n):
    """The ``n`` rows with most statements (ties: ``by`` ascending) and how many were left out."""
    rows = rows.sort_values(["n_statements", by], ascending=[False, True], kind="stable")
    return rows.head(n), max(0, len(rows) - n)


def fitting_rows(n, step, fixed):
    """How many of ``n`` rows ``step`` inches tall fit in ``MAX_HEIGHT`` besides ``fixed`` inches (at least 1)."""
    return max(1, min(n, int((MAX_HEIGHT - fixed) // step)))


def point_area(n_statements):
    """Marker area (points²) for a speaker with ``n_statements``: grows with the square root, up to 1,000."""
    return 24 + 16 * np.sqrt(np.minimum(np.asarray(n_statements, dtype=float), 1000))
