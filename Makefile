# Two commands on a fresh machine: `make run` (install, build the database if missing, start)
# and `make test` (install, then the whole suite). Everything else here serves those two.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
DB := data/current.duckdb
PORT ?= 8501

.PHONY: run test install system-packages database rebuild describe translations messages bench backup restore clean

run: install system-packages database translations
	$(BIN)/streamlit run serve.py --server.port=$(PORT) --browser.gatherUsageStats=false

# Three workers on the machines' two cores: much of a test is waiting on a Streamlit server or Chromium (with
# two workers the suite kept the cores only 55% busy), and a third worker fills those waits.
test: install system-packages translations
	$(PY) -m pytest -n 3

install: $(STAMP)

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

# Chromium renders PNG exports (kaleido: `make run` needs it too) and drives the browser tests (playwright).
# It comes from the system's packages: nothing downloads a browser at run time.
system-packages:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Chromium from the system packages..."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium fonts-liberation fonts-dejavu-core >/dev/null; }

database: install
	@test -e $(DB) || $(PY) -m etl build

rebuild: install
	$(PY) -m etl build

describe: install
	$(PY) -m etl describe

# The catalogues are Babel's, managed by its own command. `translations` compiles them (.po -> .mo; what a
# fresh clone needs). `messages` extracts the messages marked in the code (the keywords are those of
# `app.i18n.KEYWORDS`, which the completeness test uses) into messages.pot and merges them into the Russian
# and Turkish .po files, where new ones appear empty to be translated (tests/test_i18n.py fails until they are).
# Sorted, without line numbers, 100 columns and the .po files' own dates and header kept, so that two branches'
# .po files merge without conflicts beyond the messages themselves.
LOCALES := app/locale
translations: install
	$(BIN)/pybabel compile --directory=$(LOCALES) --domain=messages

messages: install
	$(BIN)/pybabel extract --mapping-file=babel.cfg --no-default-keywords \
	  --keyword=_ --keyword=ngettext:1,2 --keyword=N_ --add-comments=TRANSLATORS: --strip-comment-tags \
	  --sort-output --no-location --width=100 --project="OTS Migration Dashboard" --version=1 \
	  --msgid-bugs-address="the Secretariat" --last-translator="OTS Migration Dashboard team" \
	  --header-comment="$$(printf '# Messages of the OTS Migration Dashboard.\n# Made by `make messages`; keep {placeholders} as they are.\n#')" \
	  --output-file=$(LOCALES)/messages.pot .
	$(BIN)/pybabel update --input-file=$(LOCALES)/messages.pot --output-dir=$(LOCALES) --domain=messages \
	  --width=100 --no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date

# A dated copy of the app's store and the submitted files (data/state/) in data/backups/; safe while the
# dashboard runs. Restore one with `make restore BACKUP=data/backups/store-backup-…` (add REPLACE=1 to replace
# a store that holds rows; what it held is backed up first).
backup: install
	$(PY) -m app.backup create

restore: install
	@test -n "$(BACKUP)" || { echo "Name the backup: make restore BACKUP=data/backups/store-backup-..."; exit 2; }
	$(PY) -m app.backup restore "$(BACKUP)" $(if $(REPLACE),--replace,)

bench: install database
	$(PY) bench/etl.py

clean:
	rm -rf data/builds $(DB) data/etl_runs.jsonl
