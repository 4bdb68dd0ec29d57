"""Stage 5: figures of who takes which side, in one colour-blind-safe style.

Every ``*_figure`` function takes tables from the earlier stages and returns a
matplotlib ``Figure`` on its own Agg canvas (pyplot is not used, so there is no
global figure state), titled with the target and noting the models; nothing is
written until ``save_figure``.  Inputs:

* ``table``: ``speakers.speaker_stance`` output (``schemas.SPEAKER_STANCE``);
* ``statements``: ``schemas.STATEMENTS`` or ``schemas.SCORED_STATEMENTS``.

Figures (``render_all`` writes them all, PNG + SVG, plus the evidence table):

1. ``speaker_stance_figure``: stance score per speaker (``speakers`` module), sorted, with its
   90% interval and n statements;
2. ``stance_sentiment_figure``: stance score against sentiment score per speaker;
3. ``group_figure``: stance by country and by organisation;
4. ``over_time_figure``: stance by article date; with fewer than two dates a
   figure that says so (the file set stays the same for every corpus);
5. ``who_quotes_whom_figure``: matrix of who relays whose words (``reported_by``);
   without nested attributions a figure that says so;
6. ``evidence_markdown``: Markdown evidence table per speaker.

Layout is set in inches (margins for labels, a fixed height per bar), so long
names and many speakers stay readable; names are wrapped and cut with an
ellipsis.  Colours are the Okabe-Ito palette (favor blue, against vermillion,
neutral grey).  Determinism: ``save_figure`` fixes the dpi, drops the PNG
``Software`` and SVG ``Date`` metadata and fixes ``svg.hashsalt``, so the same
inputs give byte-identical files.
"""
import textwrap
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from .io import atomic_path, write_text
from .speakers import CORPUS, NOT_STATED, corpus_rows, group_stance

OKABE_ITO = {"black": "#000000", "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73",
             "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7"}
STANCE_COLORS = {"favor": OKABE_ITO["blue"], "against": OKABE_ITO["vermillion"], "neutral": "#8C8C8C"}
SERIES_COLORS = [OKABE_ITO[k] for k in ("orange", "sky", "green", "purple")]  # yellow: too pale on white
DPI = 110
STYLE = {
    "font.family": "DejaVu Sans", "font.size": 10, "axes.titlesize": 11, "axes.labelsize": 10,
    "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True, "grid.alpha": 0.3,
    "grid.linewidth": 0.6, "axes.axisbelow": True, "legend.frameon": False,
    "svg.hashsalt": "analysis-figures", "svg.fonttype": "path", "figure.dpi": DPI,
}
WIDTH = 10.0          # inches, every figure
NAME_WIDTH = 30       # characters per line of a speaker or group label
STANCE_TITLE = "Stance toward"                              # figures 1-4: "<title>: <target>"
QUOTES_TITLE = "Who quotes whom in the articles on"         # figure 5 shows attribution, not stance
MAX_ROWS = 40         # speakers in figure 1 (most statements first)
MAX_GROUPS = 25       # groups per panel of figure 3
MAX_LABELS = 25       # point labels tried in figure 2 (most statements first)
FIGURE_NAMES = ["1_speaker_stance", "2_stance_vs_sentiment", "3_stance_by_group",
                "4_stance_over_time", "5_who_quotes_whom"]
EVIDENCE_NAME = "6_evidence.md"
SCORE_LABEL = "stance score (mean lean of on-target statements)"


def short(text, width=NAME_WIDTH, lines=2):
    """Wrap ``text`` to at most ``lines`` lines of ``width`` characters; '…' if cut."""
    wrapped = textwrap.wrap(_str(text), width) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][:width - 1].rstrip() + "…"
    return "\n".join(wrapped)


def _str(value):
    """A cell as text: '' for missing values (NaN from a CSV)."""
    return value if isinstance(value, str) else "" if pd.isna(value) else str(value)


def _models(table):
    """'stance model: X · sentiment model: Y' from a speaker or scored table."""
    parts = []
    for col, what in (("stance_model", "stance model"), ("sentiment_model", "sentiment model")):
        if col in table:
            names = sorted({_str(v) for v in table[col]} - {""})
            if names:
                parts.append(f"{what}: {', '.join(names)}")
    return " · ".join(parts)


