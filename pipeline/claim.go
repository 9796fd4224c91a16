package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"motcua/store"
)

// Claims keep two runs on one data directory (two digitize commands, a
// digitize beside a dossier result) from recognising the same file at
// once and storing it twice. Before a run reads a file for OCR it takes
// the file's claim, an exclusive flock on ClaimDir/<sha256>.lock, without
// waiting: a file another run holds is skipped, and so is one another run
// stored meanwhile. The lock goes with its process, so a killed run
// leaves no claim behind.

// errClaimed: another run is digitizing the file, or has just stored it.
var errClaimed = errors.New("pipeline: the file is being digitized by another run")

// claim takes f's claim and returns its release; errClaimed when another
// run has it.
func claim(ctx context.Context, st store.Store, f *file, opt Options) (func(), error) {
	if opt.ClaimDir == "" {
		return func() {}, nil
	}
	if err := os.MkdirAll(opt.ClaimDir, 0o755); err != nil {
		return nil, fmt.Errorf("pipeline: unable to create the claims folder %s: %w", opt.ClaimDir, err)
	}
	path := filepath.Join(opt.ClaimDir, f.sha+".lock")
	for {
		fh, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
		if err != nil {
			return nil, fmt.Errorf("pipeline: unable to claim %s: %w", f.path, err)
		}
		if err := syscall.Flock(int(fh.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			fh.Close()
			if errors.Is(err, syscall.EWOULDBLOCK) {
				return nil, errClaimed
			}
			return nil, fmt.Errorf("pipeline: unable to claim %s: %w", f.path, err)
		}
		// The holder before removes the lock file as it lets go: a lock
		// taken on a removed file claims nothing, so take it again.
		held, err1 := fh.Stat()
		named, err2 := os.Stat(path)
		if err1 != nil || err2 != nil || !os.SameFile(held, named) {
			fh.Close()
			continue
		}
		release := func() {
			os.Remove(path)
			fh.Close()
		}
		if !opt.Force {
			if _, err := st.BySHA256(ctx, f.sha); err == nil {
				release()
				return nil, errClaimed
			} else if !errors.Is(err, store.ErrNotFound) {
				release()
				return nil, err
			}
		}
		return release, nil
	}
}
