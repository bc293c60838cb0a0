# Two commands do all the set-up: `make report` and `make test`.
# Each creates the locked environment (.venv, from uv.lock) on first use.
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo .tools/uv/bin/uv)
CORPUS ?= data/corpus
OUT ?= build
ENV := .venv/.synced
RUN := $(UV) run --locked --no-sync

.PHONY: help env build report test lint lab bench figures clean

help:  ## list the targets
	@grep -E '^[a-z]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

.tools/uv/bin/uv:
	@echo "uv not found on PATH: installing it into .tools/uv"
	$(PYTHON) -m pip install --quiet --target .tools/uv uv || \
	  $(PYTHON) -m pip install --quiet --break-system-packages --target .tools/uv uv

$(ENV): pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked
	@touch $@

env: $(ENV)  ## create the locked environment in .venv

build: $(ENV)  ## build the tables from $(CORPUS) into $(OUT)/
	$(RUN) openness build $(CORPUS) --out $(OUT)

report: $(ENV)  ## build the tables and render $(OUT)/report.html and $(OUT)/report.pdf
	$(RUN) openness report --corpus $(CORPUS) --out $(OUT)

test: $(ENV)  ## ruff, then the whole test suite
	$(RUN) ruff check .
	$(RUN) pytest

figures: $(ENV)  ## score the hand-annotated sets and rewrite README.md's figures block (with its floors)
	$(RUN) python -m tests.figures --write

lint: $(ENV)  ## ruff only
	$(RUN) ruff check .

lab: $(ENV) build  ## open JupyterLab on notebooks/ with the tables built
	$(UV) sync --locked --group lab
	$(RUN) jupyter lab notebooks/

bench: $(ENV)  ## benchmark at 1k, 10k and 100k articles (slow); BERTOPIC=1 adds BERTopic (large download)
ifdef BERTOPIC
	$(UV) sync --locked --group bench
	$(RUN) openness bench --docs 1000 10000 100000 --bertopic
else
	$(RUN) openness bench
endif

clean:  ## remove everything derived
	rm -rf build .venv .tools .pytest_cache .ruff_cache
