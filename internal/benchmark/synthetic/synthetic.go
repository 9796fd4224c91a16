// Package synthetic fills a store with made-up records and originals, for
// tests and benchmarks of what works on the store as a whole (backup,
// restore, fixity) without running OCR.
package synthetic

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"

	"motcua/store"
)

// Original returns the original file of synthetic record i: size bytes
// (at least 64), the same for the same i, different for each i.
func Original(i, size int) []byte {
	var seed [32]byte
	binary.LittleEndian.PutUint64(seed[:], uint64(i))
	data := make([]byte, max(size, 64))
	n := copy(data, fmt.Sprintf("motcua synthetic original %d\n", i))
	rand.NewChaCha8(seed).Read(data[n:])
	return data
}

// Record returns synthetic record i, whose original is Original(i, size):
// a public decision numbered i/QĐ-UBND, its text searchable.
func Record(i, size int) *store.Record {
	data := Original(i, size)
	num := fmt.Sprintf("%d/QĐ-UBND", i)
	text := fmt.Sprintf("QUYẾT ĐỊNH Số: %s về việc công nhận tổ hòa giải ở cơ sở thôn %d", num, i)
	return &store.Record{
		SHA256: store.SHA256(data), SourceName: fmt.Sprintf("quyết định %d.png", i), SourcePath: fmt.Sprintf("/scans/quyết định %d.png", i),
		MediaType: "image/png", Size: int64(len(data)), DocType: "Quyết định", Status: store.StatusAuto, Visibility: store.Public,
		Text: text,
		Fields: store.Fields{DocType: "Quyết định", NumberSymbol: num, IssueDate: "2024-05-12", Issuer: "Ủy ban nhân dân xã An Phú",
			Summary: fmt.Sprintf("công nhận tổ hòa giải thôn %d", i)},
		Confidence: store.Confidence{store.DocType: 0.97, store.NumberSymbol: 0.95, store.IssueDate: 0.9, store.Issuer: 0.9},
		Pages: []store.Page{{N: 1, Width: 1654, Height: 2339, DPI: 200, Text: text,
			Words: []store.Word{{Text: "QUYẾT", Box: [4]int{100, 100, 300, 140}, Conf: 0.96, Line: 1}}}},
	}
}

// Put saves records first … first+n-1 as digitize does: each original,
// then its record.
func Put(ctx context.Context, st store.Records, blobs store.Blobs, first, n, size int) error {
	for i := first; i < first+n; i++ {
		r := Record(i, size)
		if err := blobs.Put(r.SHA256, Original(i, size)); err != nil {
			return err
		}
		if err := st.Put(ctx, r); err != nil {
			return err
		}
	}
	return nil
}
