"""Write a synthetic news corpus for benchmarks: ``make_corpus.py N DIR [--seed S]``.

Inputs: N (number of articles), DIR (created; existing files of the same names are
overwritten), ``--seed`` (default 0), ``--start K`` (number the articles from K, default 0:
add articles to a corpus by running again with another start).  Output: N articles in DIR in every format the
loader reads, deterministic for a seed:

* about 55% ``.txt`` files in the seed format (``date YYYY-MM-DD`` then the body),
  15% ``.md`` (front matter with title and date), 15% ``.html`` (``<meta
  name="date">``, ``<h1>``, ``<p>``), and 15% as rows of ``feed-K.csv`` and ``feed-K.jsonl``
  (``id``, ``date``, ``title``, ``text``).
* Each article takes one topic of the CC0 ``news_statements`` set
  (``../shared/data/news_statements``, train and dev) and 3-8 of its statements as
  quotes, spoken by generated people (given name, surname, role, organisation,
  country) or organisations, in varied reporting constructions: direct quotes
  credited before or after, "X said that ...", "according to X, ...", pronoun
  continuations ("She added that ..."), and a lead paragraph with no statement.
  Nine statements in ten get a varied clause ending ("..., speaking in Ghana on
  Monday"), so texts rarely repeat and scoring does real work at every size.
* Dates spread over two years (2021-01-01 .. 2022-12-31), so time series have data.

Only this script is committed, never a generated corpus.
"""
import argparse
import csv
import html
import json
import random
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "news_statements"
GIVEN = {"f": ["Maria", "Elena", "Amina", "Sofia", "Laura", "Grace", "Nadia", "Ingrid", "Fatima", "Claire",
               "Olga", "Priya", "Hannah", "Lucia", "Mei"],
         "m": ["Daniel", "Omar", "Viktor", "James", "Tomas", "Ahmed", "Pavel", "Kenji", "Marco", "Samuel",
               "Arman", "David", "Lukas", "Rafael", "Idris"]}
SURNAMES = ["Okafor", "Lindqvist", "Haddad", "Moreau", "Kowalski", "Tanaka", "Petrov", "Mensah", "Castillo",
            "Novak", "Brennan", "Aliyev", "Schneider", "Rahman", "Costa", "Ivanova", "Nakamura", "Dubois",
            "Kariuki", "Horvath", "Vasquez", "Eriksen", "Balogun", "Sorensen", "Chen", "Abdullah", "Reyes",
            "Fischer", "Mwangi", "Andersen"]
ROLES = ["Foreign Minister", "Defence Minister", "spokesperson", "senior analyst", "Secretary General",
         "ambassador", "deputy director", "lawmaker", "researcher", "press secretary"]
ORGS = [("Ministry of Foreign Affairs", None), ("Institute for Security Studies", None),
        ("Red Cross", None), ("European Commission", "Belgium"), ("African Union", "Ethiopia"),
        ("Human Rights Watch", None), ("United Nations", None), ("Centre for Strategic Research", None)]
COUNTRIES = ["Kenya", "France", "Brazil", "Japan", "Poland", "Nigeria", "Canada", "Turkey", "India", "Norway"]
DEMONYMS = {"Kenya": "Kenyan", "France": "French", "Brazil": "Brazilian", "Japan": "Japanese", "Poland": "Polish",
            "Nigeria": "Nigerian", "Canada": "Canadian", "Turkey": "Turkish", "India": "Indian",
            "Norway": "Norwegian"}
SAY = ["said", "stated", "told reporters", "noted", "argued"]
START = date(2021, 1, 1)


def load_statements():
    """news_statements train + dev rows: DataFrame with topic_id, target, kind, text."""
    frames = [pd.read_csv(DATA / f"{split}.csv.gz", keep_default_na=False) for split in ("train", "dev")]
    return pd.concat(frames, ignore_index=True)[["topic_id", "target", "kind", "text"]]


def make_speaker(rng):
    """A generated person: dict with name, surname, pronoun, role, organisation, country."""
    gender = rng.choice("fm")
    country = rng.choice(COUNTRIES)
    org, _ = rng.choice(ORGS)
    return {"name": f"{rng.choice(GIVEN[gender])} {rng.choice(SURNAMES)}", "pronoun": "She" if gender == "f" else "He",
            "role": rng.choice(ROLES), "org": org, "country": country}


def _sentence(text):
    text = text.strip()
    return text if text[-1:] in ".!?" else text + "."


def _clause(text):
    return text.strip().rstrip(".")


