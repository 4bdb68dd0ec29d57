"""The columns of every DataFrame the pipeline passes along, in one place.

Data flows one way::

    corpus -> statements -> scores -> speakers -> figures

Each stage's public function takes and returns DataFrames with the columns
listed here.  ``check(df, NAME)`` raises a ``ValueError`` naming the missing
columns, so a stage fails early and clearly when handed the wrong table.
"""

ARTICLES = {
    "article_id": "file name without extension; the `id` column for CSV/JSONL rows (else '<file stem>-<line>'); "
                  "a repeated id gets a '~2', '~3', ... suffix",
    "source": "path of the file the article came from (with '#<line>' for CSV/JSONL rows: the line the row starts on)",
    "date": "publication date, datetime64; NaT when unknown",
    "title": "title when known, else empty string",
    "url": "URL when known, else empty string",
    "text": "the body, NFC-normalised, exactly as later stages analyse it; all offsets point into it",
    "headings": "list of section headings kept out of the body",
    "encoding": "encoding the file was decoded with",
}

PARAGRAPHS = {
    "article_id": "article the paragraph belongs to",
    "index": "0-based paragraph number within the article",
    "text": "paragraph text; equals articles.text[start:end]",
    "start": "character offset of the first character in articles.text",
    "end": "character offset one past the last character",
}

SENTENCES = {
    "article_id": "article the sentence belongs to",
    "index": "0-based sentence number within the article",
    "paragraph_index": "paragraph the sentence lies in",
    "text": "sentence text; equals articles.text[start:end]",
    "start": "character offset of the first character in articles.text",
    "end": "character offset one past the last character",
}

PULLQUOTES = {
    "article_id": "article the pull-quote lies in",
    "text": "the quote; equals articles.text[start:end]",
    "start": "offset of the quote in articles.text",
    "end": "offset one past the quote",
    "speaker": "the credited name (e.g. 'Maria Zakharova')",
    "role": "the credited role glued to the name (e.g. 'Official representative of ...')",
    "credit_start": "offset of the credit (name + role) in articles.text",
    "credit_end": "offset one past the credit",
}

STATEMENTS = {
    "article_id": "article the statement lies in",
    "statement_id": "'<article_id>:<n>', unique across the corpus",
    "speaker": "canonical speaker name: a person's full name as the corpus gives it, else an organisation "
               "('White House', no 'the'), else the role words of an unnamed speaker ('official'); spellings of one "
               "name across the corpus are unified ('Pashinian' / 'Pashinyan', 'CSTO' / 'Collective Security Treaty "
               "Organization'): the form used most, a full name before an acronym; a joint subject ('X and Y "
               "said ...') gives one row per speaker over the same text",
    "aliases": "'; '-joined other surface forms of the speaker in this article (surname, other spellings, "
               "acronym, pronouns, role nouns such as 'the minister'), '' when none",
    "role": "speaker's role or title when the text gives one, else ''",
    "organization": "speaker's organisation by its canonical name (an organisation speaker's own; see "
                    "SPEAKERS), else ''",
    "country": "speaker's country when the text gives one (demonyms mapped: 'US' -> 'United States'; see SPEAKERS), "
               "else ''",
    "kind": "direct (quoted words) | indirect (reported clause) | according_to ('according to X', 'as X put it') "
            "| pullquote (corpus pull-quote) | continuation (unattributed quote going on with the previous speaker)",
    "cue": "reporting verb or phrase ('said', 'according to', 'quoted', ...)",
    "reported_by": "who relays the words: A in nested attribution ('A quoted B ...'), the spokesperson of "
                   "words said for the speaker ('X has called on ..., his spokesman said' -> \"X's spokesman\"; "
                   "a named spokesperson by name), else ''",
    "text": "what was said: the quoted words without their marks, or the reported clause; "
            "equals articles.text[start:end]",
    "start": "offset of the statement in articles.text",
    "end": "offset one past the statement",
    "sentence_index": "index of the sentence (SENTENCES.index) the statement starts in",
    "confidence": "0-1, how sure the extractor is of the speaker (0.95 named subject ... 0.4 unnamed or distant)",
    "context": "the sentence before the statement's (articles.text from its start to the next sentence's, "
               "stripped), '' in an article's first sentence; the stance model reads it before the text"
}

SPEAKERS = {
    "article_id": "article the speaker speaks in",
    "speaker": "canonical name",
    "aliases": "'; '-joined other names and mentions resolved to this speaker in the article (surname, other "
               "spellings, acronym, pronouns, role nouns), '' when none",
    "role": "role or title, else ''",
    "organization": "organisation by its canonical name ('United Nations', 'Kremlin', 'Ministry of Foreign Affairs of "
                    "Japan'; analysis/lexicon/en/organizations.json, ministries.json, offices.json), else '' (never a "
                    "fragment; a group or a state speaking has none)",
    "country": "country the text ties to the speaker (title, demonym, possessive, its organisation; a holder of a "
               "state office: the story's), else ''; none from an international organisation",
    "n_statements": "number of statements attributed to the speaker in the article",
}

