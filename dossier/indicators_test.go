package dossier

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
)

var ict = time.FixedZone("ICT", 7*3600)

// at is a time in Vietnam; month 0 gives the zero time (unknown / not yet).
func at(month, d, hour int) time.Time {
	if month == 0 {
		return time.Time{}
	}
	return time.Date(2024, time.Month(month), d, hour, 0, 0, 0, ict)
}

// The fixture's report covers 1 May to 30 June 2024, as it stands at
// 10 June 2024, 12:00. P1 and P3 are in Hộ tịch, P2 in Chứng thực.
var (
	from = at(5, 1, 0)
	to   = at(6, 30, 0)
	now  = at(6, 10, 12)
)

const (
	p1, p3 = "1.001193", "1.004222"
	p2     = "2.000908"
	hoTich = "Hộ tịch"
	chung  = "Chứng thực"
)

var fixture = []Facts{
	// A: finished 8 May, due 10 May: early; paper result digitized; 3/3
	// components; reused.
	{Procedure: p1, Field: hoTich, Received: at(5, 2, 9), Due: at(5, 10, 17), Finished: at(5, 8, 10),
		ResultIsPaper: true, ResultDigitized: true, Components: 3, ComponentsDigitized: 3, Reused: true},
	// B: finished on the due day, later in the day than received: on the
	// day; paper result not digitized, so not digitized in full.
	{Procedure: p1, Field: hoTich, Received: at(5, 3, 9), Due: at(5, 10, 8), Finished: at(5, 10, 16),
		ResultIsPaper: true, Components: 2, ComponentsDigitized: 2},
	// C: finished 9 May, due 7 May: late; no paper result; 1/1 components.
	{Procedure: p2, Field: chung, Received: at(5, 6, 9), Due: at(5, 7, 17), Finished: at(5, 9, 9),
		Components: 1, ComponentsDigitized: 1},
	// D: finished before the due day but after two supplement requests:
	// late; digitized partly (1/2); reused, from the national store.
	{Procedure: p2, Field: chung, Received: at(5, 20, 9), Due: at(5, 22, 17), Finished: at(5, 21, 9),
		SupplementRequests: 2, Components: 2, ComponentsDigitized: 1, Reused: true, FromNationalStore: true},
	// E: pending, due 12 June: in time; paper result not yet there, judged
	// on its components (2/2): digitized.
	{Procedure: p1, Field: hoTich, Received: at(6, 3, 9), Due: at(6, 12, 17),
		ResultIsPaper: true, Components: 2, ComponentsDigitized: 2},
	// F: pending, due 5 June: overdue; 2/3 components.
	{Procedure: p1, Field: hoTich, Received: at(5, 27, 9), Due: at(6, 5, 17),
		ResultIsPaper: true, Components: 3, ComponentsDigitized: 2},
	// G: pending, due date unknown: left out of 2.1; 1/1; reused, from
	// the national store.
	{Procedure: p3, Field: hoTich, Received: at(6, 5, 9),
		Components: 1, ComponentsDigitized: 1, Reused: true, FromNationalStore: true},
	// H: pending, due today (10 June): in time; one supplement request is
	// allowed; no components known: not digitized.
	{Procedure: p3, Field: hoTich, Received: at(6, 7, 9), Due: at(6, 10, 8), SupplementRequests: 1},
	// I: finished 20 June, after now: still pending at now, due 24 May:
	// overdue; its result does not count for 4.1 yet; 1/1: digitized.
	{Procedure: p1, Field: hoTich, Received: at(5, 15, 9), Due: at(5, 24, 17), Finished: at(6, 20, 9),
		ResultIsPaper: true, ResultDigitized: true, Components: 1, ComponentsDigitized: 1},
	// J: finished on the due day, earlier in the day than the due hour: on
	// the day; no paper result; 2/2: digitized; reused.
	{Procedure: p2, Field: chung, Received: at(6, 4, 9), Due: at(6, 6, 17), Finished: at(6, 6, 8),
		Components: 2, ComponentsDigitized: 2, Reused: true},
	// K: received before from: left out.
	{Procedure: p1, Field: hoTich, Received: at(4, 28, 9), Due: at(5, 2, 17), Finished: at(5, 1, 9),
		ResultIsPaper: true, ResultDigitized: true, Components: 1, ComponentsDigitized: 1, Reused: true},
	// L: received after to: left out.
	{Procedure: p2, Field: chung, Received: at(7, 1, 9), Due: at(7, 3, 17), Components: 1, ComponentsDigitized: 1},
	// M: no received date: undated.
	{Procedure: p2, Field: chung, Due: at(6, 3, 17), Components: 1, ComponentsDigitized: 1},
	// N: received late on 30 June, the last day: included; pending, due
	// 2 July: in time; 0/1 components digitized.
	{Procedure: p2, Field: chung, Received: at(6, 30, 23), Due: at(7, 2, 17), Components: 1},
}

