"""Figures on synthetic speaker tables (test inputs, not results): valid, readable, deterministic files."""
import subprocess
import sys
import textwrap
from pathlib import Path

import matplotlib.colors
import numpy as np
import pandas as pd
import pytest

from analysis import figures
from analysis.speakers import speaker_stance
from test_speakers import scored

LONG = "Alice Longname-With-A-Very-Long-Surname Example Who Has Four More Given Names"
ROWS = [("a1", LONG, "favor", 0.9, "Country X", "Org One"),
        ("a1", "Bob", "against", 0.8, "Country Y", "Org Two", LONG),
        ("a2", "Bob", "neutral", 0.7, "Country Y", "Org Two"), ("a2", "Carol", "favor", 1.0)]
DATES = {"a1": "2022-01-01", "a2": "2022-01-05"}


def make_data():
    df = scored(ROWS)
    articles = pd.DataFrame({"article_id": list(DATES), "date": pd.to_datetime(list(DATES.values()))})
    return speaker_stance(df, articles, n_boot=100), df


@pytest.fixture
def data():
    return make_data()


def is_png(path):
    return path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def is_svg(path):
    return b"<svg" in path.read_bytes()[:1000]


def all_figures(table, df):
    return [figures.speaker_stance_figure(table), figures.stance_sentiment_figure(table),
            figures.group_figure(table), figures.over_time_figure(table), figures.who_quotes_whom_figure(df)]


def test_render_all_writes_valid_deterministic_files(data, tmp_path):
    table, df = data
    first = figures.render_all(table, df, tmp_path / "one")
    second = figures.render_all(table, df, tmp_path / "two")
    assert sorted(p.name for p in first) == sorted(
        [f"{n}.{e}" for n in figures.FIGURE_NAMES for e in ("png", "svg")] + [figures.EVIDENCE_NAME])
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name
        if a.suffix == ".png":
            assert is_png(a) and b"Software" not in a.read_bytes()
        elif a.suffix == ".svg":
            assert is_svg(a) and b"<dc:date>" not in a.read_bytes()
    assert not list((tmp_path / "one").glob(".*part"))


def test_same_files_from_a_fresh_process(data, tmp_path):
    table, df = data
    figures.render_all(table, df, tmp_path / "here")
    script = textwrap.dedent(f"""
        import sys
        sys.path[:0] = [{str(Path(__file__).parent)!r}]
        from analysis import figures
        from test_figures import make_data
        figures.render_all(*make_data(), {str(tmp_path / 'there')!r})
    """)
    subprocess.run([sys.executable, "-c", script], check=True, cwd=Path(__file__).parent.parent)
    for path in sorted((tmp_path / "here").iterdir()):
        assert path.read_bytes() == (tmp_path / "there" / path.name).read_bytes(), path.name


def test_titles_name_target_and_models(data):
    table, df = data
    *stance_figures, quotes = all_figures(table, df)
    for fig in stance_figures:
        assert fig.texts[0].get_text() == "Stance toward: T"
    n = df["article_id"].nunique()
    assert quotes.texts[0].get_text() == f"Who quotes whom in the corpus: {n} articles"  # no target: no stance
    named = figures.who_quotes_whom_figure(df.assign(target="the new pension reform"), corpus="seeds")
    assert named.texts[0].get_text() == f"Who quotes whom in the corpus: seeds, {n} articles"
    for fig in [*stance_figures, quotes]:
        texts = [t.get_text() for t in fig.texts]
        assert any("stance model: m@1" in t and "sentiment model: s@1" in t for t in texts)
    fig = figures.speaker_stance_figure(table, target="another target")
    assert fig.texts[0].get_text() == "Stance toward: another target"


