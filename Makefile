# Two commands on a fresh machine with Python 3.11: `make report` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CORPUS ?= data/corpus
OUT    ?= reports

.PHONY: report features test lab clean-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (framing-suite)" >/dev/null
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/python -m analysis report --corpus $(CORPUS) --out $(OUT)

features: $(STAMP)
	$(BIN)/python -m analysis features --corpus $(CORPUS) --out $(OUT)

test: $(STAMP)
	$(BIN)/python -m pytest

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks

clean-venv:
	rm -rf $(VENV)
