"""Tests for analysis.statements (who said what) and analysis.evaluate."""
import warnings
from pathlib import Path

import pandas as pd
import pytest

from analysis import statements as st
from analysis.evaluate import evaluate_statements, load_gold
from analysis.io import InputProblem
from analysis.schemas import SPEAKERS, STATEMENTS

GOLD_DIR = Path(__file__).resolve().parent / "gold"


def _articles(**texts):
    return pd.DataFrame([dict(article_id=k, source="test", date=pd.NaT, title="", url="",
                              text=v, headings=[], encoding="utf-8") for k, v in texts.items()])


@pytest.fixture(scope="module")
def gold_run(nlp):
    articles, gold = load_gold(GOLD_DIR / "statements.json")
    statements, speakers = st.extract_statements(articles, nlp=nlp)
    return articles, gold, statements, speakers


def test_columns_offsets_and_ids(gold_run):
    articles, _, statements, speakers = gold_run
    assert list(statements.columns) == list(STATEMENTS)
    assert list(speakers.columns) == list(SPEAKERS)
    texts = dict(zip(articles.article_id, articles.text))
    for row in statements.itertuples():
        assert texts[row.article_id][row.start:row.end] == row.text
        assert 0 < row.confidence <= 1
    assert statements.statement_id.is_unique


# measured (python -m analysis.evaluate, issue 12) minus 0.02: (precision, recall, speaker accuracy)
GOLD_FLOORS = {
    "statements.json": (0.98, 0.98, 0.98),
    "heldout.json": (0.98, 0.98, 0.98),
    "heldout_b.json": (0.957, 0.98, 0.956),
    "blind.json": (0.98, 0.98, 0.98),
    "blind_final.json": (0.98, 0.98, 0.98),
    "speech_acts.json": (0.98, 0.98, 0.98),
    "leaders.json": (0.98, 0.98, 0.98),  # issue 12: a leader and his country
    "sources.json": (0.98, 0.98, 0.98),  # issue 12: several sources in one sentence, spokespersons
    "names_titles.json": (0.98, 0.98, 0.98),  # issue 21: surname-first names, titles, datelines, outlets
    "institutions_metadata.json": (0.98, 0.98, 0.98),  # issue 21: institutions, groups, metadata
    "nested_features.json": (0.98, 0.98, 0.922),  # issue 21: relayed speech, feature stories
}


def _assert_floors(scores, name):
    p, r, acc = GOLD_FLOORS[name]
    assert scores["precision"] >= p and scores["recall"] >= r and scores["speaker_accuracy"] >= acc, scores


def test_gold_scores(gold_run):
    _, gold, statements, _ = gold_run
    _assert_floors(evaluate_statements(statements, gold), "statements.json")


def test_seed_speakers_and_metadata(gold_run):
    _, _, statements, speakers = gold_run
    seed = statements[statements.article_id == "000_f13fe3398be924b8"]
    nested = seed[seed.reported_by != ""]
    assert list(nested.speaker) == ["Jen Psaki"] and list(nested.reported_by) == ["Maria Zakharova"]
    assert "Zakharova" not in set(seed.speaker)  # canonical full name only
    deputy = seed[seed.text.str.startswith("The security of our countries")]
    assert list(deputy.speaker) == ["Leonid Kalashnikov"]
    head = seed[seed.text.str.startswith("In fact, this is no longer")]
    assert list(head.speaker) == ["Kassym-Jomart Tokayev"]
    price = speakers[speakers.speaker == "Ned Price"].iloc[0]
    assert (price.role, price.organization, price.country) == (
        "spokesman", "US State Department", "United States")
    assert "Nursultan Nazarbayev" not in set(speakers.speaker)  # mentioned, says nothing
    assert set(seed.kind) == {"direct", "indirect", "according_to", "pullquote"}


