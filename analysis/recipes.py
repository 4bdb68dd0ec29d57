"""What the adapters are trained on and how: the tasks, the recipes (the CLI's defaults) and the
data sets' sources and licences; read by training and by the model cards (no torch import)."""
from .vocab import LABELS

TASKS = {
    "stance": {"labels": LABELS["stance"], "pair": True,
               "limits": ["news_statements is written text, cleaner and more balanced than real news: expect "
                          "lower scores on real articles than on its dev split.",
                          "A statement that takes a side without naming the action, or that says the opposite of "
                          "what it means, depends on context the model does not see (it reads one statement and "
                          "the target).",
                          "`none`/neutral means different things in different sources (unrelated, discussing, "
                          "observing)."]},
    "sentiment": {"labels": LABELS["sentiment"], "pair": False,
                  "limits": ["The training mix is tweets, film-review phrases, news sentences and news_statements "
                             "(written, not transcribed, officials' statements); statements that mix alarm with "
                             "resolve or help can be scored positive.",
                             "Sentiment is the tone of the words, not the speaker's position on any issue."]},
}
# The recipe each committed adapter was trained with: the CLI's defaults, so that
# ``python -m analysis train TASK --data DIR`` reproduces it.
RECIPES = {
    "stance": {"base": "mpnet", "epochs": 3, "batch_size": 32, "lr": 5e-4, "max_length": 128, "cap": 250,
               "mix": {"news_statements": 2747, "news_contrast": 1464}, "swaps": 0.75, "noise": 0.3, "r": 16,
               "dropout": 0.0, "bf16": True},
    "sentiment": {"base": "minilm", "epochs": 3, "batch_size": 32, "lr": 1e-3, "max_length": 128, "cap": 5000,
                  "mix": {"news_statements": 5000}, "swaps": 0.0, "r": 16, "dropout": 0.0, "bf16": True},
}
LABEL_ALIASES = {"none": "neutral"}

# Sources and licences as ../shared/data/MANIFEST.md states them.
DATASETS = {
    "arc": ("Argument Reasoning Comprehension, FNC format (Habernal et al. 2018; Hanselowski et al. 2018)",
            "Apache License 2.0 (repository)"),
    "emergent": ("Emergent (Ferreira & Vlachos 2016)", "not stated"),
    "fnc1": ("Fake News Challenge stage 1 (Pomerleau & Rao 2017)",
             "not stated for the data; UKPLab repository Apache 2.0 (code)"),
    "gwsd": ("GWSD / DeSMOG global-warming news sentences (Luo et al. 2020)", "not stated"),
    "ibm_claim_stance": ("IBM Debater Claim Stance (Bar-Haim et al. 2017)", "not stated in the copy used"),
    "multitarget": ("Multi-Target Stance, 2016 US election tweets (Sobhani et al. 2017)",
                    "Apache 2.0 (code); tweets under Twitter's terms"),
    "perspectrum": ("PERSPECTRUM (Chen et al. 2019)", "CC BY-SA 4.0"),
    "vaccinelies": ("VaccineLies (Weinzierl & Harabagiu 2022)", "Apache 2.0 (code); tweets under Twitter's terms"),
    "vast": ("VAST, Varied Stance Topics (Allaway & McKeown 2020)", "not stated"),
    "news_statements": ("statements about government and military actions as news quotes them, written for this "
                        "project (../shared/data/news_statements/README.md)", "CC0"),
    "news_contrast": ("contrast groups of statements whose stance the surface words do not decide, each with the "
                      "sentence before it, written for this project (../shared/data/news_contrast/README.md)", "CC0"),
    "news_responses": ("responses to an action (sanctions, suits, strikes, boycotts) and the criticism of them, "
                       "written for this project (analysis/training_data/news_responses/README.md)", "CC0"),
    "news_reasons": ("the reasons given for an action or against its need, rebuttals of its critics and promised "
                     "limits, in contrast groups, written for this project "
                     "(analysis/training_data/news_reasons/README.md)", "CC0"),
    "newsmtsc": ("NewsMTSC political news sentences (Hamborg & Donnay 2021)",
                 "MIT-style for new files; no separate data licence"),
    "semeval2017_4a": ("SemEval-2017 Task 4A tweets (Rosenthal et al. 2017)", "CC BY 3.0, and Twitter's terms"),
    "sst5": ("Stanford Sentiment Treebank, 5 classes collapsed to 3 (Socher et al. 2013)",
             "repository MIT (code); SST is Stanford's"),
}


NEWS = "news_statements"  # the project's own news data: its rows are reported per phenomenon
CONTRAST = "news_contrast"  # contrast groups with the sentence before each statement (``contrast_report``)
RESPONSES = "news_responses"  # responses to an action (sanctions, suits, protests) and their critics
REASONS = "news_reasons"  # reasons given for an action or against its need, critics rebutted, limits promised
OWN = (NEWS, CONTRAST, RESPONSES, REASONS)  # the project's own sets, reported apart from the shared (public) ones
