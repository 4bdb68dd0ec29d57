"""Who said what about an issue, and which side each speaker takes.

Stages (one module each), data flowing one way::

    corpus.load_articles -> statements.extract_statements -> scoring.score_statements
        -> speakers.speaker_stance -> figures.render_all

The columns of every table are documented in :mod:`analysis.schemas`.
"""
