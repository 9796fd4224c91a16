package site

import (
	"slices"
	"strings"
	"testing"

	"motcua/content"
)

func TestSplitAgencies(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"Không có thông tin", nil},
		{"Sở Tư pháp", []string{"Sở Tư pháp"}},
		{"Ngân hàng Nhà nước Việt Nam, Ngân hàng Nhà nước Khu vực", []string{"Ngân hàng Nhà nước Việt Nam", "Ngân hàng Nhà nước Khu vực"}},
		// Commas inside a name are followed by a lower-case word.
		{"Cục cảnh sát quản lý hành chính về trật tự, xã hội", []string{"Cục cảnh sát quản lý hành chính về trật tự, xã hội"}},
		{"Cục cảnh sát quản lý hành chính về trật tự, xã hội, Công an tỉnh", []string{"Cục cảnh sát quản lý hành chính về trật tự, xã hội", "Công an tỉnh"}},
		{"Cục Thuế - Bộ tài chính, Thuế tỉnh, thành phố, Thuế cơ sở", []string{"Cục Thuế - Bộ tài chính", "Thuế tỉnh, thành phố", "Thuế cơ sở"}},
		{"Ủy ban Nhân dân\u00a0xã,\u00a0phường,\u00a0thị trấn.", []string{"Ủy ban Nhân dân xã, phường, thị trấn"}},
		{"Bộ Quốc phòng, Bộ Văn hóa, Thể thao và Du lịch", []string{"Bộ Quốc phòng", "Bộ Văn hóa, Thể thao và Du lịch"}},
		{"Sở Tư pháp; Công an tỉnh\nỦy ban nhân dân cấp tỉnh", []string{"Sở Tư pháp", "Công an tỉnh", "Ủy ban nhân dân cấp tỉnh"}},
		// Decomposed input comes out NFC.
		{"U\u0309y ban nha\u0302n da\u0302n ca\u0302\u0301p xa\u0303", []string{"Ủy ban nhân dân cấp xã"}},
	}
	for _, tt := range tests {
		if got := splitAgencies(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("splitAgencies(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTimeText(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	tests := []struct {
		c    content.Channel
		want string
	}{
		{content.Channel{TimeValue: f(15), TimeUnit: "ngay-lam-viec"}, "15 ngày làm việc"},
		{content.Channel{TimeValue: f(0.5), TimeUnit: "ngay"}, "0,5 ngày"},
		{content.Channel{TimeValue: f(4), TimeUnit: "gio", TimeText: "4 giờ"}, "4 giờ"},
		{content.Channel{TimeText: "Ngay trong ngày"}, "Ngay trong ngày"},
		{content.Channel{}, ""},
	}
	for _, tt := range tests {
		if got := timeText(tt.c); got != tt.want {
			t.Errorf("timeText(%+v) = %q, want %q", tt.c, got, tt.want)
		}
	}
}

// TestTermSlugs checks that term slugs are ASCII with đ folded, and that
// spellings of one term share a slug and its most used spelling.
func TestTermSlugs(t *testing.T) {
	var s termSet
	if got := s.add("Đất đai"); !slices.Equal(got, []string{"dat-dai"}) {
		t.Errorf("slug of Đất đai = %q", got)
	}
	s.add("đất đai.")
	s.add("Đất đai")
	if got := s.title("dat-dai"); got != "Đất đai" {
		t.Errorf("title = %q, want Đất đai", got)
	}
	// Old-style tone placement and case differences share one term.
	var a termSet
	a.add("Uỷ ban nhân dân cấp xã")
	a.add("Ủy ban nhân dân cấp xã")
	a.add("Ủy ban nhân dân cấp Xã")
	a.add("Ủy ban nhân dân cấp xã")
	if got := a.slugs(); !slices.Equal(got, []string{"uy-ban-nhan-dan-cap-xa"}) {
		t.Errorf("slugs = %q", got)
	}
	if got := a.title("uy-ban-nhan-dan-cap-xa"); got != "Ủy ban nhân dân cấp xã" {
		t.Errorf("title = %q", got)
	}
	// Long names get a bounded slug; paragraphs are not terms.
	long := "Cơ quan trực tiếp quản lý người thi hành công vụ gây thiệt hại trong hoạt động quản lý hành chính, tố tụng, thi hành án"
	if got := s.add(long); len(got) != 1 || len(got[0]) > maxSlug || !strings.HasPrefix(got[0], "co-quan-truc-tiep-quan-ly-") || strings.HasSuffix(got[0], "-") {
		t.Errorf("slug of a long name = %q", got)
	}
	if got := s.add(strings.Repeat("Người yêu cầu nộp hồ sơ. ", 10)); got != nil {
		t.Errorf("a paragraph became the term %q", got)
	}
	// Duplicates within one procedure are listed once; empty terms not at all.
	if got := s.add("Hộ tịch", "hộ tịch", "", "…"); !slices.Equal(got, []string{"ho-tich"}) {
		t.Errorf("add = %q", got)
	}
}