def test_hard_cases(gold_run):
    _, _, statements, speakers = gold_run
    by = statements.set_index("article_id")
    assert set(by.loc[["p01_two_speakers"], "speaker"]) == {"Maria Lopez", "Tom Reed"}
    assert set(by.loc[["p03_pronoun_not_nearest"], "speaker"]) == {"Amara Osei"}
    assert "Kevin Marsh" not in set(speakers.speaker)
    assert set(by.loc[["p11_shared_surname"], "speaker"]) == {"Mark Lee", "Susan Lee"}
    assert "continuation" in set(by.loc[["p09_continuation"], "kind"])
    assert "p19_no_speakers" not in set(statements.article_id)


def test_find_quotes_styles_and_stray_marks():
    text = "He said “one two three” and «four five» then ‘six seven’ but the country’s \"eight nine\"."
    found = [text[a + 1:b] for a, b in st.find_quotes(text)]
    assert found == ["one two three", "four five", "six seven", "eight nine"]
    stray = "A stray “mark here. Then “a real quote” follows."
    assert [stray[a + 1:b] for a, b in st.find_quotes(stray)] == ["a real quote"]
    running = "“This quote goes on into the next paragraph."
    assert st.find_quotes(running) == [(0, len(running))]


def extract_with_messages(articles, nlp):
    """extract_statements plus the InputProblem messages it emitted."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = st.extract_statements(articles, nlp=nlp)
    return result, [str(w.message) for w in caught if issubclass(w.category, InputProblem)]


@pytest.mark.parametrize("text, expected", [
    ("Minister Anna Berg said ”we support the deployment” on Friday.", ["we support the deployment"]),
    ("”\"", [""]),  # the smallest case that once raised KeyError
    ("Han sa »vi stöder beslutet» i går.", ["vi stöder beslutet"]),  # Swedish guillemets
    ("Er sagte »wir sind dafür« gestern.", ["wir sind dafür"]),  # German guillemets
    ("Powiedział „to jest dobre” wczoraj.", ["to jest dobre"]),  # Polish „…”
])
def test_find_quotes_closing_marks_used_as_openers(text, expected):
    assert [text[a + 1:b] for a, b in st.find_quotes(text)] == expected


def test_secretary_of_state_is_a_role_not_an_organisation(nlp):
    statements, _ = st.extract_statements(_articles(
        a="U.S. Secretary of State Antony Blinken said that the talks would continue."), nlp=nlp)
    assert statements[["speaker", "role", "organization", "country"]].values.tolist() == [
        ["Antony Blinken", "Secretary of State", "", "United States"]]


def test_swedish_quote_extracted(nlp):
    text = "Minister Anna Berg said ”we support the deployment” on Friday."
    statements, _ = st.extract_statements(_articles(a=text), nlp=nlp)
    assert statements[["speaker", "text"]].values.tolist() == [["Anna Berg", "we support the deployment"]]


def test_failing_article_is_named_and_skipped(nlp, monkeypatch):
    run = st.run_rules

    def run_or_fail(art, docs, spans):
        if art.id == "bad":
            next(iter(docs))  # fail after taking one of its Docs: the stream must stay aligned
            raise KeyError("”")
        return run(art, docs, spans)

    monkeypatch.setattr(st, "run_rules", run_or_fail)
    articles = _articles(a="Mayor Tim Cole said that the library would reopen.",
                         bad="Rain fell.\n\nThe mayor said that it was wet.\n\nMore rain.",
                         c="Judge Ann Hill said that the court would meet.")
    articles["source"] = ["a.txt", "bad.txt", "c.txt"]
    (statements, _), messages = extract_with_messages(articles, nlp)
    assert statements[["article_id", "speaker"]].values.tolist() == [["a", "Tim Cole"], ["c", "Ann Hill"]]
    assert messages == ["bad.txt: statement extraction failed (KeyError: '”'); article skipped"]


def test_no_speakers_and_empty_text(nlp):
    articles = _articles(a="Rain fell all day. The match was postponed.", b="")
    articles["source"] = ["a.txt", "b.txt"]
    (statements, speakers), messages = extract_with_messages(articles, nlp)
    assert statements.empty and speakers.empty
    assert list(statements.columns) == list(STATEMENTS)
    assert messages == ["a.txt: no statements found", "b.txt: no statements found"]


def test_names_unified_across_corpus(nlp):
    statements, _ = st.extract_statements(_articles(
        a="Finance minister Olga Petrenko said that taxes would fall.",
        b="Petrenko warned that the deficit would grow."), nlp=nlp)
    assert set(statements.speaker) == {"Olga Petrenko"}


def test_parse_title_and_chunks():
    assert st.parse_title("US State Department spokesman") == (
        "spokesman", "US State Department", "United States")
    assert st.parse_title("The President of Kazakhstan") == ("President", "", "Kazakhstan")
    assert st.parse_title("U.S. Secretary of State") == ("Secretary of State", "", "United States")
    assert st.parse_title("Secretary of Defense") == ("Secretary of Defense", "", "")
    text = ("A sentence here. " * 50 + "\n") * 3
    spans = st.paragraph_chunks(text, limit=300)
    assert all(e - s <= 300 for s, e in spans) and len(spans) > 3


def test_long_paragraph_is_cut_for_spacy():
    text = "Mayor Tim Cole said that the library would reopen. " * 2000  # 100 KB, one paragraph
    spans = st.paragraph_chunks(text)
    assert all(e - s <= st.CHUNK_CHARS <= 5_000 for s, e in spans)
    assert all(text[s:e].rstrip().endswith(".") for s, e in spans)  # cut at sentence ends
    assert "".join(text[s:e] for s, e in spans).split() == text.split()


def test_pipe_bounded_batches_by_characters():
    batches = []

    class FakeNlp:
        def pipe(self, texts, batch_size):
            batches.append(list(texts))
            assert batch_size == len(batches[-1])
            return iter(batches[-1])

    texts = ["a" * n for n in (30, 30, 50, 10, 10, 10, 120, 5)]
    assert list(st.pipe_bounded(FakeNlp(), iter(texts), max_chars=60)) == texts
    assert [[len(t) for t in b] for b in batches] == [[30, 30], [50, 10], [10, 10], [120], [5]]


def test_cli(tmp_path):
    from analysis.__main__ import main

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(
        "Mayor Tim Cole said that the library would reopen.\n", encoding="utf-8")
    out = tmp_path / "s.csv"
    assert main(["statements", str(tmp_path / "in"), "-o", str(out),
                 "--speakers-out", str(tmp_path / "sp.csv")]) == 0
    assert pd.read_csv(out).speaker.tolist() == ["Tim Cole"]
    (tmp_path / "empty").mkdir()
    assert main(["statements", str(tmp_path / "empty"), "-o", str(tmp_path / "x.csv")]) == 2


def test_sentence_numbering_matches_corpus(gold_run):
    from analysis.corpus import sentences

    articles = gold_run[0]
    expected = {aid: list(g.sort_values("index")["start"]) for aid, g in sentences(articles).groupby("article_id")}
    assert st.sentence_starts(articles) == expected


@pytest.mark.parametrize("name", ["heldout.json", "heldout_b.json", "blind.json", "blind_final.json",
                                  "speech_acts.json", "leaders.json", "sources.json", "names_titles.json",
                                  "institutions_metadata.json"])
def test_other_gold_sets(nlp, name):
    articles, gold = load_gold(GOLD_DIR / name)
    statements, _ = st.extract_statements(articles, nlp=nlp)
    scores = evaluate_statements(statements, gold)
    _assert_floors(scores, name)
    assert scores["relay_accuracy"] >= 0.98, scores  # measured 1.0 on each file


def test_spokesperson_relays_for_principal(nlp):
    statements, speakers = st.extract_statements(_articles(
        a="Governor Alma Reyes has called on residents to conserve water, her spokesman said. "
          "“The governor is monitoring the reservoirs,” the spokesman added.",
        b="Chancellor Rolf Weber opposes the merger, his spokeswoman Ute Brandt told reporters.",
        c="Spokesman Karl Otto said that the office would close early."), nlp=nlp)
    got = statements[["article_id", "speaker", "reported_by", "kind"]].values.tolist()
    assert got == [["a", "Alma Reyes", "Alma Reyes's spokesman", "indirect"],
                   ["a", "Alma Reyes", "Alma Reyes's spokesman", "direct"],
                   ["b", "Rolf Weber", "Ute Brandt", "indirect"],
                   ["c", "Karl Otto", "", "indirect"]]  # a spokesperson for nobody named speaks for himself
    assert "his spokesman" not in " ".join(speakers.aliases)


def test_joint_subject_one_statement_per_speaker(nlp):
    statements, speakers = st.extract_statements(_articles(
        a="Judge Ann Hill and prosecutor Omar Said said that the trial would resume in March.",
        b="Officials from Chile and Peru said the talks had gone well.",
        c="Smith and his wife said they were relieved."), nlp=nlp)
    rows = statements[["article_id", "speaker", "text"]].values.tolist()
    assert rows[:2] == [["a", "Ann Hill", "the trial would resume in March"],
                        ["a", "Omar Said", "the trial would resume in March"]]
    assert [r[1] for r in rows[2:]] == ["Officials from Chile and Peru", "Smith"]  # a group; a part no name
    assert set(speakers[speakers.article_id == "a"].speaker) == {"Ann Hill", "Omar Said"}


def test_evaluate_pairs_joint_statements_by_speaker_and_relays():
    from analysis.evaluate import same_relay_name

    gold = pd.DataFrame(dict(article_id=["a", "a"], speaker=["X", "Y"], kind=["indirect"] * 2,
                             reported_by=["", "spokesman"], text=["t", "t"], start=[0, 0], end=[10, 10]))
    predicted = gold.assign(speaker=["Y", "X"], reported_by=["Y's spokesman", ""])
    scores = evaluate_statements(predicted, gold)
    assert scores["speaker_accuracy"] == 1.0 and scores["relay_accuracy"] == 1.0
    assert same_relay_name("Antonio Guterres's spokesman", "spokesman")
    assert not same_relay_name("", "spokesman") and not same_relay_name("spokeswoman", "spokesman")


CONSTRUCTIONS = [
    # (text, [(speaker, kind, start of statement text)])
    ("Exports will resume next week. This was announced by Trade Minister Ivan Sokolov.",
     [("Ivan Sokolov", "indirect", "Exports will resume")]),
    ("Talks are possible. Deputy minister Olga Frolova said this on Monday.",
     [("Olga Frolova", "indirect", "Talks are possible")]),
    ("Coach Ana Ruiz spoke after the match. Striker Leo Diaz disagreed: “We were unlucky today.”",
     [("Leo Diaz", "direct", "We were unlucky")]),
    ("Opposition leader Paul Kerr called the plan “a fantasy”.", [("Paul Kerr", "direct", "a fantasy")]),
    ("The Ministry of Defence said that the drill was over. It added that no one was hurt.",
     [("Ministry of Defence", "indirect", "the drill"), ("Ministry of Defence", "indirect", "no one")]),
    ("Minister Olga Lind visited the plant. In her opinion, output will double.",
     [("Olga Lind", "according_to", "output will double")]),
    ("The official, who asked not to be named, said the border would reopen.",
     [("official", "indirect", "the border")]),
    ("Coach Dina Ferris was blunt.\n\n“We were poor today. We must improve.\n\n“I take the blame,” Ferris said.",
     [("Dina Ferris", "direct", "We were poor"), ("Dina Ferris", "direct", "I take the blame")]),
    # a clause that is mostly a short quote is reported speech, not a dropped scare quote
    ("Mayor Tim Cole spoke on Monday. He said it was \"très nécessaire\".",
     [("Tim Cole", "indirect", 'it was "très nécessaire"')]),
    # speech acts and attitudes (issue 12); plain actions are not statements
    # (the act is part of the statement: "condemned the attack", which the stance model can read)
    ("Senator Ruth Ames condemned the attack on the clinic.", [("Ruth Ames", "indirect", "condemned the attack")]),
    ("Governor Ian Pike urged residents to leave, saying that the river was still rising.",
     [("Ian Pike", "indirect", "urged residents to leave"), ("Ian Pike", "indirect", "the river was still rising")]),
    ("President Ana Ruiz appealed to the alliance for help on Monday.",
     [("Ana Ruiz", "indirect", "appealed to the alliance for help")]),
    ("The navy sent two ships to the strait. The court granted the request.", []),
    ("Judge Linda Hart rejected the appeal on Friday.", []),
    ("Prices, the central bank believes, will fall next year.",
     [("central bank", "indirect", "Prices, the central bank believes")]),
    ("Minister Olga Lind visited the plant. Output will double, in her opinion.",
     [("Olga Lind", "according_to", "Output will double")]),
    ("An aide to Chancellor Rolf Weber said the summit was cancelled. His spokeswoman said that he had a cold.",
     [("Rolf Weber", "indirect", "the summit"), ("Rolf Weber", "indirect", "he had a cold")]),
    ("According to a Kazakh official, the talks went well.", [("Kazakh official", "according_to", "the talks")]),
]


def assert_statements(nlp, text, expected, field):
    """The statements of ``text`` are ``expected``: (speaker, ``field`` value, start of the text) each."""
    statements, _ = st.extract_statements(_articles(a=text), nlp=nlp)
    got = [(r.speaker, getattr(r, field), r.text) for r in statements.itertuples()]
    assert [(s, k) for s, k, _ in got] == [(s, k) for s, k, _ in expected], got
    assert all(t.startswith(prefix) for (_, _, t), (_, _, prefix) in zip(got, expected)), got


@pytest.mark.parametrize("text,expected", CONSTRUCTIONS)
def test_constructions(nlp, text, expected):
    assert_statements(nlp, text, expected, "kind")


def test_name_gender_and_title_trim(nlp):
    assert st.name_gender("Linda Hart") == "f" and st.name_gender("Sergei Ryabkov") == "m"
    assert st.name_gender("Maria Zakharova") == "f" and st.name_gender("Zas") == ""
    statements, _ = st.extract_statements(_articles(
        a="Judge Linda Hart rejected the appeal. The defendant, Mark Doyle, showed no reaction. "
          "She said the evidence was overwhelming.",
        b="Midfielder Jonas Berg insisted that the team would bounce back."), nlp=nlp)
    assert list(statements.speaker) == ["Linda Hart", "Jonas Berg"]


def test_lexicon_is_data_and_extensible(nlp):
    from analysis.lexicon import load_lexicon

    lex = load_lexicon()
    assert "criticize" in lex.REPORT_VERBS and "criticize" in lex.CUE_VERBS and lex.COUNTRIES["kazakh"] == "Kazakhstan"
    assert 0 < lex.CONF["named_person"] <= 1
    text = "Chef Omar Farouk opined that the sauce was too salty."
    before, _ = st.extract_statements(_articles(a=text), nlp=nlp)
    after, _ = st.extract_statements(_articles(a=text), nlp=nlp, lexicon={"report_verbs": ["opine"]})
    assert before.empty and after[["speaker", "text"]].values.tolist() == [["Omar Farouk", "the sauce was too salty"]]
    assert "opine" not in load_lexicon().REPORT_VERBS  # the default is not changed
    with pytest.raises(ValueError, match="unknown lexicon list"):
        load_lexicon({"reporting_verbz": ["x"]})


def test_name_variants_rules():
    from analysis.attribution import variants as v

    assert v.same_person("Nikol Pashinian", "Nikol Pashinyan") and v.same_person("Toqaev", "Kassym-Jomart Tokayev")
    assert not v.same_person("Sergei Ivanov", "Igor Ivanov") and not v.same_surname("Lee", "Li")
    assert not v.same_person("Anna Berg", "Anna Borg")  # too short to tell a spelling from another name
    assert v.org_key("U.S. Department of State") == v.org_key("US State Department")
    assert v.initials("Collective Security Treaty Organization") == "CSTO"
    groups = v._person_groups(["Sergei Ivanov", "Igor Ivanov", "Ivanov"])
    assert sorted(map(len, groups)) == [1, 1, 1]  # a surname alone never links two people


def test_variants_unified_with_aliases(nlp):
    statements, speakers = st.extract_statements(_articles(
        a="Prime Minister Nikol Pashinyan said that the mission was over. Pashinyan added that troops would leave.",
        b="Nikol Pashinian said that the alliance had done its job. The CSTO said that its task was complete.",
        c="The Collective Security Treaty Organization said that the last aircraft had left."), nlp=nlp)
    assert set(statements.speaker) == {"Nikol Pashinyan", "Collective Security Treaty Organization"}
    assert statements.set_index("article_id").loc["b"].aliases.tolist() == ["Nikol Pashinian", "CSTO"]
    assert speakers.aliases.map(lambda a: isinstance(a, str)).all()
    assert speakers.groupby(["article_id", "speaker"]).size().max() == 1


def test_according_cues_are_matcher_patterns_in_the_lexicon(nlp):
    from analysis.lexicon import load_lexicon

    lex = load_lexicon()
    assert {"CUE", "AS", "AS_VERB", "OPINION"} <= set(lex.ACCORDING_PATTERNS)
    assert lex.matcher("according_patterns", nlp.vocab) is lex.matcher("according_patterns", nlp.vocab)
    text = "Per the Ministry of Health, the border will reopen on Monday."
    before, _ = st.extract_statements(_articles(a=text), nlp=nlp)
    cue = lex.ACCORDING_PATTERNS["CUE"] + [[{"LOWER": "per"}]]
    after, _ = st.extract_statements(_articles(a=text), nlp=nlp, lexicon={"according_patterns": {"CUE": cue}})
    assert before.empty
    assert after[["speaker", "kind", "cue", "text"]].values.tolist() == [
        ["Ministry of Health", "according_to", "per", "the border will reopen on Monday"]]


def test_every_statement_gets_the_sentence_before(nlp):
    articles = _articles(
        a="The council decided to send troops to the border. As the chairman Ivo Marek explained, this was done "
          "in accordance with the treaty.",
        b="The ministry said it would review the plan. Minister Eva Lind said the plan was sound.",
        c="This was the right call, Senator Ada Cole said.")
    statements, _ = st.extract_statements(articles, nlp=nlp)
    context = dict(zip(statements["article_id"] + "/" + statements["speaker"], statements["context"]))
    assert context["a/Ivo Marek"] == "The council decided to send troops to the border."
    assert context["b/Eva Lind"] == "The ministry said it would review the plan."
    text = articles.set_index("article_id")["text"]
    assert all(c == "" or c in text[a] for a, c in zip(statements["article_id"], statements["context"]))
    assert context["c/Ada Cole"] == ""  # no sentence before


def test_nested_features_gold(nlp):
    articles, gold = load_gold(GOLD_DIR / "nested_features.json")
    statements, _ = st.extract_statements(articles, nlp=nlp)
    scores = evaluate_statements(statements, gold)
    _assert_floors(scores, "nested_features.json")
    assert scores["relay_accuracy"] >= 0.98, scores  # measured 1.0


RELAYED = [  # issue 21: the inner speaker's words, relayed by the outer one
    ("Foreign Minister Wei Chen said President Zhou Lan had expressed firm opposition to the tariffs.",
     [("Zhou Lan", "Wei Chen", "expressed firm opposition")]),
    ("Interior Minister Amara Diallo said President Kone had told him that the border would reopen.",
     [("Kone", "Amara Diallo", "the border would reopen")]),
    ("Senator Maria Lopez said Governor Tom Hale believed the plan was too costly.",
     [("Tom Hale", "Maria Lopez", "the plan was too costly")]),
    ("The newspaper quoted Prime Minister Laila Haddad as warning that the strike could spread.",
     [("Laila Haddad", "newspaper", "the strike could spread")]),
    ("Citing Health Minister Sara Okafor, the agency said that vaccine stocks would last until June.",
     [("Sara Okafor", "agency", "vaccine stocks")]),
    ("The broadcaster, quoting Defence Minister Lars Berg, reported that the exercise had ended.",
     [("Lars Berg", "broadcaster", "the exercise had ended")]),
    ("According to the state news agency, President Ali Rahimov said that the vote would be held in May.",
     [("Ali Rahimov", "state news agency", "the vote would be held")]),
    ("Opposition leader Nina Petrova said that, according to Prime Minister Oleg Marin, the reform would wait.",
     [("Oleg Marin", "Nina Petrova", "the reform would wait")]),
    ("Lawmaker Julia Santos recalled President Aldo Ferreira telling her that the dam would never be built.",
     [("Aldo Ferreira", "Julia Santos", "the dam would never be built")]),
    ("Mayor Eva Stone said the police chief had warned that crime was rising.",
     [("police chief", "Eva Stone", "crime was rising")]),
    # not relayed: denied, not said yet, a pronoun (mostly the outer speaker), a closing cue
    ("Minister Rafael Ortiz denied that President Elena Duarte had said the tariff would stay.",
     [("Rafael Ortiz", "", "President Elena Duarte had said")]),
    ("Minister Rafael Ortiz said President Elena Duarte would announce her decision on Monday.",
     [("Rafael Ortiz", "", "President Elena Duarte would announce")]),
    ("Minister Rafael Ortiz said he had told President Elena Duarte that the plan was unworkable.",
     [("Rafael Ortiz", "", "he had told")]),
]


@pytest.mark.parametrize("text,expected", RELAYED)
def test_relayed_speech(nlp, text, expected):
    assert_statements(nlp, text, expected, "reported_by")


FEATURES = [  # issue 21: feature stories quote friends, relatives and bystanders, not only their main person
    ("Rosa Vidal opened her bakery in 1998. “Bread is how I talk to people,” Vidal said. “She changed my son’s life,” "
     "said her brother.", ["Rosa Vidal", "Rosa Vidal's brother"]),
    ("Arturo Mendoza has fished the lake for forty years. Mendoza's sister said the family would keep the boat.",
     ["Arturo Mendoza's sister"]),
    ("Teodora Ilieva sells flowers in Sofia. “People still buy roses when they are sad,” Ilieva said. A friend "
     "commented: “She has outlasted three governments and two currencies.”", ["Teodora Ilieva", "friend"]),
    ("Joseph Mwangi drives a minibus. According to a neighbour, Ana Ruiz, Mwangi has driven the same route for "
     "years. “He knows every pothole,” the neighbour said.", ["Ana Ruiz", "Ana Ruiz"]),
    # a pronoun right after a quoted speaker whose gender is unknown stays with them
    ("Grace Whitfield swims every morning. “The water wakes you up,” she said. One swimmer, Noa Kealoha, said she "
     "joined last spring. “They welcomed me on the first day,” she said.", ["Grace Whitfield", "Noa Kealoha",
                                                                            "Noa Kealoha"]),
    # a quote after a newly introduced named subject is theirs, not the previous speaker's
    ("Farida Begum runs a school. “Every girl here will finish school,” Begum said. A former teacher, Kamal Hossain, "
     "came back in May to help. “Nobody believed it would last a year.”", ["Farida Begum", "Kamal Hossain"]),
    # credit lines of a list of voices
    ("Voters were asked what they wanted.\n“Fix the bridge before it falls into the water.” ― Marta Kowalczyk\n"
     "“Our children need a bus to the school.”― Maria Lopez.", ["Marta Kowalczyk", "Maria Lopez"]),
]


@pytest.mark.parametrize("text,speakers", FEATURES)
def test_feature_story_voices(nlp, text, speakers):
    statements, _ = st.extract_statements(_articles(a=text), nlp=nlp)
    assert list(statements.speaker) == speakers, statements[["speaker", "text"]].values.tolist()


def test_unnamed_relative_joined_to_a_name_is_no_joint_subject(nlp):
    statements, _ = st.extract_statements(_articles(a="Smith and his wife said they were relieved."), nlp=nlp)
    assert list(statements.speaker) == ["Smith"]
