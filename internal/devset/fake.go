package devset

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"text/template"
	"time"
)

// The generator's pieces: every person, number and address is made up;
// place names are real provinces with district and commune names drawn
// independently (the combinations are fictional).

type province struct {
	name, code string // code: the first three digits of a personal ID
	city       bool   // a centrally run city (thành phố)
}

var provinces = []province{
	{"Hà Nội", "001", true}, {"Hải Phòng", "031", true}, {"Đà Nẵng", "048", true}, {"Cần Thơ", "092", true},
	{"Nghệ An", "040", false}, {"Thanh Hóa", "038", false}, {"Quảng Ngãi", "051", false}, {"Bắc Giang", "024", false},
	{"Đắk Lắk", "066", false}, {"Lâm Đồng", "068", false}, {"Vĩnh Long", "086", false}, {"Thái Bình", "034", false},
	{"Quảng Trị", "045", false}, {"Hòa Bình", "017", false}, {"Bình Định", "052", false}, {"Sóc Trăng", "094", false},
}

var districts = []string{"Nghi Lộc", "Yên Thành", "Đông Sơn", "Tư Nghĩa", "Lạng Giang", "Krông Pắc", "Đức Trọng",
	"Tam Bình", "Kiến Xương", "Hải Lăng", "Lương Sơn", "Hoài Nhơn", "Mỹ Tú", "Thạch Thất", "Thủy Nguyên", "Hòa Vang", "Phong Điền", "Quỳnh Lưu"}

var communes = []string{"Hòa Phong", "Tân Lập", "Quảng Thành", "Nghĩa Dũng", "Xuân Hương", "Ea Kly", "Hiệp Thạnh",
	"Mỹ Lộc", "Quang Trung", "Triệu Ái", "Trung Sơn", "Tam Quan", "Long Hưng", "Phú Kim", "Lê Lợi", "Hòa Khương", "Đồng Tâm", "Yên Hòa"}

var streets = []string{"Lê Lợi", "Trần Phú", "Nguyễn Trãi", "Hùng Vương", "Phan Đình Phùng", "Lý Thường Kiệt", "Hai Bà Trưng", "Quang Trung"}

var (
	surnames   = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh"}
	maleMid    = []string{"Văn", "Đức", "Minh", "Quốc", "Hữu", "Thành", "Xuân", "Ngọc", "Công", "Trọng"}
	femaleMid  = []string{"Thị", "Thị", "Ngọc", "Thu", "Thanh", "Hồng", "Phương", "Kim", "Diệu", "Bảo"}
	maleGiven  = []string{"Hùng", "Dũng", "Tuấn", "Khải", "Phong", "Quyết", "Thắng", "Nghĩa", "Hiếu", "Lực", "Khoa", "Trường", "Vĩnh", "Lộc", "Duy"}
	femaleGive = []string{"Hương", "Lan", "Hằng", "Ngân", "Thảo", "Yến", "Nhung", "Trang", "Loan", "Huyền", "Vy", "Oanh", "Quyên", "Thủy", "Ánh"}
)

// Place is a province, a district and a commune.
type Place struct {
	prov                   province
	Dist, DistKind         string
	Commune, CommuneKind   string
	Street                 string
	HouseNo, Hamlet, Group int
}

// Province is the province's name ("Nghệ An").
func (p Place) Province() string { return p.prov.name }

// ProvinceFull is "tỉnh Nghệ An" or "thành phố Hà Nội".
func (p Place) ProvinceFull() string {
	if p.prov.city {
		return "thành phố " + p.prov.name
	}
	return "tỉnh " + p.prov.name
}

// ProvinceUp is "TỈNH NGHỆ AN" or "THÀNH PHỐ HÀ NỘI".
func (p Place) ProvinceUp() string { return strings.ToUpper(p.ProvinceFull()) }

// DistrictFull is "huyện Nghi Lộc".
func (p Place) DistrictFull() string { return p.DistKind + " " + p.Dist }

// DistrictUp is "HUYỆN NGHI LỘC".
func (p Place) DistrictUp() string { return strings.ToUpper(p.DistrictFull()) }

// CommuneFull is "xã Hòa Phong".
func (p Place) CommuneFull() string { return p.CommuneKind + " " + p.Commune }

// CommuneUp is "XÃ HÒA PHONG".
func (p Place) CommuneUp() string { return strings.ToUpper(p.CommuneFull()) }

// Address is a house in the commune, with district and province.
func (p Place) Address() string {
	if p.CommuneKind == "xã" {
		return fmt.Sprintf("Thôn %d, %s, %s, %s", p.Hamlet, p.CommuneFull(), p.DistrictFull(), p.ProvinceFull())
	}
	return fmt.Sprintf("Số %d đường %s, %s, %s, %s", p.HouseNo, p.Street, p.CommuneFull(), p.DistrictFull(), p.ProvinceFull())
}

// Short is the commune, district and province.
func (p Place) Short() string {
	return fmt.Sprintf("%s, %s, %s", p.CommuneFull(), p.DistrictFull(), p.ProvinceFull())
}

