package pipeline

// #cgo CXXFLAGS: -std=c++17
// #cgo LDFLAGS: -ltesseract
// #include <stdlib.h>
// #include "choices.h"
import "C"

import (
	"reflect"
	"strings"
	"unsafe"

	"github.com/otiai10/gosseract/v2"
)

// wordChoices returns, for each word of the last recognition in the order
// of GetBoundingBoxesVerbose, Tesseract's alternatives for each of its
// letters, best first (needs lstm_choice_mode=2 before recognising).
// gosseract does not expose the choice iterator, so this reads its
// client's TessBaseAPI handle.
func wordChoices(c *gosseract.Client) [][][]string {
	f := reflect.ValueOf(c).Elem().FieldByName("api")
	if !f.IsValid() || f.Kind() != reflect.UnsafePointer && f.Kind() != reflect.Pointer {
		return nil // another gosseract: go without alternatives
	}
	api := *(*unsafe.Pointer)(unsafe.Pointer(f.UnsafeAddr()))
	if api == nil {
		return nil
	}
	cs := C.motcua_word_choices(api)
	defer C.free(unsafe.Pointer(cs))
	s := C.GoString(cs)
	if s == "" {
		return nil
	}
	var words [][][]string
	for _, w := range strings.Split(strings.TrimSuffix(s, "\x1d"), "\x1d") {
		var syms [][]string
		for _, sym := range strings.Split(strings.TrimSuffix(w, "\x1e"), "\x1e") {
			var alts []string
			for _, a := range strings.Split(strings.TrimSuffix(sym, "\x1f"), "\x1f") {
				if a = strings.TrimSpace(a); a != "" {
					alts = append(alts, a)
				}
			}
			syms = append(syms, alts)
		}
		words = append(words, syms)
	}
	return words
}