STANCE_SCORES = {
    "p_favor": "probability the text favours the target",
    "p_against": "probability the text is against the target",
    "p_neutral": "probability the text is neutral toward (or off) the target",
    "label": "argmax of the three: favor | against | neutral ('' for empty text)",
    "model": "id of the model that scored the row",
}

SENTIMENT_SCORES = {
    "p_negative": "probability of negative sentiment",
    "p_neutral": "probability of neutral sentiment",
    "p_positive": "probability of positive sentiment",
    "label": "argmax: negative | neutral | positive ('' for empty text)",
    "model": "id of the model that scored the row",
}

SCORED_STATEMENTS = {
    **{k: v for k, v in STATEMENTS.items()},
    "target": "the stance target the statement was scored against",
    "p_favor": STANCE_SCORES["p_favor"],
    "p_against": STANCE_SCORES["p_against"],
    "p_neutral": STANCE_SCORES["p_neutral"],
    "stance": "favor | against | neutral",
    "stance_model": "id of the stance model",
    "p_negative": SENTIMENT_SCORES["p_negative"],
    "p_sentiment_neutral": SENTIMENT_SCORES["p_neutral"],
    "p_positive": SENTIMENT_SCORES["p_positive"],
    "sentiment": "negative | neutral | positive",
    "sentiment_model": "id of the sentiment model",
}

SPEAKER_STANCE = {
    "article_id": "article ('*' for the corpus-wide row of a speaker)",
    "speaker": "canonical name",
    "role": "role or title, else ''",
    "organization": "organisation, else ''",
    "country": "country, else ''",
    "date": "article date (NaT for corpus-wide rows or unknown dates)",
    "stance": "favor | against | neutral | uncertain: a side when score >= speakers.MARGIN (or <= -MARGIN); "
              "neutral when no statement is on target; uncertain when the on-target statements disagree or the only "
              "one is weak (speakers.uncertainty)",
    "p_favor": "confidence-weighted mean of statement p_favor",
    "p_against": "confidence-weighted mean of statement p_against",
    "p_neutral": "confidence-weighted mean of statement p_neutral",
    "score": "in [-1, 1]: confidence-weighted mean lean (p_favor - p_against) / (p_favor + p_against) of the "
             "on-target statements (label favor or against); 0 when none",
    "score_lo": "lower end of the 90% interval of score (seeded Beta posterior over the on-target statements' "
                "split between the sides)",
    "score_hi": "upper end of the 90% interval of score",
    "stance_confidence": "0-1: confidence-weighted share of statements on target times the share of posterior "
                         "draws that give the side the score leans to; 0 for speakers who never address the target",
    "sentiment": "negative | neutral | positive: argmax of the weighted mean sentiment probabilities",
    "p_negative": "confidence-weighted mean of statement p_negative",
    "p_sentiment_neutral": "confidence-weighted mean of statement p_sentiment_neutral",
    "p_positive": "confidence-weighted mean of statement p_positive",
    "sentiment_score": "p_positive - p_negative, in [-1, 1]",
    "n_statements": "statements attributed to the speaker",
    "n_on_target": "of those, statements on target (labelled favor or against): the ones behind score",
    "evidence": "the strongest statements behind the stance, ' | '-joined, each prefixed by its label",
    "target": "the stance target",
    "stance_model": "id of the stance model",
    "sentiment_model": "id of the sentiment model",
}

# The parts of the partitioned store (``analysis.store``), one Parquet file per partition.
STORE_FILES = {
    "file_key": "key of the input file: its path, bytes and the code version",
    "path": "the file's path as given",
    "articles": "the article records parsed from it (ARTICLES fields; date as ISO text or null), before the "
                "corpus-wide duplicate and id checks",
    "problems": "messages reported while reading it (file and reason)",
    "skipped": "files and rows of it skipped",
}

STORE_EXTRACTED = {
    "article_key": "key of the article: its ARTICLES row (without encoding) and the code version",
    "article_id": "ARTICLES.article_id",
    "entities": "its speakers and named parties before the corpus-wide name unification: name, kind (person | "
                "org), role, organization, country, aliases (list)",
    "statements": "its statements sorted by start: entity (index into entities), kind, cue, reported_by, text, "
                  "start, end, sentence_index, confidence, context (as in STATEMENTS)",
    "problems": "messages reported for it ('no statements found', a failed extraction)",
}

STORE_SCORES = {
    "text_key": "key of the statement text and its stance input (its context, and its speaker's role for a model "
                "that reads it); the part's folder is keyed by target, both models' fingerprints and the precision",
    **{k: SCORED_STATEMENTS[k] for k in ("p_favor", "p_against", "p_neutral", "stance", "stance_model",
                                         "p_negative", "p_sentiment_neutral", "p_positive", "sentiment",
                                         "sentiment_model")},
}


def check(df, schema, name="table"):
    """Raise ValueError if ``df`` lacks any column of ``schema`` (a dict above)."""
    missing = [c for c in schema if c not in df.columns]
    if missing:
        raise ValueError(f"{name} is missing columns: {', '.join(missing)}")
    return df
