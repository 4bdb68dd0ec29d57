"""Tests for names as world news writes them (issue 21): surname-first names and
spelling variants inside one article, abbreviated titles, datelines and news
outlets, and "According to Marsh, Easton police ..."."""
import json
from pathlib import Path

import pytest

from analysis import statements as st
from analysis.attribution.outlets import dateline_end
from analysis.attribution.variants import same_person, skeleton
from analysis.evaluate import load_gold
from test_statements import _articles

GOLD = Path(__file__).resolve().parent / "gold" / "names_titles.json"




def _rows(nlp, text, *columns):
    statements, _ = st.extract_statements(_articles(a=text), nlp=nlp)
    return statements[list(columns)].values.tolist()


@pytest.mark.parametrize("text, name, short", [
    ("Lee Min-ho, the vice minister of trade, said that talks would resume. Lee added that tariffs were not "
     "on the table.", "Lee Min-ho", "Lee"),
    ("Foreign Ministry spokesperson Zhang Wei said that China opposed the fees. Zhang said the fees broke "
     "the rules.", "Zhang Wei", "Zhang"),
    ("Deputy Foreign Minister Nguyen Van An said that Hanoi welcomed the deal. Nguyen added that talks "
     "would go on.", "Nguyen Van An", "Nguyen"),
    ("Deputy Foreign Minister Nguyen Van An said that Hanoi welcomed the deal. An said that talks would "
     "go on.", "Nguyen Van An", "An"),
    ("President Yoon Suk-yeol said that the alliance was strong. Yoon added that the North would pay a "
     "price.", "Yoon Suk-yeol", "Yoon"),  # a name the tagger cut at its hyphen
    ("Horvath Gabor, a state secretary, said the pipeline would be finished in 2027. Horvath said costs "
     "had risen.", "Horvath Gabor", "Horvath"),
])
def test_surname_first_names_give_one_speaker(nlp, text, name, short):
    rows = _rows(nlp, text, "speaker", "aliases")
    assert [r[0] for r in rows] == [name, name] and all(short in r[1].split("; ") for r in rows), rows


def test_spelling_variants_in_one_article(nlp):
    rows = _rows(nlp, "Deputy Foreign Minister Arman Yertayev said that Kazakhstan backed the corridor. "
                      "Ertayev added that freight had doubled. President Kassym-Jomart Tokayev said that "
                      "reforms would go on. Toqayev also said customs checks would move online.",
                 "speaker", "aliases", "role")
    assert [r[0] for r in rows] == ["Arman Yertayev"] * 2 + ["Kassym-Jomart Tokayev"] * 2
    assert rows[1][1:] == ["Ertayev", "Deputy Foreign Minister"] and rows[3][1] == "Toqayev"
    assert skeleton("Yertayev") == skeleton("Ertayev") and same_person("Ertayev", "Arman Yertayev")
    assert same_person("Dzhaparov", "Almaz Zhaparov")


def test_name_orders_and_spellings_unified_across_articles(nlp):
    statements, _ = st.extract_statements(_articles(
        a="Vice Minister Lee Min-ho said that talks would resume. Lee added that tariffs were not on the table.",
        b="Min-ho Lee, the vice minister, said that the talks had gone well.",
        c="Ertayev said that the corridor was open.",
        d="Deputy Foreign Minister Arman Yertayev said that freight had doubled."), nlp=nlp)
    assert statements.speaker.tolist() == ["Lee Min-ho"] * 3 + ["Arman Yertayev"] * 2
    assert "Min-ho Lee" in statements.aliases.iat[2] and "Ertayev" in statements.aliases.iat[3]


def test_a_first_word_shared_by_two_names_stays_with_the_latest(nlp):
    rows = _rows(nlp, "Minister Kim Young-hee said that aid would resume. Kim Dae-sung, a spokesman, said the "
                      "posts were on alert. Kim said nothing unusual had been seen.", "speaker")
    assert rows == [["Kim Young-hee"], ["Kim Dae-sung"], ["Kim Dae-sung"]]


