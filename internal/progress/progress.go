// Package progress shows the progress of long work: a redrawn line with
// done/total, rate and ETA on a terminal, and a plain slog line every few
// seconds otherwise.
package progress

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"
)

// Bar reports progress. Its methods are safe for concurrent use.
type Bar struct {
	w     io.Writer
	tty   bool
	what  string // the work, e.g. "nhập"
	unit  string // what is counted, e.g. "bản ghi"
	start time.Time

	mu    sync.Mutex
	last  time.Time
	done  int
	total int
	drawn bool
}

// New returns a bar writing to w; it draws only when w is a terminal.
func New(w io.Writer, what, unit string) *Bar {
	tty := false
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 && os.Getenv("TERM") != "dumb" {
			tty = true
		}
	}
	return &Bar{w: w, tty: tty, what: what, unit: unit, start: time.Now()}
}

// Update records that done of total items are finished.
func (b *Bar) Update(done, total int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done, b.total = done, total
	now := time.Now()
	every := 10 * time.Second
	if b.tty {
		every = 100 * time.Millisecond
	}
	if now.Sub(b.last) < every && done != total {
		return
	}
	b.last = now
	if b.tty {
		fmt.Fprintf(b.w, "\r\033[K%s", b.line(now))
		b.drawn = true
		return
	}
	if now.Sub(b.start) >= every {
		slog.Info("progress", "work", b.what, "done", done, "total", total, "rate_per_min", int(b.rate(now)*60))
	}
}

func (b *Bar) rate(now time.Time) float64 {
	el := now.Sub(b.start).Seconds()
	if el <= 0 {
		return 0
	}
	return float64(b.done) / el
}

func (b *Bar) line(now time.Time) string {
	r := b.rate(now)
	eta := "?"
	if r > 0 && b.total >= b.done {
		eta = (time.Duration(float64(b.total-b.done)/r) * time.Second).Round(time.Second).String()
	}
	pct := 0.0
	if b.total > 0 {
		pct = 100 * float64(b.done) / float64(b.total)
	}
	return fmt.Sprintf("%s: %d/%d %s (%.0f %%), %.0f %s/phút, còn %s", b.what, b.done, b.total, b.unit, pct, r*60, b.unit, eta)
}

// Done ends the bar's line on a terminal.
func (b *Bar) Done() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.tty && b.drawn {
		fmt.Fprintln(b.w)
	}
}