def test_long_labels_are_wrapped_and_stay_inside_the_figure(data):
    table, df = data
    long_target = scored(ROWS).assign(target="a target " * 40)
    *stance_figures, _ = all_figures(speaker_stance(long_target, n_boot=50), long_target)
    for fig in [*stance_figures, figures.who_quotes_whom_figure(long_target, corpus="a corpus " * 40)]:
        fig.canvas.draw()
        drawn = fig.get_tightbbox(fig.canvas.get_renderer())  # inches, everything drawn
        width, height = fig.get_size_inches()
        assert drawn.x0 >= -0.01 and drawn.y0 >= -0.01, fig.texts[0].get_text()
        assert drawn.x1 <= width + 0.01 and drawn.y1 <= height + 0.01
        assert fig.texts[0].get_text().count("\n") == 1  # two-line title, cut with an ellipsis
    ticks = [t.get_text() for t in figures.speaker_stance_figure(table).axes[0].get_yticklabels()]
    alice = next(t for t in ticks if t.startswith("Alice Longname")).split("\n")
    assert len(alice) == 3 and alice[1].endswith("…") and alice[2] == "Org One"  # name in two lines, then org
    assert all(len(line) <= figures.NAME_WIDTH for line in alice)


def test_message_figures_when_no_data(data, tmp_path):
    table, df = data
    fig = figures.over_time_figure(table.assign(date=pd.NaT))
    assert any("No article has a known date" in t.get_text() for t in fig.texts)
    assert any("4 statements from 2 undated articles not shown" in t.get_text() for t in fig.texts)
    fig = figures.who_quotes_whom_figure(df.assign(reported_by=""))
    assert any("no who-quotes-whom" in t.get_text() for t in fig.texts)
    empty = speaker_stance(scored([]))
    for maker in (figures.speaker_stance_figure, figures.stance_sentiment_figure, figures.group_figure,
                  figures.over_time_figure):
        png, svg = figures.save_figure(maker(empty, "T"), tmp_path, maker.__name__)
        assert is_png(png) and is_svg(svg)
    assert "No speaker statements" in figures.evidence_markdown(empty, scored([]), "T")


def mean_line(ax):
    """The mean-lean line of figure 4's upper panel."""
    return next(line for line in ax.lines if line.get_label().startswith("mean lean"))


def test_over_time_is_a_daily_series_for_a_short_span(data):
    table, _ = data
    upper, lower = figures.over_time_figure(table).axes
    assert len(lower.patches) == 2 * 5  # 1 to 5 January: on- and off-target bars per day
    assert [p.get_height() for p in lower.patches[:5]] == [2, 0, 0, 0, 1]  # on target (Bob's a2 is neutral)
    line = mean_line(upper)
    mean = line.get_ydata()
    a1 = table[table["article_id"] == "a1"]
    assert mean[0] == pytest.approx((a1["score"] * a1["n_on_target"]).sum() / a1["n_on_target"].sum())
    carol = table[(table["article_id"] == "a2") & (table["speaker"] == "Carol")]["score"].iat[0]
    assert pd.isna(mean[1:4]).all() and mean[4] == pytest.approx(carol)  # Carol alone on target on 5 January
    assert "per day" in line.get_label()


def test_over_time_with_one_date_or_some_undated(data):
    table, _ = data
    fig = figures.over_time_figure(table.assign(date=pd.Timestamp("2022-01-01")))
    upper, lower = fig.axes
    assert len(lower.patches) == 2 and len(mean_line(upper).get_ydata()) == 1
    assert any("all dated articles fall in one day: no trend to read" in t.get_text() for t in fig.texts)
    some = table.assign(date=table["date"].where(table["article_id"] != "a2"))
    fig = figures.over_time_figure(some)
    assert any("2 statements from 1 undated article not shown" in t.get_text() for t in fig.texts)


def test_who_quotes_whom_counts(data):
    _, df = data
    ax = figures.who_quotes_whom_figure(df).axes[0]
    assert ax.images[0].get_array().tolist() == [[1]]
    assert [t.get_text() for t in ax.get_yticklabels()][0].startswith("Alice Longname")


