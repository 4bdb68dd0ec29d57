"""Figures 1-3: stance per speaker, stance against sentiment, stance by country and organisation."""

import matplotlib
import numpy as np

from ..speakers import NOT_STATED, UNCERTAIN, group_stance
from .style import (
    NAME_WIDTH,
    SCORE_LABEL,
    STANCE_COLORS,
    STYLE,
    TOP_GROUPS,
    TOP_SPEAKERS,
    UNCERTAIN_RING,
    UNCERTAIN_STYLE,
    Canvas,
    corpus_table,
    count_noun,
    fitting_rows,
    join_notes,
    message_figure,
    models_note,
    point_area,
    short,
    speaker_label,
    stance_colors,
    stance_legend,
    title_target,
    top_rows,
)


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
    rows = corpus_table(table)
    target, note = title_target(table, target), models_note(table)
    if rows.empty:
        return message_figure(target, note, "No speaker statements to score.")
    rows, dropped = top_rows(rows, "speaker", top)
    labels = [speaker_label(r) for _, r in rows.iterrows()]
    step = 0.2 + 0.13 * max(label.count("\n") + 1 for label in labels)  # inches per bar
    n = fitting_rows(len(rows), step, 1.15 + 1.2)  # axes margins, title and note
    dropped += len(rows) - n
    rows = rows.head(n).sort_values(["score", "speaker"], ascending=[True, False]).reset_index(drop=True)
    labels = [speaker_label(r) for _, r in rows.iterrows()]
    if dropped:
        note = join_notes(note, f"the {n} speakers with most statements; {dropped} others not shown")
    with matplotlib.rc_context(STYLE):
        canvas = Canvas(target, note, 1.15 + step * n)
        ax = canvas.axes(left=2.55, right=0.75, top=0.45, bottom=0.7)
        y = np.arange(n)
        colors = stance_colors(rows)
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
        stance_legend(ax, uncertain=bool(uncertain.any()), loc="lower center", bbox_to_anchor=(0.5, 1.0))
        return canvas.fig


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
    rows = corpus_table(table)
    target, note = title_target(table, target), models_note(table)
    if rows.empty:
        return message_figure(target, note, "No speaker statements to score.")
    shown, left_out = top_rows(rows, "speaker", top)
    shown = shown.reset_index(drop=True)
    rest = rows[~rows["speaker"].isin(shown["speaker"])]
    if left_out:
        note = join_notes(note, f"grey dots: {left_out} speakers with fewer statements")
    with matplotlib.rc_context(STYLE):
        canvas = Canvas(target, note, 6.6, note_lines=2)
        ax = canvas.axes(left=0.9, right=0.3, top=0.55, bottom=0.6)
        ax.axhline(0, color="black", linewidth=0.8)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.scatter(rest["score"], rest["sentiment_score"], s=6, color="#BDBDBD", linewidth=0, zorder=2)
        for stance, color in STANCE_COLORS.items():
            g = shown[shown["stance"] == stance]
            ax.scatter(g["score"], g["sentiment_score"], s=point_area(g["n_statements"]),
                       color=color, edgecolor="white", linewidth=0.8, label=stance, zorder=3)
        g = shown[shown["stance"] == UNCERTAIN]
        if len(g):  # hollow: a side is not settled
            ax.scatter(g["score"], g["sentiment_score"], s=point_area(g["n_statements"]), facecolor="none",
                       edgecolor=stance_colors(g), linewidth=1.5, label=f"{UNCERTAIN} (ring in the colour it leans to)",
                       zorder=3)
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
        for handle, text in zip(legend.legend_handles, legend.get_texts()):
            handle.set_sizes([40])
            if text.get_text().startswith(UNCERTAIN):  # a neutral ring, not its first point's lean
                handle.set_edgecolor(UNCERTAIN_RING)
        unnamed = place_labels(canvas.fig, ax, shown, np.sqrt(point_area(shown["n_statements"])) / 2)
        if unnamed:
            canvas.add_note(f"{unnamed} crowded points left unnamed (see the evidence table)")
        return canvas.fig


def place_labels(fig, ax, rows, radii=None):
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


def _group_panel(ax, table, groups, by, n):
    """Draw one panel of figure 3: the ``n`` of ``groups`` (``group_stance(table, by)``) with most
    statements as bars, members as diamonds."""
    groups, dropped = top_rows(groups, by, n)
    groups = groups.sort_values(["score", by]).reset_index(drop=True)
    members = corpus_table(table)
    members[by] = members[by].replace("", NOT_STATED)
    members = members[members[by].isin(groups[by])]
    y = np.arange(len(groups))
    colors = stance_colors(groups)
    bars = ax.barh(y, groups["score"], color=colors, height=0.6)
    for bar in np.array(bars.patches, dtype=object)[(groups["stance"] == UNCERTAIN).to_numpy()]:
        bar.set(edgecolor="white", linewidth=0, **UNCERTAIN_STYLE)
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
        ax.text(1.02, yi, f"{count_noun(k, 'speaker')}, {m} st.", va="center", fontsize=7.5,
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
    target, note = title_target(table, target), models_note(table)
    rows = corpus_table(table)
    if rows.empty:
        return message_figure(target, note, "No speaker statements to score.")
    n_country, n_org = (min(top, rows[by].replace("", NOT_STATED).nunique()) for by in ("country", "organization"))
    # From the top, in inches: panel title, country bars, gap (x ticks + next
    # title), organisation bars, x ticks and label.
    head, step, gap, foot = 0.35, 0.42, 0.75, 0.6
    room = fitting_rows(n_country + n_org, step, head + gap + foot + 1.2)
    if n_country + n_org > room:  # share the room; a panel with few groups leaves the rest to the other
        half = max(1, room // 2)
        n_country, n_org = min(n_country, max(half, room - n_org)), min(n_org, max(half, room - n_country))
    body = head + step * n_country + gap + step * n_org + foot
    with matplotlib.rc_context(STYLE):
        groups = {by: group_stance(table, by) for by in ("country", "organization")}
        unsure = any((g["stance"] == UNCERTAIN).any() for g in groups.values())
        note = join_notes(note, "bars: group (weighted by on-target statements" +
                          ("; hatched: uncertain, its speakers do not settle a side" if unsure else "") +
                          "); ◆: one speaker")
        canvas = Canvas(target, note, body)
        upper = canvas.axes(left=2.55, right=1.45, top=head, bottom=body - head - step * n_country)
        _group_panel(upper, table, groups["country"], "country", n_country)
        lower = canvas.axes(left=2.55, right=1.45, top=head + step * n_country + gap, bottom=foot)
        _group_panel(lower, table, groups["organization"], "organization", n_org)
        lower.set_xlabel(SCORE_LABEL)
        return canvas.fig
