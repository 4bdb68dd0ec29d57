"""Stage 5: figures of who takes which side, in one colour-blind-safe style.

Every ``*_figure`` function takes tables from the earlier stages and returns a
matplotlib ``Figure`` on its own Agg canvas (pyplot is not used, so there is no
global figure state), titled with the target and noting the models; nothing is
written until ``save_figure``.  Inputs:

* ``table``: ``speakers.speaker_stance`` output (``schemas.SPEAKER_STANCE``);
* ``statements``: ``schemas.STATEMENTS`` or ``schemas.SCORED_STATEMENTS``.

Figures (``render_all`` writes them all, PNG + SVG, plus the evidence table):

1. ``speaker_stance_figure``: stance score per speaker (``speakers`` module), sorted, with its
   90% interval and n statements; the ``top`` speakers with most statements;
2. ``stance_sentiment_figure``: stance score against sentiment score per speaker (the ``top``
   speakers coloured and named, the others as small grey dots);
3. ``group_figure``: stance by country and by organisation (``group_stance``), the ``top``
   groups of each with most statements;
4. ``over_time_figure``: a time series of daily, weekly or monthly bins (``freq``, chosen
   from the span when None): mean lean per bin with a 90% bootstrap interval, and the
   statements per bin beneath; undated articles are counted in the note, and a corpus
   without dates gets a figure that says so (the file set stays the same for every corpus);
5. ``who_quotes_whom_figure``: matrix of who relays whose words (``reported_by``);
   without nested attributions a figure that says so;
6. ``evidence_markdown``: Markdown evidence table per speaker.

Layout is set in inches (margins for labels, a fixed height per bar), so long
names and many speakers stay readable; names are wrapped and cut with an
ellipsis, and a figure grows with its rows up to ``MAX_HEIGHT``, then shows
fewer (the note or panel title says how many were left out).  Colours are
the Okabe-Ito palette (favor blue, against vermillion, neutral grey).
Determinism: ``save_figure`` fixes the dpi, drops the PNG
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
from matplotlib.ticker import MaxNLocator

from .io import atomic_path, write_text
from .speakers import CORPUS, NOT_STATED, UNCERTAIN, corpus_rows, group_stance, stance_labels

OKABE_ITO = {"black": "#000000", "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73",
             "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7"}
STANCE_COLORS = {"favor": OKABE_ITO["blue"], "against": OKABE_ITO["vermillion"], "neutral": "#8C8C8C"}
UNCERTAIN_STYLE = {"alpha": 0.45, "hatch": "////"}  # an uncertain speaker: faded, hatched, in its lean's colour
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


def _count(n, noun):
    """'1 statement', '2 statements'."""
    return f"{n} {noun}" + ("s" if n != 1 else "")


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


def _stance_colors(rows):
    """Colour of each row's stance; an uncertain speaker takes the colour of the side its score leans to."""
    return [STANCE_COLORS[str(stance_labels(score)) if stance == UNCERTAIN else stance]
            for stance, score in zip(rows["stance"], rows["score"])]


def _stance_legend(ax, uncertain=False, **kw):
    handles = [Patch(color=c, label=s) for s, c in STANCE_COLORS.items()]
    if uncertain:
        handles.append(Patch(facecolor="#8C8C8C", edgecolor="white", label=UNCERTAIN, **UNCERTAIN_STYLE))
    return ax.legend(handles=handles, ncol=len(handles), fontsize=8, handlelength=1.2, **kw)


def _top(rows, by, n):
    """The ``n`` rows with most statements (ties: ``by`` ascending) and how many were left out."""
    rows = rows.sort_values(["n_statements", by], ascending=[False, True], kind="stable")
    return rows.head(n), max(0, len(rows) - n)


