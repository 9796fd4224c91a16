# motcua: see README.md. `make demo` builds and serves the site on
# http://127.0.0.1:8080; `make test` runs every test.

GO      ?= go
BIN     := bin/motcua
SHARED  ?= ../shared
ADDR    ?= 127.0.0.1:8080
FUZZTIME ?= 30s

.PHONY: build demo test bench catalogue fuzz clean

build:
	$(GO) build -o $(BIN) ./cmd/motcua

# The demo: check the shipped catalogue, build the site, serve it.
demo: build
	./$(BIN) check -q
	./$(BIN) build
	./$(BIN) serve --addr $(ADDR)

test:
	$(GO) vet ./...
	$(GO) test ./...

# Figures for the closing notes: import and build times, memory, ratio to Hugo.
bench: build
	./$(BIN) bench site --source $(SHARED)/data/dvcqg

# Re-import the shipped demo catalogue (Tư pháp and Công an) from the shared data.
catalogue: build
	./$(BIN) import dvcqg $(SHARED)/data/dvcqg/bo-tu-phap --out site/content/thu-tuc
	./$(BIN) import dvcqg $(SHARED)/data/dvcqg/bo-cong-an --out site/content/thu-tuc

# Run each table parser's fuzz test for FUZZTIME.
fuzz:
	for f in FuzzParseChannels FuzzParseDocuments FuzzParseLegalBasis FuzzParseResults; do \
		$(GO) test ./content/dvcqg -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) || exit 1; \
	done

clean:
	rm -rf bin public
