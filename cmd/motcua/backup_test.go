package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"motcua/backup"
	"motcua/internal/benchmark/synthetic"
	"motcua/server"
	"motcua/store"
	"motcua/store/sqlite"
)

const testCatalogue = "../../site/testdata/catalogue"

// syntheticData makes a data folder with n synthetic records of size-byte
// originals.
func syntheticData(t *testing.T, n, size int) string {
	t.Helper()
	data := filepath.Join(t.TempDir(), "dữ liệu")
	db, blobs, err := openStore(data)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := synthetic.Put(context.Background(), db, blobs, 1, n, size); err != nil {
		t.Fatal(err)
	}
	return data
}

func auditEvents(t *testing.T, data, action string) []store.Event {
	t.Helper()
	db, _, err := openStore(data)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out []store.Event
	db.Events(context.Background(), store.AuditFilter{Action: action}, func(e store.Event) error { out = append(out, e); return nil })
	return out
}

// TestBackupRestoreCommands runs backup, backup --list and restore as an
// office would, and searches the restored archive.
func TestBackupRestoreCommands(t *testing.T) {
	data := syntheticData(t, 6, 1024)
	target := filepath.Join(t.TempDir(), "usb", "motcua")

	code, out := runCLI(t, "backup", "--data", data, "--to", target)
	if code != 0 || !strings.Contains(out, "6 hồ sơ, 6 bản gốc (6 chép mới") {
		t.Fatalf("backup: exit %d\n%s", code, out)
	}
	db, blobs, _ := openStore(data)
	synthetic.Put(context.Background(), db, blobs, 7, 5, 1024)
	db.Close()
	code, out = runCLI(t, "backup", "--data", data, "--to", target, "--json")
	var res backup.Result
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil || res.Copied != 5 || res.Records != 11 {
		t.Fatalf("second backup: exit %d, %+v\n%s", code, res, out)
	}
	if ev := auditEvents(t, data, store.ActBackup); len(ev) != 2 || !ev[1].OK || !strings.Contains(ev[1].Detail, res.Snapshot) {
		t.Errorf("backup audit events: %+v", ev)
	}
	if code, out := runCLI(t, "backup", "--check", "--to", target); code != 0 || !strings.Contains(out, "Đã kiểm 2 bản sao lưu, 11 bản gốc") {
		t.Errorf("check: exit %d\n%s", code, out)
	}
	code, out = runCLI(t, "backup", "--list", "--to", target)
	if code != 0 || !strings.Contains(out, res.Snapshot) || !strings.Contains(out, "2 bản sao lưu") {
		t.Errorf("list: exit %d\n%s", code, out)
	}
	if code, out := runCLI(t, "backup", "--data", data, "--to", filepath.Join(data, "sao-luu")); code != 1 || !strings.Contains(out, "nằm trong thư mục dữ liệu") {
		t.Errorf("backup into the data folder: exit %d\n%s", code, out)
	}
	typo := filepath.Join(t.TempDir(), "du-lieu")
	if code, out := runCLI(t, "backup", "--data", typo, "--to", target); code != 1 || !strings.Contains(out, "không có cơ sở dữ liệu") {
		t.Errorf("backup of a folder without a store: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(typo); !os.IsNotExist(err) {
		t.Errorf("backup of a mistyped --data made %s", typo)
	}

	into := filepath.Join(t.TempDir(), "khôi phục")
	code, out = runCLI(t, "restore", "--from", target, "--data", into, "--catalogue", testCatalogue)
	if code != 0 || !strings.Contains(out, "Đã khôi phục bản "+res.Snapshot) || !strings.Contains(out, "11 hồ sơ") ||
		!strings.Contains(out, "thiếu 0, hỏng 0, tệp lạ 0") {
		t.Fatalf("restore: exit %d\n%s", code, out)
	}
	if code, out := runCLI(t, "search", "--data", into, "--catalogue", testCatalogue, "9/QĐ-UBND"); code != 0 || !strings.Contains(out, "Quyết định 9/QĐ-UBND") {
		t.Errorf("search of the restored archive: exit %d\n%s", code, out)
	}
	if ev := auditEvents(t, into, store.ActFixity); len(ev) != 1 || !ev[0].OK {
		t.Errorf("restore's fixity audit: %+v", ev)
	}
	if code, out := runCLI(t, "restore", "--from", target, "--data", into, "--catalogue", testCatalogue); code != 2 || !strings.Contains(out, "--force") {
		t.Errorf("restore into a non-empty folder: exit %d\n%s", code, out)
	}
	if code, out := runCLI(t, "restore", "--from", target, "--data", into, "--catalogue", testCatalogue, "--force"); code != 0 {
		t.Errorf("restore --force: exit %d\n%s", code, out)
	}

	// A flipped byte in one original of the backup: refused, the file named.
	sha := synthetic.Record(3, 1024).SHA256
	bad := filepath.Join(target, "blobs", sha[:2], sha)
	b, _ := os.ReadFile(bad)
	b[500] ^= 4
	os.Chmod(bad, 0o644)
	os.WriteFile(bad, b, 0o644)
	into2 := filepath.Join(t.TempDir(), "lần hai")
	code, out = runCLI(t, "restore", "--from", target, "--data", into2, "--catalogue", testCatalogue)
	if code != 1 || !strings.Contains(out, bad+": hỏng") || !strings.Contains(out, "backup --list") {
		t.Errorf("restore of a damaged backup: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(into2); !os.IsNotExist(err) {
		t.Errorf("a refused restore left %s", into2)
	}
	if code, out := runCLI(t, "backup", "--check", "--to", target); code != 1 || !strings.Contains(out, bad+": hỏng") || !strings.Contains(out, "lần sao lưu sau sẽ chép lại") {
		t.Errorf("check of a damaged backup: exit %d\n%s", code, out)
	}
	if code, out := runCLI(t, "backup", "--data", data, "--to", target, "--json"); code != 0 || !strings.Contains(out, `"copied": 1,`) {
		t.Errorf("backup after check: exit %d\n%s", code, out)
	}
	if code, out := runCLI(t, "restore", "--from", target, "--data", into2, "--catalogue", testCatalogue); code != 0 {
		t.Errorf("restore after the mend: exit %d\n%s", code, out)
	}
}

// TestVerifyCommand: the fixity check finds a corrupted original, a
// missing one and a stray file, names them, audits, and exits 1.
func TestVerifyCommand(t *testing.T) {
	data := syntheticData(t, 5, 512)
	if code, out := runCLI(t, "verify", "--data", data); code != 0 || !strings.Contains(out, "Đã kiểm 5 bản gốc") {
		t.Fatalf("verify of a whole store: exit %d\n%s", code, out)
	}
	blobs := store.DirBlobs{Dir: filepath.Join(data, "blobs")}
	corrupt, _ := blobs.Path(synthetic.Record(2, 512).SHA256)
	missing, _ := blobs.Path(synthetic.Record(4, 512).SHA256)
	b, _ := os.ReadFile(corrupt)
	b[100] ^= 1
	os.Chmod(corrupt, 0o644)
	os.WriteFile(corrupt, b, 0o644)
	os.Remove(missing)
	stray := filepath.Join(data, "blobs", "ghi chú.txt")
	os.WriteFile(stray, []byte("x"), 0o644)

	code, out := runCLI(t, "verify", "--data", data)
	for _, want := range []string{"HỎNG   " + corrupt + " (hồ sơ 2, quyết định 2.png)", "THIẾU  " + missing + " (hồ sơ 4,", "TỆP LẠ " + stray,
		"thiếu 1, hỏng 1, tệp lạ 1"} {
		if !strings.Contains(out, want) {
			t.Errorf("verify output lacks %q", want)
		}
	}
	if code != 1 {
		t.Errorf("verify with damage: exit %d, want 1\n%s", code, out)
	}
	code, out = runCLI(t, "verify", "--data", data, "--json")
	var f struct {
		store.Fixity
		OK bool `json:"ok"`
	}
	if code != 1 || json.Unmarshal([]byte(out), &f) != nil || f.OK || f.Checked != 5 || len(f.Missing) != 1 || len(f.Corrupt) != 1 ||
		len(f.Orphans) != 1 || f.Orphans[0] != "ghi chú.txt" {
		t.Errorf("verify --json: exit %d, %+v\n%s", code, f, out)
	}
	ev := auditEvents(t, data, store.ActFixity)
	if len(ev) != 3 || !ev[0].OK || ev[2].OK || !strings.Contains(ev[2].Detail, "thiếu 1, hỏng 1, tệp lạ 1") {
		t.Errorf("fixity audit events: %+v", ev)
	}
}

// TestServeArchiveJobs runs serve's scheduled backup and fixity check once
// each and reads their results in /metrics; a failed backup is logged,
// counted and audited.
func TestServeArchiveJobs(t *testing.T) {
	data := syntheticData(t, 3, 512)
	db, blobs, err := openStore(data)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	status := &server.Archive{}
	jobs := &archiveJobs{db: db, blobs: blobs, data: data, backupTo: filepath.Join(t.TempDir(), "b"), status: status}
	ctx := context.Background()
	jobs.backup(ctx)
	jobs.fixity(ctx)
	bad := filepath.Join(t.TempDir(), "a file")
	os.WriteFile(bad, []byte("x"), 0o644)
	jobs.backupTo = bad
	jobs.backup(ctx)

	h := server.New(server.Config{Public: t.TempDir(), Archive: status})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	m := string(body)
	for _, want := range []string{"motcua_fixity_ok 1", "motcua_fixity_checked 3", `motcua_fixity_problems{kind="missing"} 0`,
		"motcua_backup_failures_total 1"} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if strings.Contains(m, "motcua_backup_last_success_timestamp_seconds 0\n") || strings.Contains(m, "motcua_backup_last_size_bytes 0\n") {
		t.Errorf("/metrics shows no successful backup:\n%s", m)
	}
	ev := auditEvents(t, data, store.ActBackup)
	if len(ev) != 2 || !ev[0].OK || ev[1].OK || ev[1].User != "motcua" || !strings.Contains(ev[1].Detail, "lỗi") {
		t.Errorf("backup audit events: %+v", ev)
	}
}

// TestBackupKilled kills motcua backup with SIGKILL at random moments:
// every snapshot the backup folder then shows restores whole (every
// original there, every record's original present), and what a kill left
// half-written is refused by restore and cleared by the next backup.
func TestBackupKilled(t *testing.T) {
	const records = 60
	data := syntheticData(t, records, 8<<10)
	target := t.TempDir()
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 2))
	ctx := context.Background()
	backupCmd := func() (*exec.Cmd, chan error) {
		cmd := exec.Command(os.Args[0], "backup", "--data", data, "--to", target)
		cmd.Env = append(os.Environ(), "MOTCUA_TEST_MAIN=1")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		return cmd, done
	}
	// unfinished lists the snapshots being written in target.
	unfinished := func() map[string]bool {
		m := map[string]bool{}
		ents, _ := os.ReadDir(target)
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), ".tmp-") {
				m[e.Name()] = true
			}
		}
		return m
	}
	// writing waits until a new snapshot is being written in target.
	writing := func(done chan error) bool {
		before := unfinished()
		for {
			select {
			case err := <-done:
				done <- err
				return false
			case <-time.After(2 * time.Millisecond):
			}
			for n := range unfinished() {
				if !before[n] {
					return true
				}
			}
		}
	}
	// How long a whole first backup takes here, and its start-up: half
	// the kills fall anywhere in its life, half while it writes.
	start := time.Now()
	_, done := backupCmd()
	writing(done)
	startup := time.Since(start)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	full := time.Since(start)
	kills, partial := 0, 0
	for i := 0; kills < 5 && i < 30; i++ {
		if i%2 == 0 { // mostly a fresh folder, so that kills land in a full copy
			os.RemoveAll(target)
		}
		cmd, done := backupCmd()
		delay := time.Duration(rng.Int64N(int64(full)))
		if i%2 == 1 || kills%2 == 1 {
			writing(done)
			delay = time.Duration(rng.Int64N(int64(full - startup + 1)))
		}
		select {
		case <-time.After(delay):
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
			kills++
		case err := <-done:
			if err != nil {
				t.Fatalf("backup: %v", err)
			}
		}
		for n := range unfinished() {
			partial++
			_, err := backup.Restore(ctx, filepath.Join(target, n), filepath.Join(t.TempDir(), "r"), backup.RestoreOptions{})
			var de *backup.DamagedError
			if !errors.As(err, &de) {
				t.Errorf("restore of the unfinished %s: %v, want refused", n, err)
			}
		}
		snaps, err := backup.List(target)
		if err != nil {
			if _, serr := os.Stat(target); os.IsNotExist(serr) {
				continue // the kill came before the folder was made
			}
			t.Fatal(err)
		}
		for _, s := range snaps {
			into := filepath.Join(t.TempDir(), "r")
			res, err := backup.Restore(ctx, s.Dir, into, backup.RestoreOptions{})
			if err != nil {
				t.Errorf("after kill %d: snapshot %s is visible but not whole: %v", kills, s.Name, err)
				continue
			}
			rdb, err := sqlite.Open(filepath.Join(into, "motcua.db"))
			if err != nil {
				t.Fatal(err)
			}
			f, err := store.CheckFixity(ctx, rdb, store.DirBlobs{Dir: filepath.Join(into, "blobs")}, nil)
			rdb.Close()
			if err != nil || !f.OK() || f.Checked != records || res.Records != records {
				t.Errorf("snapshot %s restored incomplete: %+v, %v", s.Name, f, err)
			}
		}
	}
	t.Logf("a whole backup takes %v (start-up %v); %d kills, %d unfinished snapshots seen", full.Round(time.Millisecond), startup.Round(time.Millisecond), kills, partial)
	if kills == 0 {
		t.Error("no backup was killed")
	}
	// The next backup clears what the kills left.
	if code, out := runCLI(t, "backup", "--data", data, "--to", target); code != 0 {
		t.Fatalf("backup after the kills: exit %d\n%s", code, out)
	}
	if left := unfinished(); len(left) > 0 {
		t.Errorf("%v left after a later backup", left)
	}
}