@pytest.mark.parametrize("text, name, role, organization", [
    ("SG Thandiwe Ndlovu said that the bloc would send observers.", "Thandiwe Ndlovu", "secretary-general", ""),
    # a foreign minister of the country the story is about: that country's foreign ministry (issue 21, metadata)
    ("FM Chidi Okafor said that Nigeria would recall its envoy.", "Chidi Okafor", "foreign minister",
     "Ministry of Foreign Affairs of Nigeria"),
    ("Amb. Mariama Diallo said that the ceasefire was holding.", "Mariama Diallo", "ambassador", ""),
    ("Dep. PM Zoltan Horvath said that the budget would be revised.", "Zoltan Horvath", "deputy prime minister", ""),
    ("U.N. Sec.-Gen. Ibrahim Sesay said that the mission would be extended.", "Ibrahim Sesay",
     "secretary-general", "United Nations"),  # the gazetteer's canonical name
    ("Gov. Linda Marsh said that the state would appeal.", "Linda Marsh", "governor", ""),
    ("Sen. Tom Avery said that the bill was dead.", "Tom Avery", "senator", ""),
    ("Rep. Ana Pike said that the vote was rigged.", "Ana Pike", "representative", ""),
    ("Lt. Gen. Pavel Sirko said that the brigade had withdrawn.", "Pavel Sirko", "lieutenant general", ""),
    ("Maj. Gen. Emeka Nwosu said that the operation would end.", "Emeka Nwosu", "major general", ""),
    ("Pres. Ana Ruiz said that the talks had failed.", "Ana Ruiz", "president", ""),
    ("PM Modi said that the bridge would open in June.", "Modi", "prime minister", ""),  # one word, titled
    ("General Min Aung Thura said that polls would be held in May.", "Min Aung Thura", "General", ""),  # "Min", no dot
])
def test_abbreviated_titles_are_roles(nlp, text, name, role, organization):
    assert _rows(nlp, text, "speaker", "role", "organization") == [[name, role, organization]]


def test_title_abbreviations_are_lexicon_data(nlp):
    from analysis.lexicon import load_lexicon

    assert st.parse_title("Dep. PM") == ("deputy prime minister", "", "")
    assert st.parse_title("Russian FM") == ("foreign minister", "", "Russia")
    assert st.parse_title("Nigeria's FM") == ("foreign minister", "", "Nigeria")
    assert load_lexicon().TITLE_ABBREVIATIONS["Amb."] == "ambassador"
    text = "Cdre. Ruth Hale said that the convoy had arrived."
    statements, _ = st.extract_statements(_articles(a=text), nlp=nlp,
                                          lexicon={"title_abbreviations": {"Cdre.": "commodore"}})
    assert statements[["speaker", "role"]].values.tolist() == [["Ruth Hale", "commodore"]]


@pytest.mark.parametrize("text, rest", [
    ("BEIJING — The ministry said ...", "The ministry said ..."),
    ("ASTANA, May 3 (Xinhua) - Officials said ...", "Officials said ..."),
    ("KYIV (Reuters) — The mayor said ...", "The mayor said ..."),
    ("SEOUL, June 4 (Yonhap) -- Lee said ...", "Lee said ..."),
    ("NAIROBI, Kenya, March 3 (AFP) - Police said ...", "Police said ..."),
    ("Kyiv, Ukraine (AP) — The mayor said ...", "The mayor said ..."),
    ("(Reuters) - The bank said ...", "The bank said ..."),
    ("NEW DELHI — Officials said ...", "Officials said ..."),
    ("BEIJING (AP)—The ministry said ...", "The ministry said ..."),
    ("KYIV-based analysts said ...", None),
    ("Lee Min-ho said - as expected - that ...", None),  # no dateline
    ("The minister — a former general — said ...", None),
    ("Kyiv — the city — was quiet.", None),  # a place in lower case needs a date or an agency
])
def test_dateline_end(text, rest):
    end = dateline_end(text)
    assert (text[end:] if end else None) == rest


def test_datelines_are_never_speakers(nlp):
    rows = _rows(nlp, "TOKYO (Kyodo) — Chief Cabinet Secretary Sato Hiroshi said that the government would "
                      "study the proposal.\n\nASTANA, May 3 (Xinhua) - Officials said that the corridor was open.",
                 "speaker", "text")
    assert [r[0] for r in rows] == ["Sato Hiroshi", "Officials"], rows


