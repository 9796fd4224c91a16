package pipeline

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"motcua/store"
)

// reasonNotRegular refuses a FIFO, socket or device named as a scan.
const reasonNotRegular = "không phải tệp thường (là FIFO, socket hoặc thiết bị): hãy chỉ ra tệp ảnh hoặc PDF"

// Collect lists the files under paths: files as given, folders walked
// recursively in name order, skipping hidden entries and anything but
// regular files (and links to them) inside folders. A path that is not a
// regular file nor a folder is a failure.
func Collect(paths []string) ([]string, []store.Failure) {
	var files []string
	var fails []store.Failure
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			files = append(files, p)
		}
	}
	for _, root := range paths {
		fi, err := os.Stat(root)
		if err != nil {
			fails = append(fails, store.Failure{Path: root, Reason: "không tìm thấy hoặc không đọc được: hãy kiểm tra đường dẫn"})
			continue
		}
		if !fi.IsDir() {
			if !fi.Mode().IsRegular() {
				// A FIFO would wait for a writer forever, a device never end.
				fails = append(fails, store.Failure{Path: root, Reason: reasonNotRegular})
				continue
			}
			add(root)
			continue
		}
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				fails = append(fails, store.Failure{Path: p, Reason: reasonRead})
				return nil
			}
			if p != root && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			switch {
			case d.Type().IsRegular():
				add(p)
			case d.Type()&fs.ModeSymlink != 0:
				if fi, err := os.Stat(p); err != nil {
					fails = append(fails, store.Failure{Path: p, Reason: reasonRead})
				} else if fi.Mode().IsRegular() {
					add(p)
				}
			}
			return nil
		})
	}
	return files, fails
}

// looksLikeScan: the file starts like a PNG, JPEG, TIFF or PDF.
func looksLikeScan(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return true // let scan report it
	}
	defer f.Close()
	head := make([]byte, 8)
	n, _ := f.Read(head)
	return sniff(head[:n]) != ""
}
