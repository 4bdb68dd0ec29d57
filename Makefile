# make figures  : create .venv, install requirements, regenerate figures/ from seeds/
# make test     : run the whole test suite
PY := .venv/bin/python
TARGET ?= the deployment of CSTO forces to Kazakhstan in January 2022

.PHONY: setup figures test
setup: .venv/installed

.venv/installed: requirements.txt
	python3 -m venv .venv
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

figures: setup
	$(PY) -m analysis figures --articles seeds --target "$(TARGET)" --out figures

test: setup
	$(PY) -m pytest -q tests
