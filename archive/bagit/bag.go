// Package bagit writes BagIt 1.0 bags (RFC 8493) for transfer to an
// archive: the payload under data/, a SHA-256 manifest of it, the tag
// files bagit.txt and bag-info.txt, and a SHA-256 tag manifest of those.
// A bag appears whole or not at all (written beside its place, then
// renamed).
package bagit

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Info is what a bag's bag-info.txt says.
type Info struct {
	SourceOrganization  string
	ExternalIdentifier  string
	ExternalDescription string
	BaggingDate         time.Time
	// GroupIdentifier, Count and Total say that the bag is one of several
	// (Bag-Group-Identifier, Bag-Count "Count of Total"); Total 0 or 1: alone.
	GroupIdentifier string
	Count, Total    int
}

// File is one payload file: its path under data/ (slash-separated) and
// what writes it at a path of the file system.
type File struct {
	Path  string
	Write func(path string) error
}

// Bytes is a payload file holding data.
func Bytes(p string, data []byte) File {
	return File{Path: p, Write: func(dst string) error { return os.WriteFile(dst, data, 0o644) }}
}

// ExistsError is returned for a bag whose folder already exists: bags
// are never replaced.
type ExistsError struct{ Path string }

func (e *ExistsError) Error() string { return "bagit: " + e.Path + " already exists" }

// Write writes a bag at dir, which must not exist, from info and files.
func Write(dir string, info Info, files []File) error {
	if _, err := os.Lstat(dir); err == nil {
		return &ExistsError{dir}
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		return fmt.Errorf("bagit: %w", err)
	}
	if err := build(tmp, info, files); err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("bagit: %s: %w", dir, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("bagit: %w", err)
	}
	return syncDir(filepath.Dir(dir))
}

// build writes the whole bag in dir.
func build(dir string, info Info, files []File) error {
	var manifest []string
	var octets int64
	seen := map[string]bool{}
	for _, f := range files {
		p := path.Clean(f.Path)
		if f.Path == "" || p != f.Path || path.IsAbs(p) || p == "." || strings.HasPrefix(p, "../") || p == ".." || seen[p] {
			return fmt.Errorf("payload path %q: want a clean, relative and unique path", f.Path)
		}
		seen[p] = true
		dst := filepath.Join(dir, "data", filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := f.Write(dst); err != nil {
			return fmt.Errorf("payload %s: %w", p, err)
		}
		sum, n, err := hashFile(dst)
		if err != nil {
			return fmt.Errorf("payload %s: %w", p, err)
		}
		octets += n
		manifest = append(manifest, sum+"  "+encodePath("data/"+p)+"\n")
	}
	slices.Sort(manifest)
	tags := []struct{ name, text string }{
		{"bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"},
		{"bag-info.txt", bagInfo(info, octets, len(files))},
		{"manifest-sha256.txt", strings.Join(manifest, "")},
	}
	var tagManifest strings.Builder
	for _, t := range tags {
		if err := writeSynced(filepath.Join(dir, t.name), []byte(t.text)); err != nil {
			return err
		}
		s := sha256.Sum256([]byte(t.text))
		fmt.Fprintf(&tagManifest, "%s  %s\n", hex.EncodeToString(s[:]), t.name)
	}
	if err := writeSynced(filepath.Join(dir, "tagmanifest-sha256.txt"), []byte(tagManifest.String())); err != nil {
		return err
	}
	return syncTree(dir)
}

// bagInfo is bag-info.txt: one "Label: value" a line, in a fixed order.
func bagInfo(info Info, octets int64, files int) string {
	var b strings.Builder
	tag := func(label, value string) {
		if value = oneLine(value); value != "" {
			fmt.Fprintf(&b, "%s: %s\n", label, value)
		}
	}
	tag("Source-Organization", info.SourceOrganization)
	tag("Bagging-Date", info.BaggingDate.Format("2006-01-02"))
	tag("External-Identifier", info.ExternalIdentifier)
	tag("External-Description", info.ExternalDescription)
	if info.Total > 1 {
		tag("Bag-Group-Identifier", info.GroupIdentifier)
		tag("Bag-Count", fmt.Sprintf("%d of %d", info.Count, info.Total))
	}
	tag("Payload-Oxum", fmt.Sprintf("%d.%d", octets, files))
	return b.String()
}

// oneLine keeps a tag value on its line: RFC 8493 would read a line break
// as the end of the value.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// encodePath percent-encodes what a manifest line cannot hold as it is
// (RFC 8493 §2.1.3): CR, LF and the percent sign.
func encodePath(p string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(p)
}

func hashFile(name string) (string, int64, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

func writeSynced(name string, data []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	return errors.Join(err, f.Close())
}

// syncTree flushes every file and folder under dir to disk.
func syncTree(dir string) error {
	return filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		return errors.Join(f.Sync(), f.Close())
	})
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}
