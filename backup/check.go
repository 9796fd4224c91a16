package backup

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// damagedDir is where Check moves originals whose content no longer has
// their SHA-256: out of the snapshots' way, so that the next backup copies
// them again from the store, not deleted.
const damagedDir = ".damaged"

// Checked is what Check found in a backup folder.
type Checked struct {
	Snapshots int       `json:"snapshots"`
	Originals int       `json:"originals"` // distinct, in all snapshots
	Bytes     int64     `json:"bytes"`     // read and hashed
	Problems  []Problem `json:"problems"`  // every bad file, once
	// Damaged names the snapshots that would be refused now.
	Damaged []string `json:"damaged"`
	// Moved counts the damaged originals moved to .damaged/: the next
	// backup copies them again, which mends every snapshot that needs them.
	Moved int `json:"moved"`
}

// Check reads every file of every snapshot in a backup folder and checks
// it against its manifest, as restore would, without restoring. Originals
// shared by snapshots are read once. progress, if not nil, is called with
// the files done and the total.
func Check(ctx context.Context, target string, progress func(done, total int)) (*Checked, error) {
	if _, err := os.Stat(filepath.Join(target, markerFile)); err != nil {
		return nil, fmt.Errorf("%s không phải thư mục sao lưu motcua (thiếu %s)", target, markerFile)
	}
	unlock, err := lock(target, true)
	if err != nil {
		return nil, err
	}
	defer unlock()
	snaps, err := List(target)
	if err != nil {
		return nil, err
	}
	c := &Checked{Snapshots: len(snaps), Problems: []Problem{}, Damaged: []string{}}
	sizes := map[string]int64{}    // original → size in the manifests
	users := map[string][]string{} // original → snapshots that need it
	damaged := map[string]bool{}   // snapshot names
	for _, s := range snaps {
		if s.Err != nil {
			c.Problems = append(c.Problems, Problem{Path: s.Dir, What: s.Err.Error()})
			damaged[s.Name] = true
			continue
		}
		for _, f := range s.Manifest.Originals {
			sizes[f.SHA256] = f.Size
			users[f.SHA256] = append(users[f.SHA256], s.Name)
		}
	}
	shas := make([]string, 0, len(sizes))
	for sha := range sizes {
		shas = append(shas, sha)
	}
	sort.Strings(shas)
	c.Originals = len(shas)
	total, done := len(shas)+len(snaps), 0
	step := func() {
		done++
		if progress != nil {
			progress(done, total)
		}
	}
	for _, s := range snaps {
		if s.Err == nil {
			p := filepath.Join(s.Dir, dbFile)
			sha, n, err := hashFile(p)
			c.Bytes += n
			if err != nil || sha != s.Manifest.Database.SHA256 || n != s.Manifest.Database.Size {
				c.Problems = append(c.Problems, Problem{Path: p, What: "hỏng hoặc thiếu: không khớp SHA-256 trong manifest.json"})
				damaged[s.Name] = true
			}
		}
		step()
	}
	for _, sha := range shas {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p := blobPath(target, sha)
		got, n, err := hashFile(p)
		c.Bytes += n
		switch {
		case os.IsNotExist(err):
			c.Problems = append(c.Problems, Problem{Path: p, What: "thiếu"})
		case err != nil:
			return nil, err
		case got != sha || n != sizes[sha]:
			c.Problems = append(c.Problems, Problem{Path: p, What: "hỏng: nội dung không khớp SHA-256 của nó (đã chuyển vào " + damagedDir + "/)"})
			q := filepath.Join(target, damagedDir, sha)
			if err := os.MkdirAll(filepath.Dir(q), 0o755); err != nil {
				return nil, err
			}
			if err := os.Rename(p, q); err != nil {
				return nil, err
			}
			c.Moved++
		default:
			step()
			continue
		}
		for _, s := range users[sha] {
			damaged[s] = true
		}
		step()
	}
	for s := range damaged {
		c.Damaged = append(c.Damaged, s)
	}
	sort.Strings(c.Damaged)
	return c, nil
}
