package scanmaker

import (
	"fmt"
	"image"
	"image/draw"
	"strconv"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/unicode/norm"
)

// Compose sets a document in a chosen typeface, size and resolution and
// returns its pages with their ground-truth text, read as the shared OCR
// bench reads a page: lines top to bottom, a row of several cells read left
// cell then right cell on the same line, tables row-major. Its markup is
// Render's, extended:
//
//	P text              a paragraph: justified, first line indented 1 cm, wrapped
//	L, C text           wrapped when too long for the line (L at the margin, C centred)
//	H a || b            two cells: the header's left (40 %) and right (60 %) columns
//	H a || b || c       three or more cells: equal columns (signers side by side)
//	L a >> b            b starts at the middle of the line (a tab stop)
//	W 0.1,0.6,0.3       the widths of the next table's columns (fractions of the line)
//	T a | b | c         a row of a bordered table (consecutive rows make one table)
//	@sig                the rows that follow are the signature block (the stamp goes there)
//	% key: value        a field of the ground truth, not printed (see cmd devset)
//
// The kind letter takes flags: b bold, i italic, a number for the size in
// points ("Cb15", "Li12"). A cell may start with "**" (bold), "//"
// (italic) or "<" (set at its column's left edge instead of centred); a
// cell "---" is a short rule under the cell above and no text. A single
// line too wide for its column is set smaller, down to 9 pt.
type Style struct {
	Face   Typeface
	BodyPt float64 // body size, default 13
	DPI    int     // default 300
}

// Composed is a document set by Compose.
type Composed struct {
	DPI    int
	Pages  []*image.Gray
	Text   []string          // each page's ground truth, lines joined by "\n"
	Sig    []image.Rectangle // each page's signature block (the rightmost cell of each @sig row)
	Header []image.Rectangle // each page's left header block (left cells of the leading H rows)
}

// faceKey names one face: a font file at one size.
type faceKey struct {
	file string
	pt   float64
}

type composer struct {
	st                   Style
	faces                map[faceKey]font.Face
	out                  *Composed
	page                 *image.Gray
	w, h, mL, mR, mT, mB int
	y                    int
	lines                []string
	widths               []float64 // the next table's column fractions
	inTable              bool
	sig, top             bool // in the signature block; still in the leading header rows
	ruleW                map[int]int
}

func (c *composer) px(mm float64) int { return int(mm*float64(c.st.DPI)/25.4 + 0.5) }

func (c *composer) face(bold, italic bool, pt float64) (font.Face, error) {
	tf := c.st.Face
	file := tf.Regular
	switch {
	case bold && italic && tf.BoldItalic != "":
		file = tf.BoldItalic
	case bold:
		file = tf.Bold
	case italic && tf.Italic != "":
		file = tf.Italic
	}
	k := faceKey{file, pt}
	if f := c.faces[k]; f != nil {
		return f, nil
	}
	otf, err := loadFont(tf.Dir, file)
	if err != nil {
		return nil, err
	}
	f, err := opentype.NewFace(otf, &opentype.FaceOptions{Size: pt, DPI: float64(c.st.DPI), Hinting: font.HintingNone})
	if err != nil {
		return nil, err
	}
	c.faces[k] = f
	return f, nil
}

// lineH is the height of a line set in pt points (single spacing × 1.25).
func (c *composer) lineH(pt float64) int { return int(pt*float64(c.st.DPI)/72*1.25 + 0.5) }

func (c *composer) newPage() {
	if c.page != nil {
		c.out.Text = append(c.out.Text, strings.Join(c.lines, "\n"))
	}
	c.page = image.NewGray(image.Rect(0, 0, c.w, c.h))
	draw.Draw(c.page, c.page.Rect, image.White, image.Point{}, draw.Src)
	c.out.Pages = append(c.out.Pages, c.page)
	c.out.Sig = append(c.out.Sig, image.Rectangle{})
	c.out.Header = append(c.out.Header, image.Rectangle{})
	c.lines = nil
	c.y = c.mT
	c.top = true
}

