// Package dossier works on dossiers (hồ sơ) against the procedure
// catalogue. This file computes the reform's indicators on processing time
// and digitization (QĐ 766/QĐ-TTg; docs/domain.md §5) from plain facts
// about each dossier, so that any store can feed it.
package dossier

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"time"
)

// Facts is what the indicators need to know about one dossier.
// Dates are compared by calendar day, in each time's own location.
type Facts struct {
	Procedure string // procedure code, e.g. "1.001193"
	Field     string // the procedure's lĩnh vực, e.g. "Hộ tịch"

	// Received is when the dossier was received; a dossier without it
	// cannot be placed in a period and is left out (Report.Undated).
	Received time.Time
	// Due is the appointment date (hẹn trả) after any extension for the
	// time the citizen spent supplementing; zero: unknown.
	Due time.Time
	// Finished is when processing ended: the first of "đã xử lý xong",
	// "đã trả kết quả", "dừng xử lý / từ chối"; zero: not finished.
	Finished time.Time
	// SupplementRequests counts the requests to supplement the dossier;
	// more than one makes the dossier late whatever its dates.
	SupplementRequests int

	// ResultIsPaper: the dossier ends in a paper result that must be
	// digitized (the procedure's result is a paper and the dossier was not
	// refused or stopped).
	ResultIsPaper bool
	// ResultDigitized: the result has a result code and a file.
	ResultDigitized bool

	// Components counts the submitted components; ComponentsDigitized
	// those with a digitized or reused file.
	Components, ComponentsDigitized int
	// Reused: at least one component was reused from digitized data.
	Reused bool
	// FromNationalStore: at least one component was taken from the
	// citizen's store on the national portal.
	FromNationalStore bool
}

// Rate is a share Num/Den. A rate whose denominator is 0 does not apply:
// it is neither 0 % nor 100 %.
type Rate struct {
	Num int `json:"num"`
	Den int `json:"den"`
}

// Applicable reports whether the rate has a denominator.
func (r Rate) Applicable() bool { return r.Den > 0 }

// Value is the rate between 0 and 1; 0 when it does not apply.
func (r Rate) Value() float64 {
	if !r.Applicable() {
		return 0
	}
	return float64(r.Num) / float64(r.Den)
}

// Percent is the rate in percent with one decimal, rounded half up
// ("83.3"); "" when it does not apply.
func (r Rate) Percent() string {
	if !r.Applicable() {
		return ""
	}
	tenths := (2000*r.Num + r.Den) / (2 * r.Den)
	return fmt.Sprintf("%d.%d", tenths/10, tenths%10)
}

// Indicator is a rate scored under the national rule: 80 % or more earns
// Max points, less earns rate × Max ÷ 80 %.
type Indicator struct {
	Rate
	Max int // the indicator's full points
}

// Points is the indicator's score; ok is false when the rate does not
// apply.
func (i Indicator) Points() (points float64, ok bool) {
	if !i.Applicable() {
		return 0, false
	}
	if 5*i.Num >= 4*i.Den { // Num/Den ≥ 0.8, without rounding
		return float64(i.Max), true
	}
	return float64(i.Num*i.Max*5) / float64(i.Den*4), true
}

// pointsText is the points with two decimals, "" when they do not apply.
func (i Indicator) pointsText() string {
	p, ok := i.Points()
	if !ok {
		return ""
	}
	return strconv.FormatFloat(p, 'f', 2, 64)
}

// MarshalJSON writes num, den, max, and percent and points, which are
// null when the rate does not apply.
func (i Indicator) MarshalJSON() ([]byte, error) {
	v := struct {
		Num     int      `json:"num"`
		Den     int      `json:"den"`
		Percent *float64 `json:"percent"`
		Points  *float64 `json:"points"`
		Max     int      `json:"max"`
	}{Num: i.Num, Den: i.Den, Max: i.Max}
	if i.Applicable() {
		pc, _ := strconv.ParseFloat(i.Percent(), 64)
		pt, _ := strconv.ParseFloat(i.pointsText(), 64)
		v.Percent, v.Points = &pc, &pt
	}
	return json.Marshal(v)
}

// Full points of each indicator (QĐ 766/QĐ-TTg).
const (
	MaxOnTime              = 20 // 2.1
	MaxResultDigitization  = 6  // 4.1
	MaxDossierDigitization = 4  // 4.2
	MaxReuse               = 2  // 4.3
	MaxNationalStore       = 4  // 4.4
)

