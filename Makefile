# Two commands for a fresh machine: `make run` (set up, build the index, serve the UI) and `make test`.
# Every step is idempotent: a second call reuses the venv, the verified models and the index.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | sha1sum | cut -c1-12)
PYTEST_ARGS ?=

export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export CMAKE_BUILD_PARALLEL_LEVEL := 2

.PHONY: setup models index run test test-fast lint eval bench browser clean

setup: $(STAMP)

# torch first and pinned: it is the CPU wheel that lies on these machines; an unpinned resolve pulls CUDA.
$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -c requirements.lock -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

models: setup
	$(BIN)/assistant models fetch

index: models
	$(BIN)/assistant ingest

run: index
	$(BIN)/assistant ui

# Debian's Chromium for the browser tests (Playwright cannot download browsers here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "warning: chromium missing and not root: browser tests will be skipped"; fi; }

test: index browser
	bash scripts/run_tests.sh $(PYTEST_ARGS)

test-fast: setup
	$(BIN)/python -m pytest -q -m "not slow and not answers and not e2e and not servers" $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check assistant tests evals
	$(BIN)/ruff format --check assistant tests evals

eval: index
	$(BIN)/assistant eval --suite all

bench: index
	$(BIN)/assistant bench

clean:
	rm -rf $(VENV) evals/reports/*.json evals/reports/*.md
