"""Who said what about an issue, and which side each speaker takes.

Stages (one module each), data flowing one way::

    corpus.load_articles -> statements.extract_statements -> scoring.score_statements
        -> speakers.speaker_stance -> figures.render_all

The columns of every table are documented in :mod:`analysis.schemas`.

The public functions are importable from the package itself::

    import analysis
    articles = analysis.load_articles([analysis.paths.SEEDS_DIR])
    statements, speakers = analysis.extract_statements(articles)
    scored = analysis.score_statements(statements, "the new pension reform")
    table = analysis.speaker_stance(scored, articles)

They (and the submodules) are loaded on first use, so ``import analysis`` stays fast
and pulls in neither torch nor spaCy.
"""
import importlib

# public name -> submodule that defines it
_EXPORTS = {
    "load_articles": "corpus",
    "extract_statements": "statements",
    "score_statements": "scoring",
    "score_texts": "scoring",
    "speaker_stance": "speakers",
    "group_stance": "speakers",
    "build_figures": "build",
    "notebook_setup": "stages",
    "run_stages": "stages",
    "run_store": "store",
}
_SUBMODULES = {"build", "classifier", "cluster", "corpus", "evaluate", "figures", "io", "jupyter", "paths", "schemas",
               "scoring", "speakers", "stages", "statements", "store", "train"}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
        globals()[name] = value  # later lookups skip this function
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted({*globals(), *_EXPORTS, *_SUBMODULES})
