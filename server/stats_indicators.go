package server

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"motcua/dossier"
	"motcua/internal/addr"
)

// The reform's indicators on the statistics page (QĐ 766/QĐ-TTg; domain.md
// §5), as dossier.Compute gives them: the page only draws them. Nothing
// about a person is shown: the report holds counts by month, lĩnh vực
// and procedure only.

// period is the reporting period the page's form asks for: the months of
// reception, both included; an empty bound is open.
type period struct {
	From, To       string    // as typed, shown back in the form
	FromM, ToM     string    // "2024-05", "" when open
	from, to       time.Time // first day of From, last day of To
	Err            string    // what is wrong, in Vietnamese; "" when valid
	ErrFrom, ErrTo bool      // which field is wrong
}

var monthInput = regexp.MustCompile(`^(?:(\d{4})-(\d{1,2})|(\d{1,2})[/.-](\d{4}))$`)

// parseMonth reads "2024-05" (a month input's value) or "05/2024".
func parseMonth(s string) (time.Time, bool) {
	m := monthInput.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, false
	}
	y, mo := m[1], m[2]
	if y == "" {
		y, mo = m[4], m[3]
	}
	year, _ := strconv.Atoi(y)
	month, _ := strconv.Atoi(mo)
	if month < 1 || month > 12 || year < 1990 || year > 2100 {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), 1, 0, 0, 0, 0, time.UTC), true
}

// parsePeriod reads the "tu" and "den" parameters (from and to month).
func parsePeriod(q url.Values) period {
	p := period{From: strings.TrimSpace(q.Get("tu")), To: strings.TrimSpace(q.Get("den"))}
	bad := func(s string) string {
		return fmt.Sprintf("Tháng «%s» không hợp lệ: hãy nhập tháng dạng MM/YYYY, ví dụ 05/2024, hoặc để trống.", shorten(s, 20))
	}
	if p.From != "" {
		t, ok := parseMonth(p.From)
		if !ok {
			p.Err, p.ErrFrom = bad(p.From), true
			return p
		}
		p.from, p.FromM = t, t.Format("2006-01")
	}
	if p.To != "" {
		t, ok := parseMonth(p.To)
		if !ok {
			p.Err, p.ErrTo = bad(p.To), true
			return p
		}
		p.to, p.ToM = t.AddDate(0, 1, -1), t.Format("2006-01")
	}
	if p.FromM != "" && p.ToM != "" && p.FromM > p.ToM {
		p.Err, p.ErrFrom = fmt.Sprintf("Tháng bắt đầu (%s) sau tháng kết thúc (%s): hãy đổi lại hai tháng.",
			monthVI(p.FromM), monthVI(p.ToM)), true
	}
	return p
}

// query is the period as URL parameters, normalised ("tu=2024-05&den=…").
func (p period) query() string {
	v := url.Values{}
	if p.FromM != "" {
		v.Set("tu", p.FromM)
	}
	if p.ToM != "" {
		v.Set("den", p.ToM)
	}
	return v.Encode()
}

// name says the period in words.
func (p period) Name() string {
	switch {
	case p.FromM != "" && p.ToM != "":
		return "từ tháng " + monthVI(p.FromM) + " đến tháng " + monthVI(p.ToM)
	case p.FromM != "":
		return "từ tháng " + monthVI(p.FromM)
	case p.ToM != "":
		return "đến hết tháng " + monthVI(p.ToM)
	}
	return "toàn bộ thời gian"
}

// shown is a month as the form shows it back: 05/2024.
func shown(typed, norm string) string {
	if norm != "" {
		return monthVI(norm)
	}
	return typed
}

// indicatorNames are the indicators the page shows, in order.
var indicatorNames = []struct{ Short, Name string }{
	{"4.2", "Số hóa hồ sơ"},
	{"4.1", "Số hóa kết quả"},
	{"4.3", "Tái sử dụng"},
	{"2.1", "Giải quyết đúng hạn"},
}

func shownIndicators(g dossier.Group) []dossier.Indicator {
	return []dossier.Indicator{g.DossierDigitization, g.ResultDigitization, g.Reuse, g.OnTime}
}

