package progress

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestNotTerminal: writing to something that is not a terminal draws no
// bar: no carriage returns or escape codes reach a log file.
func TestNotTerminal(t *testing.T) {
	var buf bytes.Buffer
	b := New(&buf, "nhập", "bản ghi")
	for i := 1; i <= 100; i++ {
		b.Update(i, 100)
	}
	b.Done()
	if buf.Len() != 0 {
		t.Errorf("wrote %q to a non-terminal", buf.String())
	}
}

func TestLine(t *testing.T) {
	b := &Bar{what: "số hóa", unit: "trang", start: time.Now().Add(-time.Minute), done: 30, total: 90}
	line := b.line(time.Now())
	for _, want := range []string{"số hóa: 30/90 trang", "(33 %)", "30 trang/phút", "còn 2m0s"} {
		if !strings.Contains(line, want) {
			t.Errorf("line %q lacks %q", line, want)
		}
	}
}
