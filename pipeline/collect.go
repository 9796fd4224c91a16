package pipeline

import (
	"cmp"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"motcua/store"
)

// reasonNotRegular refuses a FIFO, socket or device named as a scan.
const reasonNotRegular = "không phải tệp thường (là FIFO, socket hoặc thiết bị): hãy chỉ ra tệp ảnh hoặc PDF"

// Collect lists the files under paths: files as given, folders walked
// recursively in name order (numbers by value: "trang 2" before "trang
// 10", as a scanner or a phone numbers a session's pages), skipping hidden
// entries and anything but regular files (and links to them) inside
// folders. A path that is not a regular file nor a folder is a failure.
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
		var inDir []string
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
				inDir = append(inDir, p)
			case d.Type()&fs.ModeSymlink != 0:
				if fi, err := os.Stat(p); err != nil {
					fails = append(fails, store.Failure{Path: p, Reason: reasonRead})
				} else if fi.Mode().IsRegular() {
					inDir = append(inDir, p)
				}
			}
			return nil
		})
		slices.SortStableFunc(inDir, naturalCompare)
		for _, p := range inDir {
			add(p)
		}
	}
	return files, fails
}

// naturalCompare orders names as people number them: runs of digits by
// their value ("2" before "10", "02" beside "2"), the rest byte by byte.
func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := digitRun(a), digitRun(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if c := cmp.Compare(len(na), len(nb)); c != 0 {
				return c
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

// digitRun is the length of the ASCII digits s opens with.
func digitRun(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
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
