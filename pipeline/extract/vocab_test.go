package extract

import "testing"

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
