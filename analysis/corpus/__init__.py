"""Stage 1: load articles into DataFrames (articles, paragraphs, sentences, pull-quotes).

Public functions (columns in ``analysis.schemas``)
--------------------------------------------------
``load_articles(paths, *, strict=False)`` -> ``ARTICLES``, one row per good article
``paragraphs(articles)`` -> ``PARAGRAPHS``
``sentences(articles)`` -> ``SENTENCES``
``pullquotes(articles)`` -> ``PULLQUOTES``
``split_sentences(text, start=0, end=None)`` -> ``[(start, end), ...]`` offsets into ``text``
``find_credit(text, start=0, end=None)`` -> the glued pull-quote credit ending a span, or None

Every offset points into ``articles.text``, which is NFC-normalised with ``\\n``
line ends before any offset is taken; ``text[start:end]`` equals the row's text.
Paragraphs are the blank-line separated blocks of ``text``; sentences never cross
a paragraph boundary.  Bad inputs are reported (file, line, reason) through
:func:`analysis.io.report` and skipped or repaired; ``strict=True`` raises
:class:`analysis.errors.InputError` instead.

Modules: ``encoding`` (bytes -> text), ``formats/`` (one reader per format: ``txt``, ``md``,
``html``, ``csvtable``, ``jsontable``, with ``tables`` and ``common`` shared), ``load`` (files
and folders -> ``ARTICLES``), ``segment`` (paragraphs, sentences) and ``credits`` (pull-quotes);
the ``articles`` command is ``analysis.cli.articles``.

Formats: ``.txt`` (the seed format ``date YYYY-MM-DD <first paragraph>`` or plain
text), ``.md``, ``.html``/``.htm``, ``.csv``, ``.jsonl`` and ``.json`` (an array of
objects or one object; column or field ``text`` required; ``date``, ``title``,
``url``, ``id`` optional).  Encodings: UTF-8 (with or without BOM), UTF-16/UTF-32
with BOM, UTF-16 without BOM (told by its NUL bytes), and by fallback cp1251 or
latin-1.
"""
from .credits import find_credit, pullquotes
from .encoding import decode, normalise
from .load import SUFFIXES, combine, expand, load_articles, read_file, read_table
from .segment import paragraph_spans, paragraphs, sentences, split_sentences, trim_span

__all__ = ["SUFFIXES", "combine", "decode", "expand", "find_credit", "load_articles", "normalise", "paragraph_spans",
           "paragraphs", "pullquotes", "read_file", "read_table", "sentences", "split_sentences", "trim_span"]