# Clause endings that make a reused statement a new text (so that the score cache does not
# turn a large corpus into a warm one): 5 forms x the countries x the weekdays.
TAILS = ["as talks in {country} went on {day}", "speaking in {country} on {day}",
         "after meetings in {country} on {day}", "in remarks from {country} on {day}",
         "as delegates gathered in {country} on {day}"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _vary(rng, text):
    """``text`` with a clause ending drawn from ``TAILS`` (nine times in ten)."""
    if rng.random() >= 0.9:
        return text
    tail = rng.choice(TAILS).format(country=rng.choice(COUNTRIES), day=rng.choice(WEEKDAYS))
    return f"{_clause(text)}, {tail}."


def statement_paragraph(rng, sp, first, last, row):
    """One paragraph giving the statement ``row`` to speaker ``sp``: named in full when
    ``first``, by a pronoun when ``last`` (the previous paragraph's speaker), else by surname."""
    if first:
        who = (f"{sp['name']}, {sp['role']} at the {sp['org']}," if rng.random() < 0.5 else
               f"{DEMONYMS[sp['country']]} {sp['role']} {sp['name']}")
    else:
        who = sp["pronoun"] if last else sp["name"].split()[-1]
    text, form = _vary(rng, row.text), rng.randrange(3)
    if row.kind == "direct":
        if form == 0:
            return f"“{_clause(text)},” {who.lower() if who in ('He', 'She') else who.rstrip(',')} {rng.choice(SAY)}."
        if form == 1:
            return f"{who.rstrip(',')} {rng.choice(SAY)}: “{_sentence(text)}”"
        return f"“{_sentence(text)}” {who.lower()} added." if last else f"“{_clause(text)},” said {who.rstrip(',')}."
    if form == 0:
        return f"{who} said that {_clause(text)}."
    if form == 1 and who not in ("He", "She"):
        return f"According to {who.rstrip(',')}, {_clause(text)}."
    return f"{who} also noted that {_clause(text)}." if last else f"{who} told journalists that {_clause(text)}."


def make_article(rng, n, statements_by_topic):
    """Article number ``n``: dict with id, date, title, text (paragraphs separated by blank lines)."""
    topic = rng.choice(sorted(statements_by_topic))
    rows = statements_by_topic[topic]
    picked = rng.sample(range(len(rows)), min(len(rows), rng.randint(3, 8)))
    day = START + timedelta(days=rng.randrange(730))
    target = rows[0].target
    speakers = [make_speaker(rng) for _ in range(rng.randint(2, 4))]
    paras = [f"Officials and observers met in {rng.choice(COUNTRIES)} on {day:%B} {day.day} to weigh {target}. "
             f"The talks drew delegations from {rng.randint(3, 30)} countries."]
    introduced, last = set(), None
    for k in picked:
        sp = rng.choice(speakers)
        paras.append(statement_paragraph(rng, sp, sp["name"] not in introduced, sp is last, rows[k]))
        introduced.add(sp["name"])
        last = sp
    if rng.random() < 0.3:
        paras.append("The meeting is expected to resume next month.")
    title = f"Reactions to {target}"
    return {"id": f"a{n:06d}", "date": day.isoformat(), "title": title[0].upper() + title[1:],
            "text": "\n\n".join(paras)}


def write_article(folder, article, kind):
    """Write one article as a .txt, .md or .html file."""
    if kind == "txt":
        (folder / f"{article['id']}.txt").write_text(f"date {article['date']} {article['text']}\n", encoding="utf-8")
    elif kind == "md":
        (folder / f"{article['id']}.md").write_text(
            f"---\ntitle: {article['title']}\ndate: {article['date']}\n---\n\n# {article['title']}\n\n"
            f"{article['text']}\n", encoding="utf-8")
    else:
        paras = "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in article["text"].split("\n\n"))
        (folder / f"{article['id']}.html").write_text(
            f"<html><head><meta name=\"date\" content=\"{article['date']}\"><title>{html.escape(article['title'])}"
            f"</title></head><body><h1>{html.escape(article['title'])}</h1>\n{paras}\n</body></html>\n",
            encoding="utf-8")


def make_corpus(n, folder, seed=0, start=0):
    """Write articles ``start`` .. ``start + n - 1`` into ``folder``; returns {format: count}."""
    rng = random.Random(seed)
    by_topic = {}
    for row in load_statements().itertuples(index=False):
        by_topic.setdefault(row.topic_id, []).append(row)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    counts, table = {}, {"csv": [], "jsonl": []}
    for i in range(start, start + n):
        article = make_article(rng, i, by_topic)
        kind = rng.choices(["txt", "md", "html", "csv", "jsonl"], weights=[55, 15, 15, 8, 7])[0]
        counts[kind] = counts.get(kind, 0) + 1
        if kind in table:
            table[kind].append(article)
        else:
            write_article(folder, article, kind)
    if table["csv"]:
        with open(folder / f"feed-{start}.csv", "w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=["id", "date", "title", "text"])
            writer.writeheader()
            writer.writerows(table["csv"])
    if table["jsonl"]:
        lines = "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in table["jsonl"])
        (folder / f"feed-{start}.jsonl").write_text(lines, encoding="utf-8")
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("folder", help="output folder")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--start", type=int, default=0, help="number of the first article")
    args = parser.parse_args()
    counts = make_corpus(args.n, args.folder, args.seed, args.start)
    print(f"wrote {args.n} articles to {args.folder}: {counts}")


if __name__ == "__main__":
    main()
