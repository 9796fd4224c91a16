package backup

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"motcua/internal/benchmark/synthetic"
	"motcua/store"
	"motcua/store/sqlite"
)

const blobSize = 2048

// newData makes a data folder holding n synthetic records.
func newData(t *testing.T, n int) (string, *sqlite.DB, store.DirBlobs) {
	t.Helper()
	data := t.TempDir()
	db, err := sqlite.Open(filepath.Join(data, "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	blobs := store.DirBlobs{Dir: filepath.Join(data, "blobs")}
	if err := synthetic.Put(context.Background(), db, blobs, 1, n, blobSize); err != nil {
		t.Fatal(err)
	}
	return data, db, blobs
}

// records reads every record of a store, with its pages.
func records(t *testing.T, db *sqlite.DB) []store.Record {
	t.Helper()
	var out []store.Record
	if err := db.All(context.Background(), true, func(r *store.Record) error { out = append(out, *r); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// restored opens a restored data folder and checks its originals.
func restored(t *testing.T, data string) (*sqlite.DB, *store.Fixity) {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(data, "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f, err := store.CheckFixity(context.Background(), db, store.DirBlobs{Dir: filepath.Join(data, "blobs")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return db, f
}

// TestBackupRestore backs up, restores into a new folder and finds the same
// records and originals; a second backup after 5 more records copies only
// those 5 originals; retention keeps the newest and restores still work.
func TestBackupRestore(t *testing.T) {
	ctx := context.Background()
	_, db, blobs := newData(t, 12)
	target := filepath.Join(t.TempDir(), "sao lưu")

	res, err := Backup(ctx, db, blobs, target, Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Records != 12 || res.Originals != 12 || res.Copied != 12 || res.Bytes < 12*blobSize {
		t.Errorf("first backup: %+v", res)
	}
	into := filepath.Join(t.TempDir(), "dữ liệu mới")
	got, err := Restore(ctx, target, into, RestoreOptions{User: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if got.Snapshot != res.Snapshot || got.Records != 12 || got.Copied != 12 {
		t.Errorf("restore: %+v", got)
	}
	rdb, fix := restored(t, into)
	if !fix.OK() || fix.Checked != 12 || len(fix.Orphans) != 0 {
		t.Errorf("fixity after restore: %+v", fix)
	}
	if want, have := records(t, db), records(t, rdb); !reflect.DeepEqual(want, have) {
		t.Errorf("restored records differ from the source's")
	}
	var events []store.Event
	rdb.Events(ctx, store.AuditFilter{Action: store.ActRestore}, func(e store.Event) error { events = append(events, e); return nil })
	if len(events) != 1 || !strings.Contains(events[0].Detail, res.Snapshot) {
		t.Errorf("restore audit events: %+v", events)
	}

	// Incremental: only what changed is copied.
	if err := synthetic.Put(ctx, db, blobs, 13, 5, blobSize); err != nil {
		t.Fatal(err)
	}
	res2, err := Backup(ctx, db, blobs, target, Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if res2.Copied != 5 || res2.Originals != 17 || res2.Records != 17 || res2.Snapshot == res.Snapshot {
		t.Errorf("second backup: copied %d of %d originals (want 5 of 17), %d records", res2.Copied, res2.Originals, res2.Records)
	}
	res3, err := Backup(ctx, db, blobs, target, Options{Version: "test"})
	if err != nil || res3.Copied != 0 {
		t.Errorf("third backup with nothing new: copied %d, %v", res3.Copied, err)
	}

	// Retention: a stray file in blobs/ (a killed copy's) and the
	// originals only old snapshots needed go; the newest two stay whole.
	stray := filepath.Join(target, blobsDir, "ab", ".stray.tmp1")
	os.MkdirAll(filepath.Dir(stray), 0o755)
	os.WriteFile(stray, []byte("x"), 0o644)
	if err := synthetic.Put(ctx, db, blobs, 18, 1, blobSize); err != nil {
		t.Fatal(err)
	}
	res4, err := Backup(ctx, db, blobs, target, Options{Version: "test", Keep: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(res4.Pruned.Snapshots) != 2 || res4.Pruned.Originals != 1 {
		t.Errorf("retention: %+v", res4.Pruned)
	}
	if _, err := os.Stat(stray); !os.IsNotExist(err) {
		t.Errorf("stray file kept: %v", err)
	}
	snaps, err := List(target)
	if err != nil || len(snaps) != 2 || snaps[0].Name != res3.Snapshot || snaps[1].Name != res4.Snapshot {
		t.Fatalf("after --keep 2: %+v %v", snaps, err)
	}
	for _, s := range snaps {
		if _, err := Restore(ctx, s.Dir, t.TempDir(), RestoreOptions{}); err != nil {
			t.Errorf("restore %s after retention: %v", s.Name, err)
		}
	}
}

// TestRestoreRefuses: a damaged or partial backup is refused with the bad
// file named, and nothing is left in the data folder; a folder that holds
// something is refused unless forced.
func TestRestoreRefuses(t *testing.T) {
	ctx := context.Background()
	_, db, blobs := newData(t, 4)
	var shas []string
	db.Originals(ctx, func(sha string) error { shas = append(shas, sha); return nil })

	flip := func(path string) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		data[len(data)/2] ^= 0x20
		os.Chmod(path, 0o644)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name   string
		damage func(target, snap string) string // returns the file restore must name
	}{
		{"flipped byte in an original", func(target, snap string) string {
			p := blobPath(target, shas[2])
			flip(p)
			return p
		}},
		{"missing original", func(target, snap string) string {
			p := blobPath(target, shas[1])
			os.Remove(p)
			return p
		}},
		{"truncated database", func(target, snap string) string {
			p := filepath.Join(snap, dbFile)
			os.Chmod(p, 0o644)
			if err := os.Truncate(p, 4096); err != nil {
				t.Fatal(err)
			}
			return p
		}},
		{"flipped byte in the database", func(target, snap string) string {
			p := filepath.Join(snap, dbFile)
			flip(p)
			return p
		}},
		{"edited manifest", func(target, snap string) string {
			p := filepath.Join(snap, manifestFile)
			data, _ := os.ReadFile(p)
			os.Chmod(p, 0o644)
			os.WriteFile(p, []byte(strings.Replace(string(data), `"records": 4`, `"records": 3`, 1)), 0o644)
			return p
		}},
		{"no manifest", func(target, snap string) string {
			p := filepath.Join(snap, manifestFile)
			os.Remove(p)
			return p
		}},
		{"unfinished snapshot", func(target, snap string) string {
			p := filepath.Join(target, tmpPrefix+"x")
			os.Rename(snap, p)
			return p
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			target := t.TempDir()
			res, err := Backup(ctx, db, blobs, target, Options{})
			if err != nil {
				t.Fatal(err)
			}
			bad := tc.damage(target, res.Dir)
			from := res.Dir
			if strings.Contains(bad, tmpPrefix) {
				from = bad
			}
			into := filepath.Join(t.TempDir(), "mới")
			_, err = Restore(ctx, from, into, RestoreOptions{})
			var de *DamagedError
			if !errors.As(err, &de) || !strings.Contains(err.Error(), bad) {
				t.Fatalf("restore of a backup with a %s: %v; want a DamagedError naming %s", tc.name, err, bad)
			}
			if _, err := os.Stat(into); !os.IsNotExist(err) {
				t.Errorf("the refused restore left %s behind", into)
			}
		})
	}

	target := t.TempDir()
	if _, err := Backup(ctx, db, blobs, target, Options{}); err != nil {
		t.Fatal(err)
	}
	busy := t.TempDir()
	os.WriteFile(filepath.Join(busy, "ghi chú.txt"), []byte("x"), 0o644)
	if _, err := Restore(ctx, target, busy, RestoreOptions{}); !errors.Is(err, ErrNotEmpty) {
		t.Errorf("restore into a folder with a file: %v", err)
	}
	if _, err := Restore(ctx, target, busy, RestoreOptions{Force: true}); err != nil {
		t.Errorf("restore --force: %v", err)
	}
	// One backup at a time in a folder.
	unlock, err := lock(target, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Backup(ctx, db, blobs, target, Options{}); !errors.Is(err, ErrBusy) {
		t.Errorf("backup while another holds the folder: %v", err)
	}
	unlock()
	// A backup folder is not any folder.
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "ảnh.jpg"), []byte("x"), 0o644)
	if _, err := Backup(ctx, db, blobs, other, Options{}); err == nil || !strings.Contains(err.Error(), markerFile) {
		t.Errorf("backup into a folder holding other files: %v", err)
	}
}

// TestBackupWhileWriting backs up while another connection (as digitize
// in another process would) saves originals and records as fast as it
// can: each snapshot restores to a prefix of what was written, with every
// record's original, and records equal to the source's.
func TestBackupWhileWriting(t *testing.T) {
	ctx := context.Background()
	data, db, blobs := newData(t, 20)
	writer, err := sqlite.Open(filepath.Join(data, "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	var written atomic.Int64
	written.Store(20)
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		for i := 21; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			if err := synthetic.Put(ctx, writer, blobs, i, 1, blobSize); err != nil {
				done <- err
				return
			}
			written.Store(int64(i))
		}
	}()
	target := t.TempDir()
	var snaps []*Result
	for range 3 {
		time.Sleep(30 * time.Millisecond)
		res, err := Backup(ctx, db, blobs, target, Options{})
		if err != nil {
			t.Fatal(err)
		}
		snaps = append(snaps, res)
	}
	close(stop)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	t.Logf("written %d records; snapshots hold %d, %d, %d", written.Load(), snaps[0].Records, snaps[1].Records, snaps[2].Records)
	if snaps[2].Records <= 20 {
		t.Errorf("the writer wrote nothing during the backups")
	}
	source := records(t, db)
	for _, s := range snaps {
		into := filepath.Join(t.TempDir(), "r")
		if _, err := Restore(ctx, s.Dir, into, RestoreOptions{}); err != nil {
			t.Fatalf("restore %s: %v", s.Snapshot, err)
		}
		rdb, fix := restored(t, into)
		if !fix.OK() || fix.Checked != s.Records || len(fix.Orphans) != 0 {
			t.Errorf("%s: fixity %+v", s.Snapshot, fix)
		}
		got := records(t, rdb)
		if len(got) != s.Records || !reflect.DeepEqual(got, source[:len(got)]) {
			t.Errorf("%s: %d records, not the first %d of the source's", s.Snapshot, len(got), s.Records)
		}
	}
}

// TestCheckMends: a flipped byte in an original two snapshots share is
// found by Check, which names both snapshots and moves the file aside; the
// next backup copies it again from the store and both restore again.
func TestCheckMends(t *testing.T) {
	ctx := context.Background()
	_, db, blobs := newData(t, 3)
	target := t.TempDir()
	first, err := Backup(ctx, db, blobs, target, Options{})
	if err != nil {
		t.Fatal(err)
	}
	synthetic.Put(ctx, db, blobs, 4, 1, blobSize)
	second, err := Backup(ctx, db, blobs, target, Options{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := Check(ctx, target, nil)
	if err != nil || len(c.Problems) != 0 || c.Snapshots != 2 || c.Originals != 4 {
		t.Fatalf("check of a whole folder: %+v %v", c, err)
	}
	sha := synthetic.Record(2, blobSize).SHA256
	p := blobPath(target, sha)
	data, _ := os.ReadFile(p)
	data[7] ^= 1
	os.Chmod(p, 0o644)
	os.WriteFile(p, data, 0o644)
	c, err = Check(ctx, target, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Problems) != 1 || c.Problems[0].Path != p || c.Moved != 1 ||
		!reflect.DeepEqual(c.Damaged, []string{first.Snapshot, second.Snapshot}) {
		t.Errorf("check after a flipped byte: %+v", c)
	}
	if _, err := Restore(ctx, first.Dir, t.TempDir(), RestoreOptions{}); err == nil {
		t.Error("a snapshot missing an original restored")
	}
	third, err := Backup(ctx, db, blobs, target, Options{})
	if err != nil || third.Copied != 1 {
		t.Fatalf("the backup after the check copied %d originals, want 1: %v", third.Copied, err)
	}
	for _, s := range []*Result{first, second} {
		if _, err := Restore(ctx, s.Dir, filepath.Join(t.TempDir(), "r"), RestoreOptions{}); err != nil {
			t.Errorf("%s after the mend: %v", s.Snapshot, err)
		}
	}
}

// TestPrepareTarget: a folder is taken when it is new, empty, a backup
// folder, or holds only what a backup killed before its marker was written
// left there; a folder with other data is refused, naming it.
func TestPrepareTarget(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files []string
		ok    bool
	}{
		{"empty", nil, true},
		{"backup folder", []string{markerFile, "2026-01-01T00-00-00.000Z/x"}, true},
		{"only the lock", []string{lockFile}, true},
		{"killed while writing the marker", []string{"." + markerFile + ".tmp12345", lockFile}, true},
		{"other data", []string{"thu-tuc.docx"}, false},
		{"other data beside a marker temp", []string{"." + markerFile + ".tmp1", "anh.jpg"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range tc.files {
				p := filepath.Join(dir, f)
				os.MkdirAll(filepath.Dir(p), 0o755)
				if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			err := prepareTarget(dir)
			if tc.ok != (err == nil) {
				t.Fatalf("prepareTarget: %v, want ok=%v", err, tc.ok)
			}
			if err != nil {
				if !strings.Contains(err.Error(), dir) {
					t.Errorf("error does not name the folder: %v", err)
				}
				return
			}
			if _, err := os.Stat(filepath.Join(dir, markerFile)); err != nil {
				t.Errorf("no marker: %v", err)
			}
			ents, _ := os.ReadDir(dir)
			for _, e := range ents {
				if strings.Contains(e.Name(), ".tmp") {
					t.Errorf("left behind: %s", e.Name())
				}
			}
		})
	}
}