def test_tables_read_back_from_csv_render(data, tmp_path):
    table, df = data
    table.to_csv(tmp_path / "s.csv", index=False)
    df.to_csv(tmp_path / "st.csv", index=False)
    back = pd.read_csv(tmp_path / "s.csv", parse_dates=["date"])  # empty cells come back as NaN
    paths = figures.render_all(back, pd.read_csv(tmp_path / "st.csv"), tmp_path / "out")
    assert all(p.stat().st_size > 0 for p in paths)
    assert "nan" not in paths[-1].read_text(encoding="utf-8").replace("Longname", "")


def test_evidence_markdown(data):
    table, df = data
    md = figures.evidence_markdown(table, df)
    assert md.startswith("# Evidence per speaker: stance toward T")
    assert "| Bob | against |" in md  # summary row
    assert "## Bob (Org Two, Country Y)" in md
    assert "| a1 | against | 0.05 | 0.90 | 0.05 | negative | statement 1 by Bob |" in md
    assert md.index("## Bob") < md.index("## Carol")  # ordered by score


def test_short_wraps_and_truncates():
    assert figures.short("a " * 50, 10, 2).count("\n") == 1
    assert figures.short("x" * 40, 10, 1).endswith("…")
    assert figures.short(float("nan")) == ""


def test_point_labels_overlap_neither_each_other_nor_points():
    import matplotlib.pyplot as plt

    from analysis.figures.speaker_figures import place_labels

    rows = pd.DataFrame({"speaker": [f"Speaker Number {i}" for i in range(6)],
                         "score": [0.40, 0.46, 0.52, 0.45, -0.5, 0.0],
                         "sentiment_score": [0.0, 0.02, 0.0, -0.03, 0.5, 0.0]})
    fig, ax = plt.subplots(figsize=(8, 6))
    ax.set_xlim(-1, 1)
    ax.set_ylim(-1, 1)
    ax.scatter(rows["score"], rows["sentiment_score"])
    unnamed = place_labels(fig, ax, rows)
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in ax.texts]
    points = ax.transData.transform(rows[["score", "sentiment_score"]].to_numpy(float))
    plt.close(fig)
    assert len(boxes) + unnamed == len(rows) and len(boxes) >= 4
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    assert not any(box.contains(x, y) for box in boxes for x, y in points)


# At scale: a synthetic corpus of 10,000 articles, 2,000 speakers, 60 organisations, 40 countries, two years.

@pytest.fixture(scope="module")
def large():
    from scale_data import synthetic_tables

    return synthetic_tables()


def tick_lines(labels):
    return [line for t in labels for line in t.get_text().split("\n")]