// Counts are the dossiers of a group, received in the period, as they
// stand at the report's Now.
type Counts struct {
	Received int `json:"received"`
	Finished int `json:"finished"`
	Pending  int `json:"pending"` // not finished

	// The on-time split. A dossier with more than one supplement request
	// is Late (finished) or Overdue (pending) whatever its dates.
	Early   int `json:"early"`   // trước hạn: finished before the due day
	OnDay   int `json:"on_day"`  // đúng hạn: finished on the due day
	Late    int `json:"late"`    // quá hạn: finished after the due day
	InTime  int `json:"in_time"` // pending, due day not passed
	Overdue int `json:"overdue"` // pending, due day passed
	NoDue   int `json:"no_due"`  // due date unknown: left out of 2.1

	PaperResults      int `json:"paper_results"`       // finished with a paper result
	ResultsDigitized  int `json:"results_digitized"`   // of them, with a digitized result
	Digitized         int `json:"digitized"`           // dossiers digitized in full (4.2)
	Reused            int `json:"reused"`              // with a reused component
	FromNationalStore int `json:"from_national_store"` // with a component from the national store
}

// Group is the counts and indicators of the dossiers sharing a key.
type Group struct {
	Kind string `json:"kind"` // KindAll, KindMonth, KindField or KindProcedure
	Key  string `json:"key"`  // "" for KindAll, "2024-05", a lĩnh vực, a procedure code
	Counts
	OnTime              Indicator `json:"on_time"`              // 2.1
	ResultDigitization  Indicator `json:"result_digitization"`  // 4.1
	DossierDigitization Indicator `json:"dossier_digitization"` // 4.2
	Reuse               Indicator `json:"reuse"`                // 4.3
	NationalStore       Indicator `json:"national_store"`       // 4.4
}

// Group kinds.
const (
	KindAll       = "all"
	KindMonth     = "month"     // by month of the received date
	KindField     = "field"     // by lĩnh vực
	KindProcedure = "procedure" // by procedure code
)

// kindNames are the kinds in Vietnamese, for people.
var kindNames = map[string]string{
	KindAll:       "tổng",
	KindMonth:     "tháng",
	KindField:     "lĩnh vực",
	KindProcedure: "thủ tục",
}

// Report holds the indicators of the dossiers received from From to To
// (calendar days, both included; a zero bound is open), as they stand at
// Now. Groups are sorted by key.
type Report struct {
	From       time.Time `json:"from,omitzero"`
	To         time.Time `json:"to,omitzero"`
	Now        time.Time `json:"now"`
	Total      Group     `json:"total"`
	Months     []Group   `json:"months"`
	Fields     []Group   `json:"fields"`
	Procedures []Group   `json:"procedures"`
	Undated    int       `json:"undated"` // dossiers left out for want of a received date
}

// Compute gives the indicators of the dossiers received from from to to,
// as they stand at now: a dossier finished after now is still pending.
func Compute(facts []Facts, from, to, now time.Time) Report {
	r := Report{From: from, To: to, Now: now, Total: Group{Kind: KindAll}}
	months := map[string]*Group{}
	fields := map[string]*Group{}
	procs := map[string]*Group{}
	add := func(m map[string]*Group, kind, key string, f Facts) {
		g := m[key]
		if g == nil {
			g = &Group{Kind: kind, Key: key}
			m[key] = g
		}
		g.add(f, now)
	}
	for _, f := range facts {
		if f.Received.IsZero() {
			r.Undated++
			continue
		}
		d := day(f.Received)
		if !from.IsZero() && d.Before(day(from)) || !to.IsZero() && d.After(day(to)) {
			continue
		}
		r.Total.add(f, now)
		add(months, KindMonth, f.Received.Format("2006-01"), f)
		add(fields, KindField, f.Field, f)
		add(procs, KindProcedure, f.Procedure, f)
	}
	r.Total.score()
	r.Months = sorted(months)
	r.Fields = sorted(fields)
	r.Procedures = sorted(procs)
	return r
}

