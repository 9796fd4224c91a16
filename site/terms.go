package site

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"motcua/content"
)

// Taxonomies: the front matter key, which is also the URL segment, and the
// title of the taxonomy's list page.
const (
	taxField  = "linh-vuc"
	taxLevel  = "cap-thuc-hien"
	taxAgency = "co-quan"
)

var taxonomies = []struct{ key, title string }{
	{taxField, "Lĩnh vực"},
	{taxLevel, "Cấp thực hiện"},
	{taxAgency, "Cơ quan"},
}

// termSet collects the terms of one taxonomy by slug, counting each
// spelling, so that spellings differing only in case, tone-mark placement
// or đ/d share one term page titled with the most used spelling.
type termSet struct {
	bySlug map[string]map[string]int
}

// add records the terms and returns their slugs, de-duplicated, in order.
func (s *termSet) add(terms ...string) []string {
	if s.bySlug == nil {
		s.bySlug = map[string]map[string]int{}
	}
	var slugs []string
	seen := map[string]bool{}
	for _, t := range terms {
		t = cleanTerm(t)
		if utf8.RuneCountInString(t) > maxTerm {
			continue // a paragraph that slipped into the field, not a name
		}
		slug := termSlug(t)
		if slug == "" || seen[slug] {
			continue
		}
		seen[slug] = true
		slugs = append(slugs, slug)
		if s.bySlug[slug] == nil {
			s.bySlug[slug] = map[string]int{}
		}
		s.bySlug[slug][t]++
	}
	return slugs
}

// maxTerm is the length beyond which a term is not taken for a name.
const maxTerm = 160

// maxSlug bounds a term's URL segment, well below file name limits.
const maxSlug = 80

// termSlug is content.Slug(t) cut at a hyphen to at most maxSlug bytes.
func termSlug(t string) string {
	slug := content.Slug(t)
	if len(slug) <= maxSlug {
		return slug
	}
	slug = slug[:maxSlug]
	if i := strings.LastIndexByte(slug, '-'); i > 0 {
		slug = slug[:i]
	}
	return slug
}

func (s *termSet) slugs() []string {
	out := make([]string, 0, len(s.bySlug))
	for slug := range s.bySlug {
		out = append(out, slug)
	}
	sort.Strings(out)
	return out
}

// title is the most used spelling of the term; ties go to the spelling with
// more capitals (proper names), then to the first in byte order.
func (s *termSet) title(slug string) string {
	best, bestN := "", -1
	for t, n := range s.bySlug[slug] {
		switch {
		case n > bestN,
			n == bestN && upper(t) > upper(best),
			n == bestN && upper(t) == upper(best) && t < best:
			best, bestN = t, n
		}
	}
	return best
}

func upper(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsUpper(r) {
			n++
		}
	}
	return n
}

// cleanTerm normalises a term: NFC, single spaces, no trailing punctuation,
// first letter upper case.
func cleanTerm(s string) string {
	s = content.Normalize(s)
	s = strings.Join(strings.Fields(s), " ")
	s = strings.TrimRight(s, ".,;: ")
	r, n := utf8.DecodeRuneInString(s)
	if n > 0 && unicode.IsLower(r) {
		s = string(unicode.ToUpper(r)) + s[n:]
	}
	return s
}

// unsplit lists names containing ", " followed by a capital that are one
// agency, not two.
var unsplit = []string{
	"Văn hóa, Thể thao",
	"Văn hoá, Thể thao",
}

// splitAgencies splits the portal's agency text into agencies. The portal
// joins agencies with ", ", but commas also occur inside names ("Cục Cảnh
// sát quản lý hành chính về trật tự, xã hội"), so the text is split on
// semicolons and line breaks, and on ", " only where the next part starts
// with a capital letter, as agency names do.
func splitAgencies(s string) []string {
	s = content.Normalize(s)
	if s == "" {
		return nil
	}
	const keep = "\x00"
	for _, u := range unsplit {
		s = strings.ReplaceAll(s, u, strings.Replace(u, ", ", keep, 1))
	}
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '\n' }) {
		start := 0
		for i := 0; i < len(part); i++ {
			if !strings.HasPrefix(part[i:], ", ") {
				continue
			}
			r, _ := utf8.DecodeRuneInString(part[i+2:])
			if unicode.IsUpper(r) {
				out = append(out, part[start:i])
				start = i + 2
			}
		}
		out = append(out, part[start:])
	}
	res := out[:0]
	for _, a := range out {
		a = strings.ReplaceAll(a, keep, ", ")
		if a = cleanTerm(a); a != "" && !content.IsNoInfo(a) {
			res = append(res, a)
		}
	}
	return res
}
