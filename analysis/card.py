"""Model cards: MODEL_CARD.md of an adapter from its training.json and metrics.json, the
experiments table (``EXPERIMENTS``) and the commands that rebuild an adapter."""
import json

from .classifier import ADAPTERS_DIR
from .paths import PACKAGE_DIR, TRAINING_DATA_DIR
from .recipes import CONTRAST, DATASETS, NEWS, RECIPES, TASKS


def write_card(task, adapter_dir, dev):
    """MODEL_CARD.md of ``adapter_dir`` from its metrics.json and training.json (``dev``: the dev rows)."""
    report = json.loads((adapter_dir / "metrics.json").read_text())
    settings = json.loads((adapter_dir / "training.json").read_text())
    (adapter_dir / "MODEL_CARD.md").write_text(model_card(task, settings, report, dev))


EXPERIMENTS = ADAPTERS_DIR / "experiments.jsonl"


def record_experiment(task, name, settings, report):
    """Append one experiment (settings and dev results) to ``EXPERIMENTS``."""
    row = {"task": task, "name": name, "settings": settings,
           **{k: report.get(k) for k in ("news_macro_f1", "shared_macro_f1", "target_sensitivity",
                                         "contrast_macro_f1", "contrast_macro_f1_without_context",
                                         "contrast_groups_right", "contrast_target_sensitivity",
                                         "news_macro_f1_without_role", "contrast_macro_f1_without_role",
                                         "rows_per_s_news_dev", "precision", "threads")},
           "per_phenomenon": {k: v["accuracy"] for k, v in report["per_phenomenon"].items()},
           "contrast_per_phenomenon": {k: v["accuracy"] for k, v in report.get("contrast_per_phenomenon", {}).items()}}
    with open(EXPERIMENTS, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(row) + "\n")


def _experiment_rows(task):
    if not EXPERIMENTS.is_file():
        return []
    rows = [json.loads(line) for line in EXPERIMENTS.read_text().splitlines() if line.strip()]
    return [r for r in rows if r["task"] == task]


def _data_cell(s):
    return ", ".join(s.get("data", [])) + (f" (cap {s['cap_per_dataset_per_epoch']}"
                                           + "".join(f", {k} {v}" for k, v in s.get("mix", {}).items()) + ")")


def experiments_table(task):
    """Markdown tables of the recorded experiments for ``task`` (``record_experiment``): the
    main figures with news_statements dev accuracy per phenomenon, then news_contrast dev
    accuracy per phenomenon for the runs evaluated on it."""
    rows = _experiment_rows(task)
    if not rows:
        return []
    phenomena = sorted({p for r in rows for p in r["per_phenomenon"]})
    out = ["| experiment | base | data (rows/epoch) | swaps | context noise | speaker role (news / contrast F1 "
           "without it) | epochs | news dev F1 | shared dev F1 | target sens. | contrast dev F1 (without context) "
           "| contrast groups right | contrast target sens. | train min | rows/s | " + " | ".join(phenomena) + " |",
           "|---" * (15 + len(phenomena)) + "|"]
    for r in rows:
        s = r["settings"]
        contrast = None if r.get("contrast_macro_f1") is None else \
            f"{r['contrast_macro_f1']} ({r.get('contrast_macro_f1_without_context')})"
        role = "–" if not s.get("roles") else \
            f"{s['roles']} ({r.get('news_macro_f1_without_role')} / {r.get('contrast_macro_f1_without_role')})"
        cells = [r["name"], s.get("base", "").split("/")[-1], _data_cell(s), s.get("swaps", 0),
                 s.get("context_noise", 0), role, s["epochs"], r["news_macro_f1"], r["shared_macro_f1"],
                 r.get("target_sensitivity"), contrast, r.get("contrast_groups_right"),
                 r.get("contrast_target_sensitivity"), round(s["train_seconds"] / 60, 1),
                 f"{r['rows_per_s_news_dev']} ({r['precision']})",
                 *(r["per_phenomenon"].get(p, "") for p in phenomena)]
        out.append("| " + " | ".join("–" if c is None else str(c) for c in cells) + " |")
    contrast_rows = [r for r in rows if r.get("contrast_per_phenomenon")]
    if contrast_rows:
        phenomena = sorted({p for r in contrast_rows for p in r["contrast_per_phenomenon"]})
        out += ["", "news_contrast dev accuracy per phenomenon:", "",
                "| experiment | " + " | ".join(phenomena) + " |", "|---" * (1 + len(phenomena)) + "|"]
        out += ["| " + " | ".join([r["name"], *(str(r["contrast_per_phenomenon"].get(p, "–")) for p in phenomena)])
                + " |" for r in contrast_rows]
    return out


