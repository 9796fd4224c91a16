package scanmaker

import (
	"fmt"
	"image"
)

// Letter renders the header of an official letter numbered n (number,
// date, title and subject name it) as a PNG strip of A4 width: a small
// synthetic page that Tesseract reads in a fraction of a second, for the
// queue's tests and motcua bench scale, where many distinct pages matter
// more than full ones.
func Letter(n int) ([]byte, error) {
	src := fmt.Sprintf(`Hb UBND HUYỆN AN LÃO || CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
H PHÒNG TƯ PHÁP || Độc lập - Tự do - Hạnh phúc
-
H Số: %d/STP-HCTP || An Lão, ngày %d tháng 8 năm 2023
-
Cb CÔNG VĂN
C Về việc chứng thực bản sao số %d
`, n, 1+n%28, n)
	pages, err := Render(src)
	if err != nil {
		return nil, err
	}
	// The strip starts a little above the first line, so that the header
	// sits in the top of the strip as it does on a page, where the field
	// extractor looks for it.
	top := 120
	return PNG(pages[0].SubImage(image.Rect(0, top, Width, top+700)), DPI)
}
