package extract

// Exported views of the layout rules above, for code outside the package
// that looks at a page's header without extracting its fields (the stack
// splitter in pipeline).

// KindOf returns the document type a title names and whether the title
// was one of the known kinds (Decree 30's kinds and the citizen's forms).
func KindOf(title string) (string, bool) { return kindOf(title) }

// NumberLabel matches a "Số: …" line as OCR may read it and returns what
// follows the label.
func NumberLabel(s Segment) (rest string, ok bool) { return numberLabel(s) }

// IsUpperLine says whether a line is set in capitals.
func IsUpperLine(s string) bool { return isUpperLine(s) }

// Junk says whether a segment is probably a seal, a stroke or a rule
// read as text.
func Junk(s Segment) bool { return junk(s) }

// Letters counts the letters of s.
func Letters(s string) int { return letters(s) }