def model_card(task, settings, report, dev):
    """Markdown model card from the training settings and the dev report."""
    from .classifier import BASES

    labels = TASKS[task]["labels"]
    base = settings.get("base", "sentence-transformers/all-MiniLM-L6-v2")
    pair = f"a pair (target written as `{settings.get('template', '{target}')}`, statement)"
    lines = [f"# {task} adapter for {base.split('/')[-1]}", "",
             f"LoRA adapter + linear head on `{base}` (from the pip package(s) "
             f"{', '.join(f'`{p}`' for p in BASES[base]['packages'])}). "
             f"Input: {pair if TASKS[task]['pair'] else 'a statement'}; output: {' / '.join(labels)}.", "",
             "## Data", "",
             "From `../shared/data/` (not part of this project; `news_statements` and `news_contrast` are CC0 and "
             "written for it). "
             "Train on the `train` split, checkpoint choice and calibration on `dev`; test splits are held out by "
             "the data's curator.", "",
             "| dataset | source | licence (as the manifest states) | dev rows |", "|---|---|---|---:|"]
    for name, n in dev["dataset"].value_counts().sort_index().items():
        source, licence = DATASETS.get(name, ("see MANIFEST.md", "see MANIFEST.md"))
        lines.append(f"| {name} | {source} | {licence} | {n} |")
    lines += ["", "## Training", "", "| setting | value |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in settings.items() if k != "ingredients"]
    lines += ["", *_reproduce(task, settings, report.get("precision", "fp32")), "",
              f"## Dev results (computed on CPU in {report.get('precision', 'fp32')} with the committed files)", "",
              f"news_statements dev macro-F1: **{report.get('news_macro_f1')}**; shared dev macro-F1 (all shared "
              f"rows pooled): **{report.get('shared_macro_f1')}**; overall {report['overall_macro_f1']}; mean of "
              f"per-dataset macro-F1: {report['per_dataset_macro_f1']}; accuracy {report['accuracy']}."
              + (f" Target sensitivity (news dev statements paired with another dev topic's target and "
                 f"scored neutral): **{report['target_sensitivity']}**." if "target_sensitivity" in report else "")
              + (f" Scoring speed: {report['rows_per_s_news_dev']} news dev rows/s on {report['threads']} CPU "
                 f"threads in {report['precision']}." if report.get("rows_per_s_news_dev") else "")
              + (" The model reads the speaker's role before the statement (\"role: statement\"; when scoring "
                 "articles, the role, organisation and country the extractor found, never the name): without it, "
                 f"news dev macro-F1 {report['news_macro_f1_without_role']}, news_contrast "
                 f"{report.get('contrast_macro_f1_without_role')}." if report.get("news_macro_f1_without_role")
                 else ""), "",
              "| dataset | dev rows | gold classes | macro-F1 |", "|---|---:|---|---:|"]
    lines += [f"| {k} | {v['n']} | {', '.join(v['classes'])} | {v['macro_f1']} |"
              for k, v in report["per_dataset"].items()]
    if report.get("per_phenomenon"):
        lines += ["", "news_statements dev per phenomenon (macro-F1 over the phenomenon's own gold classes):", "",
                  "| phenomenon | rows | accuracy | macro-F1 |", "|---|---:|---:|---:|"]
        lines += [f"| {k} | {v['n']} | {v['accuracy']} | {v['macro_f1']} |"
                  for k, v in report["per_phenomenon"].items()]
    if report.get("contrast_per_phenomenon"):
        lines += ["", f"news_contrast dev (the sentence before each statement read with it where there is one): "
                  f"macro-F1 **{report['contrast_macro_f1']}** ({report.get('contrast_macro_f1_without_context')} "
                  f"with the statements read alone); contrast groups with every row right: "
                  f"**{report['contrast_groups_right']}** (of {report['contrast_groups']} groups); target sensitivity "
                  f"{report.get('contrast_target_sensitivity')}. Per phenomenon:", "",
                  "| phenomenon | rows | accuracy | macro-F1 |", "|---|---:|---:|---:|"]
        lines += [f"| {k} | {v['n']} | {v['accuracy']} | {v['macro_f1']} |"
                  for k, v in report["contrast_per_phenomenon"].items()]
    table = experiments_table(task)
    if table:
        lines += ["", "## Experiments", "",
                  "Every recorded run (`python -m analysis train ... --experiment NAME`), dev macro-F1 and "
                  "per-phenomenon news dev accuracy; rows/s = news dev statements scored per second on the "
                  "2-core CPU in the precision shown.", "", *table]
    lines += ["", "Confusion matrix (rows gold, columns predicted):", "",
              "| gold \\ pred | " + " | ".join(labels) + " |", "|---" * (len(labels) + 1) + "|"]
    lines += [f"| {labels[i]} | " + " | ".join(str(v) for v in row) + " |"
              for i, row in enumerate(report["confusion"]["matrix"])]
    lines += ["", "## Calibration", "",
              f"Temperature fitted on dev by NLL: T = {report['temperature']}. Expected calibration error "
              f"(15 bins) before {report['ece_before']}, after {report['ece_after']}. The scorer divides logits by T. "
              "Because T is fitted on the same dev split the ECE-after figure is optimistic.", "",
              "## Known limits", "",
              "- English only; inputs truncated to "
              f"{settings['max_length']} word pieces (long article bodies are judged on their beginning).",
              "- Dev was also used to pick the checkpoint" + (" of each ingredient and the soup weights"
                                                              if "ingredients" in settings else "")
              + ", so dev scores are slightly optimistic.",
              *_weakest(report), *(f"- {limit}" for limit in TASKS[task]["limits"]), ""]
    return "\n".join(lines)


def _train_flags(settings):
    """The ``train`` options that give ``settings`` (a training.json) beside the recipe defaults."""
    recipe, flags = RECIPES[settings["task"]], []
    given = {"epochs": settings["epochs"], "cap": settings["cap_per_dataset_per_epoch"], "swaps": settings["swaps"],
             "context_noise": settings.get("context_noise", 0.0), "roles": settings.get("roles", 0.0),
             "lr": settings["lr"], "max_length": settings["max_length"], "dropout": settings["dropout"],
             "batch_size": settings["batch_size"], "lora_r": settings["lora_r"], "seed": settings["seed"]}
    # 13: the CLI's --seed default
    defaults = {**recipe, "lora_r": recipe["r"], "context_noise": recipe.get("noise", 0.0),
                "roles": recipe.get("roles", 0.0), "seed": 13}
    for key, value in given.items():
        if value != defaults.get(key):
            flags.append(f"--{key.replace('_', '-')} {value}")
    if settings.get("mix") != recipe.get("mix"):
        flags += [f"--mix {k}={v}" for k, v in settings.get("mix", {}).items()]
    return " ".join(flags)


def _data_flags(task, settings):
    """The ``--data`` folders of ``settings``: the project's own written sets from ``TRAINING_DATA_DIR``,
    the rest from ``../shared/data``."""
    own = TRAINING_DATA_DIR.relative_to(PACKAGE_DIR.parent).as_posix()  # analysis/training_data
    return " ".join(f"{own}/{d}" if (TRAINING_DATA_DIR / d).is_dir() else f"../shared/data/{d}"
                    for d in settings.get("data", [task]))


def _commands(task, settings, name, precision):
    """The shell commands that rebuild the adapter of ``settings`` into folder ``name``: its
    ingredients and the soup, or the adapter it went on training and the run, or one run;
    then the neutral shift, if any."""
    data = _data_flags(task, settings)
    if "ingredients" in settings:
        names = [f"build/{task}-{chr(97 + i)}" for i in range(len(settings["ingredients"]))]
        lines = [c for n, s in zip(names, settings["ingredients"]) for c in _commands(task, s, n, precision)]
        lines.append(f"python -m analysis soup {task} --data {data} --adapters {' '.join(names)} --weights "
                     + " ".join(str(w) for w in settings["soup_weights"]) + f" --precision {precision}")
    elif "init" in settings:
        lines = _commands(task, settings["init"], f"{name}-init", precision)
        lines.append(f"python -m analysis train {task} --data {data} --out {name} --init {name}-init "
                     f"{_train_flags(settings)}".rstrip())
    else:
        lines = [f"python -m analysis train {task} --data {data} --out {name} {_train_flags(settings)}".rstrip()]
    if settings.get("neutral_shift"):
        lines.append(f"python -m analysis train {task} --data {data} --out {name} --calibrate-only "
                     f"--neutral-shift {settings['neutral_shift']} --precision {precision}")
    return lines


def _reproduce(task, settings, precision="fp32"):
    """The card's lines saying how to rebuild the adapter of ``settings`` (evaluated in ``precision``)."""
    if "ingredients" not in settings and "init" not in settings and not settings.get("neutral_shift"):
        return [f"Reproduce: `python -m analysis train {task} --data {_data_flags(task, settings)}` (the defaults are "
                "this recipe; seeded; `--calibrate-only` re-evaluates)."]
    notes = {"ingredients": "is a soup (`analysis/soup.py`): the weighted average of adapters trained from one base",
             "init": "went on training an earlier adapter (`--init`)",
             "neutral_shift": "has its head's neutral bias raised after training (`--neutral-shift`, chosen on dev: "
                              "the model says neutral more readily for a target a statement is not about)"}
    what = "; it ".join(text for key, text in notes.items() if settings.get(key))
    return [f"This adapter {what}. Reproduce (seeded):", "", "```bash",
            *_commands(task, settings, f"build/{task}", precision), "```"]


def _weakest(report, n=3):
    """Known-limit lines naming the weakest dev datasets and news phenomena of ``report``."""
    lines = []
    datasets = sorted(report["per_dataset"].items(), key=lambda kv: kv[1]["macro_f1"])[:n]
    if datasets:
        lines.append("- Weakest dev sets (macro-F1): " + ", ".join(f"{k} {v['macro_f1']}" for k, v in datasets) + ".")
    for key, name in (("per_phenomenon", NEWS), ("contrast_per_phenomenon", CONTRAST)):
        phenomena = sorted(report.get(key, {}).items(), key=lambda kv: kv[1]["accuracy"])[:n]
        if phenomena:
            lines.append(f"- Weakest {name} phenomena (accuracy): "
                         + ", ".join(f"{k} {v['accuracy']} (n={v['n']})" for k, v in phenomena) + ".")
    return lines
