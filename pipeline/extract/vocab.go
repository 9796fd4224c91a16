package extract

import (
	"slices"
	"strings"

	"golang.org/x/text/unicode/norm"

	"motcua/internal/vi"
	"motcua/store"
)

// bodies are the first words of an issuing body's name (folded).
var bodies = []string{"uy ban", "ubnd", "hoi dong", "hdnd", "so ", "bo ", "cuc ", "tong cuc", "chi cuc", "phong ",
	"cong an", "ban ", "van phong", "toa an", "vien ", "truong ", "benh vien", "trung tam", "kho bac", "ngan hang",
	"bao hiem", "chi nhanh", "cong ty", "tong cong ty", "doi ", "don ", "thanh tra", "dang uy", "bo phan", "hoc vien",
	"dai hoc", "quan khu", "bo chi huy", "bo tu lenh", "hoi ", "lien doan", "mat tran", "doan ", "chinh phu",
	"quoc hoi", "thu tuong", "chu tich", "tinh uy", "thanh uy", "huyen uy", "quan uy", "thi uy", "dang bo",
	"hop tac xa", "nha ", "lien minh", "chi bo", "ca ", "vp ", "btc", "bqp", "bca", "bgd", "btp", "byt"}

// bodyLike says whether an issuer names a body: its first words are a
// kind of body.
func bodyLike(issuer string) bool {
	f := vi.Fold(issuer) + " "
	for _, b := range bodies {
		if strings.HasPrefix(f, b) {
			return true
		}
	}
	return false
}

// OCR doubts a word of a body's name ("TRĂNG", "SỞ") as often as one it
// misread; a word spelt exactly as one of the few words bodies are named
// with is one OCR read right. Names of communes and districts are too
// many to list: their words keep OCR's confidence.

// bodyWords are the words of bodies' names: kinds of body and of unit,
// fields of work, levels of government.
const bodyWords = `ỦY BAN NHÂN DÂN UBND HỘI ĐỒNG HĐND SỞ BỘ CỤC TỔNG CHI PHÒNG BAN VĂN CÔNG AN TỈNH HUYỆN XÃ
PHƯỜNG THỊ TRẤN THÀNH PHỐ QUẬN TƯ PHÁP TÀI CHÍNH KẾ HOẠCH VÀ ĐẦU TƯ NGUYÊN MÔI TRƯỜNG XÂY DỰNG GIAO THÔNG
VẬN TẢI Y TẾ GIÁO DỤC ĐÀO TẠO LAO ĐỘNG THƯƠNG BINH XÃ HỘI NÔNG NGHIỆP PHÁT TRIỂN THÔN CÔNG THƯƠNG NỘI VỤ
THÔNG TIN TRUYỀN HÓA THỂ THAO DU LỊCH KHOA HỌC NGHỆ THANH TRA THUẾ HẢI QUAN KHO BẠC NHÀ NƯỚC NGÂN HÀNG BẢO
HIỂM CẢNH SÁT QUẢN LÝ HÀNH QUỐC PHÒNG BIÊN ĐỘI ĐỒN TRUNG TÂM DỊCH VỤ HÀNH CHÍNH CÔNG BỘ PHẬN MỘT CỬA TIẾP
NHẬN TRẢ KẾT QUẢ ĐĂNG KÝ ĐẤT ĐAI KINH TẾ HẠ TẦNG ĐÔ THỊ LƯU TRỮ HỘ TỊCH CƯ TRÚ CHÍNH PHỦ THỦ TƯỚNG VIỆN
KIỂM SÁT TÒA ÁN THI HÀNH DÂN SỰ KHU VỰC TRƯỜNG ĐẠI HỌC BỆNH PHÒNG CHÁY CHỮA XUẤT NHẬP CẢNH AN NINH TRẬT TỰ
TÀI NGUYÊN MÔI THỰC PHẨM VỆ SINH AN TOÀN QUY HOẠCH KIẾN TRÚC NỘI CHÍNH TỔ CHỨC CÁN BỘ -`

// provinceWords are the words of the provinces' and cities' names.
const provinceWords = `HÀ NỘI HỒ CHÍ MINH HẢI PHÒNG ĐÀ NẴNG CẦN THƠ HUẾ AN GIANG BÀ RỊA VŨNG TÀU BẮC GIANG KẠN LIÊU NINH
BẾN TRE BÌNH ĐỊNH DƯƠNG PHƯỚC THUẬN CÀ MAU CAO BẰNG ĐẮK LẮK NÔNG ĐIỆN BIÊN ĐỒNG NAI THÁP GIA LAI HÀ GIANG
NAM TĨNH HẢI DƯƠNG HẬU HÒA BÌNH HƯNG YÊN KHÁNH KIÊN KON TUM LAI CHÂU LÂM LẠNG SƠN LÀO CAI LONG AN NGHỆ
NINH PHÚ THỌ QUẢNG NGÃI TRỊ SÓC TRĂNG LA TÂY THÁI NGUYÊN THANH HÓA THỪA THIÊN TIỀN TRÀ VINH TUYÊN
VĨNH PHÚC YÊN BÁI`