// rateCell is one indicator of one group, written for people.
type rateCell struct {
	Short, Name string
	Applies     bool
	Percent     string // "83,3 %"
	Num, Den    int
	Points      string // "4,00"
	Max         int
	W, Y        int // bar width and row top in the chart's units
}

func (c rateCell) Text() string {
	if !c.Applies {
		return c.Name + " (" + c.Short + "): không áp dụng"
	}
	return fmt.Sprintf("%s (%s): %s — %s/%d điểm", c.Name, c.Short, c.Percent, c.Points, c.Max)
}

// lowerFirst lowers a phrase's first letter: "Theo tháng" → "theo tháng".
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

func decimalComma(s string) string { return strings.Replace(s, ".", ",", 1) }

func cells(g dossier.Group) []rateCell {
	var out []rateCell
	for i, ind := range shownIndicators(g) {
		c := rateCell{Short: indicatorNames[i].Short, Name: indicatorNames[i].Name, Applies: ind.Applicable(),
			Num: ind.Num, Den: ind.Den, Max: ind.Max}
		if c.Applies {
			p, _ := ind.Points()
			c.Percent = decimalComma(ind.Percent()) + " %"
			c.Points = decimalComma(strconv.FormatFloat(p, 'f', 2, 64))
			c.W = int(ind.Value()*barTrack + 0.5)
			if ind.Num > 0 {
				c.W = max(c.W, 2)
			}
		}
		out = append(out, c)
	}
	return out
}

// The on-time split, as a stacked bar: each part has its own fill
// pattern, and the text above the bar says the counts in words.
type segment struct {
	Name  string
	Count int
	X, W  int
	Class string
}

func segments(c dossier.Counts) []segment {
	parts := []segment{
		{Name: "Trước hạn", Count: c.Early, Class: "early"},
		{Name: "Đúng hạn", Count: c.OnDay, Class: "onday"},
		{Name: "Quá hạn", Count: c.Late, Class: "late"},
		{Name: "Đang giải quyết trong hạn", Count: c.InTime, Class: "intime"},
		{Name: "Đang giải quyết quá hạn", Count: c.Overdue, Class: "overdue"},
	}
	total := 0
	for _, p := range parts {
		total += p.Count
	}
	x := 0
	var out []segment
	for i, p := range parts {
		if total > 0 {
			end := (2*barTrack*(sumCounts(parts[:i+1])) + total) / (2 * total)
			p.X, p.W = x, end-x
			x = end
		}
		out = append(out, p)
	}
	return out
}

func sumCounts(ps []segment) int {
	n := 0
	for _, p := range ps {
		n += p.Count
	}
	return n
}

// SplitText says the on-time split in words, in two lines: the finished
// dossiers, then the pending ones.
func (g rateGroup) SplitText() []string {
	c := g.Counts
	pending := fmt.Sprintf("Đang giải quyết: trong hạn %d; quá hạn %d", c.InTime, c.Overdue)
	if c.NoDue > 0 {
		pending += fmt.Sprintf("; chưa rõ hạn %d", c.NoDue)
	}
	return []string{fmt.Sprintf("Đã giải quyết: trước hạn %d; đúng hạn %d; quá hạn %d", c.Early, c.OnDay, c.Late), pending}
}

// rateGroup is one group of the report as the page shows it.
type rateGroup struct {
	Label    string // month, lĩnh vực or procedure, for people
	Code     string // the procedure's code, for procedure groups
	Received int
	Counts   dossier.Counts
	Cells    []rateCell
	Split    []segment
	Y        int // the group's top in its chart
	SplitY   int // the on-time split's row top, within the group
}

// The charts' geometry, in SVG units: a 400-wide chart fits a phone's
// width at about its own size.
const (
	barTrack  = 380 // 100 %
	chartW    = 400
	rowH      = 38 // a label line and its bar
	splitH    = 54 // two label lines and the stacked bar
	headH     = 28 // a group's heading line
	groupGap  = 16
	groupH    = headH + 4*rowH + splitH + groupGap
	chartTop  = 22 // room for the 80 % mark's label
	threshold = barTrack * 4 / 5
)

