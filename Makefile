# IP Manager for WHMCS — everything goes through these targets (see README.md).
#   make demo    install what is missing, build, start the private MariaDB, set up the
#                WHMCS harness, run the demo job and serve it on http://127.0.0.1:8080
#   make test    the same set-up, then every test layer
#   make bench   the same set-up, then the benchmarks (figures printed, nothing asserted)
#   make screenshots   full-page screenshots of every page, taken by the browser tests
#   make netbox  start the private NetBox the NetBox layer runs against
#   make pdns    start the private PowerDNS the reverse-DNS layer runs against
#   make stop    stop the demo web server, the Galera test cluster, NetBox, PowerDNS and the private MariaDB
#   make install WHMCS_ROOT=/path/to/whmcs   install the addon and the extension

SHELL := /bin/bash
EXT := $(CURDIR)/target/release/libipmanager.so
PHP_EXT := php -d extension=$(EXT)
PHPUNIT_DB := ipm_test_phpunit

.PHONY: all bootstrap packages build db galera netbox pdns harness demo test lint test-rust test-php test-browser screenshots test-scripts test-galera bench stop install

all: build

packages:
	@bash scripts/packages.sh

build: packages
	@cargo build --release --quiet
	@$(PHP_EXT) -n -r 'echo ipmanager_status()["php_build"], "\n";' > target/release/libipmanager.api
	@echo "==> built $(EXT) for $$(cat target/release/libipmanager.api)"

db: packages
	@bash scripts/mariadb.sh start

galera: db
	@bash scripts/galera.sh start

# A private, real NetBox (PostgreSQL, Redis, gunicorn) for the NetBox layer.
netbox: packages
	@bash scripts/netbox.sh start

# A private, real PowerDNS Authoritative (SQLite backend, HTTP API) for reverse DNS.
pdns: packages
	@bash scripts/pdns.sh start

harness: build db
	@bash scripts/assets.sh
	@bash scripts/harness.sh setup

bootstrap: harness

demo: bootstrap
	@bash scripts/demo.sh

test: bootstrap netbox pdns lint test-rust test-php test-browser test-scripts test-galera

lint:
	cargo fmt --check
	cargo clippy --all-targets --quiet -- -D warnings

test-rust:
	cargo test --release --quiet

test-php:
	IPMANAGER_HARNESS_DB=$(PHPUNIT_DB) IPMANAGER_EXT=$(EXT) $(PHP_EXT) /usr/bin/phpunit -c tests/phpunit/phpunit.xml

test-browser:
	IPMANAGER_HARNESS_DB=ipm_test_browser IPMANAGER_EXT=$(EXT) $(PHP_EXT) /usr/bin/phpunit -c tests/browser/phpunit.xml

# Full-page screenshots of every admin and client page into var/screenshots/ (the browser
# tests take them as they go).
screenshots: bootstrap
	rm -rf var/screenshots
	$(MAKE) --no-print-directory test-browser
	@echo "==> screenshots in var/screenshots/"

test-scripts:
	bash tests/scripts/install_test.sh

test-galera: build galera
	IPMANAGER_EXT=$(EXT) $(PHP_EXT) tests/galera/race.php "$$(bash scripts/galera.sh env)"

bench: bootstrap galera netbox pdns
	@bash scripts/bench.sh

stop:
	@bash scripts/stop.sh

install: build
	@bash scripts/install.sh "$(WHMCS_ROOT)"