var vocab = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(bodyWords + " " + provinceWords) {
		m[norm.NFC.String(w)] = true
	}
	return m
}()

// bodyWordConf is the confidence of a word of an issuer's name: OCR's,
// or knownWordConf when it is spelt as a word bodies are named with and
// OCR did not all but reject it.
func bodyWordConf(w string, conf float64) float64 {
	if conf >= 0.4 && vocab[strings.ToUpper(strings.Trim(w, ".,"))] {
		return max(conf, knownWordConf)
	}
	return conf
}

// knownWordConf is the confidence of a word found in the vocabulary.
const knownWordConf = 0.9

// bodyPhrases are names of bodies, or their first words, spelt right.
// Folded, each names one thing only: a word that folds to its place in
// one ("BẠN" in "ỦY BẠN NHÂN DÂN") was misread, and is spelt as the
// phrase has it.
var bodyPhrases = strings.Split(`ỦY BAN NHÂN DÂN|HỘI ĐỒNG NHÂN DÂN|SỞ TƯ PHÁP|SỞ TÀI CHÍNH|SỞ Y TẾ|SỞ XÂY DỰNG|SỞ NỘI VỤ|
SỞ CÔNG THƯƠNG|SỞ KẾ HOẠCH VÀ ĐẦU TƯ|SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG|SỞ GIÁO DỤC VÀ ĐÀO TẠO|SỞ GIAO THÔNG VẬN TẢI|
SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI|SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN|SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG|
SỞ THÔNG TIN VÀ TRUYỀN THÔNG|SỞ KHOA HỌC VÀ CÔNG NGHỆ|SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH|PHÒNG TƯ PHÁP|
PHÒNG TÀI CHÍNH - KẾ HOẠCH|PHÒNG KINH TẾ VÀ HẠ TẦNG|PHÒNG KINH TẾ, HẠ TẦNG VÀ ĐÔ THỊ|PHÒNG TÀI NGUYÊN VÀ MÔI TRƯỜNG|
PHÒNG QUẢN LÝ ĐÔ THỊ|PHÒNG NỘI VỤ|PHÒNG GIÁO DỤC VÀ ĐÀO TẠO|PHÒNG VĂN HÓA - XÃ HỘI|PHÒNG CẢNH SÁT|CÔNG AN|
CHI CỤC THUẾ|CỤC THUẾ|TỔNG CỤC THUẾ|CHI CỤC|BỘ PHẬN MỘT CỬA|BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ|
TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG|VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI|CHI NHÁNH VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI|BAN CHỈ HUY QUÂN SỰ|
BẢO HIỂM XÃ HỘI|KHO BẠC NHÀ NƯỚC|TÒA ÁN NHÂN DÂN|VIỆN KIỂM SÁT NHÂN DÂN|CHI CỤC THI HÀNH ÁN DÂN SỰ|
BỘ TƯ PHÁP|BỘ CÔNG AN|BỘ TÀI CHÍNH|BỘ XÂY DỰNG|BỘ Y TẾ|BỘ NỘI VỤ|BỘ GIÁO DỤC VÀ ĐÀO TẠO`, "|")

// levels are the levels of government a body's name goes on with
// ("ỦY BAN NHÂN DÂN" / "TỈNH …"), spelt right.
var levels = []string{"TỈNH", "HUYỆN", "XÃ", "PHƯỜNG", "QUẬN", "THỊ XÃ", "THỊ TRẤN", "THÀNH PHỐ", "ĐẶC KHU"}

type phrase struct {
	words []string // as spelt
	folds []string
}

var bodyPhraseList, levelList = phrases(append(bodyPhrases, "UBND", "HĐND")), phrases(levels)

func phrases(list []string) []phrase {
	var out []phrase
	for _, p := range list {
		ws := strings.Fields(norm.NFC.String(p))
		var fs []string
		for _, w := range ws {
			fs = append(fs, foldWord(w))
		}
		out = append(out, phrase{ws, fs})
	}
	return out
}

// takesLevel: the bodies of a level of government, named with it
// ("ỦY BAN NHÂN DÂN TỈNH …", "CÔNG AN XÃ …", "SỞ Y TẾ TỈNH …").
func takesLevel(p phrase) bool {
	f := strings.Join(p.folds, " ")
	return slices.Contains([]string{"uy ban nhan dan", "hoi dong nhan dan", "ubnd", "hdnd", "cong an"}, f) || p.folds[0] == "so"
}

func foldWord(w string) string { return vi.Fold(strings.Trim(w, ",")) }

