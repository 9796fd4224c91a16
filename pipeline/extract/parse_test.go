package extract

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"motcua/internal/vi"
	"motcua/store"
)

func TestParseDateLine(t *testing.T) {
	for _, c := range []struct{ in, place, date string }{
		{"Quảng Nam, ngày 23 tháng 4 năm 2018", "Quảng Nam", "2018-04-23"},
		{"Hà Nội, ngày 05 tháng 11 năm 2019", "Hà Nội", "2019-11-05"},
		{"Làm tại: Nghi Phong, ngày 12 tháng 6 năm 2024", "Nghi Phong", "2024-06-12"},
		{"TP. Hồ Chí Minh, ngày 01 tháng 01 năm 2020", "TP. Hồ Chí Minh", "2020-01-01"},
		{"Bà Rịa - Vũng Tàu, ngày 9 tháng 9 năm 2021", "Bà Rịa - Vũng Tàu", "2021-09-09"},
		{"Cầu Giấy, ngày  17  tháng 4 năm 2023", "Cầu Giấy", "2023-04-17"},
		{"Huế, ngảy 3 thảng 2 nảm 2022", "Huế", "2022-02-03"},  // tone marks misread
		{"Hà Nội, ngày 30 tháng 2 năm 2023", "", ""},           // no such day
		{"Đăng ký lần đầu: ngày 14 tháng 02 năm 2020", "", ""}, // no place
		{"Căn cứ Luật Đất đai ngày 29 tháng 11 năm 2013;", "", ""},
		{"quận 3, ngày 1 tháng 1 năm 2020", "", ""}, // a place is capitalised
		{"Hà Nội, ngày 1 tháng 13 năm 2020", "", ""},
		{"Đông Anh, 09/5/2024", "Đông Anh", "2024-05-09"},
		{"Đà Nẵng, ngày 09-05-2024", "Đà Nẵng", "2024-05-09"},
		{"Bắc Ninh, ngày 15.03.2O24", "Bắc Ninh", "2024-03-15"},                 // O read for 0
		{"Hà Nội, ngàv l5 thảng 3 nărn 2024", "Hà Nội", "2024-03-15"},           // OCR's letters
		{"Cần Thơ, ngày05tháng 11năm2019", "Cần Thơ", "2019-11-05"},             // spaces lost
		{"Hà Nội, ngày 15 tháng 3 năm 2024.", "Hà Nội", "2024-03-15"},           // a speck after it
		{"Thanh Hóa, ngày 21 tháng:8 năm 2024", "Thanh Hóa", "2024-08-21"},      // a speck read as a colon
		{"` ..—--_ Đà Nẵng, ngày 25 tháng 4 năm 2021", "Đà Nẵng", "2021-04-25"}, // specks before it
		{"Hà Nội, 15/3/24", "", ""},                                             // a two-digit year is no issue date
		{"Hà Nội, 1.500.000 đồng", "", ""},
		{"Họ và tên: Nguyễn Văn An, 12/03/1990", "", ""}, // a field's value and a birth date
		{"Làm tại: Nghi Phong, 12/6/2024", "", ""},
		{"Làm tại: Nghi Phong, ngày 12/6/2024", "Nghi Phong", "2024-06-12"},
		{"Căn cứ Nghị định số 61/2018/NĐ-CP, 12/3/2018", "", ""},
		{"", "", ""},
	} {
		place, date, ok := ParseDateLine(c.in)
		if ok != (c.date != "") || place != c.place || date != c.date {
			t.Errorf("ParseDateLine(%q) = %q, %q, %v; want %q, %q", c.in, place, date, ok, c.place, c.date)
		}
	}
}