def assert_readable(fig):
    """Everything drawn lies inside the figure, level tick labels overlap no other, size within the caps."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    width, height = fig.get_size_inches()
    assert width <= 15 and height <= figures.MAX_HEIGHT + 0.01
    drawn = fig.get_tightbbox(renderer)
    assert drawn.x0 >= -0.01 and drawn.y0 >= -0.01 and drawn.x1 <= width + 0.01 and drawn.y1 <= height + 0.01
    for ax in fig.axes:
        for labels in (ax.get_yticklabels(), ax.get_xticklabels()):
            # Rotated labels' upright boxes overlap whatever the glyphs do: only level ones are compared.
            boxes = [t.get_window_extent(renderer) for t in labels if t.get_text() and not t.get_rotation()]
            assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])


@pytest.mark.parametrize("top", [5, 20])
def test_large_speaker_figures_show_the_top_speakers(large, top):
    table, _ = large
    n = (table["article_id"] == "*").sum()
    fig = figures.speaker_stance_figure(table, top=top)
    assert_readable(fig)
    ticks = fig.axes[0].get_yticklabels()
    assert len(ticks) == top
    assert all(len(line) <= figures.NAME_WIDTH for line in tick_lines(ticks))
    assert any(f"the {top} speakers with most statements; {n - top} others not shown" in t.get_text()
               for t in fig.texts)
    most = table[table["article_id"] == "*"].nlargest(top, "n_statements")["speaker"]
    assert {t.get_text().split("\n")[0] for t in ticks} == {figures.short(s).split("\n")[0] for s in most}
    fig = figures.stance_sentiment_figure(table, top=top)
    assert_readable(fig)
    ax = fig.axes[0]
    assert len(ax.texts) - 4 <= top  # point labels, besides the four quadrant captions
    assert len(ax.collections[0].get_offsets()) == n - top  # grey dots
    assert any(f"grey dots: {n - top} speakers" in t.get_text() for t in fig.texts)


def test_large_top_is_capped_by_the_figure_height(large):
    table, _ = large
    fig = figures.speaker_stance_figure(table, top=500)
    shown = len(fig.axes[0].get_yticklabels())
    assert 20 < shown < 500 and fig.get_size_inches()[1] <= figures.MAX_HEIGHT
    fig = figures.group_figure(table, top=100)
    assert_readable(fig)
    shown = [len(ax.get_yticklabels()) for ax in fig.axes]
    assert sum(shown) > 2 * figures.TOP_GROUPS - 2 and min(shown) > 1


def test_large_group_figure_shows_top_groups_weighted_by_on_target(large):
    from analysis.speakers import group_stance

    table, _ = large
    fig = figures.group_figure(table)
    assert_readable(fig)
    for ax, by, total in zip(fig.axes, ("country", "organization"), (41, 61)):  # with '(not stated)'
        ticks = ax.get_yticklabels()
        assert len(ticks) == figures.TOP_GROUPS
        assert all(len(line) <= figures.NAME_WIDTH for line in tick_lines(ticks))
        assert f"{total - figures.TOP_GROUPS} more not shown" in ax.get_title(loc="left")
        groups = group_stance(table, by).nlargest(figures.TOP_GROUPS, "n_statements")
        bars = sorted(p.get_width() for p in ax.patches)
        assert bars == pytest.approx(sorted(groups["score"]))


@pytest.mark.parametrize("days, freq", [(30, "D"), (200, "W"), (730, "M")])
def test_time_freq_follows_the_span(days, freq):
    dates = pd.Series(pd.Timestamp("2022-01-01") + pd.to_timedelta([0, days], unit="D"))
    assert figures.time_freq(dates) == freq
    assert figures.time_freq(dates, "W") == "W"
    with pytest.raises(ValueError, match="freq must be one of"):
        figures.time_freq(dates, "Q")


@pytest.mark.parametrize("freq, n_bins", [(None, 24), ("M", 24), ("W", 105)])  # 2022-2023, Monday weeks
def test_large_over_time_has_one_bar_per_bin(large, freq, n_bins):
    table, _ = large
    fig = figures.over_time_figure(table, freq=freq)
    assert_readable(fig)
    upper, lower = fig.axes
    assert len(lower.patches) == 2 * n_bins
    per_article = table[table["article_id"] != "*"]
    assert sum(p.get_height() for p in lower.patches) == per_article.dropna(subset=["date"])["n_statements"].sum()
    undated = per_article[per_article["date"].isna()]
    assert any(f"{undated['n_statements'].sum()} statements from {undated['article_id'].nunique()} undated"
               in t.get_text() for t in fig.texts)
    assert len(mean_line(upper).get_ydata()) == n_bins


def test_time_bins_mean_and_bootstrap_interval(large):
    table, _ = large
    rows = table[(table["article_id"] != "*")].dropna(subset=["date"])
    bins = figures.time_bins(rows, "M", n_boot=400)
    january = rows[rows["date"] < "2022-02-01"]
    on = january[january["n_on_target"] > 0]
    assert bins["mean"].iat[0] == pytest.approx(np.average(on["score"], weights=on["n_on_target"]))
    assert (bins["lo"] <= bins["mean"]).all() and (bins["mean"] <= bins["hi"]).all()
    assert bins.equals(figures.time_bins(rows, "M", n_boot=400))  # seeded
    few = figures.time_bins(on.head(12), "M", n_boot=400)
    assert (few["hi"] - few["lo"]).iat[0] > (bins["hi"] - bins["lo"]).iat[0]  # fewer pairs, wider interval
    one = figures.time_bins(on.head(1), "D")
    assert len(one) == 1 and one[["lo", "hi"]].isna().all(axis=None) and one["mean"].iat[0] == on["score"].iat[0]


def test_large_who_quotes_whom_keeps_the_most_relayed(large):
    _, scored = large
    fig = figures.who_quotes_whom_figure(scored, max_names=12)
    assert_readable(fig)
    ax = fig.axes[0]
    assert ax.images[0].get_array().shape == (12, 12)
    assert all(len(line) <= 18 for line in tick_lines(ax.get_xticklabels()))
    assert all(len(line) <= figures.NAME_WIDTH for line in tick_lines(ax.get_yticklabels()))
    relayed = scored[scored["reported_by"] != ""]
    assert any(f"{relayed['reported_by'].nunique() - 12} relaying and {relayed['speaker'].nunique() - 12} relayed"
               in t.get_text() for t in fig.texts)


def test_large_render_all_writes_every_file_in_seconds(large, tmp_path):
    import time

    table, scored = large
    start = time.perf_counter()
    paths = figures.render_all(table, scored, tmp_path)
    seconds = time.perf_counter() - start
    print(f"render_all, 10,000 articles: {seconds:.1f} s")
    assert len(paths) == 2 * len(figures.FIGURE_NAMES) + 1 and all(p.stat().st_size > 0 for p in paths)
    assert seconds < 60  # about 3 s unloaded; tests/benchmarks/bench_figures.py times each figure


def test_uncertain_speakers_are_hatched_faded_bars_in_their_lean_colour():
    df = scored([("a", "Sure", "favor", 1.0), ("a", "Sure", "favor", 1.0),
                 ("a", "Weak", (0.55, 0.10, 0.35), 1.0),
                 ("a", "Split", "favor", 1.0), ("a", "Split", "against", 1.0)])
    table = speaker_stance(df, n_boot=200)
    fig = figures.speaker_stance_figure(table)
    ax = fig.axes[0]
    names = [t.get_text().split("\n")[0] for t in ax.get_yticklabels()]
    bars = dict(zip(names, ax.patches[:len(names)]))
    assert bars["Weak"].get_hatch() == figures.UNCERTAIN_STYLE["hatch"]
    assert bars["Weak"].get_alpha() == figures.UNCERTAIN_STYLE["alpha"]
    assert bars["Sure"].get_hatch() is None and bars["Sure"].get_alpha() is None
    # Weak leans favor: its bar is favor's colour, faded.
    assert bars["Weak"].get_facecolor()[:3] == bars["Sure"].get_facecolor()[:3]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "uncertain" in legend
    text = figures.evidence_markdown(table, df)
    assert "| Weak | uncertain |" in text and "| Split | uncertain |" in text


def test_stance_sentiment_legend_explains_the_uncertain_ring():
    """Figure 2 draws an uncertain speaker as a ring in the colour it leans to (grey when it
    leans nowhere); its legend entry says so and is a neutral ring, not one side's colour."""
    df = scored([("a", "Sure", "favor", 1.0), ("a", "Weak", (0.55, 0.10, 0.35), 1.0),
                 ("a", "Split", "favor", 1.0), ("a", "Split", "against", 1.0)])
    fig = figures.stance_sentiment_figure(speaker_stance(df, n_boot=200))
    legend = fig.axes[0].get_legend()
    entry = next(i for i, t in enumerate(legend.get_texts()) if t.get_text().startswith("uncertain"))
    assert legend.get_texts()[entry].get_text() == "uncertain (ring in the colour it leans to)"
    ring = legend.legend_handles[entry]
    assert not ring.get_facecolor().any()
    assert matplotlib.colors.to_hex(ring.get_edgecolor()[0]) == figures.style.UNCERTAIN_RING
