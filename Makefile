# bkgen — the commands a developer and CI use. `make help` lists them.
GO      ?= go
PKGS    ?= ./...
BENCH   ?= .
COUNT   ?= 5
TAGS    ?=

.PHONY: help run load test services generate check vet build release bench fuzz docs clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

run: ## the server on embedded SQLite at :8000 (ARGS='-api-port 9000' to change)
	$(GO) run ./cmd/bkapp $(ARGS)

test: services vet ## run every test against real services (what CI runs)
	$(GO) test -count=1 $(PKGS)

services: ## start (installing if needed) PostgreSQL and dynalite for the tests
	bash scripts/services.sh

generate: ## regenerate generated/ from schema/ (same as go generate ./...)
	$(GO) generate ./...

check: ## fail when generated/ is stale (same flags as schema/generate.go)
	$(GO) run ./cmd/bkgen check -name bkapp -schema ./schema -out ./generated -handlers ./cmd/bkapp

vet: ## gofmt and go vet
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

build: ## build bkgen into bin/
	$(GO) build -o bin/bkgen ./cmd/bkgen

release: ## bin/bkapp for production: stripped, -trimpath; TAGS=bk_nodynamodb,bk_nos3,bk_noredis leaves the AWS SDK and Redis out (docs/deployment.md)
	$(GO) build -trimpath -ldflags='-s -w' -tags '$(TAGS)' -o bin/bkapp ./cmd/bkapp

bench: services ## store benchmarks: generated code vs hand-written baseline
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchmem -count $(COUNT) ./bench/

load: services ## HTTP load: bkapp vs a hand-written net/http server (LOADTIME per operation, default 5s; TAGS for bkapp's build)
	$(GO) run ./bench/load -d $${LOADTIME:-5s} -tags '$(TAGS)'

docs: ## regenerate the parameter list of docs/config.md from bkapp -help
	bash scripts/config-doc.sh

fuzz: ## run each fuzz target for FUZZTIME (default 30s)
	$(GO) test -run '^$$' -fuzz FuzzDecodeToken -fuzztime $${FUZZTIME:-30s} ./runtime/db/
	$(GO) test -run '^$$' -fuzz FuzzParseTime -fuzztime $${FUZZTIME:-30s} ./runtime/db/
	$(GO) test -run '^$$' -fuzz FuzzCanon -fuzztime $${FUZZTIME:-30s} ./runtime/db/
	$(GO) test -run '^$$' -fuzz FuzzConfigFile -fuzztime $${FUZZTIME:-30s} ./runtime/config/
	$(GO) test -run '^$$' -fuzz FuzzSelect -fuzztime $${FUZZTIME:-30s} ./runtime/rest/
	$(GO) test -run '^$$' -fuzz FuzzInput -fuzztime $${FUZZTIME:-30s} ./runtime/rest/
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime $${FUZZTIME:-30s} ./runtime/sign/
	$(GO) test -run '^$$' -fuzz FuzzCanonicalQuery -fuzztime $${FUZZTIME:-30s} ./runtime/sign/
	$(GO) test -run '^$$' -fuzz FuzzCheckKey -fuzztime $${FUZZTIME:-30s} ./runtime/files/
	$(GO) test -run '^$$' -fuzz FuzzProcess -fuzztime $${FUZZTIME:-30s} ./runtime/imaging/
	$(GO) test -run '^$$' -fuzz FuzzParseImagePath -fuzztime $${FUZZTIME:-30s} ./runtime/module/
	$(GO) test -run '^$$' -fuzz FuzzACL -fuzztime $${FUZZTIME:-30s} ./runtime/module/
	$(GO) test -run '^$$' -fuzz FuzzParseCrontab -fuzztime $${FUZZTIME:-30s} ./runtime/jobs/
	$(GO) test -run '^$$' -fuzz FuzzBodyProblem -fuzztime $${FUZZTIME:-30s} ./runtime/gql/
	$(GO) test -run '^$$' -fuzz FuzzDecodeVariables -fuzztime $${FUZZTIME:-30s} ./runtime/gql/
	$(GO) test -run '^$$' -fuzz '^FuzzGraphQL$$' -fuzztime $${FUZZTIME:-30s} ./tests/inprocess/
	$(GO) test -run '^$$' -fuzz FuzzGraphQLFastPath -fuzztime $${FUZZTIME:-30s} ./tests/inprocess/

clean: ## remove build output
	rm -rf bin var