// rateChart is one chart of groups, each with its indicators and on-time
// split.
type rateChart struct {
	ID, Title, Desc string
	Groups          []rateGroup
	Height          int
	Threshold       int
}

func newRateChart(id, title, desc string, groups []rateGroup) rateChart {
	c := rateChart{ID: id, Title: title, Desc: desc, Threshold: threshold}
	for i := range groups {
		g := &groups[i]
		g.Y = chartTop + i*groupH
		g.Cells = slices.Clone(g.Cells)
		for j := range g.Cells {
			g.Cells[j].Y = headH + j*rowH
		}
		g.SplitY = headH + len(g.Cells)*rowH
	}
	c.Groups = groups
	c.Height = chartTop + len(groups)*groupH
	return c
}

// chartGroups are at most this many in a chart; the table lists them all.
const chartGroups = 12

type indicatorsPage struct {
	Period     period
	Action     string
	CSV        string
	Now        string
	Report     dossier.Report
	Total      rateGroup
	TotalChart rateChart
	Dims       []dimension
}

type dimension struct {
	ID, Heading, KeyName string
	Chart                rateChart
	Rows                 []rateGroup
	Cut                  int // groups left out of the chart
}

func (s *srv) indicatorsData(r *http.Request, p period) (indicatorsPage, error) {
	now := s.now()
	d := indicatorsPage{Period: p, Action: addr.Stats, CSV: addr.StatsCSV, Now: now.Format("02/01/2006")}
	if q := p.query(); q != "" {
		d.CSV += "?" + q
	}
	if p.Err != "" {
		return d, nil
	}
	rep, err := s.report(r, p)
	if err != nil {
		return d, err
	}
	d.Report = rep
	d.Total = s.rateGroup(rep.Total, "Toàn kỳ")
	d.TotalChart = newRateChart("tk-bd-tong", "Chỉ số toàn kỳ, "+p.Name(),
		"Tỷ lệ và điểm của bốn chỉ số trên toàn bộ hồ sơ tiếp nhận trong kỳ; vạch đứt là ngưỡng 80 % được đủ điểm.",
		[]rateGroup{d.Total})
	for _, dim := range []struct {
		id, heading, key string
		groups           []dossier.Group
		months           bool
	}{
		{"tk-cs-thang", "Theo tháng tiếp nhận", "Tháng", rep.Months, true},
		{"tk-cs-linh-vuc", "Theo lĩnh vực", "Lĩnh vực", rep.Fields, false},
		{"tk-cs-thu-tuc", "Theo thủ tục", "Thủ tục", rep.Procedures, false},
	} {
		var rows []rateGroup
		for _, g := range dim.groups {
			rows = append(rows, s.rateGroup(g, ""))
		}
		shown, cut := chartSubset(rows, dim.months)
		title := "Chỉ số " + lowerFirst(dim.heading)
		d.Dims = append(d.Dims, dimension{ID: dim.id, Heading: dim.heading, KeyName: dim.key, Rows: rows, Cut: cut,
			Chart: newRateChart(dim.id+"-bd", title,
				"Với mỗi nhóm: tỷ lệ và điểm của bốn chỉ số, và số hồ sơ trước hạn, đúng hạn, quá hạn; vạch đứt là ngưỡng 80 %.", shown)})
	}
	return d, nil
}

// chartSubset is the groups a chart draws: all of them up to chartGroups;
// beyond, the latest months, or the groups with the most dossiers (in
// their table order). cut is how many are left out.
func chartSubset(rows []rateGroup, months bool) (shown []rateGroup, cut int) {
	if len(rows) <= chartGroups {
		return slices.Clone(rows), 0
	}
	cut = len(rows) - chartGroups
	if months {
		return slices.Clone(rows[cut:]), cut
	}
	idx := make([]int, len(rows))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return rows[idx[a]].Received > rows[idx[b]].Received })
	idx = idx[:chartGroups]
	sort.Ints(idx)
	for _, i := range idx {
		shown = append(shown, rows[i])
	}
	return shown, cut
}

