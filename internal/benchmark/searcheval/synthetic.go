package searcheval

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"motcua/content"
	"motcua/store"
)

// Synth makes digitized records like a province's store holds, for
// benchmarks at scale: papers of the catalogue's procedures (forms,
// certificates, decisions, receipts) about people with Vietnamese names,
// personal ID numbers, addresses and dossier codes, their text read by OCR
// with its slips (lost tone marks, 0 for O, words split or run together),
// and a vocabulary that keeps growing with the store (place, company and
// street names, Heaps' law), not only the catalogue's words. Most records
// are about a person and so restricted (store.Confine); published
// decisions and notices without a person are public.
type Synth struct {
	procs []procWords
}

// procWords is what a record of a procedure borrows from it.
type procWords struct {
	name    string
	docs    []string // required documents' and results' names
	phrases []string // runs of its steps' and conditions' words
}

// NewSynth prepares records of procs.
func NewSynth(procs []*content.Procedure) *Synth {
	s := &Synth{}
	for _, p := range procs {
		pw := procWords{name: p.Name}
		for _, d := range p.Documents {
			pw.docs = append(pw.docs, firstLine(d.Name))
		}
		for _, r := range p.Results {
			pw.docs = append(pw.docs, firstLine(r.Name))
		}
		words := strings.Fields(p.Steps + " " + p.Conditions + " " + p.Applicants)
		for at := 0; at < len(words); at += 12 {
			pw.phrases = append(pw.phrases, strings.Join(words[at:min(len(words), at+12)], " "))
		}
		if len(pw.phrases) == 0 {
			pw.phrases = []string{p.Name}
		}
		s.procs = append(s.procs, pw)
	}
	return s
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if r := []rune(s); len(r) > 120 {
		s = string(r[:120])
	}
	return strings.TrimSpace(s)
}