def _fitting(n, step, fixed):
    """How many of ``n`` rows ``step`` inches tall fit in ``MAX_HEIGHT`` besides ``fixed`` inches (at least 1)."""
    return max(1, min(n, int((MAX_HEIGHT - fixed) // step)))


def speaker_stance_figure(table, target=None, top=TOP_SPEAKERS):
    """Figure 1: stance score per speaker (corpus-wide rows), sorted.

    Parameters
    ----------
    table : DataFrame
        ``speaker_stance`` output.
    target : str, optional
        Title text; default: the table's ``target`` column.
    top : int, default ``TOP_SPEAKERS``
        Show the ``top`` speakers with most statements (fewer when their bars
        would make the figure taller than ``MAX_HEIGHT``); the note says how
        many were left out.

    Returns
    -------
    Figure
        Bars coloured by the speaker's stance label; an uncertain speaker
        (``speakers.uncertainty``) is a faded, hatched bar in the colour of the
        side it leans to.  Whiskers: the 90% interval, ``n=``: the statements.
    """
    rows = _corpus(table)
    target, note = _target(table, target), _models(table)
    if rows.empty:
        return _message_figure(target, note, "No speaker statements to score.")
    rows, dropped = _top(rows, "speaker", top)
    labels = [_speaker_label(r) for _, r in rows.iterrows()]
    step = 0.2 + 0.13 * max(label.count("\n") + 1 for label in labels)  # inches per bar
    n = _fitting(len(rows), step, 1.15 + 1.2)  # axes margins, title and note
    dropped += len(rows) - n
    rows = rows.head(n).sort_values(["score", "speaker"], ascending=[True, False]).reset_index(drop=True)
    labels = [_speaker_label(r) for _, r in rows.iterrows()]
    if dropped:
        note = _join(note, f"the {n} speakers with most statements; {dropped} others not shown")
    with matplotlib.rc_context(STYLE):
        canvas = _Canvas(target, note, 1.15 + step * n)
        ax = canvas.axes(left=2.55, right=0.75, top=0.45, bottom=0.7)
        y = np.arange(n)
        colors = _stance_colors(rows)
        bars = ax.barh(y, rows["score"], color=colors, height=0.6)
        uncertain = (rows["stance"] == UNCERTAIN).to_numpy()
        for bar in np.array(bars.patches, dtype=object)[uncertain]:
            bar.set(edgecolor="white", linewidth=0, **UNCERTAIN_STYLE)
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
        _stance_legend(ax, uncertain=bool(uncertain.any()), loc="lower center", bbox_to_anchor=(0.5, 1.0))
        return canvas.fig


def _area(n_statements):
    """Marker area (points²) for a speaker with ``n_statements``: grows with the square root, up to 1,000."""
    return 24 + 16 * np.sqrt(np.minimum(np.asarray(n_statements, dtype=float), 1000))


def stance_sentiment_figure(table, target=None, top=TOP_SPEAKERS):
    """Figure 2: stance score (x) against sentiment score p_positive - p_negative (y).

    Parameters
    ----------
    table : DataFrame
        ``speaker_stance`` output (corpus-wide rows are plotted).
    target : str, optional
        Title text; default: the table's ``target`` column.
    top : int, default ``TOP_SPEAKERS``
        The ``top`` speakers with most statements are drawn coloured by stance
        label, area growing with their statements, and named where a label fits
        without overlapping another label or point; every other speaker is a
        small grey dot.  The note counts both.

    Returns
    -------
    Figure
        The lower-right quadrant is 'favours the target but in a negative tone'.
    """
    rows = _corpus(table)
    target, note = _target(table, target), _models(table)
    if rows.empty:
        return _message_figure(target, note, "No speaker statements to score.")
    shown, left_out = _top(rows, "speaker", top)
    shown = shown.reset_index(drop=True)
    rest = rows[~rows["speaker"].isin(shown["speaker"])]
    if left_out:
        note = _join(note, f"grey dots: {left_out} speakers with fewer statements")
    with matplotlib.rc_context(STYLE):
        canvas = _Canvas(target, note, 6.6, note_lines=2)
        ax = canvas.axes(left=0.9, right=0.3, top=0.55, bottom=0.6)
        ax.axhline(0, color="black", linewidth=0.8)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.scatter(rest["score"], rest["sentiment_score"], s=6, color="#BDBDBD", linewidth=0, zorder=2)
        for stance, color in STANCE_COLORS.items():
            g = shown[shown["stance"] == stance]
            ax.scatter(g["score"], g["sentiment_score"], s=_area(g["n_statements"]),
                       color=color, edgecolor="white", linewidth=0.8, label=stance, zorder=3)
        g = shown[shown["stance"] == UNCERTAIN]
        if len(g):  # hollow: a side is not settled
            ax.scatter(g["score"], g["sentiment_score"], s=_area(g["n_statements"]), facecolor="none",
                       edgecolor=_stance_colors(g), linewidth=1.5, label=UNCERTAIN, zorder=3)
        ax.set_xlim(-1.05, 1.05)
        ax.set_ylim(-1.05, 1.05)
        ax.set_xlabel(SCORE_LABEL)
        ax.set_ylabel("sentiment: p(positive) − p(negative)")
        for x, y, text in ((0.98, 0.02, "favours, negative tone"), (0.02, 0.02, "against, negative tone"),
                           (0.98, 0.98, "favours, positive tone"), (0.02, 0.98, "against, positive tone")):
            ax.text(x, y, text, transform=ax.transAxes, ha="right" if x > 0.5 else "left",
                    va="bottom" if y < 0.5 else "top", fontsize=8.5, color="#666666", style="italic")
        legend = ax.legend(loc="lower center", ncol=4, fontsize=8, bbox_to_anchor=(0.5, 1.0),
                           title="stance label (point area grows with statements)", title_fontsize=8)
        for handle in legend.legend_handles:
            handle.set_sizes([40])
        unnamed = _place_labels(canvas.fig, ax, shown, np.sqrt(_area(shown["n_statements"])) / 2)
        if unnamed:
            canvas.add_note(f"{unnamed} crowded points left unnamed (see the evidence table)")
        return canvas.fig


def _place_labels(fig, ax, rows, radii=None):
    """Name the points of ``rows`` without overlaps, in order; returns how many were left unnamed.

    ``radii``: each point's marker radius in points (default 4).  Tries eight
    spots just outside each marker and drops a label that fits nowhere inside
    the axes without overlapping an earlier label or any marker of ``rows``.
    """
    from matplotlib.transforms import Bbox

    renderer = fig.canvas.get_renderer()
    inside = ax.get_window_extent(renderer)
    radii = np.full(len(rows), 4.0) if radii is None else np.asarray(radii, dtype=float)
    xy = ax.transData.transform(rows[["score", "sentiment_score"]].to_numpy(float))
    points = [Bbox.from_extents(x - r, y - r, x + r, y + r)
              for (x, y), r in zip(xy, radii * fig.dpi / 72)]
    placed = []
    for (_, row), radius in zip(rows.iterrows(), radii):
        dx, dy = radius + 3, radius + 6  # clear of the marker: beside it, or above / below it
        spots = [(dx, 0, "left"), (-dx, 0, "right"), (dx, dy, "left"), (-dx, dy, "right"),
                 (dx, -dy, "left"), (-dx, -dy, "right"), (0, dy + 4, "center"), (0, -dy - 4, "center")]
        for offset_x, offset_y, ha in spots:
            text = ax.annotate(short(row["speaker"], 22, 2), (row["score"], row["sentiment_score"]),
                               xytext=(offset_x, offset_y), textcoords="offset points", ha=ha, va="center",
                               fontsize=8, zorder=4)
            box = text.get_window_extent(renderer)
            fits = (box.x0 >= inside.x0 and box.x1 <= inside.x1 and box.y0 >= inside.y0
                    and box.y1 <= inside.y1)
            if fits and not any(box.overlaps(b) for b in placed + points):
                placed.append(box.expanded(1.04, 1.1))
                break
            text.remove()
    return len(rows) - len(placed)


def _group_panel(ax, table, by, n):
    """Draw one panel of figure 3: the ``n`` groups of ``by`` with most statements as bars, members as diamonds."""
    groups, dropped = _top(group_stance(table, by), by, n)
    groups = groups.sort_values(["score", by]).reset_index(drop=True)
    members = _corpus(table)
    members[by] = members[by].replace("", NOT_STATED)
    members = members[members[by].isin(groups[by])]
    y = np.arange(len(groups))
    colors = [STANCE_COLORS[s] for s in groups["stance"]]
    ax.barh(y, groups["score"], color=colors, height=0.6)
    ax.scatter(groups["score"], y, marker="|", s=300, linewidths=3, color=colors, zorder=2)
    # Many members overprint: translucent diamonds show where they crowd.
    ax.scatter(members["score"], members[by].map(dict(zip(groups[by], y))), marker="D", s=16, linewidth=0,
               color="black", alpha=1.0 if len(members) <= 3 * len(groups) else 0.35, zorder=3)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, [short(g, NAME_WIDTH, 2) for g in groups[by]], fontsize=8.5)
    ax.set_ylim(-0.6, len(groups) - 0.4)
    ax.set_xlim(-1.05, 1.05)
    ax.grid(axis="y", visible=False)
    more = f"  (the {len(groups)} with most statements; {dropped} more not shown)" if dropped else ""
    ax.set_title(f"by {by}{more}", loc="left", fontsize=10.5)
    for yi, (k, m) in enumerate(zip(groups["n_speakers"], groups["n_statements"])):
        ax.text(1.02, yi, f"{_count(k, 'speaker')}, {m} st.", va="center", fontsize=7.5,
                transform=ax.get_yaxis_transform())


def group_figure(table, target=None, top=TOP_GROUPS):
    """Figure 3: stance by country (top panel) and by organisation (bottom panel).

    Parameters
    ----------
    table : DataFrame
        ``speaker_stance`` output; groups come from ``group_stance``.
    target : str, optional
        Title text; default: the table's ``target`` column.
    top : int, default ``TOP_GROUPS``
        Groups per panel, those with most statements (fewer when both panels
        would make the figure taller than ``MAX_HEIGHT``); each panel's title
        says how many were left out.

    Returns
    -------
    Figure
        Bars: the group's score (its speakers' scores weighted by their on-target
        statements), coloured by its label; diamonds: each member speaker's own
        score, so agreement within a group is visible.  Speakers without a
        country / organisation form '(not stated)'.
    """
    target, note = _target(table, target), _models(table)
    rows = _corpus(table)
    if rows.empty:
        return _message_figure(target, note, "No speaker statements to score.")
    n_country, n_org = (min(top, rows[by].replace("", NOT_STATED).nunique()) for by in ("country", "organization"))
    # From the top, in inches: panel title, country bars, gap (x ticks + next
    # title), organisation bars, x ticks and label.
    head, step, gap, foot = 0.35, 0.42, 0.75, 0.6
    room = _fitting(n_country + n_org, step, head + gap + foot + 1.2)
    if n_country + n_org > room:  # share the room; a panel with few groups leaves the rest to the other
        half = max(1, room // 2)
        n_country, n_org = min(n_country, max(half, room - n_org)), min(n_org, max(half, room - n_country))
    body = head + step * n_country + gap + step * n_org + foot
    with matplotlib.rc_context(STYLE):
        canvas = _Canvas(target, _join(note, "bars: group (weighted by on-target statements); ◆: one speaker"), body)
        upper = canvas.axes(left=2.55, right=1.45, top=head, bottom=body - head - step * n_country)
        _group_panel(upper, table, "country", n_country)
        lower = canvas.axes(left=2.55, right=1.45, top=head + step * n_country + gap, bottom=foot)
        _group_panel(lower, table, "organization", n_org)
        lower.set_xlabel(SCORE_LABEL)
        return canvas.fig


def time_freq(dates, freq=None):
    """The bin size of figure 4: ``freq`` when given, else chosen from the span of ``dates``.

    Parameters
    ----------
    dates : Series of datetime64
        The known article dates (no NaT).
    freq : {'D', 'W', 'M'}, optional
        Day, week (Monday to Sunday) or calendar month.  None: days for a span
        of up to 6 weeks, weeks up to a year, months beyond.

    Returns
    -------
    str
        One of ``FREQS``.
    """
    if freq is None:
        span = (dates.max() - dates.min()).days
        freq = "D" if span <= 42 else "W" if span <= 366 else "M"
    if freq not in FREQS:
        raise ValueError(f"freq must be one of {', '.join(FREQS)} or None, not {freq!r}")
    return freq


def _bootstrap(values, weights, n_boot, rng, chunk=2_000_000):
    """5% and 95% quantiles of the weighted mean over ``n_boot`` resamples (with replacement) of the units."""
    k = len(values)
    weighted = values * weights
    draws = []
    for size in np.diff(np.r_[np.arange(0, n_boot, max(1, chunk // k)), n_boot]):  # bounded memory
        idx = rng.integers(0, k, (size, k))
        draws.append(weighted[idx].sum(axis=1) / weights[idx].sum(axis=1))
    return np.quantile(np.concatenate(draws), [0.05, 0.95])


def time_bins(rows, freq, n_boot=N_BOOT, seed=0):
    """Per-article speaker rows -> one row per time bin of figure 4.

    Parameters
    ----------
    rows : DataFrame
        Per-article rows of ``speaker_stance`` output with a known ``date``.
    freq : {'D', 'W', 'M'}
        Bin size (see ``time_freq``).
    n_boot, seed : int
        Bootstrap resamples per bin, and their seed; bin ``b`` draws from
        ``default_rng([seed, b.ordinal])``, so a bin's interval depends on its rows only.

    Returns
    -------
    DataFrame
        Every bin from the first date's to the last's (empty ones too, so gaps
        show): ``start``, ``end`` (Timestamps), ``mean`` (the speakers' scores
        weighted by their on-target statements, as ``group_stance`` does; NaN
        when no statement is on target), ``lo``, ``hi`` (90% percentile bootstrap
        interval of ``mean``, resampling the bin's speaker-article pairs with an
        on-target statement; NaN with fewer than two), ``n_statements``, ``n_on_target``.
    """
    period = rows["date"].dt.to_period(freq)
    groups = dict(list(rows.groupby(period)))
    out = []
    for bin_ in pd.period_range(period.min(), period.max(), freq=freq):
        g = groups.get(bin_, rows.iloc[:0])
        units = g[g["n_on_target"] > 0]
        w, v = units["n_on_target"].to_numpy(float), units["score"].to_numpy(float)
        mean = float(np.average(v, weights=w)) if len(units) else np.nan
        lo, hi = (_bootstrap(v, w, n_boot, np.random.default_rng([seed, bin_.ordinal]))
                  if len(units) > 1 else (np.nan, np.nan))
        out.append({"start": bin_.start_time, "end": (bin_ + 1).start_time, "mean": mean, "lo": lo, "hi": hi,
                    "n_statements": int(g["n_statements"].sum()), "n_on_target": int(g["n_on_target"].sum())})
    return pd.DataFrame(out)


def _draw_series(ax, bins, unit):
    """Upper panel of figure 4: mean lean per bin, its interval as a band (whiskers where a bin stands alone)."""
    mid = bins["start"] + (bins["end"] - bins["start"]) / 2
    color = OKABE_ITO["blue"]
    ax.fill_between(mid, bins["lo"], bins["hi"], color=OKABE_ITO["sky"], alpha=0.35, linewidth=0,
                    label="90% interval: bootstrap over the speaker-article pairs of the " + unit)
    has = bins["lo"].notna()
    alone = has & ~has.shift(1, fill_value=False) & ~has.shift(-1, fill_value=False)  # no band to draw
    ax.errorbar(mid[alone], bins["mean"][alone], yerr=[bins["mean"][alone] - bins["lo"][alone],
                bins["hi"][alone] - bins["mean"][alone]], fmt="none", ecolor=OKABE_ITO["sky"], elinewidth=2,
                capsize=4)
    ax.plot(mid, bins["mean"], color=color, linewidth=1.8, marker="o", markersize=3.5 if len(bins) <= 60 else 0,
            label=f"mean lean per {unit} (speakers weighted by on-target statements)", zorder=3)
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_ylim(-1.05, 1.05)
    ax.set_ylabel("stance score\n(mean lean)")
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), fontsize=8, ncol=1)


def _draw_counts(ax, bins, unit):
    """Lower panel of figure 4: statements per bin, on target darker."""
    width = (bins["end"] - bins["start"]) / pd.Timedelta(days=1) * 0.85
    mid = bins["start"] + (bins["end"] - bins["start"]) / 2
    ax.bar(mid, bins["n_on_target"], width=width, color="#6E6E6E", label="on target")
    ax.bar(mid, bins["n_statements"] - bins["n_on_target"], bottom=bins["n_on_target"], width=width,
           color="#C8C8C8", label="off target")
    ax.set_ylabel(f"statements\nper {unit}")
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    ax.grid(axis="x", visible=False)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    locator = AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))


def over_time_figure(table, target=None, freq=None):
    """Figure 4: stance over article dates, as a time series of bins.

    Parameters
    ----------
    table : DataFrame
        ``speaker_stance`` output with article dates (per-article rows are used).
    target : str, optional
        Title text; default: the table's ``target`` column.
    freq : {'D', 'W', 'M'}, optional
        Bin size; None: chosen from the span of the dates (``time_freq``).

    Returns
    -------
    Figure
        Upper panel: the mean lean per bin with its 90% bootstrap interval
        (``time_bins``); lower panel: statements per bin, on target darker.
        Rows without a date are left out and counted in the note; without
        any date, a figure that says so (the set of files written is the same
        for every corpus).
    """
    target, note = _target(table, target), _models(table)
    rows = table[table["article_id"] != CORPUS].assign(date=lambda t: pd.to_datetime(t["date"]))
    dated, undated = rows[rows["date"].notna()], rows[rows["date"].isna()]
    if undated.size:
        note = _join(note, f"{_count(undated['n_statements'].sum(), 'statement')} from "
                           f"{_count(undated['article_id'].nunique(), 'undated article')} not shown")
    if rows.empty:
        return _message_figure(target, note, "No speaker statements to score.")
    if dated.empty:
        return _message_figure(target, note, "No article has a known date, so there is no time axis:\n"
                               "see the speaker stance figure instead.")
    freq = time_freq(dated["date"], freq)
    bins, unit = time_bins(dated, freq), FREQS[freq]
    if len(bins) == 1:
        note = _join(note, f"all dated articles fall in one {unit}: no trend to read")
    with matplotlib.rc_context(STYLE):
        canvas = _Canvas(target, note, 5.6, note_lines=2)
        upper = canvas.axes(left=1.05, right=1.3, top=0.6, bottom=2.0)
        lower = canvas.axes(left=1.05, right=1.3, top=3.85, bottom=0.55)
        lower.sharex(upper)
        upper.tick_params(labelbottom=False)
        _draw_series(upper, bins, unit)
        _draw_counts(lower, bins, unit)
        pad = (bins["end"].iat[-1] - bins["start"].iat[0]) * (0.02 if len(bins) > 1 else 2)
        upper.set_xlim(bins["start"].iat[0] - pad, bins["end"].iat[-1] + pad)
        lower.set_xlabel(f"article date (one bin per {unit})")
        return canvas.fig


def who_quotes_whom_figure(statements, target=None, max_names=20):
    """Figure 5: matrix of who relays whose words (``reported_by`` -> ``speaker``).

    ``statements``: ``schemas.STATEMENTS`` (or scored).  Rows: the relaying
    speaker; columns: the speaker whose words are relayed; cells: statements.
    At most ``max_names`` rows and columns (most relays first; the note counts
    the others).  Without any nested attribution, a figure that says so.
    Returns a Figure.
    """
    target, note = _target(statements, target), _models(statements)
    relayed = statements[statements["reported_by"].map(_str).str.strip() != ""]
    if relayed.empty:
        return _message_figure(target, note, "No statement in this corpus is relayed by another speaker\n"
                               "(no 'A quoted B' attributions), so there is no who-quotes-whom matrix.",
                               title=QUOTES_TITLE)
    counts = pd.crosstab(relayed["reported_by"], relayed["speaker"])
    left_out = max(0, counts.shape[0] - max_names), max(0, counts.shape[1] - max_names)
    if any(left_out):
        note = _join(note, f"{left_out[0]} relaying and {left_out[1]} relayed speakers with fewest relays not shown")
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


def _cell(text):
    """A Markdown table cell: one line, pipes escaped."""
    return " ".join(_str(text).split()).replace("|", "\\|")


def _evidence_section(r, own, total):
    """The Markdown lines of one speaker (``r``: corpus row) with its ranked statements ``own`` of ``total``."""
    who = ", ".join(v for v in (r["role"], r["organization"], r["country"]) if v and v != r["speaker"])
    lines = [f"## {_cell(r['speaker'])}" + (f" ({_cell(who)})" if who else ""), "",
             f"**{r['stance']}** · score {r['score']:+.2f} (90% interval {r['score_lo']:+.2f} to "
             f"{r['score_hi']:+.2f}) · confidence {r['stance_confidence']:.2f} · "
             f"sentiment {r['sentiment']} · n={r['n_statements']}", "",
             "| article | stance | p_favor | p_against | p_neutral | sentiment | statement |",
             "|---|---|---:|---:|---:|---|---|"]
    for s in own:
        lines.append(f"| {_cell(s['article_id'])} | {s['stance']} | {s['p_favor']:.2f} | "
                     f"{s['p_against']:.2f} | {s['p_neutral']:.2f} | {s['sentiment']} | {_cell(s['text'])} |")
    if total > len(own):
        lines.append(f"| | | | | | | _… {total - len(own)} more_ |")
    return lines + [""]


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
    rows = _corpus(table).sort_values(["score", "speaker"]).to_dict("records")
    if not rows:
        return "\n".join(lines + ["No speaker statements to score.", ""])
    lines += ["score = mean lean (p(favor) − p(against)) / (p(favor) + p(against)) of the speaker's on-target "
              "statements, confidence-weighted; interval: 90%; confidence: share of the speaker's statements "
              "that bear on the target times the stability of the side the score leans to; uncertain: the "
              "on-target statements disagree, or the only one is weak.", "",
              "| speaker | stance | score | 90% interval | confidence | sentiment | n |",
              "|---|---|---:|---|---:|---|---:|"]
    for r in rows:
        lines.append(f"| {_cell(r['speaker'])} | {r['stance']} | {r['score']:+.2f} | "
                     f"{r['score_lo']:+.2f} to {r['score_hi']:+.2f} | {r['stance_confidence']:.2f} | "
                     f"{r['sentiment']} | {r['n_statements']} |")
    lines.append("")
    ranked = scored.assign(_who=scored["speaker"].map(_str), _s=(scored["p_favor"] - scored["p_against"]).abs())
    ranked = ranked.sort_values(["_who", "_s", "statement_id"], ascending=[True, False, True], kind="stable")
    totals = ranked["_who"].value_counts()
    own = {}
    for s in ranked.groupby("_who").head(per_speaker).to_dict("records"):
        own.setdefault(s["_who"], []).append(s)
    for r in rows:
        lines += _evidence_section(r, own.get(r["speaker"], []), int(totals.get(r["speaker"], 0)))
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


def render_all(table, scored, out_dir, target=None, *, top=TOP_SPEAKERS, top_groups=TOP_GROUPS, freq=None):
    """Write figures 1-5 (PNG + SVG) and the evidence Markdown into ``out_dir``.

    Parameters
    ----------
    table : DataFrame
        ``speaker_stance`` output.
    scored : DataFrame
        ``schemas.SCORED_STATEMENTS``.
    out_dir : str or Path
        Folder for the files (``FIGURE_NAMES``, ``EVIDENCE_NAME``).
    target : str, optional
        Title text; default: the tables' ``target`` column.
    top : int, default ``TOP_SPEAKERS``
        Speakers shown in figure 1 and named in figure 2.
    top_groups : int, default ``TOP_GROUPS``
        Countries and organisations shown in figure 3.
    freq : {'D', 'W', 'M'}, optional
        Time bins of figure 4; None: chosen from the span of the dates.

    Returns
    -------
    list of Path
        The written paths, figures in order, the Markdown last.
    """
    makers = [speaker_stance_figure(table, target, top=top), stance_sentiment_figure(table, target, top=top),
              group_figure(table, target, top=top_groups), over_time_figure(table, target, freq=freq),
              who_quotes_whom_figure(scored, target)]
    paths = []
    for name, fig in zip(FIGURE_NAMES, makers):
        paths += save_figure(fig, out_dir, name)
    paths.append(write_text(evidence_markdown(table, scored, target), Path(out_dir) / EVIDENCE_NAME))
    return paths
