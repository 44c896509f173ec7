# The two commands the README promises: `make up` deploys the dev stack and
# `make test` runs every test. The rest support them.

STACK ?= dev
GOLANGCI_LINT_VERSION := v2.15.0

# Without a backend URL, keep state in a local file backend so that no Pulumi
# account is needed. An explicit PULUMI_BACKEND_URL (or `pulumi login`) wins.
PULUMI_BACKEND_URL ?= file://$(HOME)/.pulumi-local
export PULUMI_BACKEND_URL

.PHONY: test lint preview up bench check-pulumi

test:
	go test -count=1 ./...

lint:
	@unformatted="$$(gofmt -l .)"; if [ -n "$$unformatted" ]; then echo "gofmt needed on:"; echo "$$unformatted"; exit 1; fi
	go vet ./...
	@command -v golangci-lint >/dev/null || { echo "golangci-lint not found; install it with: go install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)"; exit 1; }
	golangci-lint run ./...

check-pulumi:
	@command -v pulumi >/dev/null || { echo "the Pulumi CLI is not installed: https://www.pulumi.com/docs/install/"; exit 1; }
	@case "$(PULUMI_BACKEND_URL)" in file://*) \
		if [ -z "$$PULUMI_CONFIG_PASSPHRASE" ] && [ -z "$$PULUMI_CONFIG_PASSPHRASE_FILE" ]; then \
			echo "the file backend encrypts stack secrets with a passphrase: export PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE)"; exit 1; \
		fi; mkdir -p "$(patsubst file://%,%,$(PULUMI_BACKEND_URL))";; \
	esac
	pulumi stack select $(STACK) --create

preview: check-pulumi
	pulumi preview --stack $(STACK) --diff

up: check-pulumi
	pulumi up --stack $(STACK)

# Nothing in this slice has a speed or memory goal yet; benchmarks arrive with
# the provenance function. The target runs whatever benchmarks exist.
bench:
	@echo "benchmarks: none defined yet (the provenance function adds them)"
	go test -run='^$$' -bench=. -benchmem ./...