func TestCompute(t *testing.T) {
	r := Compute(fixture, from, to, now)
	if r.Undated != 1 {
		t.Errorf("Undated = %d, want 1 (M)", r.Undated)
	}
	byKey := func(gs []Group, key string) Group {
		for _, g := range gs {
			if g.Key == key {
				return g
			}
		}
		t.Fatalf("no group %q", key)
		return Group{}
	}
	type want struct {
		counts Counts
		// num/den of 2.1, 4.1, 4.2, 4.3, 4.4
		rates   [5]Rate
		percent [5]string
		points  [5]string
	}
	for _, c := range []struct {
		name string
		got  Group
		want want
	}{
		{
			// A B C D E F G H I J N: 11 received.
			// Finished by now: A B C D J = 5; pending: E F G H I N = 6.
			// Early A = 1; on the day B J = 2; late C D = 2; in time E H N = 3;
			// overdue F I = 2; no due G = 1.
			// 2.1: (1+2+3) / (1+2+2+3+2) = 6/10 = 60.0 %; 6×20×5/(10×4) = 15.
			// 4.1: finished with a paper result A B = 2, digitized A = 1:
			//      1/2 = 50.0 %; 1×6×5/(2×4) = 3.75.
			// 4.2: digitized A C E G I J = 6 of 11 = 54.5 %; 6×4×5/(11×4) = 2.727… = 2.73.
			// 4.3: reused A D G J = 4 of 11 = 36.4 %; 4×2×5/(11×4) = 0.909… = 0.91.
			// 4.4: national store D G = 2 of 11 = 18.2 %; 2×4×5/(11×4) = 0.909… = 0.91.
			"total", r.Total,
			want{
				Counts{Received: 11, Finished: 5, Pending: 6, Early: 1, OnDay: 2, Late: 2, InTime: 3, Overdue: 2, NoDue: 1,
					PaperResults: 2, ResultsDigitized: 1, Digitized: 6, Reused: 4, FromNationalStore: 2},
				[5]Rate{{6, 10}, {1, 2}, {6, 11}, {4, 11}, {2, 11}},
				[5]string{"60.0", "50.0", "54.5", "36.4", "18.2"},
				[5]string{"15.00", "3.75", "2.73", "0.91", "0.91"},
			},
		},
		{
			// May: A B C D F I = 6. Finished A B C D = 4; pending F I = 2.
			// Early A, on the day B, late C D, overdue F I.
			// 2.1: 2/6 = 33.3 %; 2×20×5/(6×4) = 8.333… = 8.33.
			// 4.1: A of A B = 1/2 = 50.0 %; 3.75.
			// 4.2: A C I = 3/6 = 50.0 %; 3×4×5/(6×4) = 2.5.
			// 4.3: A D = 2/6 = 33.3 %; 2×2×5/(6×4) = 0.833… = 0.83.
			// 4.4: D = 1/6 = 16.7 %; 1×4×5/(6×4) = 0.833… = 0.83.
			"month 2024-05", byKey(r.Months, "2024-05"),
			want{
				Counts{Received: 6, Finished: 4, Pending: 2, Early: 1, OnDay: 1, Late: 2, Overdue: 2,
					PaperResults: 2, ResultsDigitized: 1, Digitized: 3, Reused: 2, FromNationalStore: 1},
				[5]Rate{{2, 6}, {1, 2}, {3, 6}, {2, 6}, {1, 6}},
				[5]string{"33.3", "50.0", "50.0", "33.3", "16.7"},
				[5]string{"8.33", "3.75", "2.50", "0.83", "0.83"},
			},
		},
		{
			// Chứng thực: C D J N = 4. Finished C D J = 3; pending N = 1.
			// On the day J, late C D, in time N.
			// 2.1: 2/4 = 50.0 %; 2×20×5/(4×4) = 12.5.
			// 4.1: no paper result: not applicable.
			// 4.2: C J = 2/4 = 50.0 %; 2×4×5/(4×4) = 2.5.
			// 4.3: D J = 2/4 = 50.0 %; 2×2×5/(4×4) = 1.25.
			// 4.4: D = 1/4 = 25.0 %; 1×4×5/(4×4) = 1.25.
			"field Chứng thực", byKey(r.Fields, chung),
			want{
				Counts{Received: 4, Finished: 3, Pending: 1, OnDay: 1, Late: 2, InTime: 1,
					Digitized: 2, Reused: 2, FromNationalStore: 1},
				[5]Rate{{2, 4}, {0, 0}, {2, 4}, {2, 4}, {1, 4}},
				[5]string{"50.0", "", "50.0", "50.0", "25.0"},
				[5]string{"12.50", "", "2.50", "1.25", "1.25"},
			},
		},
	} {
		g := c.got
		if g.Counts != c.want.counts {
			t.Errorf("%s: counts\n got %+v\nwant %+v", c.name, g.Counts, c.want.counts)
		}
		for i, ind := range []Indicator{g.OnTime, g.ResultDigitization, g.DossierDigitization, g.Reuse, g.NationalStore} {
			if ind.Rate != c.want.rates[i] || ind.Percent() != c.want.percent[i] || ind.pointsText() != c.want.points[i] {
				t.Errorf("%s: indicator %d = %v %q%% %q points, want %v %q%% %q points", c.name, i,
					ind.Rate, ind.Percent(), ind.pointsText(), c.want.rates[i], c.want.percent[i], c.want.points[i])
			}
		}
	}

	keys := func(gs []Group) (ks []string) {
		for _, g := range gs {
			ks = append(ks, g.Kind+" "+g.Key)
		}
		return ks
	}
	for _, c := range []struct {
		got, want []string
	}{
		{keys(r.Months), []string{"month 2024-05", "month 2024-06"}},
		{keys(r.Fields), []string{"field " + chung, "field " + hoTich}},
		{keys(r.Procedures), []string{"procedure " + p1, "procedure " + p3, "procedure " + p2}},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("groups %q, want %q", c.got, c.want)
		}
	}
	// The groups of a kind add up to the total.
	for _, gs := range [][]Group{r.Months, r.Fields, r.Procedures} {
		n := 0
		for _, g := range gs {
			n += g.Received
		}
		if n != r.Total.Received {
			t.Errorf("%s groups receive %d, total %d", gs[0].Kind, n, r.Total.Received)
		}
	}
}

