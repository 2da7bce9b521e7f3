# Tidemark: the two commands are `make run` and `make test`.
SWIFT ?= swift
CLI := .build/debug/synccli
RELEASE_CLI := .build/release/synccli
# Benchmarks that need the providers' stand-ins: a binary of their own, so synccli carries no test servers.
RELEASE_BENCH := .build/release/tidemark-bench

.PHONY: run test lint fuzz db stop build cluster cluster-stop cluster-status test-cluster backup-drill migrate seed bench bench-append bench-rebuild bench-sync bench-auth bench-load bench-push bench-export clean-db help

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' Makefile | sed 's/:.*## /\t/'

run: build db ## Set everything up, seed a demo tenant on an empty database, and run the server
	$(CLI) migrate
	$(CLI) seed --if-empty
	TIDEMARK_JWT_SECRET="$$(scripts/token-secret.sh)" $(CLI) serve

test: ## Set everything up and run every test against a fresh database
	scripts/test.sh

lint: ## Check the Swift sources against .swift-format (swift format lint --strict)
	scripts/lint.sh

fuzz: build db ## Test the running server from the outside with schemathesis (FUZZ_SECONDS=240 by default)
	scripts/fuzz.sh

cluster: build ## A local cluster: PostgreSQL primary + synchronous standby, HAProxy, three servers (docs/operations.md#the-cluster)
	scripts/cluster.sh start

cluster-stop: ## Stop the local cluster (servers with SIGTERM, HAProxy, both PostgreSQL nodes)
	scripts/cluster.sh stop

test-cluster: ## The failover drills and standby reads against a fresh local cluster (stop `make cluster` first)
	scripts/test-cluster.sh

cluster-status: ## Print every part of the local cluster and whether it is healthy
	scripts/cluster.sh status

backup-drill: build db ## Backup and restore drill on clusters of its own: base backup, WAL archive, point-in-time restore, verify, compare (docs/operations.md#backups-and-restore)
	scripts/backup-drill.sh

db: ## Install (when missing), initialise and start the private PostgreSQL only
	scripts/bootstrap.sh
	scripts/pg.sh start

stop: ## Stop the private PostgreSQL
	scripts/pg.sh stop

build: ## Build the package (debug)
	scripts/bootstrap.sh
	$(SWIFT) build

migrate: build db ## Apply the database migrations
	$(CLI) migrate

seed: build db ## Add demo data through the command service (make seed ARGS="--tenants 3")
	$(CLI) seed $(ARGS)

bench: db ## Run every benchmark (release build) and print ratios against raw PostgreSQL
	$(SWIFT) build -c release --product synccli
	$(SWIFT) build -c release --product tidemark-bench
	$(RELEASE_CLI) bench append
	$(RELEASE_CLI) bench rebuild
	$(RELEASE_CLI) bench sync
	$(RELEASE_BENCH) push

bench-append: db ## The event store append benchmark only
	$(SWIFT) build -c release --product synccli
	$(RELEASE_CLI) bench append

bench-rebuild: db ## The projection rebuild benchmark only (make bench-rebuild ARGS="--events 200000")
	$(SWIFT) build -c release --product synccli
	$(RELEASE_CLI) bench rebuild $(ARGS)

bench-sync: db ## The sync benchmark only: initial sync, push, live latency (make bench-sync ARGS="--rows 20000")
	$(SWIFT) build -c release --product synccli
	$(RELEASE_CLI) bench sync $(ARGS)

bench-auth: db ## Sign-ins/s at 32 clients vs bcrypt alone, pull p99 with and without a sign-in storm (make bench-auth ARGS="--seconds 20")
	$(SWIFT) build -c release --product synccli
	$(RELEASE_CLI) bench auth $(ARGS)

bench-load: db ## The load test: 2,000 simulated devices for 600 s against one server it starts (make bench-load ARGS="--devices 500 --seconds 60")
	$(SWIFT) build -c release --product synccli
	$(RELEASE_CLI) bench load $(ARGS)

bench-export: db ## Export and import of 1M events vs psql COPY TO / COPY FROM (make bench-export ARGS="--events 200000")
	$(SWIFT) build -c release --product synccli
	$(RELEASE_CLI) bench export $(ARGS)

bench-push: db ## The push delivery benchmark only: 10,000 devices on the local APNs stand-in (make bench-push ARGS="--devices 2000")
	$(SWIFT) build -c release --product tidemark-bench
	$(RELEASE_BENCH) push $(ARGS)

clean-db: stop ## Stop PostgreSQL and delete its data folder
	rm -rf .local/pg
