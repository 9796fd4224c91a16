package extract

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

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
