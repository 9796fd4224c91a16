package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"motcua/store"
)

// TestRerunIndexesStored: records a killed run stored but never indexed
// are indexed by the next digitize, even when it stores nothing new.
func TestRerunIndexesStored(t *testing.T) {
	const cat = "../../site/testdata/catalogue"
	in := copyScans(t, "01-quyet-dinh-hoa-giai.png", "02-cong-van-so-tu-phap.jpg")
	data := t.TempDir()
	db, _, err := openStore(data)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	put := func(file, number string) {
		b, err := os.ReadFile(filepath.Join(in, file))
		if err != nil {
			t.Fatal(err)
		}
		r := &store.Record{SHA256: store.SHA256(b), SourceName: file, SourcePath: filepath.Join(in, file), MediaType: "image/png",
			DocType: "Quyết định", Status: store.StatusAuto, Visibility: store.Public, Text: "Quyết định " + number,
			Fields: store.Fields{DocType: "Quyết định", NumberSymbol: number}}
		if err := db.Put(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	// A first run stored and indexed one record…
	put("01-quyet-dinh-hoa-giai.png", "771/QĐ-UBND")
	db.Close()
	if code, out := runCLI(t, "index", "--data", data, "--catalogue", cat); code != 0 {
		t.Fatalf("index: %d\n%s", code, out)
	}
	// …a second was killed after storing one, before indexing it.
	db, _, err = openStore(data)
	if err != nil {
		t.Fatal(err)
	}
	put("02-cong-van-so-tu-phap.jpg", "882/QĐ-UBND")
	db.Close()
	if code, out := runCLI(t, "digitize", "--data", data, in); code != 0 || !strings.Contains(out, "bỏ qua): 2") {
		t.Fatalf("rerun: %d\n%s", code, out)
	}
	code, out := runCLI(t, "search", "--data", data, "--catalogue", cat, "882/QĐ-UBND")
	if code != 0 || !strings.Contains(out, "Quyết định 882/QĐ-UBND") {
		t.Errorf("the record stored by the killed run is not searchable after the rerun: %d\n%s", code, out)
	}
}
