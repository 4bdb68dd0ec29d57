"""Hostile input (issue 25): article text and targets never run code where they are shown (Markdown,
spreadsheets, figure text), and output paths that must not be written are refused with one line.

Inputs in ``tests/fixtures/hostile/``: ``xss_quote.txt`` (script, onerror image, remote image,
javascript: link and ``$`` signs in quotes), ``formula_text.txt`` (an article that starts with a
spreadsheet formula), ``formula_ids.csv`` (statement ids, speakers and texts that start with
``= + - @`` and a tab), ``no_statement.txt`` (an article without any statement).
"""
import csv
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from markdown_it import MarkdownIt

from analysis import figures
from analysis.__main__ import main
from analysis.io import write_table
from analysis.labels import labelled_texts, read_labels
from analysis.speakers import speaker_stance
from analysis.textsafe import markdown_text, raw_csv, restore_cells
from test_speakers import scored

HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile"
ROOT = HOSTILE.parent.parent.parent
XSS = HOSTILE.joinpath("xss_quote.txt").read_text(encoding="utf-8")
QUOTES = [line.split('"')[1] for line in XSS.splitlines() if '"' in line]  # the hostile quoted texts
TARGET = "the fee\n# injected heading <script>document.body.dataset.hostile=3</script> $x^$"


def hostile_tables():
    """(speaker table, scored statements) whose speakers, organisations and texts are the hostile strings."""
    df = scored([("xss_quote", "Laura <b onmouseover=alert(1)>Pike</b>", "favor", 0.9, "", "[org](javascript:x)"),
                 ("xss_quote", "Tom $x^$ Reyes", "against", 0.8), ("xss_quote", "Tom $x^$ Reyes", "neutral", 0.8)])
    df["text"] = QUOTES[:3]
    df["target"] = TARGET
    articles = pd.DataFrame({"article_id": ["xss_quote"], "date": pd.to_datetime(["2026-03-02"])})
    return speaker_stance(df, articles, n_boot=50), df


def rendered(markdown):
    """HTML as a CommonMark renderer that passes raw HTML through (as JupyterLab's does) makes it."""
    return MarkdownIt("commonmark").enable("table").render(markdown)


def test_evidence_markdown_shows_hostile_text_literally_and_carries_no_html():
    table, df = hostile_tables()
    md = figures.evidence_markdown(table, df, TARGET)
    html = rendered(md)
    tags = set(re.findall(r"<(\w+)", html))  # no script, img, a or b: only the Markdown's own structure
    assert tags <= {"h1", "h2", "p", "em", "strong", "table", "thead", "tbody", "tr", "th", "td"}, tags
    assert "&lt;script&gt;document.body.setAttribute" in html  # shown as text, not dropped
    assert "$x^$" not in md and "\\$x^\\$" in md  # no $...$ math for JupyterLab to typeset
    headings = [line for line in md.splitlines() if line.startswith("#")]
    assert headings[0].startswith("# Evidence per speaker: stance toward the fee # injected heading &lt;script&gt;")
    assert len(headings) == 1 + 2  # the title and one per speaker: the target's newline added none
    assert html.count("<h1>") == 1


def test_adapted_model_card_shows_the_labels_targets_as_text():
    from analysis.adapt import model_card

    report = {"task": "stance", "label_counts": {"favor": 1, "against": 1}, "penalty": 1.0, "base_model": "base",
              "base_fingerprint": "0123456789", "labels_file": "<img src=x onerror=alert(1)>.csv", "n_labels": 2,
              "targets": [TARGET, "[x](javascript:alert(1))"], "cv_macro_f1_adapted": 0.5, "cv_macro_f1_base": 0.4,
              "bootstrap_share_adapted_better": 0.6, "folds": 2, "temperature": 1.0, "verdict": "no clear gain",
              "reads_speaker": True, "with_context": 1, "with_speaker": 2}
    html = rendered(model_card(report))  # notebook 04 shows the card with display(Markdown(...))
    assert not {"img", "a", "script"} & set(re.findall(r"<(\w+)", html))
    assert "&lt;script&gt;document.body.dataset.hostile=3&lt;/script&gt;" in html


