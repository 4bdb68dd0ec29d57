"""Tests of the corpus stage (analysis/corpus/): formats, encodings, bad inputs,
offsets, pull-quotes and the ``articles`` command."""
import argparse
import json
import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import schemas
from analysis.corpus import combine, find_credit, load_articles, paragraphs, pullquotes, sentences, split_sentences
from analysis.io import InputError, InputProblem, NoArticlesError

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_f13fe3398be924b8.txt"
FIXTURES = ROOT / "tests" / "fixtures" / "corpus"


def load_with_messages(paths, **kw):
    """load_articles plus the InputProblem messages it emitted."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        df = load_articles(paths, **kw)
    return df, [str(w.message) for w in caught if issubclass(w.category, InputProblem)]


def messages_of_empty_load(paths):
    """The InputProblem messages of a load_articles call that loads nothing (and so raises)."""
    with warnings.catch_warnings(record=True) as caught, pytest.raises(NoArticlesError):
        warnings.simplefilter("always")
        load_articles(paths)
    return [str(w.message) for w in caught if issubclass(w.category, InputProblem)]


def assert_offsets(articles, table):
    texts = dict(zip(articles.article_id, articles.text))
    for row in table.itertuples():
        assert texts[row.article_id][row.start:row.end] == row.text
        assert row.text == row.text.strip() and row.text


# -- the seed ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def seed():
    return load_articles(SEED)


def test_seed_article(seed):
    schemas.check(seed, schemas.ARTICLES, "articles")
    row = seed.iloc[0]
    assert len(seed) == 1 and row.article_id == SEED.stem
    assert str(seed["date"].dtype).startswith("datetime64")
    assert row.date == pd.Timestamp("2022-01-06")
    assert row.headings == ["Several days or weeks", "Entering CSTO forces in Kazakhstan"]
    assert row.encoding == "utf-8"
    assert row.text.startswith("The official representative of the Russian Foreign Ministry")
    assert "date 2022" not in row.text and "Several days or weeks\n" not in row.text


def test_seed_paragraphs_and_sentences(seed):
    paras, sents = paragraphs(seed), sentences(seed)
    schemas.check(paras, schemas.PARAGRAPHS, "paragraphs")
    schemas.check(sents, schemas.SENTENCES, "sentences")
    assert len(paras) == 11  # 13 blocks less the two headings
    assert_offsets(seed, paras)
    assert_offsets(seed, sents)
    assert list(sents["index"]) == list(range(len(sents)))
    first = sents.iloc[0]
    assert first.start == 0 and first.text.endswith("into Kazakhstan.")
    assert sents.iloc[1].text == "She wrote about this in her Telegram-channel."
    # "2.5 thousand" is not split; a quote closing with ," stays in its sentence
    assert any(t.endswith("about 2.5 thousand people.") for t in sents.text)
    assert "“We expect that the period will be short,” the secretary general added, " \
           "assessing it as “several days or several weeks”." in set(sents.text)
    # every sentence lies inside the paragraph it names
    bounds = {(p.article_id, p.index): (p.start, p.end) for p in paras.itertuples()}
    for s in sents.itertuples():
        a, b = bounds[(s.article_id, s.paragraph_index)]
        assert a <= s.start < s.end <= b


def test_seed_pullquote(seed):
    pq = pullquotes(seed)
    schemas.check(pq, schemas.PULLQUOTES, "pullquotes")
    assert len(pq) == 1
    row, text = pq.iloc[0], seed.text[0]
    assert row.text.startswith("Everyone is used to the fact") and row.text.endswith("an American position")
    assert text[row.start:row.end] == row.text
    assert row.speaker == "Maria Zakharova"
    assert row.role == "Official representative of the Ministry of Foreign Affairs of Russia"
    assert text[row.credit_start:row.credit_end] == row.speaker + row.role


# -- pull-quote detection in general ----------------------------------------------------------
@pytest.mark.parametrize("text,speaker,role", [
    ("Our troops will leave soon, as promised George W. BushPresident of the United States",
     "George W. Bush", "President of the United States"),
    ("We will never give up our land. ZelenskyPresident of Ukraine", "Zelensky", "President of Ukraine"),
    ("Prices will fall by spring, whatever the markets say Anna Berg-LundChief economist, Nordbank",
     "Anna Berg-Lund", "Chief economist, Nordbank"),
    # a camel-case word inside the quote does not hide the credit (glue points tried from the right)
    ("We love JavaScript and our team works hard every day Anna BergChief technology officer",
     "Anna Berg", "Chief technology officer"),
    ("Nous ne céderons pas sur ce point, jamais Stéphane DujarricSpokesman for the UN Secretary-General",
     "Stéphane Dujarric", "Spokesman for the UN Secretary-General"),
    ("We will stand with our allies whatever comes Ursula von der LeyenPresident of the European Commission",
     "Ursula von der Leyen", "President of the European Commission"),
    ("This is a dangerous escalation by the Kremlin Antony BlinkenU.S. Secretary of State",
     "Antony Blinken", "U.S. Secretary of State"),
    ("Мы не допустим этого ни при каких условиях Мария ЗахароваОфициальный представитель МИД России",
     "Мария Захарова", "Официальный представитель МИД России"),
])
def test_find_credit_detects_glued_credit(text, speaker, role):
    credit = find_credit(text)
    assert credit["speaker"] == speaker and credit["role"] == role
    assert text[credit["credit_start"]:credit["credit_end"]] == speaker + role
    assert text[credit["start"]:credit["end"]] == text[:credit["credit_start"]].rstrip()


@pytest.mark.parametrize("text", [
    "We had lunch near the station at McDonald Street Market",
    "The family of Douglas MacArthur General of the Army",
    "Half the office bought the new iPhone Pro Max this week",
    "Everyone writes code in JavaScript and Python",
    "Maria ZakharovaOfficial representative of the Ministry",  # no quote before the credit
    "The minister said prices would fall. Markets did not agree.",
    "Officials met in Geneva on Tuesday",
    "It was a hard year for the brand. Sales fell at McDonald Corporation",
    "Fans were watching the final live on YouTube Music tonight",
    "Short quote Jen PsakiPress secretary of the White House",  # too short to be a quote
    "Nobody will believe it, they said. Maria ZakharovaSpokeswoman. Then she left",  # role spans sentences
])
def test_find_credit_ignores_ordinary_text(text):
    assert find_credit(text) is None


def test_short_pullquote_paragraph_is_not_a_heading(tmp_path):
    (tmp_path / "p.txt").write_text("date 2022-01-06 Talks went on all night.\n\n"
                                    "We will never give this up Vladimir ZelenskyPresident of Ukraine\n\n"
                                    "Reactions\n\nMarkets rose.", encoding="utf-8")
    articles = load_articles(tmp_path)
    assert articles.headings[0] == ["Reactions"]
    pq = pullquotes(articles)
    assert list(pq.speaker) == ["Vladimir Zelensky"] and list(pq.text) == ["We will never give this up"]


# -- sentence splitting --------------------------------------------------------------------
def test_split_sentences_rules():
    text = ("Dr. J. Smith arrived at 5 p.m. on Jan. 5. He said “no.” Then U.S. officials left. "
            "It cost 2.5 dollars! Really? Mr. Lee, e.g. the envoy, agreed.\"Fine.\" St. Paul won.")
    got = [text[a:b] for a, b in split_sentences(text)]
    assert got == ["Dr. J. Smith arrived at 5 p.m. on Jan. 5.", "He said “no.”",
                   "Then U.S. officials left.", "It cost 2.5 dollars!", "Really?",
                   "Mr. Lee, e.g. the envoy, agreed.\"Fine.\"", "St. Paul won."]


def test_split_sentences_abbreviation_ending_a_sentence():
    text = ("Talks moved to the U.S. The next day they ended. It was 5 p.m. “Enough,” he said. "
            "Shares of Acme Inc. fell. Acme Inc. It rose. Gen. A. Smith won in World War I. Then peace came. "
            "Ticket No. 5 won.")
    got = [text[a:b] for a, b in split_sentences(text)]
    assert got == ["Talks moved to the U.S.", "The next day they ended.", "It was 5 p.m.", "“Enough,” he said.",
                   "Shares of Acme Inc. fell.", "Acme Inc.", "It rose.", "Gen. A. Smith won in World War I.",
                   "Then peace came.", "Ticket No. 5 won."]


def test_split_sentences_depends_only_on_its_range():
    text = "Intro e.g.\n\nthe next paragraph starts lowercase. It ends here."
    a, b = 0, text.index("\n")
    assert split_sentences(text, a, b) == [(0, b)]
    assert [(x + b + 2, y + b + 2) for x, y in split_sentences(text[b + 2:])] == split_sentences(text, b + 2)


def test_split_sentences_quote_closings():
    text = 'He said: "We will stay." Then he left. She wrote: “It is over.” The end.'
    got = [text[a:b] for a, b in split_sentences(text)]
    assert got == ['He said: "We will stay."', "Then he left.", "She wrote: “It is over.”", "The end."]


# -- formats -------------------------------------------------------------------------------
def test_markdown():
    df, messages = load_with_messages(FIXTURES / "briefing.md")
    row = df.iloc[0]
    assert messages == []
    assert row.title == "Ministers meet in Geneva" and row.headings == ["What comes next"]
    assert row.date == pd.Timestamp("2022-02-10")
    assert "**" not in row.text and "](" not in row.text and "_next_" not in row.text
    assert "six hours, according to the ministry." in row.text
    assert "snake_case_name" in row.text


def test_markdown_front_matter_setext_rules_and_fences(tmp_path):
    (tmp_path / "f.md").write_text(
        "---\ntitle: \"Front title\"\ndate: 2023-05-06\nurl: https://example.org/f\n---\n"
        "Lead paragraph with a [reference link][1] and an escaped \\*star\\*.\n\n"
        "Background\n----------\n\n* * *\n\n```\nquoted as code.\n```\n\n"
        "Last paragraph.\n\n[1]: https://example.org/ref\n", encoding="utf-8")
    df, messages = load_with_messages(tmp_path / "f.md")
    row = df.iloc[0]
    assert messages == []
    assert (row.title, row.date, row.url) == ("Front title", pd.Timestamp("2023-05-06"), "https://example.org/f")
    assert row.headings == ["Background"]
    assert row.text == ("Lead paragraph with a reference link and an escaped *star*.\n\n"
                        "quoted as code.\n\nLast paragraph.")


def test_markdown_quotes_lists_images_html_and_entities(tmp_path):
    (tmp_path / "q.md").write_text(
        "# Title\n\n> “We will not leave,” the minister said.\n\n- First point &amp; more.\n- Second point.\n\n"
        "![A crowd gathers in the square.](img.jpg)\n\nText with <b>inline</b> html.\n\n<div>\nwidget\n</div>\n",
        encoding="utf-8")
    df, messages = load_with_messages(tmp_path / "q.md")
    assert messages == [] and df.title.iat[0] == "Title"
    assert df.text.iat[0] == ("“We will not leave,” the minister said.\n\nFirst point & more.\n\nSecond point.\n\n"
                              "A crowd gathers in the square.\n\nText with inline html.")


def test_html():
    df, messages = load_with_messages(FIXTURES / "report.html")
    row = df.iloc[0]
    assert messages == []
    assert row.title == "Grain deal extended" and row.headings == ["Reactions"]
    assert row.date == pd.Timestamp("2022-07-22 10:15:00")
    assert row.text == ("The parties agreed to extend the grain corridor, officials said.\n\n"
                        "“This is good news,” the envoy told reporters. Markets rose.")


def test_html_time_tag_and_h1(tmp_path):
    (tmp_path / "a.htm").write_text("<h1>Head</h1><time datetime='2021-05-04'>May 4</time>"
                                    "<p>One line of body text here.</p>", encoding="utf-8")
    row = load_articles(tmp_path).iloc[0]
    assert (row.title, row.date, row.text) == ("Head", pd.Timestamp("2021-05-04"), "One line of body text here.")


def test_html_unclosed_p_br_meta_and_canonical(tmp_path):
    (tmp_path / "a.html").write_text(
        "<html><head><title>Site | Story</title><meta name='pubdate' content='2021-03-04'>"
        "<link rel='canonical' href='https://example.org/story'></head><body>"
        "<p>First <i>para</i> here.<p>Second line one<br>line two.<!-- hidden note -->"
        "<footer><p>Copyright notice.</p></footer></body></html>", encoding="utf-8")
    row = load_articles(tmp_path).iloc[0]
    assert (row.title, row.date, row.url) == ("Site | Story", pd.Timestamp("2021-03-04"), "https://example.org/story")
    assert row.text == "First para here.\n\nSecond line one line two."


def test_html_without_p_falls_back_to_lines(tmp_path):
    (tmp_path / "d.html").write_text("<body><h1>Head</h1><div>One <b>bold</b> claim was made.</div>\n"
                                     "<div>Another followed.</div></body>", encoding="utf-8")
    row = load_articles(tmp_path).iloc[0]
    assert row.title == "Head" and row.text == "One bold claim was made.\n\nAnother followed."


def test_csv_rows_and_messages():
    df, messages = load_with_messages(FIXTURES / "wire.csv")
    assert list(df.article_id) == ["wire-1", "wire-2"]
    assert df.iloc[0].title == "Talks resume" and df.iloc[0].url == "https://example.org/1"
    assert df.iloc[0].date == pd.Timestamp("2022-03-01") and pd.isna(df.iloc[1].date)
    assert df.iloc[0].source.endswith("wire.csv#2")
    assert any("wire.csv: line 4: 6 fields, expected 5" in m for m in messages)
    assert any("wire.csv: line 3: malformed date 'not a date'" in m for m in messages)
    assert df.attrs["skipped"] == 1


def test_csv_semicolons_multiline_fields_and_case(tmp_path):
    (tmp_path / "s.csv").write_text('ID;Date;Text\na;2022-01-01;"First line.\nSecond line."\n'
                                    'b;today;"Two;\nfields";extra\nc;;Third article.\n', encoding="utf-8")
    df, messages = load_with_messages(tmp_path)
    assert list(df.article_id) == ["a", "c"] and list(df.source.str.rsplit("#").str[-1]) == ["2", "6"]
    assert df.text[0] == "First line.\n\nSecond line."  # one paragraph per line
    assert messages == [f"{tmp_path / 's.csv'}: line 4: 4 fields, expected 3; skipped"]


def test_csv_relative_date_word_is_malformed(tmp_path):
    (tmp_path / "t.jsonl").write_text('{"text": "A story.", "date": "today"}\n', encoding="utf-8")
    df, messages = load_with_messages(tmp_path)
    assert pd.isna(df.date[0])
    assert messages == [f"{tmp_path / 't.jsonl'}: line 1: malformed date 'today'; date left unknown"]


def test_one_paragraph_per_line_versus_hard_wrapped(tmp_path):
    (tmp_path / "lines.txt").write_text("date 2022-01-06 First paragraph here.\nA heading\n"
                                        "Second paragraph, “quoted.”\n", encoding="utf-8")
    (tmp_path / "wrapped.txt").write_text("date 2022-01-06 A long sentence that\nwraps over lines\n"
                                          "and ends here.\n", encoding="utf-8")
    df = load_articles(tmp_path)
    assert df.text[0] == "First paragraph here.\n\nSecond paragraph, “quoted.”" and df.headings[0] == ["A heading"]
    assert df.text[1] == "A long sentence that\nwraps over lines\nand ends here." and df.headings[1] == []


def test_jsonl_rows_and_messages():
    df, messages = load_with_messages(FIXTURES / "feed.jsonl")
    assert list(df.article_id) == ["j-1", "j-3"] and df.iloc[1].title == "Aid"
    assert messages and all("feed.jsonl: line 2: malformed JSON" in m for m in messages)


def test_table_without_text_column(tmp_path):
    (tmp_path / "t.csv").write_text("id,body\n1,Something happened today.\n", encoding="utf-8")
    (tmp_path / "u.jsonl").write_text('{"id": 1, "body": "x"}\n{"id": 2, "body": "y"}\n', encoding="utf-8")
    messages = messages_of_empty_load(tmp_path)
    assert messages == [f"{tmp_path / 't.csv'}: no 'text' column; file skipped",
                        f"{tmp_path / 'u.jsonl'}: no 'text' column; file skipped"]


def test_table_without_rows(tmp_path):
    (tmp_path / "h.csv").write_text("id,text\n", encoding="utf-8")
    (tmp_path / "j.jsonl").write_text("[1, 2]\n", encoding="utf-8")
    messages = messages_of_empty_load(tmp_path)
    assert messages == [f"{tmp_path / 'h.csv'}: no readable rows; file skipped",
                        f"{tmp_path / 'j.jsonl'}: line 1: not a JSON object; skipped",
                        f"{tmp_path / 'j.jsonl'}: no readable rows; file skipped"]


def test_folder_walk_is_sorted_and_ids_unique(tmp_path):
    for sub in ("b", "a"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "x.txt").write_text(f"date 2022-01-0{len(sub)} Story from folder {sub}.",
                                              encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    df, messages = load_with_messages(tmp_path)
    assert list(df.source) == [str(tmp_path / "a" / "x.txt"), str(tmp_path / "b" / "x.txt")]
    assert list(df.article_id) == ["x", "x~2"]
    assert any("already used" in m for m in messages)
    # a file named again, directly or through its folder, is read once
    again, messages = load_with_messages([tmp_path / "b" / "x.txt", tmp_path])
    assert list(again.source) == [str(tmp_path / "b" / "x.txt"), str(tmp_path / "a" / "x.txt")]
    assert again.attrs["files"] == 2 and not any("duplicate" in m for m in messages)


# -- encodings -----------------------------------------------------------------------------
@pytest.mark.parametrize("data,encoding,repaired", [
    ("\ufeffdate 2022-01-06 Café ouvert.".encode("utf-8"), "utf-8-sig", False),
    ("date 2022-01-06 Café ouvert.".encode("utf-16"), "utf-16", False),
    ("date 2022-01-06 Кафе открыто. Всё хорошо.".encode("cp1251"), "cp1251", True),
    ("date 2022-01-06 Café ouvert, crème brûlée.".encode("latin-1"), "latin-1", True),
    ("date 2022-01-06 Café. Über Müller à Zürich.".encode("utf-32"), "utf-32", False),
    # mostly Latin letters, but whole Cyrillic words: still cp1251
    ("date 2022-01-06 Кафе Reuters, Bloomberg and Associated Press reported.".encode("cp1251"), "cp1251", True),
])
def test_encodings(tmp_path, data, encoding, repaired):
    path = tmp_path / "enc.txt"
    path.write_bytes(data)
    df, messages = load_with_messages(path)
    row = df.iloc[0]
    assert row.encoding == encoding and row.date == pd.Timestamp("2022-01-06")
    assert row.text.startswith(("Café", "Кафе"))
    assert messages == ([f"{path}: not valid UTF-8; decoded as {encoding}"] if repaired else [])


@pytest.mark.parametrize("text", ["date 2022-01-06 Café ouvert, said the owner.", "date 2022-01-06 Кафе открыто."])
@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(tmp_path, text, encoding):
    path = tmp_path / "u16.txt"
    path.write_bytes(text.encode(encoding))
    df, messages = load_with_messages(path)
    assert df.text.tolist() == [text[len("date 2022-01-06 "):]] and df.encoding.tolist() == [encoding]
    assert messages == [f"{path}: not valid UTF-8; decoded as {encoding}"]


def test_nfc_and_crlf(tmp_path):
    (tmp_path / "n.txt").write_bytes("date 2022-01-06 Cafe\u0301 one.\r\n\r\nSecond para.\r\n".encode("utf-8"))
    text = load_articles(tmp_path).text[0]
    assert text == "Caf\u00e9 one.\n\nSecond para."


# -- bad inputs ----------------------------------------------------------------------------
BAD = {
    "empty.txt": (b"  \n", "empty file; skipped"),
    "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    "controls.md": (bytes(range(1, 9)) * 20, "binary file"),
    "undecodable.txt": (b"\xff\xfe\x00\xd8a\x00", "undecodable as utf-16"),
}


BAD.update({
    # NUL bytes on both sides of the byte pairs: not UTF-16 text
    "nuls.txt": (b"ab\x00\x00cd\x00\x01" * 10, "binary file (contains NUL bytes)"),
    "raw.json": (b'"just a string"', "JSON str is neither an array nor an object; file skipped"),
    "broken.json": (b'[{"text": "unclosed"', "malformed JSON"),
    "notext.json": (b'{"body": "An article without a text field."}', "no 'text' field; file skipped"),
})


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_file_is_skipped_and_good_ones_load(tmp_path, name):
    data, reason = BAD[name]
    (tmp_path / name).write_bytes(data)
    (tmp_path / "good.txt").write_text("date 2022-01-06 A good article.", encoding="utf-8")
    df, messages = load_with_messages(tmp_path)
    assert list(df.article_id) == ["good"]
    assert len(messages) == 1 and messages[0].startswith(f"{tmp_path / name}: ") and reason in messages[0]
    assert df.attrs == {"files": 2, "skipped": 1}


def test_json_array_and_object(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps([
        {"text": "Judge Ann Hill said that the court would meet.", "date": "2022-01-07", "ID": "x1"},
        "not an object", {"title": "no text"}]), encoding="utf-8")
    (tmp_path / "b.json").write_text(json.dumps({"text": "Mayor Tim Cole said so.", "title": "T"}), encoding="utf-8")
    df, messages = load_with_messages(tmp_path)
    assert df[["article_id", "source", "title"]].values.tolist() == [
        ["x1", f"{tmp_path / 'a.json'}#1", ""], ["b-1", f"{tmp_path / 'b.json'}#1", "T"]]
    assert df.date[0] == pd.Timestamp("2022-01-07")
    assert messages == [f"{tmp_path / 'a.json'}: item 2: not a JSON object; skipped",
                        f"{tmp_path / 'a.json'}: item 3: empty or missing text; skipped"]


def test_csv_unclosed_quote_names_the_row_and_keeps_the_rest(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('id,text\nr1,"Good one."\nr2,"Broken quote here\nr3,Next row.\nr4,"Another row."\n'
                    'r5,"Spans one.\n\nAnd two."\nr6,"Never closed\nr7,Last row.\n', encoding="utf-8")
    df, messages = load_with_messages(path)
    assert df.article_id.tolist() == ["r1", "r3", "r4", "r5", "r7"]
    assert df.text[3] == "Spans one.\n\nAnd two."
    assert messages == [f"{path}: line 3: quote never closed (it ran over lines 4-5); row skipped, "
                        "the lines after it read as rows",
                        f"{path}: line 9: quote never closed (it ran over line 10); row skipped, "
                        "the lines after it read as rows"]


def test_empty_folder_is_named(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    (tmp_path / "good.txt").write_text("date 2022-01-06 A good article.", encoding="utf-8")
    df, messages = load_with_messages([tmp_path / "empty", tmp_path / "good.txt"])
    assert df.article_id.tolist() == ["good"] and df.attrs == {"files": 1, "skipped": 1}
    assert messages == [f"{tmp_path / 'empty'}: no articles in this folder "
                        "(no .csv .htm .html .json .jsonl .md .txt file); skipped"]


def test_symlink_loops_and_dangling_links_are_named(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("date 2022-01-06 A good article.", encoding="utf-8")
    (folder / "loop").symlink_to("loop")
    (folder / "dangling.txt").symlink_to("missing.txt")
    (tmp_path / "self.txt").symlink_to("self.txt")
    df, messages = load_with_messages([tmp_path / "self.txt", folder])
    assert df.article_id.tolist() == ["good"] and df.attrs == {"files": 4, "skipped": 3}
    assert messages == [f"{tmp_path / 'self.txt'}: cannot read (Too many levels of symbolic links); skipped",
                        f"{folder / 'dangling.txt'}: cannot read (No such file or directory); skipped",
                        f"{folder / 'loop'}: cannot read (Too many levels of symbolic links); skipped"]


def test_malformed_date_and_missing_header(tmp_path):
    (tmp_path / "a.txt").write_text("date 2022-13-45 Text with a bad date.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Text without any header.", encoding="utf-8")
    df, messages = load_with_messages(tmp_path)
    assert df.date.isna().all() and list(df.text) == ["Text with a bad date.", "Text without any header."]
    assert messages == [f"{tmp_path / 'a.txt'}: malformed date '2022-13-45'; date left unknown",
                        f"{tmp_path / 'b.txt'}: no 'date YYYY-MM-DD' header; date unknown"]


def test_seed_header_date_must_be_iso(tmp_path):
    (tmp_path / "d.txt").write_text("date 06.01.2022 Text with a day-first date.", encoding="utf-8")
    df, messages = load_with_messages(tmp_path)
    assert pd.isna(df.date[0]) and df.text[0] == "Text with a day-first date."
    assert messages == [f"{tmp_path / 'd.txt'}: malformed date '06.01.2022'; date left unknown"]


def test_empty_result_keeps_the_schema(tmp_path):
    df = combine([], 0, {"skipped": 0})  # what the store's corpus-wide step gives for no article
    assert list(df.columns) == list(schemas.ARTICLES) and str(df.date.dtype).startswith("datetime64")
    assert paragraphs(df).empty and sentences(df).empty and pullquotes(df).empty


def test_a_load_of_nothing_raises_after_each_message(tmp_path, monkeypatch):
    with pytest.raises(NoArticlesError, match="no article loaded: no path given"):
        load_articles([])
    (tmp_path / "empty.txt").write_bytes(b"")
    assert messages_of_empty_load(tmp_path) == [f"{tmp_path / 'empty.txt'}: empty file; skipped"]
    monkeypatch.chdir(tmp_path)  # a relative path that is not there: the error says where it was looked for
    with pytest.raises(NoArticlesError) as caught, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        load_articles(["seeds"])
    assert str(caught.value) == ("no article loaded from seeds; 1 inputs skipped, each reported; "
                                 f"relative paths are read from {tmp_path}")
    assert (caught.value.files, caught.value.skipped) == (1, 1)


def test_plain_text_starting_with_the_word_date(tmp_path):
    (tmp_path / "c.txt").write_text("date night was cancelled. Nobody came.", encoding="utf-8")
    df, messages = load_with_messages(tmp_path)
    assert df.text[0] == "date night was cancelled. Nobody came." and pd.isna(df.date[0])
    assert messages == [f"{tmp_path / 'c.txt'}: no 'date YYYY-MM-DD' header; date unknown"]


def test_table_ids_default_to_file_and_line(tmp_path):
    (tmp_path / "t.jsonl").write_text('{"id": 0, "text": "Zero is an id."}\n{"text": "No id here."}\n',
                                      encoding="utf-8")
    assert list(load_articles(tmp_path).article_id) == ["0", "t-2"]


def test_duplicate_text_keeps_first(tmp_path):
    (tmp_path / "a.txt").write_text("date 2022-01-06 Same story.\n\nSecond part.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("date 2022-01-07 Same  story.\n\nSecond part.\n", encoding="utf-8")
    df, messages = load_with_messages(tmp_path)
    assert list(df.article_id) == ["a"]
    assert messages == [f"{tmp_path / 'b.txt'}: duplicate of {tmp_path / 'a.txt'}; skipped"]


def test_strict_raises(tmp_path):
    (tmp_path / "a.txt").write_text("date 2022-01-06 Fine.", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"")
    with pytest.raises(InputError, match="b.txt: empty file"):
        load_articles(tmp_path, strict=True)
    with pytest.raises(InputError, match="line 4: 6 fields"):
        load_articles(FIXTURES / "wire.csv", strict=True)
    (tmp_path / "b.txt").write_text("date 2022-13-45 Bad date.", encoding="utf-8")
    with pytest.raises(InputError, match="malformed date"):
        load_articles(tmp_path / "b.txt", strict=True)
    (tmp_path / "c.txt").write_text("date 2022-01-06 Fine.", encoding="utf-8")
    with pytest.raises(InputError, match="c.txt: duplicate of"):
        load_articles([tmp_path / "a.txt", tmp_path / "c.txt"], strict=True)


# -- command line --------------------------------------------------------------------------
def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "analysis", "articles", *map(str, args)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)


def test_cli_writes_table(tmp_path):
    out = tmp_path / "articles.csv"
    result = run_cli(SEED, FIXTURES / "wire.csv", "-o", out)
    assert result.returncode == 0, result.stderr
    assert "wire.csv: line 4: 6 fields, expected 5; skipped" in result.stderr
    assert result.stderr.strip().endswith("loaded 3 articles from 2 files; 1 skipped")
    table = pd.read_csv(out)
    assert list(table.columns) == list(schemas.ARTICLES)
    assert json.loads(table.headings[0]) == ["Several days or weeks", "Entering CSTO forces in Kazakhstan"]
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left behind


def test_cli_nothing_loaded_exits_2(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    out = tmp_path / "articles.csv"
    result = run_cli(tmp_path / "empty.txt", "-o", out)
    assert result.returncode == 2
    assert "empty.txt: empty file; skipped" in result.stderr
    assert "loaded 0 articles from 1 files; 1 skipped" in result.stderr
    assert list(tmp_path.iterdir()) == [tmp_path / "empty.txt"]


def test_cli_strict_exits_2_without_output(tmp_path):
    out = tmp_path / "articles.csv"
    result = run_cli(SEED, FIXTURES / "wire.csv", "-o", out, "--strict")
    assert result.returncode == 2 and "error: " in result.stderr and "line 4" in result.stderr
    assert not out.exists()


@pytest.mark.parametrize("command", ["articles", "statements"])
def test_cli_output_folder_is_a_clear_error(tmp_path, command):
    result = subprocess.run([sys.executable, "-m", "analysis", command, str(SEED), "-o", str(tmp_path)],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr == f"error: -o {tmp_path} is a folder; give a file name\n"
    assert list(tmp_path.iterdir()) == []


def test_cli_interrupted_leaves_outputs_unchanged(tmp_path, monkeypatch, capsys):
    from analysis import corpus
    from analysis.__main__ import main

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    out = tmp_path / "articles.csv"
    out.write_text("old table\n", encoding="utf-8")
    monkeypatch.setattr(corpus, "load_articles", interrupt)  # the name the command calls
    assert main(["articles", str(SEED), "-o", str(out)]) == 130
    assert capsys.readouterr().err == "interrupted; outputs unchanged\n"
    assert out.read_text(encoding="utf-8") == "old table\n" and list(tmp_path.iterdir()) == [out]


def test_failed_write_leaves_no_partial_file(tmp_path, monkeypatch):
    from analysis.cli import articles

    out = tmp_path / "articles.csv"
    out.write_text("old table\n", encoding="utf-8")

    def write_half_then_fail(self, path, **kw):
        Path(path).write_text("article_id,sou", encoding="utf-8")
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", write_half_then_fail)
    args = argparse.Namespace(paths=[str(SEED)], output=str(out), strict=False)
    with pytest.raises(OSError, match="disk full"):
        articles.run_cli("articles", args)
    assert out.read_text(encoding="utf-8") == "old table\n"  # the old file is untouched
    assert list(tmp_path.iterdir()) == [out]  # and no temporary file is left


# -- property: offsets always hold ------------------------------------------------------------
WORDS = st.sampled_from(["Mr.", "Dr.", "U.S.", "Jan.", "St.", "J.", "2.5", "e.g.", "the", "The", "said",
                         "“Yes.”", '"No."', "end.", "Why?", "Wow!", "wait…", "(a)", "x", "Ана", "é",
                         "Maria", "ZakharovaOfficial", "McDonald", "iPhone", "Head", "of", "State",
                         "von", "W.", "BergChief", "Inc.", "No."])
SEPARATORS = st.sampled_from([" ", " ", "  ", "\n", "\n\n", " \n \n", "\t"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(WORDS, SEPARATORS), min_size=1, max_size=40))
def test_offsets_property(pieces):
    text = "".join(w + s for w, s in pieces).strip()
    articles = pd.DataFrame({"article_id": ["a"], "text": [text]})
    paras, sents = paragraphs(articles), sentences(articles)
    assert_offsets(articles, paras)
    assert_offsets(articles, sents)
    # sentences cover every non-space character exactly once, in order
    assert "".join("".join(sents.text).split()) == "".join(text.split())
    assert (sents.start.diff().dropna() > 0).all()
    # the splitter gives the same sentences for a paragraph alone (as analysis.statements uses it)
    for p in paras.itertuples():
        assert [(p.start + a, p.start + b) for a, b in split_sentences(p.text)] == \
            list(zip(sents.start[sents.paragraph_index == p.index], sents.end[sents.paragraph_index == p.index]))
    for q in pullquotes(articles).itertuples():
        assert text[q.start:q.end] == q.text and q.end <= q.credit_start
        assert text[q.credit_start:q.credit_end] == q.speaker + q.role