// TestHelperWriter is not a test: TestBackupWhileServing runs this test
// binary with MOTCUA_TEST_WRITER=DIR to write synthetic records into the
// store in DIR from another process, as digitize does, until killed.
func TestHelperWriter(t *testing.T) {
	data := os.Getenv("MOTCUA_TEST_WRITER")
	if data == "" {
		return
	}
	db, blobs, err := openStore(data)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i := 1001; i < 100_000; i++ {
		if err := synthetic.Put(context.Background(), db, blobs, i, 1, 4096); err != nil {
			t.Fatal(err)
		}
	}
}

// TestBackupWhileServing backs up a store while another process saves
// records into it and the server answers searches from its index: each
// snapshot restores to a prefix of the records written, each with its
// original, equal to the source's; restore and index give an archive
// whose records are found by search.
func TestBackupWhileServing(t *testing.T) {
	data := syntheticData(t, 20, 4096)
	ix, err := openSearchIndex(data, testCatalogue)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	db, blobs, err := openStore(data)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	srv := httptest.NewServer(server.New(server.Config{Public: t.TempDir(), Index: ix, Store: db, Blobs: blobs}))
	defer srv.Close()

	writer := exec.Command(os.Args[0], "-test.run=^TestHelperWriter$")
	writer.Env = append(os.Environ(), "MOTCUA_TEST_WRITER="+data)
	if err := writer.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { writer.Process.Kill(); writer.Wait() }()
	searches, failed := 0, 0
	stop := make(chan struct{})
	searching := make(chan struct{})
	go func() {
		defer close(searching)
		for {
			select {
			case <-stop:
				return
			default:
			}
			resp, err := srv.Client().Get(srv.URL + "/api/search?q=15%2FQ%C4%90-UBND")
			searches++
			if err != nil || resp.StatusCode != 200 {
				failed++
			}
			if resp != nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}
	}()
	// The writer has started (a loaded machine may take a while).
	for deadline := time.Now().Add(20 * time.Second); ; {
		if st, err := db.Stats(context.Background()); err == nil && st.Records > 20 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the writer process wrote nothing in 20 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	target := filepath.Join(t.TempDir(), "sao lưu")
	var snaps []backup.Result
	deadline := time.Now().Add(10 * time.Second)
	for len(snaps) < 3 && time.Now().Before(deadline) {
		time.Sleep(150 * time.Millisecond)
		code, out := runCLI(t, "backup", "--data", data, "--to", target, "--json")
		var res backup.Result
		if code != 0 || json.Unmarshal([]byte(out), &res) != nil {
			t.Fatalf("backup while writing: exit %d\n%s", code, out)
		}
		snaps = append(snaps, res)
	}
	close(stop)
	<-searching
	writer.Process.Kill()
	writer.Wait()
	if searches == 0 || failed > 0 {
		t.Errorf("searches during the backups: %d, %d failed", searches, failed)
	}
	var source []store.Record
	db.All(context.Background(), true, func(r *store.Record) error { source = append(source, *r); return nil })
	t.Logf("%d records written in all; snapshots: %d, %d, %d records; %d searches", len(source),
		snaps[0].Records, snaps[1].Records, snaps[2].Records, searches)
	if snaps[2].Records <= snaps[0].Records {
		t.Errorf("the writer wrote nothing during the backups")
	}
	for i, s := range snaps {
		into := filepath.Join(t.TempDir(), "r")
		rep, err := restoreData(s.Dir, into, testCatalogue, false, nil)
		if err != nil {
			t.Fatalf("restore %s: %v", s.Snapshot, err)
		}
		if !rep.Fixity.OK() || rep.Fixity.Checked != s.Records || len(rep.Fixity.Orphans) != 0 || rep.Index.Records != s.Records {
			t.Errorf("%s: fixity %+v, index %+v", s.Snapshot, rep.Fixity, rep.Index)
		}
		rdb, _, err := openStore(into)
		if err != nil {
			t.Fatal(err)
		}
		var got []store.Record
		rdb.All(context.Background(), true, func(r *store.Record) error { got = append(got, *r); return nil })
		rdb.Close()
		if len(got) != s.Records || !reflect.DeepEqual(got, source[:len(got)]) {
			t.Errorf("%s: %d records, not the source's first %d", s.Snapshot, len(got), s.Records)
		}
		if i == len(snaps)-1 {
			last := got[len(got)-1].Fields.NumberSymbol
			if code, out := runCLI(t, "search", "--data", into, "--catalogue", testCatalogue, last); code != 0 || !strings.Contains(out, "Quyết định "+last) {
				t.Errorf("search of the restored archive for %s: exit %d\n%s", last, code, out)
			}
		}
	}
}
