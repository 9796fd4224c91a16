package site

import (
	"fmt"
	"strconv"
	"strings"

	"motcua/content"
)

// frontMatter is a procedure page's front matter. The procedure's fields go
// under params, where they cannot collide with Hugo's own keys (kind,
// keywords, …).
type frontMatter struct {
	Title       string   `json:"title"`
	Slug        string   `json:"slug"`
	Description string   `json:"description,omitempty"`
	Weight      int      `json:"weight"`
	Field       []string `json:"linh-vuc,omitempty"`
	Levels      []string `json:"cap-thuc-hien,omitempty"`
	Agencies    []string `json:"co-quan,omitempty"`
	Params      params   `json:"params"`
}

type params struct {
	Code       string             `json:"code"`
	Decision   string             `json:"decision,omitempty"`
	Levels     []string           `json:"levels,omitempty"`
	Kind       string             `json:"kind,omitempty"`
	Field      string             `json:"field,omitempty"`
	Applicants string             `json:"applicants,omitempty"`
	Agencies   content.Agencies   `json:"agencies"`
	Address    string             `json:"address,omitempty"`
	Related    []string           `json:"related,omitempty"`
	Channels   []channel          `json:"channels,omitempty"`
	Documents  []content.Document `json:"documents,omitempty"`
	LegalBasis []content.LegalDoc `json:"legal_basis,omitempty"`
	Results    []content.Result   `json:"results,omitempty"`
	Keywords   []string           `json:"keywords,omitempty"`
	SourceURL  string             `json:"source_url,omitempty"`
}

// channel is a content.Channel with its display name and processing time
// spelled out. FeeVND is omitted when unknown, so templates can tell "free"
// (0) from "no amount".
type channel struct {
	Channel     string   `json:"channel"`
	Name        string   `json:"name"`
	Time        string   `json:"time,omitempty"`
	TimeValue   *float64 `json:"time_value,omitempty"`
	TimeUnit    string   `json:"time_unit,omitempty"`
	TimeText    string   `json:"time_text,omitempty"`
	FeeVND      *int64   `json:"fee_vnd,omitempty"`
	FeeText     string   `json:"fee_text,omitempty"`
	FeeNote     string   `json:"fee_note,omitempty"`
	Description string   `json:"description,omitempty"`
}

func procedureFrontMatter(p *content.Procedure, weight int, terms map[string]*termSet) frontMatter {
	fm := frontMatter{
		Title:  p.Name,
		Slug:   p.Code,
		Weight: weight,
		Params: params{
			Code:       p.Code,
			Decision:   p.Decision,
			Levels:     p.Levels,
			Kind:       p.Kind,
			Field:      p.Field,
			Applicants: p.Applicants,
			Agencies:   p.Agencies,
			Address:    p.Address,
			Related:    p.Related,
			Documents:  append([]content.Document(nil), p.Documents...),
			LegalBasis: p.LegalBasis,
			Results:    p.Results,
			Keywords:   p.Keywords,
			SourceURL:  p.SourceURL,
		},
	}
	for _, c := range p.Channels {
		fm.Params.Channels = append(fm.Params.Channels, channel{
			Channel:     c.Channel,
			Name:        channelName(c.Channel),
			Time:        timeText(c),
			TimeValue:   c.TimeValue,
			TimeUnit:    c.TimeUnit,
			TimeText:    c.TimeText,
			FeeVND:      c.FeeVND,
			FeeText:     c.FeeText,
			FeeNote:     feeNote(c.FeeText),
			Description: c.Description,
		})
	}
	for i := range fm.Params.Documents {
		// Templates group documents with where … "group", which needs the
		// key present; it is, as Document.Group has no omitempty.
		fm.Params.Documents[i].Group = strings.TrimSpace(fm.Params.Documents[i].Group)
	}

	fm.Field = terms[taxField].add(p.Field)
	fm.Levels = terms[taxLevel].add(p.Levels...)
	fm.Agencies = terms[taxAgency].add(append(splitAgencies(p.Agencies.Competent), splitAgencies(p.Agencies.Executing)...)...)

	desc := []string{"Mã thủ tục " + p.Code}
	if p.Field != "" {
		desc = append(desc, "lĩnh vực "+p.Field)
	}
	if len(p.Levels) > 0 {
		desc = append(desc, strings.ToLower(strings.Join(p.Levels, ", ")))
	}
	fm.Description = strings.Join(desc, "; ") + "."
	return fm
}

// procedureBody is the Markdown body: the steps and conditions sections,
// with ASCII heading IDs.
func procedureBody(p *content.Procedure) string {
	var b strings.Builder
	for _, s := range []struct{ heading, id, text string }{
		{content.StepsHeading, "trinh-tu-thuc-hien", p.Steps},
		{content.ConditionsHeading, "yeu-cau-dieu-kien", p.Conditions},
	} {
		text := strings.TrimSpace(s.text)
		if text == "" {
			continue
		}
		// "{{<" or "{{%" would start a Hugo shortcode; an entity for the
		// second brace keeps the text as written.
		text = strings.ReplaceAll(text, "{{", "{&#123;")
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "## %s {#%s}\n\n%s\n", s.heading, s.id, text)
	}
	return b.String()
}

func channelName(id string) string {
	if n, ok := content.ChannelNames[id]; ok {
		return n
	}
	return id
}

// timeText is the processing time of c as shown: "15 ngày làm việc", or the
// source's own text when it gives no number.
func timeText(c content.Channel) string {
	if c.TimeValue == nil {
		return c.TimeText
	}
	n := strings.Replace(strconv.FormatFloat(*c.TimeValue, 'f', -1, 64), ".", ",", 1)
	unit, ok := content.TimeUnits[c.TimeUnit]
	if !ok {
		unit = c.TimeUnit
	}
	return strings.TrimSpace(n + " " + unit)
}

// feeNote is the parenthesised note after a fee's summary: "20.000 đồng
// (miễn cho hộ nghèo)" → "miễn cho hộ nghèo". Pages show it under the amount,
// because it often says who is exempt or who sets the fee.
func feeNote(text string) string {
	i := strings.Index(text, "(")
	if i < 0 {
		return ""
	}
	return strings.TrimSpace(strings.TrimSuffix(text[i+1:], ")"))
}
