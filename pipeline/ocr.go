package pipeline

import (
	"fmt"
	"image"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/otiai10/gosseract/v2"
	"golang.org/x/text/unicode/norm"

	"motcua/store"
)

// OpenMP (which Debian's Tesseract is built with) reads OMP_THREAD_LIMIT
// when the library loads, before Go's main runs; without it every
// recognition spins up threads that fight the other workers for the cores
// (4.6× slower on the 2-core machine). So a process that runs Tesseract
// re-executes itself once with the variable set.

// OMPEnv is the variable and value the OCR workers need.
const OMPEnv = "OMP_THREAD_LIMIT"

// ReexecForOMP replaces the running process by itself with
// OMP_THREAD_LIMIT=1 unless the variable is already set (by the user or
// by an earlier re-exec). It returns only on failure or when nothing was
// needed.
func ReexecForOMP() error {
	if _, ok := os.LookupEnv(OMPEnv); ok {
		return nil
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	return syscall.Exec(exe, os.Args, append(os.Environ(), OMPEnv+"=1"))
}

// vietFix undoes a confusion of the vie model: the Icelandic eth (Ð, ð),
// which Vietnamese never uses, read for Đ/đ, sometimes right after the
// real letter (a doubled glyph).
var vietFix = strings.NewReplacer("ĐÐ", "Đ", "đð", "đ", "Ð", "Đ", "ð", "đ")

// Engine is one Tesseract instance; the model is loaded once and reused
// for every page. An Engine is not safe for concurrent use: give each
// worker its own.
type Engine struct {
	c    *gosseract.Client
	lang string
}

// Lang is the Tesseract model used: Debian's tesseract-ocr-vie.
const Lang = "vie"

// availableLanguages is Tesseract's models, read once: gosseract reads
// them through one static Tesseract instance that it initialises on every
// call, and two runs starting their engines at once freed its memory twice
// (SIGABRT, "double free or corruption").
var availableLanguages = sync.OnceValues(gosseract.GetAvailableLanguages)

// NewEngine makes an engine for lang with automatic page segmentation.
func NewEngine(lang string) (*Engine, error) {
	if langs, err := availableLanguages(); err == nil && !slices.Contains(langs, lang) {
		return nil, fmt.Errorf("Tesseract has no %q model (it has %v)", lang, langs)
	}
	c := gosseract.NewClient()
	if err := c.SetLanguage(lang); err != nil {
		c.Close()
		return nil, err
	}
	// SetPageSegMode is lost when the client initialises (gosseract issue
	// #167); variables are applied after Init.
	c.SetVariable("tessedit_pageseg_mode", strconv.Itoa(int(gosseract.PSM_AUTO)))
	c.SetVariable("tessedit_do_invert", "0")
	if !correctOff {
		c.SetVariable("lstm_choice_mode", "2") // letter alternatives for postcorrect.go
	}
	return &Engine{c: c, lang: lang}, nil
}

// Close frees the Tesseract instance.
func (e *Engine) Close() error { return e.c.Close() }

// Recognize runs one recognition of p and returns the page's words with
// boxes (in p's pixels), confidences and line numbers, and its text
// rebuilt from them in visual reading order (AssembleLines).
func (e *Engine) Recognize(p Prepared) (store.Page, error) {
	if err := e.c.SetImageFromBytes(PGM(p.Gray)); err != nil {
		return store.Page{}, err
	}
	// The real resolution, so that Tesseract sizes its text models right.
	e.c.SetVariable("user_defined_dpi", strconv.Itoa(p.DPI))
	boxes, err := e.c.GetBoundingBoxesVerbose()
	if err != nil {
		return store.Page{}, fmt.Errorf("tesseract: %w", err)
	}
	correctWords(boxes, wordChoices(e.c)) // Vietnamese post-correction (postcorrect.go)
	page := store.Page{Width: p.Gray.Rect.Dx(), Height: p.Gray.Rect.Dy(), DPI: p.DPI}
	words := make([]OCRWord, 0, len(boxes))
	for _, b := range boxes {
		w := vietFix.Replace(norm.NFC.String(strings.TrimSpace(b.Word)))
		if w == "" {
			continue
		}
		words = append(words, OCRWord{
			Text:  w,
			Box:   [4]int{b.Box.Min.X, b.Box.Min.Y, b.Box.Max.X, b.Box.Max.Y},
			Conf:  b.Confidence / 100,
			Block: b.BlockNum, Par: b.ParNum, Line: b.LineNum,
		})
	}
	page.Words, page.Text = AssembleLines(words)
	return page, nil
}

// A page scanned upside down or sideways reads as a few doubtful words.
// Such a page (and only such a page) is recognised again turned by 180°,
// 90° and 270°, and the best reading is kept.

// readable: words read with confidence (a short page is no reason to
// turn it).
func readable(p store.Page) bool {
	return len(p.Words) > 0 && meanConf(p) >= 0.6
}

func meanConf(p store.Page) float64 {
	if len(p.Words) == 0 {
		return 0
	}
	var c float64
	for _, w := range p.Words {
		c += w.Conf
	}
	return c / float64(len(p.Words))
}

// score weighs a reading by its confident letters.
func score(p store.Page) float64 {
	var s float64
	for _, w := range p.Words {
		s += w.Conf * w.Conf * float64(len([]rune(w.Text)))
	}
	return s
}

// RecognizeUpright recognises p, turning it when it does not read upright.
// It returns the page and the turn applied, in degrees clockwise.
func (e *Engine) RecognizeUpright(p Prepared) (store.Page, int, error) {
	best, err := e.Recognize(p)
	if err != nil || readable(best) {
		return best, 0, err
	}
	turn := 0
	for _, deg := range []int{180, 90, 270} {
		q := p
		q.Gray = Turn(p.Gray, deg)
		pg, err := e.Recognize(q)
		if err != nil {
			return best, turn, err
		}
		if score(pg) > score(best) {
			best, turn = pg, deg
		}
		if readable(pg) {
			break
		}
	}
	return best, turn, nil
}

// Turn rotates g clockwise by 90, 180 or 270 degrees.
func Turn(g *image.Gray, deg int) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	var out *image.Gray
	if deg == 180 {
		out = image.NewGray(image.Rect(0, 0, w, h))
	} else {
		out = image.NewGray(image.Rect(0, 0, h, w))
	}
	for y := range h {
		row := g.Pix[y*g.Stride : y*g.Stride+w]
		for x, v := range row {
			switch deg {
			case 90:
				out.Pix[x*out.Stride+(h-1-y)] = v
			case 180:
				out.Pix[(h-1-y)*out.Stride+(w-1-x)] = v
			case 270:
				out.Pix[(w-1-x)*out.Stride+y] = v
			}
		}
	}
	return out
}