def _target(table, target=None):
    """The target given, else the table's ``target`` column, else a placeholder."""
    if target:
        return target
    if "target" in table and len(table):
        return _str(table["target"].iat[0]) or "(no target)"
    return "(no target)"


def _join(*parts):
    return " · ".join(p for p in parts if p)


def _corpus(table):
    """Corpus-wide speaker rows with label columns as text."""
    rows = corpus_rows(table)
    for col in ("speaker", "role", "organization", "country"):
        rows[col] = rows[col].map(_str)
    return rows


class _Canvas:
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
        self.note.set_text(short(_join(" ".join(self.note.get_text().split()), text), self.note_width, 2))

    def axes(self, left, right, top, bottom):
        """Axes whose edges lie these many inches inside the body's edges."""
        h = self.height
        y0 = (self.bottom + bottom) / h
        return self.fig.add_axes([left / self.width, y0, 1 - (left + right) / self.width,
                                  1 - (self.top + top) / h - y0])


def _message_figure(target, note, message, title=STANCE_TITLE):
    """A figure that states why there is nothing to plot, instead of an empty axis."""
    with matplotlib.rc_context(STYLE):
        canvas = _Canvas(target, note, 2.4, title=title)
        canvas.fig.text(0.5, (canvas.bottom + 1.2) / canvas.height, message, ha="center",
                        va="center", fontsize=11)
        return canvas.fig


def _speaker_label(row):
    """Speaker name (up to two lines), then organisation or role on one line when known."""
    name = short(row["speaker"], NAME_WIDTH, 2)
    extra = next((v for v in (row["organization"], row["role"]) if v and v != row["speaker"]), "")
    return f"{name}\n{short(extra, NAME_WIDTH, 1)}" if extra else name


def _stance_legend(ax, **kw):
    handles = [Patch(color=c, label=s) for s, c in STANCE_COLORS.items()]
    return ax.legend(handles=handles, ncol=3, fontsize=8, handlelength=1.2, **kw)


def speaker_stance_figure(table, target=None):
    """Figure 1: stance score per speaker (corpus-wide rows), sorted.

    ``table``: ``speaker_stance`` output.  Bars are coloured by the speaker's
    stance label (a neutral speaker may still lean slightly, less than
    ``speakers.MARGIN``), whiskers show the 90%
    interval, ``n=`` the statements.  At most ``MAX_ROWS`` speakers, those with
    most statements, are shown; the note says how many were left out.
    Returns a Figure.
    """
    rows = _corpus(table)
    target, note = _target(table, target), _models(table)
    if rows.empty:
        return _message_figure(target, note, "No speaker statements to score.")
    dropped = max(0, len(rows) - MAX_ROWS)
    rows = rows.sort_values(["n_statements", "speaker"], ascending=[False, True]).head(MAX_ROWS)
    rows = rows.sort_values(["score", "speaker"], ascending=[True, False]).reset_index(drop=True)
    labels = [_speaker_label(r) for _, r in rows.iterrows()]
    step = 0.32 + 0.13 * max(label.count("\n") + 1 for label in labels)  # inches per bar
    n = len(rows)
    if dropped:
        note = _join(note, f"{dropped} speakers with fewest statements not shown")
    with matplotlib.rc_context(STYLE):
        canvas = _Canvas(target, note, 1.15 + step * n)
        ax = canvas.axes(left=2.55, right=0.75, top=0.45, bottom=0.7)
        y = np.arange(n)
        colors = [STANCE_COLORS[s] for s in rows["stance"]]
        ax.barh(y, rows["score"], color=colors, height=0.6)
        # A tick at the score keeps the label colour visible when the bar is near zero.
        ax.scatter(rows["score"], y, marker="|", s=300, linewidths=3, color=colors, zorder=3)
        ax.errorbar(rows["score"], y, xerr=[rows["score"] - rows["score_lo"], rows["score_hi"] - rows["score"]],
                    fmt="none", ecolor="black", elinewidth=1, capsize=3)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_yticks(y, labels, fontsize=8.5)
        ax.set_ylim(-0.6, n - 0.4)
        ax.set_xlim(-1.05, 1.05)
        ax.set_xlabel(f"{SCORE_LABEL}   (whiskers: 90% interval)")
        ax.grid(axis="y", visible=False)
        for yi, k in zip(y, rows["n_statements"]):
            ax.text(1.02, yi, f"n={k}", va="center", fontsize=8, transform=ax.get_yaxis_transform())
        ax.text(0.0, 1.02, "← against", transform=ax.transAxes, fontsize=9, color=STANCE_COLORS["against"])
        ax.text(1.0, 1.02, "favor →", transform=ax.transAxes, ha="right", fontsize=9,
                color=STANCE_COLORS["favor"])
        _stance_legend(ax, loc="lower center", bbox_to_anchor=(0.5, 1.0))
        return canvas.fig


