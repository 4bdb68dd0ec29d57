"""Figure 6: the Markdown evidence table per speaker."""


from ..textsafe import markdown_text
from .style import as_text, corpus_table, models_note, title_target

_cell = markdown_text  # a cell or heading: one line, shown as its literal text (no HTML, links or math)


def _evidence_section(r, own, total):
    """The Markdown lines of one speaker (``r``: corpus row) with its ranked statements ``own`` of ``total``."""
    who = ", ".join(v for v in (r["role"], r["organization"], r["country"]) if v and v != r["speaker"])
    lines = [f"## {_cell(r['speaker'])}" + (f" ({_cell(who)})" if who else ""), "",
             f"**{r['stance']}** · score {r['score']:+.2f} (90% interval {r['score_lo']:+.2f} to "
             f"{r['score_hi']:+.2f}) · confidence {r['stance_confidence']:.2f} · "
             f"sentiment {r['sentiment']} · n={r['n_statements']}", "",
             "| article | stance | p_favor | p_against | p_neutral | sentiment | statement |",
             "|---|---|---:|---:|---:|---|---|"]
    for s in own:
        lines.append(f"| {_cell(s['article_id'])} | {s['stance']} | {s['p_favor']:.2f} | "
                     f"{s['p_against']:.2f} | {s['p_neutral']:.2f} | {s['sentiment']} | {_cell(s['text'])} |")
    if total > len(own):
        lines.append(f"| | | | | | | _… {total - len(own)} more_ |")
    return lines + [""]


def evidence_markdown(table, scored, target=None, per_speaker=5):
    """Figure 6: Markdown evidence table per speaker; returns a string.

    ``table``: ``speaker_stance`` output; ``scored``: ``schemas.SCORED_STATEMENTS``.
    Opens with a summary table (one row per speaker, ordered by score), then one
    section per speaker listing up to ``per_speaker`` statements with their
    stance and sentiment scores, the most one-sided first.  Every text from the
    articles, the target and the model names is escaped (``textsafe.markdown_text``):
    shown by ``display(Markdown(...))`` it runs no script and loads nothing.
    """
    target = title_target(table, target)
    lines = [f"# Evidence per speaker: stance toward {_cell(target)}", ""]
    models = models_note(table)
    if models:
        lines += [f"_{_cell(models)}_", ""]
    rows = corpus_table(table).sort_values(["score", "speaker"]).to_dict("records")
    if not rows:
        return "\n".join(lines + ["No speaker statements to score.", ""])
    lines += ["score = mean lean (p(favor) − p(against)) / (p(favor) + p(against)) of the speaker's on-target "
              "statements, confidence-weighted; interval: 90%; confidence: share of the speaker's statements "
              "that bear on the target times the stability of the side the score leans to; uncertain: the "
              "on-target statements disagree, or the only one is weak.", "",
              "| speaker | stance | score | 90% interval | confidence | sentiment | n |",
              "|---|---|---:|---|---:|---|---:|"]
    for r in rows:
        lines.append(f"| {_cell(r['speaker'])} | {r['stance']} | {r['score']:+.2f} | "
                     f"{r['score_lo']:+.2f} to {r['score_hi']:+.2f} | {r['stance_confidence']:.2f} | "
                     f"{r['sentiment']} | {r['n_statements']} |")
    lines.append("")
    ranked = scored.assign(_who=scored["speaker"].map(as_text), _s=(scored["p_favor"] - scored["p_against"]).abs())
    ranked = ranked.sort_values(["_who", "_s", "statement_id"], ascending=[True, False, True], kind="stable")
    totals = ranked["_who"].value_counts()
    own = {}
    for s in ranked.groupby("_who").head(per_speaker).to_dict("records"):
        own.setdefault(s["_who"], []).append(s)
    for r in rows:
        lines += _evidence_section(r, own.get(r["speaker"], []), int(totals.get(r["speaker"], 0)))
    return "\n".join(lines)