def test_markdown_text_round_trips_through_a_renderer():
    for text in [*QUOTES, "a | b", "5 * 3 _x_ `code` ~~s~~ \\n", "&lt;not an entity&gt;"]:
        inner = rendered(markdown_text(text)).removeprefix("<p>").removesuffix("</p>\n")
        expected = " ".join(text.split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        assert inner == expected.replace('"', "&quot;"), text


def test_figure_text_is_never_mathtext(tmp_path):
    table, df = hostile_tables()
    paths = figures.render_all(table, df, tmp_path, "the $5 fee and the $10 tax $x^$")  # $x^$ made it crash
    assert len(paths) == 2 * len(figures.FIGURE_NAMES) + 1
    fig = figures.speaker_stance_figure(table, "the $5 fee and the $10 tax")
    texts = [t for t in fig.findobj(lambda a: hasattr(a, "get_parse_math")) if "$" in t.get_text()]
    assert any("the $5 fee and the $10 tax" in t.get_text() for t in texts)
    assert texts and not any(t.get_parse_math() for t in texts)


def test_csv_exports_neutralise_formulas_and_read_back_exactly(tmp_path):
    rows = pd.read_csv(HOSTILE / "formula_ids.csv", keep_default_na=False, dtype=str)
    out = write_table(rows, tmp_path / "to_label.csv")
    with open(out, newline="", encoding="utf-8") as fh:
        cells = [cell for row in csv.reader(fh) for cell in row]
    assert all(cell[:1] not in ("=", "+", "-", "@", "\t", "\r") or cell == "-5" for cell in cells), cells
    back = pd.read_csv(out, keep_default_na=False, dtype=str)
    assert back.loc[0, "text"] == "'=1+2 is the answer" and back.loc[3, "statement_id"] == "-5"  # numbers stay
    pd.testing.assert_frame_equal(restore_cells(back), rows)
    labels = read_labels(out, "stance", target="T")  # adapt reads the file back
    assert list(labels["text"]) == [t.strip() for t in rows["text"]]
    assert labelled_texts(out) == {t.strip() for t in rows["text"]}
    with raw_csv():
        write_table(rows, tmp_path / "raw.csv")
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "raw.csv", keep_default_na=False, dtype=str), rows)
    write_table(rows, tmp_path / "raw2.csv", raw=True)
    assert (tmp_path / "raw2.csv").read_bytes() == (tmp_path / "raw.csv").read_bytes()


def test_articles_command_neutralises_and_raw_csv_keeps(tmp_path):
    source = HOSTILE / "formula_text.txt"
    assert main(["articles", str(source), "-o", str(tmp_path / "a.csv")]) == 0
    assert pd.read_csv(tmp_path / "a.csv")["text"][0].startswith("'=HYPERLINK(")
    assert main(["articles", str(source), "-o", str(tmp_path / "raw.csv"), "--raw-csv"]) == 0
    assert pd.read_csv(tmp_path / "raw.csv")["text"][0].startswith("=HYPERLINK(")


def _refused(argv, capsys, words):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and words in err, err


def test_output_paths_that_must_not_be_written_are_refused(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    article = corpus / "a.txt"
    shutil.copy(HOSTILE / "formula_text.txt", article)
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "plain.txt").write_text("a file")
    (tmp_path / "to_null").symlink_to("/dev/null")
    cases = [(tmp_path / "pipe", "is a named pipe"), (tmp_path / "to_null", "is a symlink to a character device"),
             (corpus / "out.csv", f"inside the input folder {corpus}"), (corpus, "is a folder; give a file name"),
             (tmp_path / ("n" * 300 + ".csv"), "has a file name of 304 bytes"),
             (tmp_path / "plain.txt" / "out.csv", f"cannot be written: {tmp_path / 'plain.txt'} is a file")]
    before = article.read_bytes()
    for path, words in cases:
        _refused(["articles", str(corpus), "-o", str(path)], capsys, words)
    _refused(["articles", str(article), "-o", str(article)], capsys, f"is the input {article} itself")
    assert article.read_bytes() == before and sorted(p.name for p in corpus.iterdir()) == ["a.txt"]
    assert (tmp_path / "to_null").is_symlink() and not (tmp_path / "pipe").is_file()
    _refused(["figures", "--articles", str(article), "--target", "T", "--out", str(article)], capsys,
             "is a file, not a folder")
    _refused(["figures", "--articles", str(corpus), "--target", "T", "--out", str(corpus / "figs")], capsys,
             "inside the input folder")