// add counts one dossier in the group.
func (g *Group) add(f Facts, now time.Time) {
	g.Received++
	finished := !f.Finished.IsZero() && !f.Finished.After(now)
	if finished {
		g.Finished++
	} else {
		g.Pending++
	}

	switch {
	case f.SupplementRequests > 1 && finished:
		g.Late++
	case f.SupplementRequests > 1:
		g.Overdue++
	case f.Due.IsZero():
		g.NoDue++
	case finished && day(f.Finished).Before(day(f.Due)):
		g.Early++
	case finished && day(f.Finished).Equal(day(f.Due)):
		g.OnDay++
	case finished:
		g.Late++
	case day(now).After(day(f.Due)):
		g.Overdue++
	default:
		g.InTime++
	}

	if finished && f.ResultIsPaper {
		g.PaperResults++
		if f.ResultDigitized {
			g.ResultsDigitized++
		}
	}
	// A pending dossier has no result yet: it is judged on its components.
	resultOK := !f.ResultIsPaper || !finished || f.ResultDigitized
	if f.Components > 0 && f.ComponentsDigitized >= f.Components && resultOK {
		g.Digitized++
	}
	if f.Reused {
		g.Reused++
	}
	if f.FromNationalStore {
		g.FromNationalStore++
	}
}

// score sets the indicators from the counts.
func (g *Group) score() {
	c := g.Counts
	g.OnTime = Indicator{Rate{c.Early + c.OnDay + c.InTime, c.Early + c.OnDay + c.Late + c.InTime + c.Overdue}, MaxOnTime}
	g.ResultDigitization = Indicator{Rate{c.ResultsDigitized, c.PaperResults}, MaxResultDigitization}
	g.DossierDigitization = Indicator{Rate{c.Digitized, c.Received}, MaxDossierDigitization}
	g.Reuse = Indicator{Rate{c.Reused, c.Received}, MaxReuse}
	g.NationalStore = Indicator{Rate{c.FromNationalStore, c.Received}, MaxNationalStore}
}

func sorted(m map[string]*Group) []Group {
	gs := make([]Group, 0, len(m))
	for _, g := range m {
		g.score()
		gs = append(gs, *g)
	}
	sort.Slice(gs, func(i, j int) bool { return gs[i].Key < gs[j].Key })
	return gs
}

// day is t's calendar day in its own location.
func day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// csvHeader names the columns of WriteCSV, in Vietnamese.
var csvHeader = []string{
	"Loại", "Nhóm",
	"Tiếp nhận", "Đã giải quyết", "Đang giải quyết",
	"Trước hạn", "Đúng hạn", "Quá hạn", "Trong hạn", "Đang quá hạn", "Chưa rõ hạn",
	"Kết quả giấy", "Kết quả đã số hóa", "Hồ sơ đã số hóa", "Tái sử dụng", "Lấy từ Kho dữ liệu",
	"Tỷ lệ đúng hạn (%)", "Điểm đúng hạn",
	"Tỷ lệ số hóa kết quả (%)", "Điểm số hóa kết quả",
	"Tỷ lệ số hóa hồ sơ (%)", "Điểm số hóa hồ sơ",
	"Tỷ lệ tái sử dụng (%)", "Điểm tái sử dụng",
	"Tỷ lệ sử dụng Kho dữ liệu (%)", "Điểm sử dụng Kho dữ liệu",
}

// WriteCSV writes the report as UTF-8 CSV: a header row in Vietnamese,
// then one row for the total and one per month, lĩnh vực and procedure.
// Rates are percentages with one decimal, points have two; both are
// empty when the rate does not apply.
func (r Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	groups := append([]Group{r.Total}, r.Months...)
	groups = append(groups, r.Fields...)
	groups = append(groups, r.Procedures...)
	for _, g := range groups {
		if err := cw.Write(g.csvRow()); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func (g Group) csvRow() []string {
	c := g.Counts
	row := []string{kindNames[g.Kind], g.Key}
	for _, n := range []int{c.Received, c.Finished, c.Pending,
		c.Early, c.OnDay, c.Late, c.InTime, c.Overdue, c.NoDue,
		c.PaperResults, c.ResultsDigitized, c.Digitized, c.Reused, c.FromNationalStore} {
		row = append(row, strconv.Itoa(n))
	}
	for _, i := range []Indicator{g.OnTime, g.ResultDigitization, g.DossierDigitization, g.Reuse, g.NationalStore} {
		row = append(row, i.Percent(), i.pointsText())
	}
	return row
}
