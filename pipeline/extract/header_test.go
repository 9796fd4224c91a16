package extract

import (
	"strings"
	"testing"

	"motcua/store"
)

func TestVouched(t *testing.T) {
	for _, c := range []struct {
		number, docType, issuer string
		conf, want              float64
	}{
		{"1234/QĐ-UBND", "Quyết định", "ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM", 0.62, vouchedConf},               // kind and agency
		{"0098217/QĐ-XPHC", "Quyết định", "CÔNG AN HUYỆN GIA LÂM", 0.68, vouchedConf},                     // the kind
		{"3758/STNMT-ĐĐ", "Công văn", "UBND TỈNH LÂM ĐỒNG SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG", 0.6, vouchedConf}, // the agency
		{"36/BN-CAX", "Giấy biên nhận hồ sơ", "CÔNG AN TỈNH ĐỒNG THÁP CÔNG AN XÃ MỸ AN", 0.6, vouchedConf},
		{"36/BN-GAX", "Giấy biên nhận hồ sơ", "CÔNG AN TỈNH ĐỒNG THÁP CÔNG AN XÃ MỸ AN", 0.6, 0.6}, // C read as G
		{"12/TB-UBND", "Quyết định", "SỞ TƯ PHÁP", 0.6, 0.6},                                       // neither
		{"12/QĐ-UBND", "Quyết định", "ỦY BAN NHÂN DÂN", 0.3, 0.3},                                  // too doubtful
		{"46A8024719", "Giấy chứng nhận", "ỦY BAN NHÂN DÂN", 0.6, 0.6},                             // no symbol
		{"5/QĐ-QĐ", "Thông báo", "QUẬN ĐỐNG ĐA", 0.6, 0.6},                                         // the kind's letters are no agency
		{"12/QĐ-UBND", "Quyết định", "ỦY BAN NHÂN DÂN", 0.9, 0.9},
	} {
		if got := vouched(c.number, c.conf, c.docType, c.issuer); got != c.want {
			t.Errorf("vouched(%q, %.2f, %q, %q) = %.2f, want %.2f", c.number, c.conf, c.docType, c.issuer, got, c.want)
		}
	}
}

func TestClassify(t *testing.T) {
	for _, c := range []struct {
		title, want string
		class       kindClass
	}{
		{"QUYẾT ĐỊNH", "Quyết định", exactKind},
		{"QUYÉT ĐỊNH", "Quyết định", exactKind}, // a mark misread
		{"ĐƠN ĐỀ NGHỊ CẤP BẢN SAO GIẤY KHAI SINH", "Đơn", exactKind},
		{"PHIẾU LÝ LỊCH TƯ PHÁP SỐ 1", "Phiếu lý lịch tư pháp", exactKind},
		{"THƯ CÔNG", "Thư công", exactKind},
		{"GIẤY MỜI", "Giấy mời", exactKind},
		{"GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH", "Giấy chứng nhận đăng ký hộ kinh doanh", familyKind},
		{"GIÃY PHÉP  KINH DOANH", "Giấy phép kinh doanh", familyKind},
		{"TRÍCH LỤC KHAI SINH", "Trích lục khai sinh", familyKind},
		{"GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", familyKind},
		{"GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN", "Giấy xác nhận tình trạng hôn nhân", familyKind},
		{"BIÊN NHẬN HỒ SƠ", "Biên nhận hồ sơ", familyKind},
		{"BIÊN BẢN HỌP", "Biên bản", exactKind},
		{"DANH SÁCH HỌC SINH", "Danh sách học sinh", unknownKind},
		{"ĐƠNVỊ", "Đơnvị", unknownKind}, // a kind is a whole word
	} {
		if got, class := classify(c.title); got != c.want || class != c.class {
			t.Errorf("classify(%q) = %q, %d; want %q, %d", c.title, got, class, c.want, c.class)
		}
	}
}

func TestIssuerLine(t *testing.T) {
	for in, want := range map[string]string{
		"ỦY BAN NHẬN. DÂN":               "ỦY BAN NHẬN DÂN",
		".UBND TỈNH SÓC TRĂNG":           "UBND TỈNH SÓC TRĂNG",
		"XÃ NGHĨA. DŨNG -":               "XÃ NGHĨA DŨNG",
		"SÓC TRĂNG . SỞ TƯ PHÁP":         "SÓC TRĂNG SỞ TƯ PHÁP",
		"-'QUẬN LƯƠNG- SƠN":              "QUẬN LƯƠNG SƠN",
		"PHÒNG TÀI CHÍNH - KẾ HOẠCH":     "PHÒNG TÀI CHÍNH - KẾ HOẠCH",
		"UBND TP. HỒ CHÍ MINH,":          "UBND TP. HỒ CHÍ MINH",
		"ĐỘI CẢNH SÁT GIAO THÔNG SỐ 2 '": "ĐỘI CẢNH SÁT GIAO THÔNG SỐ 2",
	} {
		var line []store.Word
		for _, w := range strings.Fields(in) {
			line = append(line, store.Word{Text: w})
		}
		var got []string
		for _, w := range issuerLine(line) {
			got = append(got, w.Text)
		}
		if got := strings.Join(got, " "); got != want {
			t.Errorf("issuerLine(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTitleConf(t *testing.T) {
	seg := func(words string, confs ...float64) []Segment {
		var ws []store.Word
		for i, w := range strings.Fields(words) {
			ws = append(ws, store.Word{Text: w, Conf: confs[i]})
		}
		return []Segment{newSegment(ws)}
	}
	for _, c := range []struct {
		t    []Segment
		want float64
	}{
		{seg("GIẦY XÁC NHẬN TÌNH TRẠNG", 0.52, 0.93, 0.93, 0.93, 0.92), 0.9}, // the family's words, misread, are spelt
		{seg("GIẤY XÁC NHẬN TÌNH TRẠNG", 0.93, 0.93, 0.93, 0.6, 0.92), 0.6},  // the rest is as OCR read it
		{seg("QUYẾT ĐỊNH", 0.3, 0.93), 0.3},                                  // all but rejected
		{seg("ĐƠN ĐỀ NGHỊ CẤP", 0.93, 0.5, 0.5, 0.5), 0.93},                  // a kind's type is the kind alone
		{seg("DANH SÁCH", 0.95, 0.7), 0.7},
	} {
		_, class := classify(joinSegs(c.t))
		if got := titleConf(c.t, class); got != c.want {
			t.Errorf("titleConf(%q) = %.2f, want %.2f", c.t[0].Text, got, c.want)
		}
	}
}