def test_a_long_output_name_within_the_limit_is_written(tmp_path):
    long = tmp_path / ("n" * 250 + ".csv")  # its temporary name used to pass 255 bytes
    assert main(["articles", str(HOSTILE / "formula_text.txt"), "-o", str(long)]) == 0
    assert long.is_file() and [p.name for p in tmp_path.iterdir()] == [long.name]


@pytest.fixture
def read_only(tmp_path):
    """A read-only folder: mode 0555, or (as root, who writes anyway) a read-only tmpfs mount."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(folder)],
                      capture_output=True).returncode:
        pytest.skip("running as root and cannot mount a read-only tmpfs")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_read_only_outputs_are_refused(read_only, capsys):
    source = str(HOSTILE / "formula_text.txt")
    _refused(["articles", source, "-o", str(read_only / "a.csv")], capsys, f"{read_only} is read-only")
    _refused(["figures", "--articles", source, "--target", "T", "--out", str(read_only / "figs")], capsys,
             f"{read_only} is read-only")


SLOW_WRITE = textwrap.dedent("""
    import sys, time
    import pandas as pd
    from analysis.__main__ import main

    def slow(self, path, **kw):  # a large table: the write takes a while
        open(path, "w").write("partial")
        print("writing", flush=True)
        time.sleep(60)

    pd.DataFrame.to_csv = slow
    sys.exit(main(["articles", sys.argv[1], "-o", sys.argv[2]]))
""")


def test_sigterm_while_writing_leaves_no_temporary_file(tmp_path):
    out = tmp_path / "out" / "articles.csv"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", SLOW_WRITE, str(HOSTILE / "formula_text.txt"), str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout.readline() == "writing\n"
        assert [p.name for p in out.parent.iterdir()][0].endswith(".part")
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 143 and err.endswith("terminated; outputs unchanged\n")
    assert list(out.parent.iterdir()) == []


@pytest.mark.slow
def test_run_on_a_corpus_without_statements_exits_2_with_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "cache"))
    argv = ["run", "--articles", str(HOSTILE / "no_statement.txt"), "--target", "T", "--store",
            str(tmp_path / "store"), "--scheduler", "sync"]
    for _ in range(2):  # the second run finds it up to date, and says the same
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert f"error: no statement was found in the articles from {HOSTILE / 'no_statement.txt'}\n" in err, err
        assert "Traceback" not in err


@pytest.mark.slow
def test_run_with_an_unreachable_scheduler_exits_2_with_one_line(tmp_path, capsys):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert main(["run", "--articles", str(HOSTILE / "xss_quote.txt"), "--target", "T", "--store",
                 str(tmp_path / "store"), "--scheduler", f"tcp://127.0.0.1:{port}"]) == 2
    err = capsys.readouterr().err
    assert f"error: cannot reach the Dask scheduler tcp://127.0.0.1:{port} (" in err and "Traceback" not in err


@pytest.mark.slow
def test_stance_with_a_score_cache_folder_that_is_a_file_says_so_once_and_goes_on(tmp_path):
    cache, out = tmp_path / "cache-file", tmp_path / "speakers.csv"
    cache.write_text("not a folder")
    env = {**os.environ, "ANALYSIS_CACHE_DIR": str(cache), "ANALYSIS_PRECISION": "fp32", "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "analysis", "stance", str(HOSTILE / "xss_quote.txt"), "--target", "the fee",
               "-o", str(out)]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    told = [line for line in result.stderr.splitlines() if str(cache) in line]
    assert told == [f"RuntimeWarning: score cache folder {cache} is a file; scores are not cached"], result.stderr
    assert len(pd.read_csv(out)) and cache.read_text() == "not a folder"
