package scanmaker

import (
	"image"
	"slices"
	"testing"
)

func TestBuildStack(t *testing.T) {
	one := Doc{"one", "@ png seed=1\nCb GIẤY MỜI\nL Kính mời ông Nguyễn Văn An"}
	two := Doc{"two", "Cb BIÊN BẢN\n===\nL trang sau"}
	spec := StackSpec{Name: "s", Dossiers: [][]Doc{{one, two}, {one}}, Scan: Scan{Noise: 2, Seed: 5}}
	cover := func(i int) image.Image {
		if i == 0 {
			return nil // no cover before the first dossier
		}
		return image.NewGray(image.Rect(0, 0, 10, 10))
	}
	st, err := BuildStack(spec, cover)
	if err != nil {
		t.Fatal(err)
	}
	if want := []bool{true, true, false, false, true}; !slices.Equal(st.Starts, want) {
		t.Errorf("starts %v, want %v", st.Starts, want)
	}
	if want := []bool{false, false, false, true, false}; !slices.Equal(st.Covers, want) {
		t.Errorf("covers %v, want %v", st.Covers, want)
	}
	if want := []string{"one", "two", "two", "", "one"}; !slices.Equal(st.Docs, want) {
		t.Errorf("docs %v, want %v", st.Docs, want)
	}
	if _, err := BuildStack(StackSpec{Dossiers: [][]Doc{{{"bad", "Z nothing"}}}}, nil); err == nil {
		t.Error("a bad source built a stack")
	}
}
