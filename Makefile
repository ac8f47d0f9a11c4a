# Học bạ số for Odoo 19 — see README.md
SHELL := /bin/bash
ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
BUILD := $(ROOT)/.build
PY := $(BUILD)/venv/bin/python
ODOO := $(PY) $(BUILD)/odoo/usr/bin/odoo
MODULES ?= hocbaso_core hocbaso_signing
DEMO_DB ?= hocbaso_demo
PORT ?= 8069

.PHONY: bootstrap run demo test test-unit test-odoo lint clean
bootstrap:
	@bash $(ROOT)/scripts/bootstrap.sh

demo: bootstrap
	@bash $(ROOT)/scripts/create_demo.sh $(DEMO_DB) "$(MODULES)"

run: demo
	@echo "Serving $(DEMO_DB) on http://localhost:$(PORT) (admin / admin)"
	@$(ODOO) -c $(BUILD)/odoo.conf -d $(DEMO_DB) --db-filter='^$(DEMO_DB)$$' --http-port $(PORT)

# Every suite: Odoo tests of each module in a throw-away database + plain-Python tests.
test: bootstrap
	@$(PY) $(ROOT)/scripts/run_tests.py --modules "$(MODULES)"

# Only the plain-Python tests (no database): make test-unit
test-unit: bootstrap
	@$(PY) $(ROOT)/scripts/run_tests.py --only-unit

# One module's Odoo tests: make test-odoo MODULES=hocbaso_core
test-odoo: bootstrap
	@$(PY) $(ROOT)/scripts/run_tests.py --modules "$(MODULES)" --no-unit

lint: bootstrap
	@$(BUILD)/venv/bin/ruff check $(ROOT)

clean:
	-@for db in $$(psql -d postgres -tAc "SELECT datname FROM pg_database WHERE datname='$(DEMO_DB)' OR datname LIKE 'hocbaso_test_%'" 2>/dev/null); do dropdb "$$db"; done
	rm -rf $(BUILD)