// Compose sets src (see Style for the markup).
func Compose(src string, st Style) (*Composed, error) {
	if st.DPI == 0 {
		st.DPI = 300
	}
	if st.BodyPt == 0 {
		st.BodyPt = 13
	}
	if st.Face.Regular == "" {
		st.Face = LiberationSerif
	}
	c := &composer{st: st, faces: map[faceKey]font.Face{}, out: &Composed{DPI: st.DPI}, ruleW: map[int]int{}}
	c.w, c.h = c.px(210), c.px(297)
	c.mL, c.mR, c.mT, c.mB = c.px(30), c.px(20), c.px(20), c.px(20)
	c.newPage()
	for i, row := range strings.Split(norm.NFC.String(src), "\n") {
		if err := c.row(strings.TrimRight(row, " \t\r")); err != nil {
			return nil, fmt.Errorf("scanmaker: line %d %q: %w", i+1, row, err)
		}
	}
	c.out.Text = append(c.out.Text, strings.Join(c.lines, "\n"))
	return c.out, nil
}

// cell is one piece of text to set in a column.
type cell struct {
	text         string
	bold, italic bool
	left         bool // at the column's left edge
	rule         bool
}

func parseCell(s string, bold, italic bool) cell {
	s = strings.TrimSpace(s)
	c := cell{bold: bold, italic: italic}
	if s == "---" {
		c.rule = true
		return c
	}
	if strings.HasPrefix(s, "<") {
		c.left, s = true, strings.TrimSpace(s[1:])
	}
	if strings.HasPrefix(s, "**") {
		c.bold, s = true, strings.TrimSuffix(s[2:], "**")
	}
	if strings.HasPrefix(s, "//") {
		c.italic, s = true, strings.TrimSuffix(s[2:], "//")
	}
	c.text = strings.Join(strings.Fields(s), " ")
	return c
}

func (c *composer) row(row string) error {
	switch {
	case row == "" || strings.HasPrefix(row, "#") || strings.HasPrefix(row, "%"):
		return nil
	case row == "===":
		c.newPage()
		return nil
	case row == "-":
		c.inTable = false
		c.y += c.lineH(c.st.BodyPt) / 2
		return nil
	case row == "@sig":
		c.sig = true
		return nil
	}
	kind, s, _ := strings.Cut(row, " ")
	letter, flags := kind[:1], kind[1:]
	bold, italic := false, false
	pt := c.st.BodyPt
	for len(flags) > 0 {
		switch flags[0] {
		case 'b':
			bold, flags = true, flags[1:]
		case 'i':
			italic, flags = true, flags[1:]
		default:
			n := strings.IndexFunc(flags, func(r rune) bool { return r != '.' && (r < '0' || r > '9') })
			if n < 0 {
				n = len(flags)
			}
			v, err := strconv.ParseFloat(flags[:n], 64)
			if err != nil || v < 6 || v > 30 {
				return fmt.Errorf("bad flags in %q (b, i, a size in points)", kind)
			}
			pt, flags = v, flags[n:]
		}
	}
	if letter != "T" {
		c.inTable = false
	}
	if letter != "H" && letter != "W" {
		c.top = false
	}
	tw := c.w - c.mL - c.mR
	switch letter {
	case "L", "C", "P":
		if letter == "L" && strings.Contains(s, ">>") {
			a, b, _ := strings.Cut(s, ">>")
			ca, cb := parseCell(a, bold, italic), parseCell(b, bold, italic)
			return c.cells([]cell{ca, cb}, pt, []int{c.mL, c.mL + tw/2}, []int{tw / 2, tw / 2}, true)
		}
		return c.wrapped(letter, parseCell(s, bold, italic), pt)
	case "R":
		x0 := c.mL + tw/2
		return c.cells([]cell{parseCell(s, bold, italic)}, pt, []int{x0}, []int{tw / 2}, false)
	case "H":
		parts := strings.Split(s, "||")
		cells := make([]cell, len(parts))
		for i, p := range parts {
			cells[i] = parseCell(p, bold, italic)
		}
		var xs, ws []int
		if len(cells) == 2 {
			xs, ws = []int{c.mL - c.px(8), c.mL + tw*38/100}, []int{tw*38/100 + c.px(8), tw * 62 / 100}
		} else {
			for i := range cells {
				xs, ws = append(xs, c.mL+i*tw/len(cells)), append(ws, tw/len(cells))
			}
		}
		return c.cells(cells, pt, xs, ws, false)
	case "W":
		c.widths = nil
		for _, f := range strings.Split(s, ",") {
			v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil || v <= 0 || v > 1 {
				return fmt.Errorf("bad column width %q", f)
			}
			c.widths = append(c.widths, v)
		}
		return nil
	case "T":
		return c.tableRow(s, bold, italic, pt)
	}
	return fmt.Errorf("unknown row kind %q", kind)
}