// Person is a fictional citizen.
type Person struct {
	Name, Title string // Title: Ông or Bà
	Male        bool
	ID, Phone   string
	Birth       Date
	Home        Place
}

// Upper is the name in capitals.
func (p Person) Upper() string { return strings.ToUpper(p.Name) }

// Sex is Nam or Nữ.
func (p Person) Sex() string {
	if p.Male {
		return "Nam"
	}
	return "Nữ"
}

// Date is a calendar day.
type Date struct{ t time.Time }

// ISO is YYYY-MM-DD.
func (d Date) ISO() string { return d.t.Format("2006-01-02") }

// Slash is DD/MM/YYYY.
func (d Date) Slash() string { return d.t.Format("02/01/2006") }

// Long is "ngày 05 tháng 02 năm 2024" as Decree 30 writes it (day below
// 10 and month below 3 with a leading zero).
func (d Date) Long() string {
	m := strconv.Itoa(int(d.t.Month()))
	if d.t.Month() < 3 {
		m = "0" + m
	}
	return fmt.Sprintf("ngày %02d tháng %s năm %d", d.t.Day(), m, d.t.Year())
}

// Year is the year.
func (d Date) Year() int { return d.t.Year() }

// YYMMDD is as a dossier code carries it.
func (d Date) YYMMDD() string { return d.t.Format("060102") }

// Money is an amount in đồng.
type Money struct {
	N int64
	S string // "1.500.000"
}

func dots(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func funcs(rng *rand.Rand) template.FuncMap {
	if rng == nil {
		rng = rand.New(rand.NewPCG(0, 0))
	}
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	num := func(lo, hi int) int { return lo + rng.IntN(hi-lo+1) }
	day := func(y0, y1 int) Date {
		start := time.Date(y0, 1, 1, 0, 0, 0, 0, time.UTC)
		days := int(time.Date(y1, 12, 31, 0, 0, 0, 0, time.UTC).Sub(start).Hours() / 24)
		return Date{start.AddDate(0, 0, rng.IntN(days+1))}
	}
	place := func() Place {
		p := Place{prov: provinces[rng.IntN(len(provinces))], Dist: districts[rng.IntN(len(districts))],
			Commune: communes[rng.IntN(len(communes))], Street: streets[rng.IntN(len(streets))],
			HouseNo: num(2, 180), Hamlet: num(1, 12), Group: num(1, 20)}
		if p.prov.city {
			p.DistKind = pick("quận", "huyện")
		} else {
			p.DistKind = pick("huyện", "huyện", "thị xã")
		}
		if p.DistKind == "quận" || p.DistKind == "thị xã" {
			p.CommuneKind = "phường"
		} else {
			p.CommuneKind = pick("xã", "xã", "thị trấn")
		}
		return p
	}
	person := func(male bool, y0, y1 int) Person {
		p := Person{Male: male, Birth: day(y0, y1), Home: place()}
		if male {
			p.Name = surnames[rng.IntN(len(surnames))] + " " + maleMid[rng.IntN(len(maleMid))] + " " + maleGiven[rng.IntN(len(maleGiven))]
			p.Title = "Ông"
		} else {
			p.Name = surnames[rng.IntN(len(surnames))] + " " + femaleMid[rng.IntN(len(femaleMid))] + " " + femaleGive[rng.IntN(len(femaleGive))]
			p.Title = "Bà"
		}
		g := 2 * ((p.Birth.Year() - 1900) / 100)
		if !male {
			g++
		}
		p.ID = fmt.Sprintf("%s%d%02d%06d", p.Home.prov.code, g, p.Birth.Year()%100, rng.IntN(1000000))
		p.Phone = fmt.Sprintf("09%d%d %03d %03d", num(0, 9), num(0, 9), num(0, 999), num(0, 999))
		return p
	}
	return template.FuncMap{
		"pick":   pick,
		"num":    num,
		"pad":    func(n, w int) string { return fmt.Sprintf("%0*d", w, n) },
		"upper":  strings.ToUpper,
		"mod100": func(n int) int { return n % 100 },
		"place":  place,
		"man":    func() Person { return person(true, 1955, 2000) },
		"woman":  func() Person { return person(false, 1955, 2000) },
		"person": func() Person { return person(rng.IntN(2) == 0, 1955, 2000) },
		"child":  func(y int) Person { return person(rng.IntN(2) == 0, y, y) },
		"date":   func() Date { return day(2019, 2025) },
		"year":   func(y int) Date { return day(y, y) },
		"after":  func(d Date, lo, hi int) Date { return Date{d.t.AddDate(0, 0, num(lo, hi))} },
		"money": func(lo, hi int, unit int64) Money {
			n := int64(num(lo, hi)) * unit
			return Money{n, dots(n)}
		},
		"dossier": func(d Date) string {
			return fmt.Sprintf("000.%02d.%02d.H%02d-%s-%04d", num(0, 40), num(10, 40), num(10, 60), d.YYMMDD(), num(1, 300))
		},
		"proc": func() string { return fmt.Sprintf("%d.%06d", num(1, 2), num(100, 12000)) },
	}
}