// rateGroup labels a group of the report for people: a month as 05/2024,
// a procedure by its code and name.
func (s *srv) rateGroup(g dossier.Group, label string) rateGroup {
	rg := rateGroup{Label: label, Received: g.Received, Counts: g.Counts, Cells: cells(g), Split: segments(g.Counts)}
	switch g.Kind {
	case dossier.KindMonth:
		rg.Label = "Tháng " + monthVI(g.Key)
	case dossier.KindField:
		rg.Label = g.Key
		if rg.Label == "" {
			rg.Label = "Chưa rõ lĩnh vực"
		}
	case dossier.KindProcedure:
		rg.Code, rg.Label = g.Key, g.Key
		if p, ok := s.cat.Get(g.Key); ok {
			rg.Label = p.Name
		}
	}
	return rg
}

var indicatorsTmpl = template.Must(template.New("indicators").Funcs(template.FuncMap{
	"short": shorten, "shown": shown, "lowerFirst": lowerFirst,
}).Parse(`
{{define "ratechart"}}
<figure class="chart rate-chart">
<svg viewBox="0 0 400 {{.Height}}" width="100%" role="img" aria-labelledby="{{.ID}}-t {{.ID}}-d" class="rates">
<title id="{{.ID}}-t">{{.Title}}</title>
<desc id="{{.ID}}-d">{{.Desc}}</desc>
<defs>
<pattern id="{{.ID}}-p-early" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" class="seg-early"></rect></pattern>
<pattern id="{{.ID}}-p-onday" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" class="seg-onday"></rect><line x1="0" y1="0" x2="0" y2="6" class="hatch"></line></pattern>
<pattern id="{{.ID}}-p-late" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" class="seg-late"></rect><circle cx="3" cy="3" r="1.4" class="dot"></circle></pattern>
<pattern id="{{.ID}}-p-intime" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" class="seg-intime"></rect><line x1="0" y1="3" x2="6" y2="3" class="hatch"></line></pattern>
<pattern id="{{.ID}}-p-overdue" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)"><rect width="6" height="6" class="seg-overdue"></rect><line x1="0" y1="0" x2="0" y2="6" class="hatch"></line></pattern>
</defs>
<text x="{{.Threshold}}" y="11" text-anchor="middle" class="threshold-label">80 %</text>
{{$id := .ID}}{{$t := .Threshold}}
{{range .Groups}}<g transform="translate(0 {{.Y}})">
<text x="0" y="18" class="group-label">{{short .Label 48}} — {{.Received}} hồ sơ</text>
{{range .Cells}}<g transform="translate(0 {{.Y}})"><title>{{.Text}}</title>
<text x="0" y="14">{{.Text}}</text>
<rect x="0" y="19" width="380" height="11" class="track"></rect>
{{if .Applies}}<rect x="0" y="19" width="{{.W}}" height="11" class="bar rate"></rect>{{end}}
<line x1="{{$t}}" x2="{{$t}}" y1="16" y2="33" class="threshold"></line>
</g>{{end}}
<g transform="translate(0 {{.SplitY}})">{{$lines := .SplitText}}<title>{{index $lines 0}}. {{index $lines 1}}</title>
<text x="0" y="14">{{index $lines 0}}</text>
<text x="0" y="32">{{index $lines 1}}</text>
<rect x="0" y="38" width="380" height="11" class="track"></rect>
{{range .Split}}{{if .W}}<rect x="{{.X}}" y="38" width="{{.W}}" height="11" fill="url(#{{$id}}-p-{{.Class}})"><title>{{.Name}}: {{.Count}}</title></rect>{{end}}{{end}}
</g>
</g>
{{end}}
</svg>
<ul class="legend" aria-hidden="true">{{range (index .Groups 0).Split}}<li><svg width="14" height="14" viewBox="0 0 14 14"><rect width="14" height="14" fill="url(#{{$.ID}}-p-{{.Class}})"></rect></svg> {{.Name}}</li>{{end}}</ul>
<figcaption>{{.Title}}; số liệu đầy đủ ở bảng dưới đây.</figcaption>
</figure>
{{end}}

{{define "ratecell"}}{{if .Applies}}{{.Percent}} <span class="frac">({{.Num}}/{{.Den}})</span><br><span class="points">{{.Points}}/{{.Max}} điểm</span>{{else}}<span class="none">không áp dụng</span>{{end}}{{end}}

<section aria-labelledby="tk-chi-so" class="indicators">
<h2 id="tk-chi-so">Chỉ số số hóa hồ sơ và giải quyết đúng hạn</h2>
<p>Theo Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg), tính trên hồ sơ tiếp nhận trong kỳ, tình trạng đến ngày {{.Now}}. Tỷ lệ từ 80 % trở lên được đủ điểm của chỉ số; dưới 80 %, điểm bằng tỷ lệ nhân điểm tối đa chia 80 %.</p>
<form class="period" method="get" action="{{.Action}}" novalidate>
<fieldset>
<legend>Kỳ báo cáo (tháng tiếp nhận hồ sơ)</legend>
<div class="period-fields">
<div class="field"><label for="tk-tu">Từ tháng</label>
<input id="tk-tu" name="tu" type="text" inputmode="numeric" autocomplete="off" size="8" maxlength="20" placeholder="MM/YYYY" value="{{shown .Period.From .Period.FromM}}" aria-describedby="tk-ky-goi-y{{if .Period.ErrFrom}} tk-ky-loi{{end}}"{{if .Period.ErrFrom}} aria-invalid="true" autofocus{{end}}></div>
<div class="field"><label for="tk-den">Đến tháng</label>
<input id="tk-den" name="den" type="text" inputmode="numeric" autocomplete="off" size="8" maxlength="20" placeholder="MM/YYYY" value="{{shown .Period.To .Period.ToM}}" aria-describedby="tk-ky-goi-y{{if .Period.ErrTo}} tk-ky-loi{{end}}"{{if .Period.ErrTo}} aria-invalid="true" autofocus{{end}}></div>
<button type="submit">Xem</button>
</div>
<p id="tk-ky-goi-y" class="hint">Dạng MM/YYYY, ví dụ 05/2024. Để trống: không giới hạn.</p>
{{if .Period.Err}}<p id="tk-ky-loi" class="error" role="alert"><strong>Lỗi:</strong> {{.Period.Err}}</p>{{end}}
</fieldset>
</form>
{{if not .Period.Err}}
<p class="download"><a href="{{.CSV}}" download>Tải bảng chỉ số (CSV, mở được bằng Excel)</a></p>
{{with .Report.Total}}{{if not .Received}}<p class="notice">Không có hồ sơ nào tiếp nhận trong kỳ này ({{$.Period.Name}}).</p>{{end}}{{end}}
{{if .Report.Total.Received}}
<h3 id="tk-cs-tong">Toàn kỳ: {{.Period.Name}}</h3>
<p>Hồ sơ tiếp nhận: <strong>{{.Report.Total.Received}}</strong>; đã giải quyết: <strong>{{.Report.Total.Finished}}</strong>; đang giải quyết: <strong>{{.Report.Total.Pending}}</strong>.</p>
{{template "ratechart" .TotalChart}}
<div class="table-wrap" role="region" tabindex="0" aria-labelledby="tk-bang-tong"><table class="rates-total">
<caption id="tk-bang-tong">Tỷ lệ và điểm toàn kỳ</caption>
<thead><tr><th scope="col">Chỉ số</th><th scope="col">Tỷ lệ</th><th scope="col">Số hồ sơ đạt / tính</th><th scope="col">Điểm</th></tr></thead>
<tbody>{{range .Total.Cells}}<tr><th scope="row">{{.Short}} {{.Name}}</th>{{if .Applies}}<td>{{.Percent}}</td><td>{{.Num}}/{{.Den}}</td><td>{{.Points}}/{{.Max}}</td>{{else}}<td colspan="3"><span class="none">không áp dụng (chưa có hồ sơ để tính)</span></td>{{end}}</tr>
{{end}}</tbody></table></div>
<div class="table-wrap" role="region" tabindex="0" aria-labelledby="tk-bang-tien-do"><table class="ontime-total">
<caption id="tk-bang-tien-do">Tiến độ giải quyết toàn kỳ</caption>
<thead><tr><th scope="col">Tình trạng</th><th scope="col">Số hồ sơ</th></tr></thead>
<tbody>{{range .Total.Split}}<tr><th scope="row">{{.Name}}</th><td>{{.Count}}</td></tr>{{end}}
<tr><th scope="row">Chưa rõ hạn trả (không tính)</th><td>{{.Report.Total.NoDue}}</td></tr></tbody></table></div>

{{range .Dims}}
<h3 id="{{.ID}}">{{.Heading}}</h3>
{{template "ratechart" .Chart}}
{{if .Cut}}<p class="hint">Biểu đồ vẽ {{len .Chart.Groups}} trong {{len .Rows}} nhóm ({{if eq .ID "tk-cs-thang"}}các tháng gần nhất{{else}}các nhóm nhiều hồ sơ nhất{{end}}); bảng dưới đây có đủ {{len .Rows}} nhóm.</p>{{end}}
<div class="table-wrap" role="region" tabindex="0" aria-labelledby="{{.ID}}-ty-le"><table class="rates">
<caption id="{{.ID}}-ty-le">Tỷ lệ và điểm {{lowerFirst .Heading}}</caption>
<thead><tr><th scope="col">{{.KeyName}}</th><th scope="col">Hồ sơ tiếp nhận</th><th scope="col">4.2 Số hóa hồ sơ</th><th scope="col">4.1 Số hóa kết quả</th><th scope="col">4.3 Tái sử dụng</th><th scope="col">2.1 Đúng hạn</th></tr></thead>
<tbody>{{range .Rows}}<tr><th scope="row">{{if .Code}}<span class="code">{{.Code}}</span> {{end}}{{.Label}}</th><td>{{.Received}}</td>{{range .Cells}}<td>{{template "ratecell" .}}</td>{{end}}</tr>
{{end}}</tbody></table></div>
<div class="table-wrap" role="region" tabindex="0" aria-labelledby="{{.ID}}-tien-do"><table class="ontime">
<caption id="{{.ID}}-tien-do">Tiến độ giải quyết {{lowerFirst .Heading}}</caption>
<thead><tr><th scope="col">{{.KeyName}}</th><th scope="col">Trước hạn</th><th scope="col">Đúng hạn</th><th scope="col">Quá hạn</th><th scope="col">Đang giải quyết trong hạn</th><th scope="col">Đang giải quyết quá hạn</th><th scope="col">Chưa rõ hạn</th></tr></thead>
<tbody>{{range .Rows}}<tr><th scope="row">{{if .Code}}<span class="code">{{.Code}}</span> {{end}}{{.Label}}</th><td>{{.Counts.Early}}</td><td>{{.Counts.OnDay}}</td><td>{{.Counts.Late}}</td><td>{{.Counts.InTime}}</td><td>{{.Counts.Overdue}}</td><td>{{.Counts.NoDue}}</td></tr>
{{end}}</tbody></table></div>
{{end}}
{{end}}
{{end}}
</section>
`))

// indicatorsHTML renders the indicators' section for the period.
func (s *srv) indicatorsHTML(r *http.Request, p period) ([]byte, error) {
	d, err := s.indicatorsData(r, p)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := indicatorsTmpl.Execute(&buf, d); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// statsCSV serves the indicators of the period as CSV, with a byte order
// mark so that Excel reads the Vietnamese as UTF-8.
func (s *srv) statsCSV(w http.ResponseWriter, r *http.Request) {
	p := parsePeriod(r.URL.Query())
	if p.Err != "" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintln(w, p.Err)
		return
	}
	rep, err := s.report(r, p)
	if err != nil {
		internalError(w, r, err)
		return
	}
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	if err := rep.WriteCSV(&buf); err != nil {
		internalError(w, r, err)
		return
	}
	name := "chi-so-so-hoa"
	if p.FromM != "" {
		name += "-tu-" + p.FromM
	}
	if p.ToM != "" {
		name += "-den-" + p.ToM
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
	w.Header().Set("Cache-Control", "public, max-age=60")
	w.Write(buf.Bytes())
}