def stance_sentiment_figure(table, target=None):
    """Figure 2: stance score (x) against sentiment score p_positive - p_negative (y).

    ``table``: ``speaker_stance`` output.  One point per speaker (corpus-wide
    rows), coloured by stance label, area growing with n_statements.  The
    lower-right quadrant is 'favours the target but in a negative tone'.
    Points are named where a label fits without overlapping another (speakers
    with most statements first); the note counts unnamed points.  Returns a Figure.
    """
    rows = _corpus(table)
    target, note = _target(table, target), _models(table)
    if rows.empty:
        return _message_figure(target, note, "No speaker statements to score.")
    rows = rows.sort_values(["n_statements", "speaker"], ascending=[False, True]).reset_index(drop=True)
    with matplotlib.rc_context(STYLE):
        canvas = _Canvas(target, note, 6.6, note_lines=2)
        ax = canvas.axes(left=0.9, right=0.3, top=0.55, bottom=0.6)
        ax.axhline(0, color="black", linewidth=0.8)
        ax.axvline(0, color="black", linewidth=0.8)
        for stance, color in STANCE_COLORS.items():
            g = rows[rows["stance"] == stance]
            ax.scatter(g["score"], g["sentiment_score"], s=30 + 12 * g["n_statements"],
                       color=color, edgecolor="white", linewidth=0.8, label=stance, zorder=3)
        ax.set_xlim(-1.05, 1.05)
        ax.set_ylim(-1.05, 1.05)
        ax.set_xlabel(SCORE_LABEL)
        ax.set_ylabel("sentiment: p(positive) − p(negative)")
        for x, y, text in ((0.98, 0.02, "favours, negative tone"), (0.02, 0.02, "against, negative tone"),
                           (0.98, 0.98, "favours, positive tone"), (0.02, 0.98, "against, positive tone")):
            ax.text(x, y, text, transform=ax.transAxes, ha="right" if x > 0.5 else "left",
                    va="bottom" if y < 0.5 else "top", fontsize=8.5, color="#666666", style="italic")
        legend = ax.legend(loc="lower center", ncol=3, fontsize=8, bbox_to_anchor=(0.5, 1.0),
                           title="stance label (point area grows with statements)", title_fontsize=8)
        for handle in legend.legend_handles:
            handle.set_sizes([40])
        unnamed = _place_labels(canvas.fig, ax, rows)
        if unnamed:
            canvas.add_note(f"{unnamed} crowded points left unnamed (see the evidence table)")
        return canvas.fig


def _place_labels(fig, ax, rows):
    """Name points without overlaps; returns how many points were left unnamed.

    Tries eight spots around each point (first ``MAX_LABELS`` rows in order)
    and drops a label that fits nowhere inside the axes without overlapping
    an earlier label or any point.
    """
    from matplotlib.transforms import Bbox

    renderer = fig.canvas.get_renderer()
    inside = ax.get_window_extent(renderer)
    radius = 4 * fig.dpi / 72  # about a marker's half-width, in pixels
    points = [Bbox.from_extents(x - radius, y - radius, x + radius, y + radius)
              for x, y in ax.transData.transform(rows[["score", "sentiment_score"]].to_numpy(float))]
    placed = []
    spots = [(7, 0, "left"), (-7, 0, "right"), (7, 10, "left"), (-7, 10, "right"),
             (7, -10, "left"), (-7, -10, "right"), (0, 14, "center"), (0, -14, "center")]
    for i, r in rows.iterrows():
        if i >= MAX_LABELS:
            break
        for dx, dy, ha in spots:
            text = ax.annotate(short(r["speaker"], 22, 2), (r["score"], r["sentiment_score"]),
                               xytext=(dx, dy), textcoords="offset points", ha=ha, va="center",
                               fontsize=8, zorder=4)
            box = text.get_window_extent(renderer)
            fits = (box.x0 >= inside.x0 and box.x1 <= inside.x1 and box.y0 >= inside.y0
                    and box.y1 <= inside.y1)
            if fits and not any(box.overlaps(b) for b in placed + points):
                placed.append(box.expanded(1.04, 1.1))
                break
            text.remove()
    return len(rows) - len(placed)


