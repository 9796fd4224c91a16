package devset

import (
	"bytes"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"motcua/internal/scanmaker"
	"motcua/internal/vi"
)

const templates = "../../tools/devset/docs"

func generate(t *testing.T) []Doc {
	t.Helper()
	docs, err := Generate(templates, Seed, 2)
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

// TestGenerate: the set is the same for the same seed, has enough kinds
// and documents, and every declared field is printed on its page.
func TestGenerate(t *testing.T) {
	docs := generate(t)
	again := generate(t)
	if len(docs) != len(again) {
		t.Fatalf("%d documents, then %d", len(docs), len(again))
	}
	for i := range docs {
		if docs[i].Src != again[i].Src || docs[i].Style != again[i].Style || docs[i].Seed != again[i].Seed {
			t.Fatalf("%s differs between two runs with the same seed", docs[i].Name)
		}
	}
	other, err := Generate(templates, Seed+1, 2)
	if err != nil {
		t.Fatal(err)
	}
	if other[0].Src == docs[0].Src {
		t.Error("another seed made the same document")
	}
	kinds, faces := map[string]bool{}, map[string]bool{}
	for _, d := range docs {
		kinds[d.Kind] = true
		faces[d.Style.Face.Name] = true
	}
	if len(kinds) < 6 || len(faces) < 3 {
		t.Errorf("%d kinds in %d typefaces, want at least 6 and 3", len(kinds), len(faces))
	}
	for _, d := range docs {
		d.Style.DPI = 100 // the same text, faster
		c, err := Compose(d)
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(strings.Fields(c.Text[0]), " ")
		f := d.Fields
		var printed []string
		for _, p := range []*string{f.NumberSymbol, f.SignerName} {
			if p != nil {
				printed = append(printed, *p)
			}
		}
		printed = append(printed, f.PersonIDs...)
		printed = append(printed, f.DossierCodes...)
		printed = append(printed, f.ProcedureCodes...)
		for _, s := range printed {
			if !strings.Contains(text, s) {
				t.Errorf("%s: field value %q is not on the page", d.Name, s)
			}
		}
		for _, id := range f.PersonIDs {
			if !vi.ValidPersonID(id) {
				t.Errorf("%s: %s is not a valid personal ID", d.Name, id)
			}
		}
		for _, dc := range f.DossierCodes {
			if !vi.IsDossierCode(dc) {
				t.Errorf("%s: %s is not a dossier code", d.Name, dc)
			}
		}
		if f.IssueDate != nil {
			y := (*f.IssueDate)[:4]
			if !strings.Contains(text, "năm "+y) && !strings.Contains(text, "/"+y) {
				t.Errorf("%s: issue date %s is not on the page", d.Name, *f.IssueDate)
			}
		}
		if f.Issuer != nil {
			for _, w := range strings.Fields(*f.Issuer) {
				if !strings.Contains(strings.ToUpper(text), strings.ToUpper(w)) {
					t.Errorf("%s: issuer word %q is not on the page", d.Name, w)
				}
			}
		}
	}
}

// TestSplit: every kind is in one half, both halves hold about half the
// kinds, and the split depends on the seed only.
func TestSplit(t *testing.T) {
	docs := generate(t)
	half := map[string]string{}
	n := map[string]int{}
	for _, d := range docs {
		if h, ok := half[d.Kind]; ok && h != d.Half {
			t.Errorf("kind %s is in both halves", d.Kind)
		}
		half[d.Kind] = d.Half
		n[d.Half]++
	}
	if n[Tuning] == 0 || n[Test] == 0 || n[Tuning]+n[Test] != len(docs) || abs(n[Tuning]-n[Test]) > 2 {
		t.Errorf("halves: %v of %d documents", n, len(docs))
	}
	var kinds []string
	for k := range half {
		kinds = append(kinds, k)
	}
	shuffled := slices.Clone(kinds)
	slices.Reverse(shuffled)
	a, b := Split(kinds, Seed), Split(shuffled, Seed)
	for _, k := range kinds {
		if a[k] != b[k] || a[k] != half[k] {
			t.Errorf("kind %s: %s, %s, %s: the split is not stable", k, a[k], b[k], half[k])
		}
	}
}

// TestConditions: every condition makes a decodable image, the same bytes
// for the same seed (pages at 75 dpi to keep the test fast).
func TestConditions(t *testing.T) {
	d := generate(t)[0]
	d.Style.DPI = 75
	c, err := Compose(d)
	if err != nil {
		t.Fatal(err)
	}
	if c.Sig[0].Empty() || c.Header[0].Empty() {
		t.Errorf("%s: signature block %v, header %v", d.Name, c.Sig[0], c.Header[0])
	}
	for _, cond := range scanmaker.Conditions {
		data, ext, err := scanmaker.Condition(cond, c, 0, 7)
		if err != nil {
			t.Fatalf("%s: %v", cond, err)
		}
		img, format, err := image.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", cond, err)
		}
		if "."+strings.Replace(format, "jpeg", "jpg", 1) != ext || img.Bounds().Dx() < 100 {
			t.Errorf("%s: %s image %v as %s", cond, format, img.Bounds(), ext)
		}
		again, _, _ := scanmaker.Condition(cond, c, 0, 7)
		if !bytes.Equal(data, again) {
			t.Errorf("%s: two runs with one seed differ", cond)
		}
	}
	if _, _, err := scanmaker.Condition("sepia", c, 0, 7); err == nil {
		t.Error("an unknown condition made a page")
	}
}

// TestWritePage writes one page in the bench's layout, and Tesseract
// reads the clean page of a plain document close to its ground truth.
func TestWritePage(t *testing.T) {
	var d Doc
	for _, x := range generate(t) {
		if x.Name == "giay-phep-xay-dung-1" {
			d = x
		}
	}
	if d.Name == "" {
		t.Fatal("no giay-phep-xay-dung-1 in the set")
	}
	out := t.TempDir()
	if err := WritePage(out, d, "clean"); err != nil {
		t.Fatal(err)
	}
	png := filepath.Join(out, d.Half, "pages", "clean", d.Name+".png")
	gt, err := os.ReadFile(strings.TrimSuffix(png, ".png") + ".gt.txt")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("tesseract"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tesseract is missing")
		}
		t.Skip("tesseract is not installed")
	}
	cmd := exec.Command("tesseract", png, "stdout", "-l", "vie", "--psm", "3")
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	ocr, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	g := []rune(strings.Join(strings.Fields(string(gt)), " "))
	o := []rune(strings.Join(strings.Fields(string(ocr)), " "))
	if cer := float64(vi.EditDistance(g, o)) / float64(len(g)); cer > 0.02 {
		t.Errorf("CER %.3f on the clean page, want below 0.02\nOCR:\n%s", cer, ocr)
	}
}

func abs(n int) int { return max(n, -n) }

func BenchmarkConditions(b *testing.B) {
	docs, err := Generate(templates, Seed, 1)
	if err != nil {
		b.Fatal(err)
	}
	d := docs[0]
	d.Style.DPI = 75
	c, err := Compose(d)
	if err != nil {
		b.Fatal(err)
	}
	for _, cond := range scanmaker.Conditions {
		b.Run(cond, func(b *testing.B) {
			for range b.N {
				scanmaker.Condition(cond, c, 0, 7)
			}
		})
	}
}