// Record returns synthetic record i (ID i+1): the same for the same i and
// catalogue, whatever else was made before.
func (s *Synth) Record(i int) *store.Record {
	rng := rand.New(rand.NewPCG(uint64(i), 0x6d6f74637561))
	p := s.procs[zipfIndex(rng, len(s.procs))]
	g := gen{rng: rng}
	year := 2021 + rng.IntN(5)
	date := fmt.Sprintf("%d-%02d-%02d", year, 1+rng.IntN(12), 1+rng.IntN(28))
	commune := g.placeName()
	issuer := "Ủy ban nhân dân xã " + commune
	r := &store.Record{
		ID: int64(i + 1), SHA256: fmt.Sprintf("%064x", uint64(i)+1), SourceName: fmt.Sprintf("scan-%07d.png", i),
		MediaType: "image/png", Status: store.StatusAuto, Visibility: store.Restricted,
	}
	r.Fields.IssueDate, r.Fields.Issuer = date, issuer
	var text []string
	add := func(parts ...string) { text = append(text, parts...) }
	add("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
	if rng.IntN(7) == 0 {
		// A published decision or notice: public, about no one.
		docType := []string{"Quyết định", "Thông báo", "Công văn"}[rng.IntN(3)]
		num := fmt.Sprintf("%d/%s-UBND", 1+rng.IntN(3000), map[string]string{"Quyết định": "QĐ", "Thông báo": "TB", "Công văn": "CV"}[docType])
		summary := "về việc " + lowerFirst(p.name)
		r.Visibility, r.DocType = store.Public, docType
		r.Fields.DocType, r.Fields.NumberSymbol, r.Fields.Summary = docType, num, summary
		r.Fields.SignerName, r.Fields.SignerTitle = g.personName(), "Chủ tịch"
		add(strings.ToUpper(issuer), "Số: "+num, strings.ToUpper(docType), summary)
		g.body(&text, p, 120+rng.IntN(200))
		add("Nơi nhận:", "- Như trên;", "- Lưu: VT.", "CHỦ TỊCH", r.Fields.SignerName)
	} else {
		// A paper of a citizen's dossier: a form, a certificate, a
		// receipt, a copy of an ID card.
		docType := []string{"Tờ khai", "Đơn", "Giấy chứng nhận", "Trích lục", "Giấy tiếp nhận hồ sơ", "Bản sao", "Giấy xác nhận", "Biên bản"}[rng.IntN(8)]
		title := docType
		if len(p.docs) > 0 {
			title = p.docs[rng.IntN(len(p.docs))]
		}
		name, id := g.personName(), g.personID(year)
		dossier := fmt.Sprintf("000.%02d.%02d.H%02d-%02d%02d%02d-%04d", rng.IntN(100), rng.IntN(100), 1+rng.IntN(63), year%100, 1+rng.IntN(12), 1+rng.IntN(28), 1+rng.IntN(400))
		r.DocType, r.Dossier = docType, dossier
		r.Fields.DocType, r.Fields.Summary = docType, title
		r.Fields.PersonIDs, r.Fields.DossierCodes = []string{id}, []string{dossier}
		if rng.IntN(3) == 0 {
			r.Fields.NumberSymbol = fmt.Sprintf("%d/%s", 1+rng.IntN(9000), []string{"TLKS", "GCN", "XN", "HT"}[rng.IntN(4)])
		}
		add(strings.ToUpper(title), "Mã hồ sơ: "+dossier, "Họ, chữ đệm, tên: "+strings.ToUpper(name),
			"Ngày, tháng, năm sinh: "+fmt.Sprintf("%02d/%02d/%d", 1+rng.IntN(28), 1+rng.IntN(12), 1940+rng.IntN(80)),
			"Số định danh cá nhân: "+id, "Nơi cư trú: "+g.address(commune))
		if rng.IntN(2) == 0 {
			add("Họ tên người thân: " + g.personName() + ", số định danh " + g.personID(year))
		}
		g.body(&text, p, 60+rng.IntN(180))
		add(fmt.Sprintf("%s, ngày %s", commune, date), "Người khai", name)
	}
	r.Text = g.ocr(strings.Join(text, "\n"))
	return r
}

// zipfIndex is an index below n, small ones far more often: a province's
// papers crowd on a few procedures (birth, residence, land).
func zipfIndex(rng *rand.Rand, n int) int {
	return int(rand.NewZipf(rng, 1.1, 8, uint64(n-1)).Uint64())
}

type gen struct{ rng *rand.Rand }

var (
	familyNames = []string{"Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Trần", "Lê", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Mai", "Cao", "Lương", "Tạ", "Hà", "Chu", "Lâm", "Thái"}
	middleNames = []string{"Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quang", "Xuân", "Thu", "Kim", "Công", "Quốc", "Hoài", "Bảo", "Gia", "Phương", "Anh"}
	givenNames  = []string{"An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hòa", "Hùng", "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Nga", "Ngọc", "Nhung", "Phúc", "Phương", "Quân", "Quyên", "Sơn", "Tâm", "Thảo", "Thắng", "Thủy", "Trang", "Trung", "Tú", "Tuấn", "Vân", "Việt", "Yến", "Đạt", "Đông", "Huyền", "Lộc", "Khoa", "Duy", "Tiến", "Nhi", "Uyên", "Vy", "Bảo"}
	onsets      = []string{"", "b", "c", "ch", "d", "đ", "g", "gi", "h", "k", "kh", "l", "m", "n", "ng", "nh", "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x"}
	rhymes      = []string{"a", "ai", "am", "an", "ang", "anh", "ao", "au", "ay", "e", "em", "en", "eo", "i", "ia", "im", "in", "inh", "o", "oa", "oai", "oan", "oang", "oc", "oi", "om", "on", "ong", "u", "ua", "ui", "um", "un", "ung", "uy", "uyen", "ương", "ưa", "ưng", "ươi", "ât", "ân", "âm", "ây", "ôi", "ông", "ơn", "ơi", "iên", "iêu", "yên"}
	// tones[t][v] is vowel v with tone t (none, sắc, huyền, hỏi, ngã, nặng).
	tones = map[rune][6]rune{
		'a': {'a', 'á', 'à', 'ả', 'ã', 'ạ'}, 'e': {'e', 'é', 'è', 'ẻ', 'ẽ', 'ẹ'}, 'i': {'i', 'í', 'ì', 'ỉ', 'ĩ', 'ị'},
		'o': {'o', 'ó', 'ò', 'ỏ', 'õ', 'ọ'}, 'u': {'u', 'ú', 'ù', 'ủ', 'ũ', 'ụ'}, 'y': {'y', 'ý', 'ỳ', 'ỷ', 'ỹ', 'ỵ'},
		'â': {'â', 'ấ', 'ầ', 'ẩ', 'ẫ', 'ậ'}, 'ô': {'ô', 'ố', 'ồ', 'ổ', 'ỗ', 'ộ'}, 'ơ': {'ơ', 'ớ', 'ờ', 'ở', 'ỡ', 'ợ'},
		'ư': {'ư', 'ứ', 'ừ', 'ử', 'ữ', 'ự'}, 'ê': {'ê', 'ế', 'ề', 'ể', 'ễ', 'ệ'},
	}
)

func (g gen) pick(ss []string) string { return ss[g.rng.IntN(len(ss))] }

func (g gen) personName() string {
	return g.pick(familyNames) + " " + g.pick(middleNames) + " " + g.pick(givenNames)
}

// personID is a 12-digit personal ID number of someone born before year.
func (g gen) personID(year int) string {
	born := year - 1 - g.rng.IntN(80)
	centuryGender := 2*((born-1900)/100) + g.rng.IntN(2)
	return fmt.Sprintf("%03d%d%02d%06d", []int{1, 24, 26, 27, 30, 31, 33, 34, 36, 37, 38, 40}[g.rng.IntN(12)], centuryGender, born%100, g.rng.IntN(1e6))
}

// word is the rank-th word of an unbounded made-up vocabulary: one to two
// Vietnamese-looking syllables, the same for the same rank.
func word(rank uint64) string {
	r := rand.New(rand.NewPCG(rank, 0x776f7264))
	n := 1 + int(rank%2)
	var syl []string
	for range n {
		s := onsets[r.IntN(len(onsets))] + rhymes[r.IntN(len(rhymes))]
		syl = append(syl, toned(s, r.IntN(6)))
	}
	return strings.Join(syl, " ")
}

// toned puts tone t on the syllable's main vowel: its last, unless that
// ends the syllable as a glide after another vowel ("ai", "ao", "oai").
func toned(s string, t int) string {
	rs := []rune(s)
	last := len(rs) - 1
	if _, ok := tones[rs[last]]; ok && last > 0 && strings.ContainsRune("iyou", rs[last]) {
		if _, ok := tones[rs[last-1]]; ok {
			last--
		}
	}
	for i := last; i >= 0; i-- {
		if v, ok := tones[rs[i]]; ok {
			rs[i] = v[t]
			break
		}
	}
	return string(rs)
}

// rare draws a word of the growing vocabulary: Zipf-distributed ranks
// over millions of words, so the store keeps meeting new ones.
func (g gen) rare() string {
	return capitalize(word(rand.NewZipf(g.rng, 1.05, 2, 1<<24).Uint64()))
}

func (g gen) placeName() string { return g.rare() }

func (g gen) address(commune string) string {
	return fmt.Sprintf("Thôn %s, xã %s, huyện %s, tỉnh %s", g.rare(), commune, g.rare(), g.rare())
}

// body appends about n words: runs of the procedure's texts with names,
// places, amounts and words of the growing vocabulary among them.
func (g gen) body(text *[]string, p procWords, n int) {
	for words := 0; words < n; {
		var line string
		switch k := g.rng.IntN(10); {
		case k < 6:
			line = p.phrases[g.rng.IntN(len(p.phrases))]
		case k < 7 && len(p.docs) > 0:
			line = "- " + p.docs[g.rng.IntN(len(p.docs))]
		case k < 8:
			line = fmt.Sprintf("Ông/bà %s, địa chỉ %s", g.personName(), g.address(g.rare()))
		case k < 9:
			line = fmt.Sprintf("Công ty TNHH %s %s, số tiền %d.000 đồng", g.rare(), g.rare(), 10+g.rng.IntN(90000))
		default:
			line = fmt.Sprintf("%s %s %s %s", g.rare(), g.rare(), strings.ToLower(g.rare()), strings.ToLower(g.rare()))
		}
		*text = append(*text, line)
		words += countWords(line)
	}
}

// ocrSlips are characters OCR confuses.
var ocrSlips = map[rune]string{'o': "0", 'O': "0", 'l': "1", 'i': "l", 'I': "l", 'đ': "d", 'Đ': "D", 'm': "rn", 'e': "c", 'u': "ư", 'ơ': "o", 'ư': "u"}

// ocr adds OCR's slips to text: about one word in 25 loses its tone
// marks, has a letter misread, is split in two or runs into the next.
func (g gen) ocr(text string) string {
	var b strings.Builder
	b.Grow(len(text) + len(text)/16)
	for li, line := range strings.Split(text, "\n") {
		if li > 0 {
			b.WriteByte('\n')
		}
		ws := strings.Fields(line)
		for i := 0; i < len(ws); i++ {
			if i > 0 {
				b.WriteByte(' ')
			}
			w := ws[i]
			switch k := g.rng.IntN(100); {
			case k == 0:
				b.WriteString(norm.NFC.String(stripMarks(w)))
				continue
			case k == 1:
				rs := []rune(w)
				j := g.rng.IntN(len(rs))
				if s, ok := ocrSlips[rs[j]]; ok {
					b.WriteString(string(rs[:j]) + s + string(rs[j+1:]))
					continue
				}
			case k == 2 && utf8.RuneCountInString(w) > 3:
				rs := []rune(w)
				b.WriteString(string(rs[:2]) + " " + string(rs[2:]))
				continue
			case k == 3 && i+1 < len(ws):
				b.WriteString(w)
				i++
				w = ws[i]
			}
			b.WriteString(w)
		}
	}
	return b.String()
}

// countWords is len(strings.Fields(s)), without making the fields.
func countWords(s string) int {
	n, in := 0, false
	for _, r := range s {
		space := unicode.IsSpace(r)
		if !space && !in {
			n++
		}
		in = !space
	}
	return n
}

// stripMarks drops tone marks (not đ, which OCR reads as a letter).
func stripMarks(s string) string {
	d := norm.NFD.String(s)
	var b strings.Builder
	for _, r := range d {
		if r >= 0x300 && r <= 0x323 {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return strings.ToUpper(string(r)) + s[n:]
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return strings.ToLower(string(r)) + s[n:]
}
