package querylog

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestKey(t *testing.T) {
	for _, tt := range []struct {
		q, key string
		ok     bool
	}{
		{"Mở quán ăn", "mo quan an", true},
		{"  ĐĂNG KÝ   khai-sinh! ", "dang ky khai sinh", true},
		{"1.001193", "1 001193", true},
		{"cccd 012345678901", "", false},             // a personal ID number
		{"cmnd 123456789", "", false},                // an old ID card
		{"goi 0912 345 678", "", false},              // a phone number typed with spaces
		{"000.42.27.H09-240515-0087", "", false},     // a dossier code
		{"000.42.27.H09-240515-0087-KQ1", "", false}, // a result code
		{"an@example.com", "", false},
		{"!!!", "", false},
	} {
		key, ok := Key(tt.q)
		if key != tt.key || ok != tt.ok {
			t.Errorf("Key(%q) = %q, %v; want %q, %v", tt.q, key, ok, tt.key, tt.ok)
		}
	}
}

func TestLearn(t *testing.T) {
	ev := func(q, session, code string) Event { return Event{Query: q, Mark: mark(session, q), Code: code} }
	events := []Event{
		ev("mo quan an", "a", ""), ev("mo quan an", "a", "1.1"), ev("mo quan an", "a", "1.1"), // one session, twice
		ev("mo quan an", "b", "1.1"), ev("mo quan an", "c", "1.1"), ev("mo quan an", "d", "1.2"),
		ev("nguyen van an", "a", "1.3"), ev("nguyen van an", "a", "1.3"), // one person's query
		ev("x", "a", "1.4"), ev("x", "b", "1.4"), ev("x", "c", "1.4"),
		ev("x", "d", "1.5"), ev("x", "e", "1.5"), ev("x", "f", "1.5"), ev("x", "g", "1.5"), ev("x", "h", "1.5"),
		ev("x", "i", "1.5"), ev("x", "j", "1.5"), ev("x", "k", "1.5"), ev("x", "l", "1.5"), ev("x", "m", "1.5"),
		ev("x", "n", "1.5"), ev("x", "o", "1.5"), ev("x", "p", "1.5"),
	}
	got := Learn(events, 3, 0.2)
	want := []Learned{{Query: "mo quan an", Code: "1.1", Sessions: 3, Share: 0.75}, {Query: "x", Code: "1.5", Sessions: 13, Share: 13.0 / 16}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Learn = %+v\nwant %+v", got, want)
	}
}

// TestLogFile: events written are read back; a torn last line is skipped
// and counted; a missing log has no events.
func TestLogFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), File)
	l, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	l.Search("s1", "Đăng ký khai sinh")
	l.Choose("s1", "Đăng ký khai sinh", "1.001193")
	l.Search("s1", "cccd 012345678901")
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"d":"2026-11-27","q":"dang`)
	f.Close()
	events, bad, err := Read(path)
	if err != nil || bad != 1 || len(events) != 2 || events[1].Code != "1.001193" || events[0].Query != "dang ky khai sinh" {
		t.Errorf("Read = %+v, %d bad, %v", events, bad, err)
	}
	if events, _, err := Read(filepath.Join(t.TempDir(), "none")); err != nil || events != nil {
		t.Errorf("a missing log: %v, %v", events, err)
	}
}
