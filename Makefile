# motcua: see README.md. `make demo` builds and serves the site on
# http://127.0.0.1:8080; `make test` runs every test.

GO      ?= go
BIN     := bin/motcua
SHARED  ?= ../shared
ADDR    ?= 127.0.0.1:8080
FUZZTIME ?= 30s

.PHONY: build deps demo demo-scans devset test bench catalogue fuzz clean

# Debian packages motcua needs: Tesseract with its Vietnamese model and
# headers (cgo), poppler for PDFs, a font with Vietnamese letters for the
# demo scans and tests, a C/C++ compiler.
DEPS := gcc g++ tesseract-ocr tesseract-ocr-vie libtesseract-dev libleptonica-dev fonts-liberation2 fonts-dejavu-core poppler-utils

build: deps
	$(GO) build -o $(BIN) ./cmd/motcua

# Says which command installs what is missing, instead of a compiler error.
deps:
	@command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx vie \
		&& [ -e /usr/include/tesseract/capi.h ] && [ -e /usr/include/leptonica/allheaders.h ] \
		&& command -v pdftoppm >/dev/null && command -v g++ >/dev/null \
		|| { echo "Thiếu Tesseract (mô hình tiếng Việt) hoặc thư viện đi kèm. Cài bằng:"; \
		     echo "  sudo apt-get install -y $(DEPS)"; exit 1; }

# The demo: check the shipped catalogue; digitize the sample scans into
# data/ (files already there are skipped); receive three dossiers at the
# one-stop desk (their appointment dates) and digitize their scanning
# session, one PDF where cover sheets separate the dossiers; reuse a stored
# birth extract for the third and file its result; build the site, index
# the catalogue for search, make an admin account for the staff area the
# first time (its random password is printed once), serve it all. Every
# step may run again: nothing is done twice.
DEMO_A := 000.42.27.H09-240520-0011
DEMO_B := 000.42.27.H09-240521-0004
DEMO_C := 000.42.27.H09-240522-0017
demo: build
	./$(BIN) check -q
	./$(BIN) digitize --data data testdata/scans
	./$(BIN) dossier new --data data $(DEMO_A) --procedure 1.001193 --owner 026190004567 --name "Nguyễn Thị Hoa" --due 2024-05-23
	./$(BIN) dossier new --data data $(DEMO_B) --procedure 1.000656 --owner 026089002345 --name "Kiều Văn Dũng" --due 2024-05-24
	./$(BIN) dossier new --data data $(DEMO_C) --procedure 1.004884 --owner 026223001234 --name "Kiều Minh An" --due 2024-06-05
	./$(BIN) digitize --data data --stack testdata/phien-quet/phien-quet.pdf
	./$(BIN) dossier reuse --data data $(DEMO_C)
	./$(BIN) dossier result --data data $(DEMO_C) testdata/phien-quet/ket-qua/ket-qua-trich-luc-khai-sinh.png
	./$(BIN) dossier finish --data data $(DEMO_A) --date 2024-05-22
	./$(BIN) dossier finish --data data $(DEMO_C) --date 2024-05-27 --status returned
	./$(BIN) dossier list --data data
	./$(BIN) build
	./$(BIN) index --data data
	@./$(BIN) users list --data data | grep -q '^quantri ' \
		|| ./$(BIN) users add quantri --role admin --generate --data data
	./$(BIN) serve --addr $(ADDR) --data data

# Re-render the sample scans from tools/demoscans/docs.
demo-scans:
	$(GO) run ./tools/demoscans

# The OCR development set (tools/devset): build/devset/{tuning,test}.
devset:
	$(GO) run ./tools/devset -out build/devset

test:
	$(GO) vet ./...
	$(GO) test ./...

# Figures for the closing notes: import and build times, memory, ratio to Hugo.
bench: build devset
	./$(BIN) bench site --source $(SHARED)/data/dvcqg
	./$(BIN) bench ocr $(SHARED)/ocr-bench --dev build/devset
	./$(BIN) bench search --source $(SHARED)/data/dvcqg

# Re-import the shipped demo catalogue (Tư pháp and Công an) from the shared data.
catalogue: build
	./$(BIN) import dvcqg $(SHARED)/data/dvcqg/bo-tu-phap --out site/content/thu-tuc
	./$(BIN) import dvcqg $(SHARED)/data/dvcqg/bo-cong-an --out site/content/thu-tuc

# Run each table parser's and field extractor's fuzz test for FUZZTIME.
fuzz:
	for f in FuzzParseChannels FuzzParseDocuments FuzzParseLegalBasis FuzzParseResults; do \
		$(GO) test ./content/dvcqg -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) || exit 1; \
	done
	for f in FuzzParseDateLine FuzzParseNumber FuzzPersonIDs FuzzMoney; do \
		$(GO) test ./pipeline/extract -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) || exit 1; \
	done
	$(GO) test ./pipeline/cover -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME)

clean:
	rm -rf bin public
