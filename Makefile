# Lên Sàn: `make run` to try it, `make test` to check it.
SHELL := /bin/sh
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
# The server reads PORT too: labels point at this port unless PUBLIC_BASE_URL is set.
export PORT
export FLASK_APP := wsgi.py

.PHONY: run test test-sqlite test-postgres lint translations bench bench-dashboard bench-load clean

$(BIN)/.installed: setup.cfg pyproject.toml
	@py=$$(tools/find-python) || exit 1; \
	 [ -x $(BIN)/python ] || { echo "Creating $(VENV) with $$py"; "$$py" -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

# The phone app's browser-side packages (the QR decoder), served from node_modules.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "The phone app needs Node.js and npm (apt-get install nodejs npm)."; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

translations: $(BIN)/.installed
	@$(BIN)/flask translate compile

run: $(BIN)/.installed node_modules/.installed translations
	@$(BIN)/flask db upgrade
	@$(BIN)/flask demo-data --if-empty
	@echo ""
	@echo "Lên Sàn is running at http://127.0.0.1:$(PORT)/  (phone app: http://127.0.0.1:$(PORT)/app/)"
	@echo ""
	@# One process: the web server also runs the job worker (label batches, imports) in a thread.
	@JOB_WORKER_IN_APP=1 $(BIN)/flask run --host 127.0.0.1 --port $(PORT)

lint: $(BIN)/.installed node_modules/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	npx --no-install prettier --check pwa

test: $(BIN)/.installed node_modules/.installed translations
	@tools/system-deps
	$(MAKE) lint
	$(MAKE) test-sqlite
	$(MAKE) test-postgres

test-sqlite: $(BIN)/.installed node_modules/.installed translations
	$(BIN)/python -m pytest -n 2 --dist loadgroup -p no:cacheprovider

# PostgreSQL with Redis: the production configuration (shared limits, the queue on Redis, the
# two-server test in tests/deploy); the SQLite step covers the embedded queue and memory limits.
test-postgres: $(BIN)/.installed translations
	tools/with-postgres tools/with-redis $(BIN)/python -m pytest -n 2 --dist loadgroup -p no:cacheprovider -m "not e2e"

bench: $(BIN)/.installed
	$(BIN)/python bench/sync_push.py
	$(BIN)/python bench/sync_pull.py
	tools/with-postgres $(BIN)/python bench/sync_push.py
	tools/with-postgres $(BIN)/python bench/sync_pull.py
	$(BIN)/python bench/labels.py 1000
	$(BIN)/python bench/pwa.py

bench-dashboard: $(BIN)/.installed
	tools/with-postgres $(BIN)/python bench/dashboard.py

bench-load: $(BIN)/.installed translations
	tools/with-postgres $(BIN)/python bench/load.py

clean:
	rm -rf $(VENV) instance .pytest_cache