def _group_panel(ax, table, by):
    """Draw one panel of figure 3: groups of ``by`` as bars, members as diamonds."""
    groups = group_stance(table, by)
    dropped = max(0, len(groups) - MAX_GROUPS)
    groups = groups.sort_values(["n_statements", by], ascending=[False, True]).head(MAX_GROUPS)
    groups = groups.sort_values(["score", by]).reset_index(drop=True)
    members = _corpus(table)
    members[by] = members[by].replace("", NOT_STATED)
    members = members[members[by].isin(groups[by])]
    y = np.arange(len(groups))
    colors = [STANCE_COLORS[s] for s in groups["stance"]]
    ax.barh(y, groups["score"], color=colors, height=0.6)
    ax.scatter(groups["score"], y, marker="|", s=300, linewidths=3, color=colors, zorder=2)
    ax.scatter(members["score"], members[by].map(dict(zip(groups[by], y))), marker="D", s=18,
               color="black", zorder=3)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, [short(g, NAME_WIDTH, 2) for g in groups[by]], fontsize=8.5)
    ax.set_ylim(-0.6, len(groups) - 0.4)
    ax.set_xlim(-1.05, 1.05)
    ax.grid(axis="y", visible=False)
    more = f"  ({dropped} smaller groups not shown)" if dropped else ""
    ax.set_title(f"by {by}{more}", loc="left", fontsize=10.5)
    for yi, (k, m) in enumerate(zip(groups["n_speakers"], groups["n_statements"])):
        ax.text(1.02, yi, f"{k} speaker{'s' * (k != 1)}, {m} st.", va="center", fontsize=7.5,
                transform=ax.get_yaxis_transform())


def group_figure(table, target=None):
    """Figure 3: stance by country (top panel) and by organisation (bottom panel).

    ``table``: ``speaker_stance`` output; groups come from ``group_stance``.
    Bars: the group's score (weighted by on-target statements), coloured by its label;
    diamonds: each member speaker's own score, so agreement within a group is
    visible.  Speakers without a country / organisation form '(not stated)'.
    Returns a Figure.
    """
    target, note = _target(table, target), _models(table)
    rows = _corpus(table)
    if rows.empty:
        return _message_figure(target, note, "No speaker statements to score.")
    n_country, n_org = (min(MAX_GROUPS, rows[by].replace("", NOT_STATED).nunique())
                        for by in ("country", "organization"))
    # From the top, in inches: panel title, country bars, gap (x ticks + next
    # title), organisation bars, x ticks and label.
    head, step, gap, foot = 0.35, 0.42, 0.75, 0.6
    body = head + step * n_country + gap + step * n_org + foot
    with matplotlib.rc_context(STYLE):
        canvas = _Canvas(target, _join(note, "bars: group (weighted by on-target statements); ◆: one speaker"), body)
        upper = canvas.axes(left=2.55, right=1.45, top=head, bottom=body - head - step * n_country)
        _group_panel(upper, table, "country")
        lower = canvas.axes(left=2.55, right=1.45, top=head + step * n_country + gap, bottom=foot)
        _group_panel(lower, table, "organization")
        lower.set_xlabel(SCORE_LABEL)
        return canvas.fig