@pytest.mark.parametrize("text, speaker, reported_by, start", [
    ("TASS quoted Deputy Foreign Minister Oleg Ryabov as saying that Moscow was ready for talks.",
     "Oleg Ryabov", "TASS", "Moscow was ready"),
    ("The state news agency TASS quoted Deputy Foreign Minister Oleg Ryabov as saying that Moscow was ready "
     "for talks.", "Oleg Ryabov", "TASS", "Moscow was ready"),
    ("Anadolu reported that Foreign Minister Kerem Aslan had said the corridor would stay open.",
     "Kerem Aslan", "Anadolu", "the corridor"),
    ("According to Xinhua, Foreign Minister Wang Lei said that the visit would strengthen ties.",
     "Wang Lei", "Xinhua", "the visit"),
    ("Foreign Minister Kerem Aslan said the corridor would stay open, Anadolu reported.",
     "Kerem Aslan", "Anadolu", "the corridor would stay open"),
    ("Interior Minister Amir Haddad said, according to the official IRNA news agency, that the border would "
     "be closed.", "Amir Haddad", "IRNA", "the border would be closed"),
    ("The Yonhap news agency reported that Defence Minister Park Ji-hoon had said the drills would go ahead.",
     "Park Ji-hoon", "Yonhap", "the drills"),
    ("The Kazinform news agency quoted Marat Seitov, the mayor, as saying that the bridge would open in May.",
     "Marat Seitov", "Kazinform", "the bridge"),
    ("“We are ready for talks,” TASS quoted Oleg Ryabov as saying.", "Oleg Ryabov", "TASS", "We are ready"),
    ("Interfax, citing Deputy Energy Minister Pavel Sorokin, reported that gas exports would fall.",
     "Pavel Sorokin", "Interfax", "gas exports"),
    ("Citing a senior official, Reuters reported that the talks had stalled.", "senior official", "Reuters",
     "the talks"),
    ("The official Xinhua news agency said the floods had killed 12 people, citing local authorities.",
     "local authorities", "Xinhua", "the floods had killed 12 people"),
    ("Energy Minister Olena Koval told Reuters that the grid had been restored.", "Olena Koval", "",
     "the grid"),
])
def test_outlets_relay_their_sources(nlp, text, speaker, reported_by, start):
    rows = _rows(nlp, text, "speaker", "reported_by", "text")
    assert len(rows) == 1 and rows[0][:2] == [speaker, reported_by] and rows[0][2].startswith(start), rows
    assert not {"reported", "according", "citing"} & set(rows[0][2].split())


def test_an_outlet_alone_is_the_source_and_its_questions_are_not_statements(nlp):
    statements, speakers = st.extract_statements(_articles(
        a="Xinhua said in a commentary that the sanctions were an act of coercion. The agency reported "
          "that the envoy would arrive on Friday. “The sanctions will fail,” the People's Daily said.",
        b="Asked by the Associated Press whether the deal would survive, Minister Lina Sorensen said that it "
          "would."), nlp=nlp)
    assert statements[["article_id", "speaker", "role"]].values.tolist() == [
        ["a", "Xinhua", "news outlet"], ["a", "Xinhua", "news outlet"], ["a", "People's Daily", "news outlet"],
        ["b", "Lina Sorensen", "Minister"]]
    assert "Associated Press" not in set(speakers.speaker)


@pytest.mark.parametrize("text, speaker, start", [
    ("According to Marsh, Easton police calls have doubled since March.", "Marsh", "Easton police"),
    ("According to Okafor, Enugu state officials ignored the warnings.", "Okafor", "Enugu state"),
    ("Police chief Dana Marsh spoke first. According to Marsh, Easton police calls have doubled.",
     "Dana Marsh", "Easton police"),
])
def test_according_to_a_surname_before_a_place(nlp, text, speaker, start):
    rows = _rows(nlp, text, "speaker", "kind", "text")
    assert rows == [[speaker, "according_to", rows[0][2]]] and rows[0][2].startswith(start), rows


def test_gold_roles_and_aliases(nlp):
    """The roles and aliases the gold passages expect, in the speakers table."""
    articles, _ = load_gold(GOLD)
    _, speakers = st.extract_statements(articles, nlp=nlp)
    table = {(r.article_id, r.speaker): r for r in speakers.itertuples()}
    for item in json.loads(GOLD.read_text(encoding="utf-8"))["articles"]:
        for g in item["statements"]:
            row = table[(item["id"], g["speaker"])]
            if "role" in g:
                assert row.role == g["role"], (item["id"], g["speaker"], row.role)
            assert set(g.get("aliases", ())) <= set(row.aliases.split("; ")), (item["id"], row.aliases)
