"""Figure 4: stance over time in daily, weekly or monthly bins with bootstrap intervals."""

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.ticker import MaxNLocator

from ..speakers import CORPUS
from .style import (
    FREQS,
    N_BOOT,
    OKABE_ITO,
    STYLE,
    Canvas,
    count_noun,
    join_notes,
    message_figure,
    models_note,
    title_target,
)


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
    target, note = title_target(table, target), models_note(table)
    rows = table[table["article_id"] != CORPUS].assign(date=lambda t: pd.to_datetime(t["date"]))
    dated, undated = rows[rows["date"].notna()], rows[rows["date"].isna()]
    if undated.size:
        note = join_notes(note, f"{count_noun(undated['n_statements'].sum(), 'statement')} from "
                           f"{count_noun(undated['article_id'].nunique(), 'undated article')} not shown")
    if rows.empty:
        return message_figure(target, note, "No speaker statements to score.")
    if dated.empty:
        return message_figure(target, note, "No article has a known date, so there is no time axis:\n"
                               "see the speaker stance figure instead.")
    freq = time_freq(dated["date"], freq)
    bins, unit = time_bins(dated, freq), FREQS[freq]
    if len(bins) == 1:
        note = join_notes(note, f"all dated articles fall in one {unit}: no trend to read")
    with matplotlib.rc_context(STYLE):
        canvas = Canvas(target, note, 5.6, note_lines=2)
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