// room moves to a new page when a row of height h does not fit.
func (c *composer) room(h int) error {
	if c.y+h > c.h-c.mB {
		return fmt.Errorf("the page overflows (set the body smaller or shorten the document)")
	}
	return nil
}

func (c *composer) draw(f font.Face, s string, x, baseline int) {
	d := font.Drawer{Dst: c.page, Src: image.Black, Face: f, Dot: fixed.P(x, baseline)}
	d.DrawString(s)
}

func (c *composer) baseline(pt float64) int { return c.y + int(pt*float64(c.st.DPI)/72*0.98+0.5) }

func (c *composer) addSig(r image.Rectangle) {
	if c.sig {
		i := len(c.out.Sig) - 1
		c.out.Sig[i] = c.out.Sig[i].Union(r)
	}
}

// wrapped sets a line (L, C) or paragraph (P) wrapped to the text width.
func (c *composer) wrapped(kind string, cl cell, pt float64) error {
	f, err := c.face(cl.bold, cl.italic, pt)
	if err != nil {
		return err
	}
	tw := c.w - c.mL - c.mR
	indent := 0
	if kind == "P" {
		indent = c.px(10)
	}
	space := font.MeasureString(f, " ").Round()
	words := strings.Fields(cl.text)
	h := c.lineH(pt)
	for len(words) > 0 {
		limit := tw - indent
		n, used := 0, 0
		for n < len(words) {
			w := font.MeasureString(f, words[n]).Round()
			if n > 0 && used+space+w > limit {
				break
			}
			if n > 0 {
				used += space
			}
			used += w
			n++
		}
		if err := c.room(h); err != nil {
			return err
		}
		line := words[:n]
		words = words[n:]
		b := c.baseline(pt)
		x := c.mL + indent
		switch {
		case kind == "C":
			x = c.mL + (tw-used)/2
			c.draw(f, strings.Join(line, " "), x, b)
		case kind == "P" && len(words) > 0 && len(line) > 1:
			gap := float64(limit-used) / float64(len(line)-1)
			fx := float64(x)
			for _, w := range line {
				c.draw(f, w, int(fx+0.5), b)
				fx += float64(font.MeasureString(f, w).Round()+space) + gap
			}
		default:
			c.draw(f, strings.Join(line, " "), x, b)
		}
		c.addSig(image.Rect(x, c.y, x+used, c.y+h))
		c.lines = append(c.lines, strings.Join(line, " "))
		c.y += h
		indent = 0
	}
	return nil
}

// fit returns the face for s at pt, smaller (down to 9 pt) when s is wider
// than limit.
func (c *composer) fit(cl cell, pt float64, limit int) (font.Face, int, error) {
	for {
		f, err := c.face(cl.bold, cl.italic, pt)
		if err != nil {
			return nil, 0, err
		}
		w := font.MeasureString(f, cl.text).Round()
		if w <= limit || pt <= 9 {
			if w > limit {
				return nil, 0, fmt.Errorf("%q is too wide for its column even at 9 pt", cl.text)
			}
			return f, w, nil
		}
		pt -= 0.5
	}
}

