package extract

import (
	"strings"
	"testing"

	"motcua/store"
)

func TestBodyWordConf(t *testing.T) {
	for _, c := range []struct {
		word       string
		conf, want float64
	}{
		{"TRĂNG", 0.48, knownWordConf}, // a province's word OCR doubted
		{"SỞ", 0.51, knownWordConf},
		{"Sở", 0.51, knownWordConf},
		{"TRẰNG", 0.48, 0.48}, // misread: no such word
		{"TÍNH", 0.7, 0.7},
		{"TỈNH", 0.3, 0.3}, // all but rejected
		{"TỈNH", 0.97, 0.97},
		{"LÃO", 0.5, 0.5}, // a commune's name: not listed
	} {
		if got := bodyWordConf(c.word, c.conf); got != c.want {
			t.Errorf("bodyWordConf(%q, %.2f) = %.2f, want %.2f", c.word, c.conf, got, c.want)
		}
	}
}

func TestSpellBodies(t *testing.T) {
	for in, want := range map[string]string{
		"ỦY BẠN NHÂN DÂN PHƯỜNG TRIỆU ÁI":                         "ỦY BAN NHÂN DÂN PHƯỜNG TRIỆU ÁI",
		"UBND TỈNH SÓC TRĂNG SƠ TƯ PHÁP":                          "UBND TỈNH SÓC TRĂNG SỞ TƯ PHÁP",
		"UY BAN NHAN DAN TINH HA TINH":                            "ỦY BAN NHÂN DÂN TỈNH HA TINH", // the place is not spelt
		"BỘ CÔNG AN CÔNG AN TỈNH BẮC NINH PHÒNG CẢNH SÁT QUẢN LÝ": "BỘ CÔNG AN CÔNG AN TỈNH BẮC NINH PHÒNG CẢNH SÁT QUẢN LÝ",
		"SỞ Y TẾ TÍNH NGHỆ AN":                                    "SỞ Y TẾ TỈNH NGHỆ AN",
		"HỘI ĐỒNG NHÂN DÂN":                                       "HỘI ĐỒNG NHÂN DÂN",
		"ỦY BAN":                                                  "ỦY BAN",
		"TRƯỜNG ĐẠI HỌC SỰ PHẠM":                                  "TRƯỜNG ĐẠI HỌC SỰ PHẠM", // no phrase: left as read
	} {
		var ws []store.Word
		for _, w := range strings.Fields(in) {
			ws = append(ws, store.Word{Text: w, Conf: 0.5})
		}
		out, known := spellBodies(ws)
		var got []string
		for _, w := range out {
			got = append(got, w.Text)
		}
		if g := strings.Join(got, " "); g != want || len(known) != len(out) {
			t.Errorf("spellBodies(%q) = %q, want %q", in, g, want)
		}
	}
}

func TestMisspeltElsewhere(t *testing.T) {
	for _, c := range []struct {
		issuer, page string
		want         bool
	}{
		{"ỦY BAN NHÂN DÂN PHƯỜNG TRIỆU ÀI", "tại trụ sở Ủy ban nhân dân phường Triệu Ái, chúng tôi", true},
		{"ỦY BAN NHÂN DÂN PHƯỜNG TRIỆU ÁI", "tại trụ sở Ủy ban nhân dân phường Triệu Ái, chúng tôi", false},
		{"ỦY BAN NHÂN DÂN PHƯỜNG TRIỆU ÁI", "Triệu Ái, ngày 5 tháng 3 năm 2019 … phường Triệu Ài", false}, // alike as often
		{"ỦY BAN NHÂN DÂN PHƯỜNG TRIỆU ÁI", "không nơi nào khác", false},
		{"UBND TỈNH SÓC TRĂNG SỞ TƯ PHÁP", "Sóc Trắng, ngày 28 tháng 10 năm 2025", true},
	} {
		var ws []store.Word
		for _, w := range strings.Fields(c.issuer) {
			ws = append(ws, store.Word{Text: w, Conf: 0.9})
		}
		ws, known := spellBodies(ws)
		var page []string
		for _, w := range strings.Fields(c.page) {
			page = append(page, strings.Trim(w, ".,;:"))
		}
		if got := misspeltElsewhere(ws, known, page); got != c.want {
			t.Errorf("misspeltElsewhere(%q, %q) = %v", c.issuer, c.page, got)
		}
	}
}

func TestRespell(t *testing.T) {
	page := func(s string) []string { return strings.Fields(s) }
	for _, tc := range []struct{ place, page, want string }{
		{"Nghỉ Phong", "xã Nghi Phong, huyện Nghi Lộc. xã Nghi Phong Làm tại: Nghỉ Phong, ngày", "Nghi Phong"},
		{"Nghi Phong", "xã Nghi Phong, huyện Nghi Lộc. Làm tại: Nghi Phong, ngày", "Nghi Phong"},
		{"Hà Nội", "Hà Nội, ngày 3 tháng 5 năm 2024", "Hà Nội"},                // not named again
		{"Hà Nôi", "Hà Nội Hà Nôi, ngày", "Hà Nôi"},                            // once each: no majority
		{"Đà Nẵng", "Đà Nẵng Da Nang Da Nang Đà Nẵng, ngày", "Đà Nẵng"},        // as often as read
		{"Cầu Giấy", "quận Cầu Giây quận Cầu Giây Cầu Giấy, ngày", "Cầu Giây"}, // more often otherwise
		{"", "xã Nghi Phong", ""},
	} {
		if got := respell(tc.place, page(tc.page)); got != tc.want {
			t.Errorf("respell(%q) = %q, want %q", tc.place, got, tc.want)
		}
	}
}
