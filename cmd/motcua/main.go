// Command motcua digitizes paper dossiers, publishes the procedure catalogue
// as a static site and serves search over both. Each subcommand lives in its
// own file.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"

	"motcua/pipeline"
)

// command is one subcommand.
type command struct {
	name    string
	summary string // Vietnamese, shown in the help
	run     func(args []string) error
	ocr     bool // runs Tesseract: needs OMP_THREAD_LIMIT before the process starts
}

var commands = map[string]*command{}

func register(c *command) { commands[c.name] = c }

// Defaults shared by several subcommands.
const (
	defaultCatalogue = "site/content/thu-tuc"
	defaultPublic    = "public"
)

// exitError carries an exit code; its message, if any, is already printed.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// usageError is a mistake in the command line: exit code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func main() {
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: logLevel()})))
	if len(os.Args) > 1 && commands[os.Args[1]] != nil && commands[os.Args[1]].ocr {
		// Returns only if the re-exec was not needed or failed.
		if err := pipeline.ReexecForOMP(); err != nil {
			slog.Warn("cannot re-execute with OMP_THREAD_LIMIT=1; OCR will be slower", "err", err)
		}
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func logLevel() slog.Level {
	if os.Getenv("MOTCUA_DEBUG") != "" {
		return slog.LevelDebug
	}
	return slog.LevelInfo
}

// Where subcommands print; run sets them so that tests can capture both.
var (
	stdout io.Writer = os.Stdout
	stderr io.Writer = os.Stderr
)

func run(args []string, out, errw io.Writer) int {
	stdout, stderr = out, errw
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(out)
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(errw, "motcua: không có lệnh %q (unknown command). Xem: motcua help\n", args[0])
		return 2
	}
	err := c.run(args[1:])
	dbFlag = "" // --db is the command's own: a later command in this process does not inherit it
	var ee exitError
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.code
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(errw, "motcua %s: %s\n", c.name, ue.msg)
		return 2
	default:
		fmt.Fprintf(errw, "motcua %s: %v\n", c.name, err)
		return 1
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "motcua: số hóa hồ sơ, công bố thủ tục hành chính, tìm kiếm.")
	fmt.Fprintln(w, "\nCách dùng: motcua <lệnh> [tham số]\n\nCác lệnh:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nXem tham số của một lệnh: motcua <lệnh> -h")
}

// parseFlags parses flags that may come before, between or after the
// positional arguments ("import dvcqg DIR --out X") and returns the latter.
// Flags are never read from file names: after "--" every argument is a
// path, and an argument that looks like a flag but names an existing file
// (a glob's expansion in a folder holding "-visibility=public") is a path.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	addDBFlag(fs)
	var pos []string
	for len(args) > 0 {
		a := args[0]
		switch {
		case a == "--":
			return append(pos, args[1:]...), nil
		case len(a) < 2 || a[0] != '-' || isFile(a):
			pos = append(pos, a)
			args = args[1:]
			continue
		}
		// One flag at a time, with its value when it takes one, so that
		// the flag package never reads on into the paths.
		n := 1
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if f := fs.Lookup(name); f != nil && !hasValue && !isBoolFlag(f) && len(args) > 1 {
			n = 2
		}
		if err := fs.Parse(args[:n]); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.SetOutput(os.Stdout)
				fs.PrintDefaults()
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		args = args[n:]
	}
	return pos, nil
}

// isFile: path names something that exists (a file, folder or link).
func isFile(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

func mkdirAll(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("không tạo được thư mục %s: %w", dir, err)
	}
	return nil
}
