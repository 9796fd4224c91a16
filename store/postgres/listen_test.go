package postgres

import (
	"context"
	"testing"
	"time"

	"motcua/store"
	"motcua/store/storetest"
)

// TestListen: a handle listening hears, with the record's id, a record
// saved by another handle, its attachment to a dossier and a change of
// that dossier.
func TestListen(t *testing.T) {
	url := storetest.Postgres(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ids := make(chan int64, 100)
	go a.Listen(ctx, func(id int64) { ids <- id })
	for start := time.Now(); ; time.Sleep(20 * time.Millisecond) {
		var n int
		if err := b.pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'LISTEN "motcua_' || current_schema() || '"'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 1 {
			break
		}
		if time.Since(start) > 3*time.Second {
			t.Fatal("the listener did not start")
		}
	}
	hear := func(what string, want int64) {
		t.Helper()
		timeout := time.After(2 * time.Second)
		for {
			select {
			case id := <-ids:
				if id == want {
					for len(ids) > 0 { // the same change told twice
						<-ids
					}
					return
				}
				t.Errorf("%s: heard record %d, want %d", what, id, want)
			case <-timeout:
				t.Fatalf("%s: record %d not heard within 2 s", what, want)
			}
		}
	}

	r := &store.Record{SHA256: store.SHA256([]byte("nghe")), SourceName: "nghe.png", DocType: "Giấy khai sinh",
		Status: store.StatusAuto, Visibility: store.Restricted, Text: "GIẤY KHAI SINH"}
	if err := b.Put(ctx, r); err != nil {
		t.Fatal(err)
	}
	hear("saved", r.ID)
	const code = "000.42.27.H09-240515-0088"
	d := &store.Dossier{Code: code, Procedure: "1.001193", OwnerID: "001090012345", Received: "2024-05-15"}
	if err := b.PutDossier(ctx, d); err != nil {
		t.Fatal(err)
	}
	if err := b.Attach(ctx, code, &store.Attachment{RecordID: r.ID, Component: 1}); err != nil {
		t.Fatal(err)
	}
	hear("attached to a dossier", r.ID)
	d.Due = "2024-05-30"
	if err := b.PutDossier(ctx, d); err != nil {
		t.Fatal(err)
	}
	hear("its dossier changed", r.ID)
}