def over_time_figure(table, target=None, max_series=len(SERIES_COLORS)):
    """Figure 4: stance over article dates.

    ``table``: ``speaker_stance`` output with article dates.  Needs at least two
    distinct dates; otherwise returns a figure saying so (a single date has no
    time axis), so the set of files written is the same for every corpus.
    With several dates: the mean score of all speakers per day, weighted by their on-target statements
    (black line), one line per speaker for the ``max_series`` speakers heard
    on most days (at least two), other speakers as grey dots.  Returns a Figure.
    """
    target, note = _target(table, target), _models(table)
    rows = table[table["article_id"] != CORPUS]
    dated = rows.dropna(subset=["date"])
    days = sorted(pd.to_datetime(dated["date"]).dt.normalize().unique())
    if len(days) < 2:
        undated = rows[rows["date"].isna()]["article_id"].nunique()
        when = f"all dated {pd.Timestamp(days[0]).date()}" if days else "none with a known date"
        extra = f", {undated} undated" if days and undated else ""
        return _message_figure(target, note, "Stance over time needs articles from at least two dates.\n"
                               f"This corpus has {rows['article_id'].nunique()} article(s), {when}{extra}:\n"
                               "see the speaker stance figure instead.")
    dated = dated.assign(day=pd.to_datetime(dated["date"]).dt.normalize(), speaker=dated["speaker"].map(_str))
    mean = {day: (np.average(g["score"], weights=g["n_on_target"]) if g["n_on_target"].sum() else 0.0)
            for day, g in dated.groupby("day")}
    spread = dated.groupby("speaker")["day"].nunique()
    top = spread[spread > 1].sort_values(ascending=False, kind="stable").head(max_series).index
    with matplotlib.rc_context(STYLE):
        canvas = _Canvas(target, _join(note, "dots: one speaker in one article"), 5.0)
        ax = canvas.axes(left=0.9, right=2.4, top=0.2, bottom=0.6)
        others = dated[~dated["speaker"].isin(top)]
        ax.scatter(others["day"], others["score"], color="#B0B0B0", s=16, label="other speakers", zorder=2)
        for color, speaker in zip(SERIES_COLORS, sorted(top)):
            g = dated[dated["speaker"] == speaker].groupby("day")["score"].mean()
            ax.plot(g.index, g.to_numpy(), color=color, marker="s", markersize=4, linewidth=1.2,
                    label=short(speaker, 26, 1), zorder=3)
        ax.plot(list(mean), list(mean.values()), color="black", linewidth=2.2, marker="o",
                label="all speakers (weighted)", zorder=4)
        ax.axhline(0, color="black", linewidth=0.6)
        ax.set_ylim(-1.05, 1.05)
        ax.set_ylabel(SCORE_LABEL)
        locator = AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
        return canvas.fig


def who_quotes_whom_figure(statements, target=None, max_names=20):
    """Figure 5: matrix of who relays whose words (``reported_by`` -> ``speaker``).

    ``statements``: ``schemas.STATEMENTS`` (or scored).  Rows: the relaying
    speaker; columns: the speaker whose words are relayed; cells: statements.
    At most ``max_names`` rows and columns (most relays first).  Without any
    nested attribution, a figure that says so.  Returns a Figure.
    """
    target, note = _target(statements, target), _models(statements)
    relayed = statements[statements["reported_by"].map(_str).str.strip() != ""]
    if relayed.empty:
        return _message_figure(target, note, "No statement in this corpus is relayed by another speaker\n"
                               "(no 'A quoted B' attributions), so there is no who-quotes-whom matrix.",
                               title=QUOTES_TITLE)
    counts = pd.crosstab(relayed["reported_by"], relayed["speaker"])
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
        canvas = _Canvas(target, _join(note, f"{len(relayed)} relayed statements"), 0.35 + bottom + cell_h * r,
                         width=max(WIDTH, left + cell_w * c + 0.5), title=QUOTES_TITLE)
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