func TestComputeBounds(t *testing.T) {
	// Open bounds take K and L too: 13 dossiers, M still undated.
	r := Compute(fixture, time.Time{}, time.Time{}, now)
	if r.Total.Received != 13 || r.Undated != 1 {
		t.Errorf("open bounds: received %d, undated %d; want 13, 1", r.Total.Received, r.Undated)
	}
	// A period of one day, the day A was received.
	r = Compute(fixture, at(5, 2, 23), at(5, 2, 0), now)
	if r.Total.Received != 1 || len(r.Procedures) != 1 || r.Procedures[0].Key != p1 {
		t.Errorf("one day: %+v", r.Total.Counts)
	}
	// A period with none.
	r = Compute(fixture, at(8, 1, 0), at(8, 31, 0), now)
	if r.Total.Received != 0 || len(r.Months) != 0 {
		t.Errorf("empty period: %+v, %d months", r.Total.Counts, len(r.Months))
	}
}

func TestComputeEmpty(t *testing.T) {
	r := Compute(nil, from, to, now)
	if r.Total.Counts != (Counts{}) || len(r.Months)+len(r.Fields)+len(r.Procedures) != 0 || r.Undated != 0 {
		t.Errorf("empty input: %+v", r)
	}
	for i, ind := range []Indicator{r.Total.OnTime, r.Total.ResultDigitization, r.Total.DossierDigitization, r.Total.Reuse, r.Total.NationalStore} {
		if ind.Applicable() {
			t.Errorf("indicator %d applies with no dossiers", i)
		}
		if p, ok := ind.Points(); ok || p != 0 {
			t.Errorf("indicator %d: points %v, %v on no dossiers", i, p, ok)
		}
	}
	var b bytes.Buffer
	if err := r.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	rows, _ := csv.NewReader(&b).ReadAll()
	if len(rows) != 2 || rows[1][0] != "tổng" || rows[1][16] != "" || rows[1][17] != "" {
		t.Errorf("empty CSV: %q", rows)
	}
}

