package server

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// Archive holds the last results of the scheduled backup and fixity check,
// which /metrics shows. Its methods are safe for concurrent use; a nil
// *Archive shows nothing.
type Archive struct {
	mu             sync.Mutex
	backupAt       time.Time // last success
	backupBytes    int64
	backupCopied   int64
	backupFailures uint64
	fixityAt       time.Time
	fixityOK       bool
	fixityChecked  int
	missing        int
	corrupt        int
	orphans        int
	fixityFailures uint64 // runs that could not complete
}

// BackupDone records a backup: its size when it succeeded, a failure
// otherwise.
func (a *Archive) BackupDone(at time.Time, bytes, copied int64, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if err != nil {
		a.backupFailures++
		return
	}
	a.backupAt, a.backupBytes, a.backupCopied = at, bytes, copied
}

// FixityDone records a fixity check: how many originals were checked and
// how many are missing, corrupt or orphans; err when it could not run.
func (a *Archive) FixityDone(at time.Time, checked, missing, corrupt, orphans int, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if err != nil {
		a.fixityFailures++
		return
	}
	a.fixityAt, a.fixityChecked, a.missing, a.corrupt, a.orphans = at, checked, missing, corrupt, orphans
	a.fixityOK = missing == 0 && corrupt == 0
}

// writeMetrics writes the figures in Prometheus' text format.
func (a *Archive) writeMetrics(w io.Writer) {
	if a == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	gauge := func(name, help string, v any) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s gauge\n%s %v\n", name, help, name, name, v)
	}
	counter := func(name, help string, v uint64) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n%s %d\n", name, help, name, name, v)
	}
	gauge("motcua_backup_last_success_timestamp_seconds", "When the last backup succeeded (Unix time; 0: none yet).", unix(a.backupAt))
	gauge("motcua_backup_last_size_bytes", "Size of the last successful snapshot: database and originals.", a.backupBytes)
	gauge("motcua_backup_last_copied_bytes", "Bytes the last successful backup wrote (what had changed).", a.backupCopied)
	counter("motcua_backup_failures_total", "Scheduled backups that failed.", a.backupFailures)
	gauge("motcua_fixity_last_run_timestamp_seconds", "When the originals were last checked (Unix time; 0: not yet).", unix(a.fixityAt))
	ok := 0
	if a.fixityOK {
		ok = 1
	}
	gauge("motcua_fixity_ok", "1 if the last check found no original missing or corrupt.", ok)
	gauge("motcua_fixity_checked", "Originals checked by the last fixity check.", a.fixityChecked)
	fmt.Fprintln(w, "# HELP motcua_fixity_problems Originals missing or corrupt, and orphan files, at the last check.")
	fmt.Fprintln(w, "# TYPE motcua_fixity_problems gauge")
	fmt.Fprintf(w, "motcua_fixity_problems{kind=\"missing\"} %d\n", a.missing)
	fmt.Fprintf(w, "motcua_fixity_problems{kind=\"corrupt\"} %d\n", a.corrupt)
	fmt.Fprintf(w, "motcua_fixity_problems{kind=\"orphan\"} %d\n", a.orphans)
	counter("motcua_fixity_failures_total", "Fixity checks that could not run to the end.", a.fixityFailures)
}

func unix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}
