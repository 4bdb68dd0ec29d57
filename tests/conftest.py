"""Shared fixtures (``nlp``: the spaCy pipeline, loaded once per run) and the Hypothesis
profiles: ``ci`` (the default, 2,000 examples per property without an explicit
``max_examples``) and ``thorough`` for local runs:
``pytest --hypothesis-profile thorough tests/test_fuzz.py``."""
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("ci", max_examples=2_000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", parent=settings.get_profile("ci"), max_examples=20_000)
settings.load_profile("ci")


@pytest.fixture(scope="session")
def nlp():
    from analysis.statements import load_nlp

    return load_nlp()
