package store

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

type originals []string

func (o originals) Originals(_ context.Context, fn func(string) error) error {
	for _, s := range o {
		if err := fn(s); err != nil {
			return err
		}
	}
	return nil
}

// TestCheckFixity damages a blob folder in each way and checks what the
// fixity check reports.
func TestCheckFixity(t *testing.T) {
	data := [][]byte{[]byte("một"), []byte("hai"), []byte("ba"), []byte("bốn")}
	for _, tc := range []struct {
		name                      string
		damage                    func(b DirBlobs, shas []string)
		missing, corrupt, orphans int
	}{
		{"whole", func(DirBlobs, []string) {}, 0, 0, 0},
		{"one byte changed", func(b DirBlobs, shas []string) {
			p, _ := b.Path(shas[1])
			os.Chmod(p, 0o644)
			os.WriteFile(p, []byte("haj"), 0o644)
		}, 0, 1, 0},
		{"one removed", func(b DirBlobs, shas []string) {
			p, _ := b.Path(shas[2])
			os.Remove(p)
		}, 1, 0, 0},
		{"stray and temp files, an unreferenced original", func(b DirBlobs, shas []string) {
			os.WriteFile(filepath.Join(b.Dir, "notes.txt"), []byte("x"), 0o644)
			p, _ := b.Path(shas[0])
			os.WriteFile(filepath.Join(filepath.Dir(p), "."+shas[0]+".tmp123"), []byte("x"), 0o644)
			b.Put(SHA256([]byte("năm")), []byte("năm"))
		}, 0, 0, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := DirBlobs{Dir: t.TempDir()}
			var shas []string
			for _, d := range data {
				shas = append(shas, SHA256(d))
				if err := b.Put(SHA256(d), d); err != nil {
					t.Fatal(err)
				}
			}
			slices.Sort(shas)
			tc.damage(b, shas)
			var calls int
			f, err := CheckFixity(context.Background(), originals(shas), b, func(done, total int) { calls++ })
			if err != nil {
				t.Fatal(err)
			}
			if f.Checked != 4 || len(f.Missing) != tc.missing || len(f.Corrupt) != tc.corrupt || len(f.Orphans) != tc.orphans ||
				f.OK() != (tc.missing+tc.corrupt == 0) || calls != 4 {
				t.Errorf("%+v (progress calls %d)", f, calls)
			}
		})
	}
}
