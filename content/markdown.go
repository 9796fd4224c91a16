package content

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
	"gopkg.in/yaml.v3"
)

// Body section headings, in the order they are written.
const (
	StepsHeading      = "Trình tự thực hiện"
	ConditionsHeading = "Yêu cầu, điều kiện"
)

// Marshal returns the Markdown file for p: YAML front matter with the
// structured fields, then the steps and conditions as body sections.
// The output depends only on p, so re-running an import is byte-identical.
func Marshal(p *Procedure) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("---\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(p); err != nil {
		return nil, fmt.Errorf("content: encode %s: %w", p.Code, err)
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	buf.WriteString("---\n")
	for _, sec := range []struct{ heading, body string }{
		{StepsHeading, p.Steps},
		{ConditionsHeading, p.Conditions},
	} {
		if sec.body == "" {
			continue
		}
		fmt.Fprintf(&buf, "\n## %s\n\n%s\n", sec.heading, sec.body)
	}
	return buf.Bytes(), nil
}

// Parse reads one procedure from its Markdown file. name is the file name used
// in error messages. Errors carry the line they were found on.
func Parse(name string, data []byte) (*Procedure, *yaml.Node, error) {
	data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	if !bytes.HasPrefix(data, []byte("---\n")) {
		return nil, nil, &Error{File: name, Line: 1, Msg: `the file must start with front matter: a line "---", YAML fields, a line "---"`}
	}
	end := bytes.Index(data[4:], []byte("\n---\n"))
	if end < 0 {
		if bytes.HasSuffix(data, []byte("\n---")) {
			end = len(data) - 8
		} else {
			return nil, nil, &Error{File: name, Line: 1, Msg: `front matter is not closed: add a line "---" after the YAML fields`}
		}
	}
	front := data[4 : 4+end+1]
	bodyStart := min(4+end+5, len(data))

	var p Procedure
	var root yaml.Node
	if err := yaml.Unmarshal(front, &root); err != nil {
		return nil, nil, yamlError(name, err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(front))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil {
		return nil, nil, yamlError(name, err)
	}
	if err := parseBody(name, data, bodyStart, &p); err != nil {
		return nil, nil, err
	}
	return &p, &root, nil
}

var md = goldmark.New()

func parseBody(name string, data []byte, start int, p *Procedure) error {
	body := data[start:]
	doc := md.Parser().Parse(text.NewReader(body))
	type section struct {
		heading    string
		line       int
		start, end int // body offsets of the section's text
	}
	var secs []section
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		h, ok := n.(*ast.Heading)
		if !ok || h.Level != 2 || h.Lines().Len() == 0 {
			if len(secs) == 0 && n.Lines().Len() > 0 {
				off := start + n.Lines().At(0).Start
				return &Error{File: name, Line: lineAt(data, off), Msg: fmt.Sprintf("text before the first section: start it with %q or %q", "## "+StepsHeading, "## "+ConditionsHeading)}
			}
			continue
		}
		seg := h.Lines().At(0)
		lineStart := bytes.LastIndexByte(body[:seg.Start], '\n') + 1
		lineEnd := bytes.IndexByte(body[seg.Start:], '\n')
		if lineEnd < 0 {
			lineEnd = len(body)
		} else {
			lineEnd += seg.Start + 1
		}
		if len(secs) > 0 {
			secs[len(secs)-1].end = lineStart
		}
		secs = append(secs, section{
			heading: strings.TrimSpace(string(seg.Value(body))),
			line:    lineAt(data, start+lineStart),
			start:   lineEnd,
			end:     len(body),
		})
	}
	seen := map[string]int{}
	for _, s := range secs {
		text := strings.TrimSpace(string(body[s.start:s.end]))
		if prev, dup := seen[s.heading]; dup {
			return &Error{File: name, Line: s.line, Msg: fmt.Sprintf("section %q appears twice (first on line %d): merge them", s.heading, prev)}
		}
		seen[s.heading] = s.line
		switch s.heading {
		case StepsHeading:
			p.Steps = text
		case ConditionsHeading:
			p.Conditions = text
		default:
			return &Error{File: name, Line: s.line, Msg: fmt.Sprintf("unknown section %q: the body holds only %q and %q", s.heading, StepsHeading, ConditionsHeading)}
		}
	}
	return nil
}

func lineAt(data []byte, off int) int {
	return 1 + bytes.Count(data[:min(off, len(data))], []byte("\n"))
}

// yamlError turns a YAML error into an Error whose line counts from the top
// of the file (the front matter starts on line 2).
func yamlError(name string, err error) error {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	line := 1
	if te, ok := err.(*yaml.TypeError); ok && len(te.Errors) > 0 {
		msg = te.Errors[0]
		if len(te.Errors) > 1 {
			msg += fmt.Sprintf(" (and %d more)", len(te.Errors)-1)
		}
	}
	var n int
	if _, e := fmt.Sscanf(msg, "line %d:", &n); e == nil {
		line = n + 1
		msg = strings.TrimSpace(msg[strings.IndexByte(msg, ':')+1:])
	} else if i := strings.Index(msg, "line "); i >= 0 {
		if _, e := fmt.Sscanf(msg[i:], "line %d", &n); e == nil {
			line = n + 1
		}
	}
	return &Error{File: name, Line: line, Msg: "front matter: " + msg}
}

// keyLine returns the line (from the top of the file) of the mapping key at
// path in the front matter, or 1 when it is absent. Integer path elements
// index sequences.
func keyLine(root *yaml.Node, path ...any) int {
	n := root
	if n == nil {
		return 1
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := n.Line
	for _, el := range path {
		switch k := el.(type) {
		case string:
			if n.Kind != yaml.MappingNode {
				return line + 1
			}
			found := false
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == k {
					line = n.Content[i].Line
					n = n.Content[i+1]
					found = true
					break
				}
			}
			if !found {
				return line + 1
			}
		case int:
			if n.Kind != yaml.SequenceNode || k >= len(n.Content) {
				return line + 1
			}
			n = n.Content[k]
			line = n.Line
		}
	}
	return line + 1
}
