package search

import (
	"reflect"
	"testing"
)

func TestExpansions(t *testing.T) {
	for _, tt := range []struct {
		key, name string
		want      []expansion
	}{
		{"mo quan an", "Đăng ký thành lập hộ kinh doanh",
			[]expansion{{From: "mo quan an", To: []string{"dang", "ky", "thanh", "lap", "ho", "kinh", "doanh"}}}},
		// Words of the name and fillers split the runs; the name's words
		// the query holds are not expanded to.
		{"xin giay phep ban vang mieng", "Cấp giấy phép kinh doanh mua, bán vàng miếng",
			[]expansion{}},
		{"nghi ban hang mot thoi gian", "Tạm ngừng kinh doanh",
			[]expansion{{From: "nghi ban hang", To: []string{"tam", "ngung", "kinh", "doanh"}}, {From: "thoi gian", To: []string{"tam", "ngung", "kinh", "doanh"}}}},
		{"dang ky khai sinh", "Đăng ký khai sinh", nil},
	} {
		got := expansions(tt.key, tt.name)
		if len(got) == 0 && len(tt.want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("expansions(%q, %q) = %+v, want %+v", tt.key, tt.name, got, tt.want)
		}
	}
}