// match returns the longest phrase of list that words start with, and
// how many words it spans: OCR may break a word in two ("TỈN H").
func match(words []store.Word, list []phrase) (phrase, int) {
	var best phrase
	n := 0
	for _, p := range list {
		if len(p.folds) <= len(best.folds) {
			continue
		}
		k := 0
		for _, f := range p.folds {
			switch {
			case k < len(words) && foldWord(words[k].Text) == f:
				k++
			case k+1 < len(words) && foldWord(words[k].Text+words[k+1].Text) == f:
				k += 2
			default:
				k = -1
			}
			if k < 0 {
				break
			}
		}
		if k > 0 {
			best, n = p, k
		}
	}
	return best, n
}

// spell puts p's words in place of words[i:i+n].
func spell(words []store.Word, known []bool, i, n int, p phrase) ([]store.Word, []bool) {
	conf := 1.0
	for _, w := range words[i : i+n] {
		conf = min(conf, w.Conf)
	}
	var ws []store.Word
	for _, w := range p.words {
		ws = append(ws, store.Word{Text: w, Conf: conf, Box: words[i].Box, Line: words[i].Line})
	}
	words = slices.Replace(slices.Clone(words), i, i+n, ws...)
	known = slices.Replace(slices.Clone(known), i, i+n, slices.Repeat([]bool{true}, len(ws))...)
	return words, known
}

// spellBodies spells the words of an issuer that fold to a body's name
// as that name is spelt, and a level of government after one; known says
// which words it checked so.
func spellBodies(words []store.Word) ([]store.Word, []bool) {
	out := slices.Clone(words)
	known := make([]bool, len(out))
	for i := 0; i < len(out); {
		p, n := match(out[i:], bodyPhraseList)
		if n == 0 {
			i++
			continue
		}
		out, known = spell(out, known, i, n, p)
		i += len(p.words)
		if !takesLevel(p) {
			continue
		}
		if l, n := match(out[i:], levelList); n > 0 {
			out, known = spell(out, known, i, n, l)
			i += len(l.words)
		}
	}
	return out, known
}

// otherText is the words of the page outside the segments of skip.
func otherText(segs, skip []Segment) []string {
	var out []string
	for _, s := range segs {
		if slices.ContainsFunc(skip, func(k Segment) bool { return k.Box == s.Box }) {
			continue
		}
		for _, w := range strings.Fields(s.Text) {
			out = append(out, strings.Trim(w, ".,;:()\"'"))
		}
	}
	return out
}

// misspeltElsewhere says whether a run of the issuer's words that no
// phrase checked (a place's name: "TRIỆU ÁI") is found elsewhere on the
// page folded alike but spelt otherwise ("Triệu Ài"), in more places
// than it is spelt alike.
func misspeltElsewhere(words []store.Word, known []bool, elsewhere []string) bool {
	folded := make([]string, len(elsewhere))
	for i, w := range elsewhere {
		folded[i] = foldWord(w)
	}
	for i := 0; i < len(words); {
		if known[i] {
			i++
			continue
		}
		j := i
		for j < len(words) && !known[j] {
			j++
		}
		run := words[i:j]
		i = j
		if len(run) < 2 && letters(run[0].Text) < 4 {
			continue // too short to be found by chance alone
		}
		alike, other := 0, 0
		for k := 0; k+len(run) <= len(folded); k++ {
			same, spelt := true, true
			for r, w := range run {
				if folded[k+r] != foldWord(w.Text) {
					same = false
					break
				}
				if strings.ToLower(elsewhere[k+r]) != strings.ToLower(w.Text) {
					spelt = false
				}
			}
			switch {
			case same && spelt:
				alike++
			case same:
				other++
			}
		}
		if other > alike {
			return true
		}
	}
	return false
}

// respell gives a place's name as the page spells it where it names the
// same place more often than as read: the date line's "Nghỉ Phong" is
// "Nghi Phong" when the address lines say so twice. Words are compared
// folded (no marks, lower case); a place the page does not name again
// stays as read.
func respell(place string, page []string) string {
	words := strings.Fields(place)
	if len(words) == 0 || len(words) > 6 {
		return place
	}
	page = slices.Clone(page)
	folded := make([]string, len(page))
	for i, w := range page {
		page[i] = strings.Trim(w, ".,;:()\"'")
		folded[i] = foldWord(page[i])
	}
	count := map[string]int{}
	for k := 0; k+len(words) <= len(page); k++ {
		same := true
		for r, w := range words {
			if folded[k+r] != foldWord(w) {
				same = false
				break
			}
		}
		if same {
			count[strings.Join(page[k:k+len(words)], " ")]++
		}
	}
	best := place
	for spelt, c := range count {
		if c > count[best] || c == count[best] && best != place && spelt < best {
			best = spelt
		}
	}
	if count[best] < 2 || count[best] <= count[place] {
		return place // not named again, or not more often otherwise
	}
	return best
}