// cells sets one row of cells, column i starting at xs[i] and ws[i] wide.
func (c *composer) cells(cells []cell, pt float64, xs, ws []int, leftAll bool) error {
	h := c.lineH(pt)
	onlyRules := true
	for _, cl := range cells {
		if cl.text != "" {
			onlyRules = false
		}
	}
	if onlyRules {
		h = h * 2 / 5
	}
	if err := c.room(h); err != nil {
		return err
	}
	var text []string
	for i, cl := range cells {
		if cl.rule {
			w := c.ruleW[i]
			if w == 0 {
				w = c.px(30)
			}
			w = w * 2 / 3
			cx := xs[i] + ws[i]/2
			t := max(2, c.st.DPI/150)
			draw.Draw(c.page, image.Rect(cx-w/2, c.y+t, cx+w/2, c.y+2*t), image.Black, image.Point{}, draw.Src)
			continue
		}
		if cl.text == "" {
			continue
		}
		pad := c.px(2)
		f, w, err := c.fit(cl, pt, ws[i]-pad)
		if err != nil {
			return err
		}
		x := xs[i] + (ws[i]-w)/2
		if cl.left || leftAll {
			x = xs[i]
		}
		c.draw(f, cl.text, x, c.baseline(pt))
		c.ruleW[i] = w
		text = append(text, cl.text)
		r := image.Rect(x, c.y, x+w, c.y+h)
		if c.top && i == 0 && len(cells) == 2 {
			p := len(c.out.Header) - 1
			c.out.Header[p] = c.out.Header[p].Union(r)
		}
		if i == len(cells)-1 {
			c.addSig(r) // the signer's column is the rightmost
		}
	}
	if len(text) > 0 {
		c.lines = append(c.lines, strings.Join(text, " "))
	}
	c.y += h
	return nil
}

// tableRow sets one row of a bordered table.
func (c *composer) tableRow(s string, bold, italic bool, pt float64) error {
	parts := strings.Split(s, "|")
	if len(c.widths) != len(parts) {
		return fmt.Errorf("%d cells but %d column widths (set them with a W row)", len(parts), len(c.widths))
	}
	tw := c.w - c.mL - c.mR
	h := c.lineH(pt) * 13 / 10
	if err := c.room(h); err != nil {
		return err
	}
	t := max(2, c.st.DPI/150)
	line := func(r image.Rectangle) { draw.Draw(c.page, r, image.Black, image.Point{}, draw.Src) }
	x := c.mL
	if !c.inTable {
		line(image.Rect(c.mL, c.y, c.mL+tw, c.y+t))
	}
	line(image.Rect(c.mL, c.y+h-t, c.mL+tw, c.y+h))
	var text []string
	pad := c.px(1.5)
	for i, p := range parts {
		w := int(c.widths[i] * float64(tw))
		if i == len(parts)-1 {
			w = c.mL + tw - x
		}
		line(image.Rect(x, c.y, x+t, c.y+h))
		cl := parseCell(p, bold, italic)
		if cl.text != "" {
			f, _, err := c.fit(cl, pt, w-2*pad)
			if err != nil {
				return err
			}
			c.draw(f, cl.text, x+pad, c.y+(h-c.lineH(pt))/2+int(pt*float64(c.st.DPI)/72*0.98+0.5))
			text = append(text, cl.text)
		}
		x += w
	}
	line(image.Rect(c.mL+tw-t, c.y, c.mL+tw, c.y+h))
	if len(text) > 0 {
		c.lines = append(c.lines, strings.Join(text, " "))
	}
	c.inTable = true
	c.y += h
	return nil
}