func TestParseBareDate(t *testing.T) {
	for in, want := range map[string]string{
		"ngày 12 tháng 10 năm 2022": "2022-10-12", "........, ngày 12 tháng 10 năm 2022": "2022-10-12",
		"…, ngày 05/11/2019": "2019-11-05", "Ngày 3 tháng 2 năm 2O21": "2021-02-03",
		"12/10/2022": "", "Đăng ký lần đầu: ngày 02 tháng 3 năm 2021": "", "ngày 30 tháng 2 năm 2023": "",
		"Căn cứ Luật ngày 29 tháng 11 năm 2013": "",
	} {
		if got, ok := ParseBareDate(in); got != want || ok != (want != "") {
			t.Errorf("ParseBareDate(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestParseNumber(t *testing.T) {
	for _, c := range []struct {
		in, out string
		valid   bool
	}{
		{"1234/QĐ-UBND", "1234/QĐ-UBND", true},
		{"05/QĐ-UBND", "05/QĐ-UBND", true},
		{"61/2018/NĐ-CP", "61/2018/NĐ-CP", true},
		{"60/2014/QH13", "60/2014/QH13", true},
		{"66.7/2025/NQ-CP", "66.7/2025/NQ-CP", true},
		{"3758/STNMT-ĐĐ", "3758/STNMT-ĐĐ", true},
		{"215/TLKS-BS", "215/TLKS-BS", true},
		{"0412/TNHS", "0412/TNHS", true},
		{"1234 / QĐ - UBND", "1234/QĐ-UBND", true},
		{"12/QĐ–UBND.", "12/QĐ-UBND", true},
		{"46A8024719", "46A8024719", false},
		{"04", "04", false},
		{"", "", false},
		{"QĐ-UBND", "QĐ-UBND", false},
		{"CS 01234", "CS 01234", false},
		{"BĐ 123456 ngày 2/3/2020", "BĐ 123456", false},
		{"12 /QĐ-UBND ngày 5", "12/QĐ-UBND", true},
		{"QĐ 12/UBND", "QĐ", false},
	} {
		out, valid := ParseNumber(c.in)
		if out != c.out || valid != c.valid {
			t.Errorf("ParseNumber(%q) = %q, %v; want %q, %v", c.in, out, valid, c.out, c.valid)
		}
	}
}

func TestNumberLabel(t *testing.T) {
	for in, want := range map[string]string{
		"Số: 12/QĐ-UBND": "12/QĐ-UBND", "Sô: 5/TB": "5/TB", "S6 : 7/KH": "7/KH", "Số 41/QĐ-UBND": "41/QĐ-UBND",
		"Số lượng: 02 bản": "", "Số định danh: 0012": "", "Sở Tư pháp": "", "Số": "",
	} {
		rest, ok := numberLabel(newSegment([]store.Word{{Text: in, Conf: 1}}))
		if ok != (want != "") || rest != want {
			t.Errorf("numberLabel(%q) = %q, %v; want %q", in, rest, ok, want)
		}
	}
}

func TestSigningPrefix(t *testing.T) {
	for in, want := range map[string]string{
		"KĨ. CHỦ TỊCH": "KT. CHỦ TỊCH", "XT. GIÁM ĐỐC": "KT. GIÁM ĐỐC", "TM ỦY BAN NHÂN DÂN": "TM. ỦY BAN NHÂN DÂN",
		"TL. BỘ TRƯỞNG": "TL. BỘ TRƯỞNG", "PHÓ GiÁM ĐỐC": "PHÓ GIÁM ĐỐC", "CHỦ TỊCH": "CHỦ TỊCH",
		"Người yêu cầu": "Người yêu cầu", "ĐỘI TRƯỞNG": "ĐỘI TRƯỞNG", "TT. HĐND": "TT. HĐND", "QĐ. X": "QĐ. X",
	} {
		if got := signingPrefix(capsFix(in)); got != want {
			t.Errorf("%q → %q, want %q", in, got, want)
		}
	}
}

func TestNumberYear(t *testing.T) {
	for in, want := range map[string]string{"61/2018/NĐ-CP": "2018", "66.7/2025/NQ-CP": "2025", "12/QĐ-UBND": "", "214/2024/ATTP-CNĐK": "2024", "1/20/X": "", "": ""} {
		if got := NumberYear(in); got != want {
			t.Errorf("NumberYear(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSymbolType(t *testing.T) {
	for in, want := range map[string]string{
		"12/QĐ-UBND": "Quyết định", "61/2018/NĐ-CP": "Nghị định", "85/2019/TT-BTC": "Thông tư",
		"3758/STNMT-ĐĐ": "", "15/2023/NQ-HĐND": "Nghị quyết", "46A8024719": "", "7/TTr-VP": "Tờ trình",
	} {
		if got := SymbolType(in); got != want {
			t.Errorf("SymbolType(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPersonIDs(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"Số định danh cá nhân: 001317012345", []string{"001317012345"}},
		{"CCCD 074178003921 và 040092015577; lại 074178003921", []string{"074178003921", "040092015577"}},
		{"Giấy phép lái xe số 270123456789 hạng C", nil}, // no province 270
		{"điện thoại 0912345678", nil},
		{"mã 1001317012345", nil}, // 13 digits
		{"số 001317012345.6", nil},
		{"001399012345", nil}, // born in 2099
	} {
		if got := PersonIDs(c.in); !slices.Equal(got, c.want) {
			t.Errorf("PersonIDs(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestCodesAndMoney(t *testing.T) {
	text := "Mã hồ sơ: 000.23.19.H26-230417-0045; 000.00.06.H56-231027-0361 và 000.00.06.H56-231327-0361. " +
		"Thủ tục 1.001193, 2.000794. Lệ phí 3.000.000 đồng (Ba triệu đồng), 500.000.000 đồng, 50 đồng; " +
		"số 12.345.678 người; 1.000.000 VNĐ; 1.0011934"
	if got := DossierCodes(text); !slices.Equal(got, []string{"000.23.19.H26-230417-0045", "000.00.06.H56-231027-0361"}) {
		t.Errorf("DossierCodes = %v", got)
	}
	if got := ProcedureCodes(text); !slices.Equal(got, []string{"1.001193", "2.000794"}) {
		t.Errorf("ProcedureCodes = %v", got)
	}
	if got := Money(text); !slices.Equal(got, []int64{3000000, 500000000, 50, 1000000}) {
		t.Errorf("Money = %v", got)
	}
	for in, want := range map[string]int64{"3.000.000": 3000000, "500": 500, "1.5": -1, "1234.000": -1, "": -1} {
		v, ok := ParseMoney(in)
		if ok != (want >= 0) || ok && v != want {
			t.Errorf("ParseMoney(%q) = %d, %v", in, v, ok)
		}
	}
}

// Fuzz tests: the parsers never panic and whatever they accept obeys the
// format's rules. Seeds in testdata/fuzz/<name>/.

var isoDate = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

func FuzzParseDateLine(f *testing.F) {
	f.Add("Hà Nội, ngày 05 tháng 11 năm 2019")
	f.Fuzz(func(t *testing.T, s string) {
		if date, ok := ParseBareDate(s); ok != (date != "") || ok && !isoDate.MatchString(date) {
			t.Fatalf("bare date %q, %v", date, ok)
		}
		place, date, ok := ParseDateLine(s)
		if !ok {
			if place != "" || date != "" {
				t.Fatalf("rejected but returned %q %q", place, date)
			}
			return
		}
		if !isoDate.MatchString(date) {
			t.Fatalf("date %q", date)
		}
		if _, err := time.Parse("2006-01-02", date); err != nil {
			t.Fatalf("date %q: %v", date, err)
		}
		if place == "" || !utf8.ValidString(place) || strings.Contains(place, ",") {
			t.Fatalf("place %q", place)
		}
	})
}

func FuzzParseNumber(f *testing.F) {
	f.Add("1234/QĐ-UBND")
	f.Fuzz(func(t *testing.T, s string) {
		out, valid := ParseNumber(s)
		if strings.ContainsAny(out, "\t\n") {
			t.Fatalf("number with a line break: %q", out)
		}
		if serial, digits, ok := strings.Cut(out, " "); ok && (valid || !serialRe.MatchString(serial) || !allDigits(digits)) {
			t.Fatalf("number with a space not a serial's: %q", out)
		}
		if valid {
			if !strings.Contains(out, "/") || !numberRe.MatchString(out) {
				t.Fatalf("valid but %q", out)
			}
			SymbolType(out)
		}
	})
}

func FuzzPersonIDs(f *testing.F) {
	f.Add("CCCD 074178003921")
	f.Fuzz(func(t *testing.T, s string) {
		for _, id := range PersonIDs(s) {
			if !vi.ValidPersonID(id) || !strings.Contains(s, id) {
				t.Fatalf("%q from %q", id, s)
			}
		}
		for _, c := range DossierCodes(s) {
			if !vi.IsDossierCode(c) {
				t.Fatalf("dossier %q", c)
			}
		}
		for _, c := range ProcedureCodes(s) {
			if len(c) != 8 || c[1] != '.' {
				t.Fatalf("procedure %q", c)
			}
		}
	})
}

func FuzzMoney(f *testing.F) {
	f.Add("3.000.000 đồng")
	f.Fuzz(func(t *testing.T, s string) {
		for _, v := range Money(s) {
			if v <= 0 {
				t.Fatalf("amount %d from %q", v, s)
			}
		}
		if v, ok := ParseMoney(s); ok {
			// What was accepted prints back the same way, leading zeros aside.
			if formatMoney(v) != strings.TrimLeft(s, "0.") && v != 0 {
				if _, err := strconv.ParseInt(strings.ReplaceAll(s, ".", ""), 10, 64); err != nil {
					t.Fatalf("ParseMoney(%q) = %d", s, v)
				}
			}
		}
	})
}
