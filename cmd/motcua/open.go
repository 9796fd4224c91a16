package main

import (
	"fmt"
	"os"
	"path/filepath"

	"motcua/store"
	"motcua/store/sqlite"
)

// openStore opens the records database and the originals under dir.
func openStore(dir string) (*sqlite.DB, store.DirBlobs, error) {
	if err := os.MkdirAll(filepath.Join(dir, "blobs"), 0o755); err != nil {
		return nil, store.DirBlobs{}, fmt.Errorf("không tạo được thư mục dữ liệu %s: %w", dir, err)
	}
	db, err := sqlite.Open(filepath.Join(dir, "motcua.db"))
	if err != nil {
		return nil, store.DirBlobs{}, err
	}
	return db, store.DirBlobs{Dir: filepath.Join(dir, "blobs")}, nil
}