def evidence_markdown(table, scored, target=None, per_speaker=5):
    """Figure 6: Markdown evidence table per speaker; returns a string.

    ``table``: ``speaker_stance`` output; ``scored``: ``schemas.SCORED_STATEMENTS``.
    Opens with a summary table (one row per speaker, ordered by score), then one
    section per speaker listing up to ``per_speaker`` statements with their
    stance and sentiment scores, the most one-sided first.
    """
    target = _target(table, target)
    lines = [f"# Evidence per speaker: stance toward {target}", ""]
    models = _models(table)
    if models:
        lines += [f"_{models}_", ""]
    rows = _corpus(table).sort_values(["score", "speaker"])
    if rows.empty:
        return "\n".join(lines + ["No speaker statements to score.", ""])

    def cell(text):
        return " ".join(_str(text).split()).replace("|", "\\|")

    lines += ["score = mean lean (p(favor) − p(against)) / (p(favor) + p(against)) of the speaker's on-target "
              "statements, confidence-weighted; interval: 90%; confidence: share of the speaker's statements "
              "that bear on the target times the stability of the label.", "",
              "| speaker | stance | score | 90% interval | confidence | sentiment | n |",
              "|---|---|---:|---|---:|---|---:|"]
    for _, r in rows.iterrows():
        lines.append(f"| {cell(r['speaker'])} | {r['stance']} | {r['score']:+.2f} | "
                     f"{r['score_lo']:+.2f} to {r['score_hi']:+.2f} | {r['stance_confidence']:.2f} | "
                     f"{r['sentiment']} | {r['n_statements']} |")
    lines.append("")
    for _, r in rows.iterrows():
        who = ", ".join(v for v in (r["role"], r["organization"], r["country"]) if v and v != r["speaker"])
        lines += [f"## {cell(r['speaker'])}" + (f" ({cell(who)})" if who else ""), "",
                  f"**{r['stance']}** · score {r['score']:+.2f} (90% interval {r['score_lo']:+.2f} to "
                  f"{r['score_hi']:+.2f}) · confidence {r['stance_confidence']:.2f} · "
                  f"sentiment {r['sentiment']} · n={r['n_statements']}", "",
                  "| article | stance | p_favor | p_against | p_neutral | sentiment | statement |",
                  "|---|---|---:|---:|---:|---|---|"]
        own = scored[scored["speaker"].map(_str) == r["speaker"]]
        own = own.assign(_s=(own["p_favor"] - own["p_against"]).abs()).sort_values(
            ["_s", "statement_id"], ascending=[False, True])
        for _, s in own.head(per_speaker).iterrows():
            lines.append(f"| {cell(s['article_id'])} | {s['stance']} | {s['p_favor']:.2f} | "
                         f"{s['p_against']:.2f} | {s['p_neutral']:.2f} | {s['sentiment']} | {cell(s['text'])} |")
        if len(own) > per_speaker:
            lines.append(f"| | | | | | | _… {len(own) - per_speaker} more_ |")
        lines.append("")
    return "\n".join(lines)


def save_figure(fig, out_dir, name):
    """Write ``fig`` as ``out_dir/name.png`` and ``out_dir/name.svg``, reproducibly.

    Fixed dpi, no PNG ``Software`` or SVG ``Date`` metadata, fixed SVG hash
    salt: the same figure gives byte-identical files.  Files are written
    atomically.  Returns the two paths.
    """
    out_dir = Path(out_dir)
    paths = []
    with matplotlib.rc_context(STYLE):
        for ext, metadata in (("png", {"Software": None}), ("svg", {"Date": None})):
            path = out_dir / f"{name}.{ext}"
            with atomic_path(path) as tmp:
                fig.savefig(tmp, format=ext, dpi=DPI, metadata=metadata)
            paths.append(path)
    return paths


def render_all(table, scored, out_dir, target=None):
    """Write figures 1-5 (PNG + SVG) and the evidence Markdown into ``out_dir``.

    ``table``: ``speaker_stance`` output; ``scored``: ``schemas.SCORED_STATEMENTS``;
    ``target``: title text (default: the tables' ``target`` column).
    Returns the written paths, figures in order, the Markdown last.
    """
    makers = [speaker_stance_figure(table, target), stance_sentiment_figure(table, target),
              group_figure(table, target), over_time_figure(table, target),
              who_quotes_whom_figure(scored, target)]
    paths = []
    for name, fig in zip(FIGURE_NAMES, makers):
        paths += save_figure(fig, out_dir, name)
    paths.append(write_text(evidence_markdown(table, scored, target), Path(out_dir) / EVIDENCE_NAME))
    return paths
