# The two commands the README promises: `make up` deploys the dev stack and
# `make test` runs every test. The rest support them.

STACK ?= dev

# Pinned tools, installed from the Go module proxy by `make tools`.
GOLANGCI_LINT := github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.15.0
VERSITYGW     := github.com/versity/versitygw/cmd/versitygw@v1.8.0
LAMBDA_RIE    := github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@v0.0.0-20261030222936-bef5c4ba774d
ACTIONLINT    := github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
GOBIN         := $(shell go env GOPATH)/bin
export PATH   := $(GOBIN):$(PATH)

# Without a backend URL, keep state in a local file backend so that no Pulumi
# account is needed. An explicit PULUMI_BACKEND_URL (or `pulumi login`) wins.
PULUMI_BACKEND_URL ?= file://$(HOME)/.pulumi-local
export PULUMI_BACKEND_URL

.PHONY: test lint policy preview up bench fuzz sqlcheck demo tools check-pulumi

# Every test. With the tools installed, the S3 integration tests run against
# versitygw and the built function runs under the Lambda emulator; without
# them those tests skip and say so.
test:
	./.ci/with-s3 go test -count=1 ./...

# A short run of each fuzz target (their seeds also run in `make test`).
# A count, not a duration: with a duration FuzzDecodeKey's run stalled at 0
# execs/s on this machine (Go 1.26.8) while counted runs complete.
FUZZTIME ?= 100000x
fuzz:
	go test -run='^$$' -fuzz='^FuzzParse$$' -fuzztime=$(FUZZTIME) ./functions/provenance/notification
	go test -run='^$$' -fuzz='^FuzzDecodeKey$$' -fuzztime=$(FUZZTIME) ./functions/provenance/notification

tools:
	@command -v golangci-lint >/dev/null && golangci-lint version | grep -q 2.15.0 || go install $(GOLANGCI_LINT)
	@command -v versitygw >/dev/null || go install $(VERSITYGW)
	@command -v aws-lambda-rie >/dev/null || go install $(LAMBDA_RIE)
	@command -v actionlint >/dev/null || go install $(ACTIONLINT)

lint:
	@unformatted="$$(gofmt -l .)"; if [ -n "$$unformatted" ]; then echo "gofmt needed on:"; echo "$$unformatted"; exit 1; fi
	go vet ./...
	@command -v golangci-lint >/dev/null || { echo "golangci-lint not found; run: make tools"; exit 1; }
	golangci-lint run ./...
	@command -v actionlint >/dev/null || { echo "actionlint not found; run: make tools"; exit 1; }
	actionlint

check-pulumi:
	@command -v pulumi >/dev/null || { echo "the Pulumi CLI is not installed: https://www.pulumi.com/docs/install/"; exit 1; }
	@case "$(PULUMI_BACKEND_URL)" in file://*) \
		if [ -z "$$PULUMI_CONFIG_PASSPHRASE" ] && [ -z "$$PULUMI_CONFIG_PASSPHRASE_FILE" ]; then \
			echo "the file backend encrypts stack secrets with a passphrase: export PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE)"; exit 1; \
		fi; mkdir -p "$(patsubst file://%,%,$(PULUMI_BACKEND_URL))";; \
	esac
	pulumi stack select $(STACK) --create

# The Rego pack in policy/, run offline on the program's resources: zero
# violations, and every rule proven to fire on its broken control.
policy:
	go test -count=1 -run 'Polic' ./tests

preview: check-pulumi
	pulumi preview --stack $(STACK) --diff --policy-pack policy

up: check-pulumi
	pulumi up --stack $(STACK)

# Hashing throughput of the provenance function's read path against
# crypto/sha256 in memory, for 64 MiB and 1 GiB objects, with peak heap.
bench:
	./.ci/with-s3 go test -run='^$$' -bench=. -benchmem -benchtime=5x ./functions/...

# Trino grammar check of queries/*.sql (npm dt-sql-parser, pinned in
# .ci/sqlcheck/package-lock.json): DuckDB, which runs the SQL in the tests,
# accepts syntax that Athena would reject.
sqlcheck:
	cd .ci/sqlcheck && npm ci --no-audit --no-fund --silent && \
		./node_modules/.bin/esbuild check.mjs --bundle --platform=node --format=esm --outfile=node_modules/check.bundle.mjs --log-level=warning && \
		node node_modules/check.bundle.mjs ../../queries

# The pipeline end to end with no AWS account: local S3, the real function
# binary, CloudTrail-shaped records, and the ledger from the shipped SQL.
demo:
	go run ./tests/demo
