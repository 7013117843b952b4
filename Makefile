# Nämndsvar: `make run` serves the chat, `make test` runs every check. Both set up first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup run test index lint bench tesseract chromium ocr-engines

setup: $(STAMP) tesseract chromium

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Tesseract with Swedish data, through apt-get when missing (scanned PDFs need it).
tesseract:
	@if command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx swe; then \
	  :; \
	else \
	  echo "Installerar tesseract-ocr och tesseract-ocr-swe med apt-get"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-swe; \
	fi

# GOCR and GNU Ocrad, two more OCR engines for bench.engines (python -m bench.number_rules reads
# its fake scans with them too), through apt-get when missing.
ocr-engines:
	@if command -v gocr >/dev/null 2>&1 && command -v ocrad >/dev/null 2>&1; then \
	  :; \
	else \
	  echo "Installerar gocr och ocrad med apt-get"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gocr ocrad; \
	fi

# Debian's Chromium for the browser tests (Playwright drives it; no browser download).
chromium:
	@if [ -x /usr/bin/chromium ]; then \
	  :; \
	else \
	  echo "Installerar chromium och chromium-driver med apt-get"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
	fi

index: setup
	$(PY) -m ingest corpus --rebuild-stale

run: index
	$(PY) app.py --host 127.0.0.1 --port 7860

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/lint-imports

test: lint ocr-engines
	$(VENV)/bin/pytest -q

bench: setup ocr-engines
	$(PY) -m bench --out bench-out
