package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"motcua/store"
	"motcua/store/storetest"
)

func TestChooseDB(t *testing.T) {
	for _, c := range []struct {
		flag, env string
		want      dbChoice
		err       string
	}{
		{"", "", dbChoice{sqlite: filepath.Join("data", "motcua.db")}, ""},
		{"sqlite:/srv/motcua/ho-so.db", "", dbChoice{sqlite: "/srv/motcua/ho-so.db"}, ""},
		{"sqlite://rel/ho-so.db", "", dbChoice{sqlite: "rel/ho-so.db"}, ""},
		{"", "sqlite:env.db", dbChoice{sqlite: "env.db"}, ""},
		{"sqlite:flag.db", "postgres://a@b/c", dbChoice{sqlite: "flag.db"}, ""}, // the flag wins
		{"", "postgres://motcua@10.0.0.5:5432/motcua", dbChoice{postgres: "postgres://motcua@10.0.0.5:5432/motcua"}, ""},
		{"postgresql://motcua@db/motcua", "", dbChoice{postgres: "postgresql://motcua@db/motcua"}, ""},
		{"sqlite:", "", dbChoice{}, "--db \"sqlite:\": thiếu đường dẫn"},
		{"mysql://root:secret@db/motcua", "", dbChoice{}, "--db \"mysql://root:xxxxx@db/motcua\": dùng sqlite:"},
		{"", "data/motcua.db", dbChoice{}, "MOTCUA_DB \"data/motcua.db\": dùng sqlite:"},
	} {
		dbFlag = c.flag
		t.Setenv(dbEnv, c.env)
		got, err := chooseDB("data")
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("--db %q, %s=%q: error %v, want %q", c.flag, dbEnv, c.env, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("--db %q, %s=%q: %+v %v, want %+v", c.flag, dbEnv, c.env, got, err, c.want)
		}
	}
	dbFlag = ""
}

// TestDBPostgres runs commands on a PostgreSQL store chosen by --db and by
// MOTCUA_DB: the accounts and their audit events are there, the data
// folder holds no SQLite file, and backup says to use pg_dump.
func TestDBPostgres(t *testing.T) {
	url := storetest.Postgres(t)
	data := t.TempDir()
	t.Setenv(dbEnv, "")
	if code, out := runCLI(t, "users", "add", "lan", "--role", "staff", "--generate", "--data", data, "--db", url); code != 0 {
		t.Fatalf("users add --db: exit %d\n%s", code, out)
	}
	t.Setenv(dbEnv, url)
	code, out := runCLI(t, "users", "list", "--data", data)
	if code != 0 || !strings.Contains(out, "lan ") || !strings.Contains(out, "1 tài khoản") {
		t.Errorf("users list with %s: exit %d\n%s", dbEnv, code, out)
	}
	code, out = runCLI(t, "audit", "--data", data)
	if code != 0 || !strings.Contains(out, "lan") {
		t.Errorf("audit with %s: exit %d\n%s", dbEnv, code, out)
	}
	if _, err := os.Stat(filepath.Join(data, storeFile)); !os.IsNotExist(err) {
		t.Errorf("a SQLite file was made beside a PostgreSQL store: %v", err)
	}
	code, out = runCLI(t, "backup", "--data", data, "--to", t.TempDir())
	if code != 2 || !strings.Contains(out, "pg_dump") {
		t.Errorf("backup of a PostgreSQL store: exit %d\n%s", code, out)
	}
	// --db sqlite: overrides the variable.
	if code, out := runCLI(t, "users", "list", "--data", data, "--db", "sqlite:"+filepath.Join(data, "khac.db")); code != 0 || !strings.Contains(out, "0 tài khoản") {
		t.Errorf("users list --db sqlite: exit %d\n%s", code, out)
	}
}

func TestOpenBlobs(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "motcua")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "motcua-secret")
	data := t.TempDir()
	other := t.TempDir()
	for _, c := range []struct {
		flag, env string
		want      string // the store, as %v
		err       string
	}{
		{"", "", fmt.Sprint(store.DirBlobs{Dir: filepath.Join(data, "blobs")}), ""},
		{"file://" + other, "", fmt.Sprint(store.DirBlobs{Dir: other}), ""},
		{"", "file://" + other, fmt.Sprint(store.DirBlobs{Dir: other}), ""},
		{"s3://ban-goc?endpoint=http://127.0.0.1:1", "file://" + other, // the flag wins
			"s3://ban-goc?endpoint=http%3A%2F%2F127.0.0.1%3A1&region=us-east-1&use_path_style=true", ""},
		{"file://", "", "", "--blobs \"file://\": thiếu thư mục"},
		{"", "gs://ban-goc", "", "MOTCUA_BLOBS \"gs://ban-goc\": dùng file:///THƯ_MỤC hoặc s3://"},
		{"/srv/blobs", "", "", "--blobs \"/srv/blobs\": dùng file:///"},
	} {
		blobsFlag = c.flag
		t.Setenv(blobsEnv, c.env)
		got, err := openBlobs(data)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("--blobs %q, %s=%q: error %v, want %q", c.flag, blobsEnv, c.env, err, c.err)
			}
			continue
		}
		if err != nil || fmt.Sprint(got) != c.want {
			t.Errorf("--blobs %q, %s=%q: %v %v, want %v", c.flag, blobsEnv, c.env, got, err, c.want)
		}
	}
	blobsFlag = ""
}

// TestBlobsS3Refused: verify and backup refuse originals in a bucket,
// saying that the bucket keeps them.
func TestBlobsS3Refused(t *testing.T) {
	data := t.TempDir()
	t.Setenv(dbEnv, "")
	t.Setenv(blobsEnv, "s3://ban-goc?endpoint=http://127.0.0.1:1")
	t.Setenv("AWS_ACCESS_KEY_ID", "motcua")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "motcua-secret")
	if code, out := runCLI(t, "users", "list", "--data", data); code != 0 {
		t.Fatalf("users list: exit %d\n%s", code, out)
	}
	for _, args := range [][]string{{"verify", "--data", data}, {"backup", "--data", data, "--to", t.TempDir()}} {
		code, out := runCLI(t, args...)
		if code == 0 || !strings.Contains(out, "versioning") {
			t.Errorf("%s with originals in a bucket: exit %d\n%s", args[0], code, out)
		}
	}
}