func TestPoints(t *testing.T) {
	for _, c := range []struct {
		rate    Rate
		max     int
		points  float64
		ok      bool
		percent string
	}{
		{Rate{0, 0}, 20, 0, false, ""}, // not applicable, not 0 and not full
		{Rate{0, 3}, 20, 0, true, "0.0"},
		{Rate{4, 5}, 20, 20, true, "80.0"},       // exactly 80 %: full points
		{Rate{8, 10}, 4, 4, true, "80.0"},        // the same, 0.8 not exact in binary
		{Rate{79, 100}, 20, 19.75, true, "79.0"}, // 79×20×5/(100×4) = 19.75
		{Rate{1, 1}, 6, 6, true, "100.0"},
		{Rate{2, 3}, 6, 5, true, "66.7"}, // 66.7 % < 80: 2×6×5/(3×4) = 5
		{Rate{1, 2}, 2, 1.25, true, "50.0"},
		{Rate{1, 16}, 4, 0.3125, true, "6.3"}, // 6.25 rounds half up
		{Rate{1, 8}, 4, 0.625, true, "12.5"},
	} {
		i := Indicator{c.rate, c.max}
		p, ok := i.Points()
		if p != c.points || ok != c.ok || i.Percent() != c.percent {
			t.Errorf("%v of %d: %v %v %q, want %v %v %q", c.rate, c.max, p, ok, i.Percent(), c.points, c.ok, c.percent)
		}
	}
	if (Rate{2, 3}).Value() != 2.0/3 || (Rate{}).Value() != 0 {
		t.Error("Value")
	}
}

func TestWriteCSV(t *testing.T) {
	var b bytes.Buffer
	if err := Compute(fixture, from, to, now).WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// total, 2 months, 2 fields, 3 procedures, after the header
	if len(rows) != 1+1+2+2+3 {
		t.Fatalf("%d rows, want 9", len(rows))
	}
	header := strings.Join(rows[0], "|")
	wantHeader := "Loại|Nhóm|Tiếp nhận|Đã giải quyết|Đang giải quyết|" +
		"Trước hạn|Đúng hạn|Quá hạn|Trong hạn|Đang quá hạn|Chưa rõ hạn|" +
		"Kết quả giấy|Kết quả đã số hóa|Hồ sơ đã số hóa|Tái sử dụng|Lấy từ Kho dữ liệu|" +
		"Tỷ lệ đúng hạn (%)|Điểm đúng hạn|Tỷ lệ số hóa kết quả (%)|Điểm số hóa kết quả|" +
		"Tỷ lệ số hóa hồ sơ (%)|Điểm số hóa hồ sơ|Tỷ lệ tái sử dụng (%)|Điểm tái sử dụng|" +
		"Tỷ lệ sử dụng Kho dữ liệu (%)|Điểm sử dụng Kho dữ liệu"
	if header != wantHeader {
		t.Errorf("header\n got %s\nwant %s", header, wantHeader)
	}
	if !norm.NFC.IsNormalString(header) {
		t.Error("header is not NFC")
	}
	// Chứng thực: the hand counts of TestCompute; 4.1 does not apply.
	want := "lĩnh vực|Chứng thực|4|3|1|0|1|2|1|0|0|0|0|2|2|1|" +
		"50.0|12.50|||50.0|2.50|50.0|1.25|25.0|1.25"
	if got := strings.Join(rows[4], "|"); got != want {
		t.Errorf("row\n got %s\nwant %s", got, want)
	}
	if rows[1][0] != "tổng" || rows[2][0] != "tháng" || rows[8][0] != "thủ tục" {
		t.Errorf("kinds: %q %q %q", rows[1][0], rows[2][0], rows[8][0])
	}
}

func TestJSON(t *testing.T) {
	r := Compute(fixture, from, to, now)
	b, err := json.Marshal(r.Fields[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`"kind":"field","key":"Chứng thực"`,
		`"received":4,`,
		`"on_time":{"num":2,"den":4,"percent":50,"points":12.5,"max":20}`,
		`"result_digitization":{"num":0,"den":0,"percent":null,"points":null,"max":6}`,
		`"national_store":{"num":1,"den":4,"percent":25,"points":1.25,"max":4}`,
		`"from_national_store":1`,
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON lacks %s:\n%s", want, b)
		}
	}
	b, _ = json.Marshal(Compute(nil, time.Time{}, time.Time{}, now))
	if strings.Contains(string(b), `"from"`) {
		t.Errorf("open bounds written: %s", b)
	}
}
