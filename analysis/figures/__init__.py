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

from pathlib import Path

import matplotlib

from ..io import atomic_path, write_text
from .evidence import evidence_markdown
from .quotes import who_quotes_whom_figure
from .speaker_figures import group_figure, speaker_stance_figure, stance_sentiment_figure
from .style import (
    DPI,
    EVIDENCE_NAME,
    FIGURE_NAMES,
    MAX_HEIGHT,
    NAME_WIDTH,
    STANCE_COLORS,
    STYLE,
    TOP_GROUPS,
    TOP_SPEAKERS,
    UNCERTAIN_STYLE,
    short,
)
from .time import over_time_figure, time_bins, time_freq

__all__ = ["render_all", "save_figure", "speaker_stance_figure", "stance_sentiment_figure", "group_figure",
           "over_time_figure", "time_bins", "time_freq", "who_quotes_whom_figure", "evidence_markdown", "short",
           "DPI", "EVIDENCE_NAME", "FIGURE_NAMES", "MAX_HEIGHT", "NAME_WIDTH", "STANCE_COLORS", "STYLE",
           "TOP_GROUPS", "TOP_SPEAKERS", "UNCERTAIN_STYLE"]


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


def render_all(table, scored, out_dir, target=None, *, top=TOP_SPEAKERS, top_groups=TOP_GROUPS, freq=None,
               corpus=None):
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
    corpus : str, optional
        The corpus's name (e.g. its folder's) in figure 5's title, beside the number of articles.

    Returns
    -------
    list of Path
        The written paths, figures in order, the Markdown last.
    """
    makers = [speaker_stance_figure(table, target, top=top), stance_sentiment_figure(table, target, top=top),
              group_figure(table, target, top=top_groups), over_time_figure(table, target, freq=freq),
              who_quotes_whom_figure(scored, corpus=corpus)]
    paths = []
    for name, fig in zip(FIGURE_NAMES, makers):
        paths += save_figure(fig, out_dir, name)
    paths.append(write_text(evidence_markdown(table, scored, target), Path(out_dir) / EVIDENCE_NAME))
    return paths
