package site

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/bep/logg"
	"github.com/gohugoio/hugo/common/loggers"
	"github.com/gohugoio/hugo/config"
	"github.com/gohugoio/hugo/config/allconfig"
	"github.com/gohugoio/hugo/deps"
	"github.com/gohugoio/hugo/hugofs"
	"github.com/gohugoio/hugo/hugolib"
	"github.com/spf13/afero"
)

// buildConfig holds the settings run passes to Hugo on top of hugo.toml.
type buildConfig struct {
	baseURL string // overrides hugo.toml's baseURL when set
	strict  bool   // fail on any warning, including missing translations (tests)
}

// buildMu serialises builds: Hugo keeps some global state (its global logger,
// deprecation bookkeeping) that concurrent builds in one process would share.
var buildMu sync.Mutex

// run builds the Hugo project in dir into a fresh directory next to out and
// then swaps it into place, so that nothing from an earlier build survives
// and out is never left half written.
// src holds the project: the disk (hugofs.Os) or memory.
func run(src afero.Fs, dir, out string, bc buildConfig) (err error) {
	if out == "" {
		return errors.New("site: no output directory")
	}
	if hugofs.IsOsFs(src) {
		dir, err = filepath.Abs(dir)
		if err != nil {
			return fmt.Errorf("site: %w", err)
		}
	}
	out, err = filepath.Abs(out)
	if err != nil {
		return fmt.Errorf("site: %w", err)
	}
	if _, err := src.Stat(filepath.Join(dir, "hugo.toml")); err != nil {
		return fmt.Errorf("site: no Hugo project in %s: %w", dir, err)
	}
	if within(out, dir) || within(dir, out) {
		return fmt.Errorf("site: output directory %s and project directory %s must not contain each other", out, dir)
	}
	if fi, err := os.Stat(out); err == nil && !fi.IsDir() {
		return fmt.Errorf("site: output %s exists and is not a directory", out)
	}
	parent := filepath.Dir(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("site: unable to create output directory: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(out)+".new-")
	if err != nil {
		return fmt.Errorf("site: unable to create build directory: %w", err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	cache, err := afero.TempDir(src, "", "motcua-hugo-cache-")
	if err != nil {
		return fmt.Errorf("site: unable to create cache directory: %w", err)
	}
	defer src.RemoveAll(cache)

	if err := hugoBuild(src, dir, tmp, cache, bc); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("site: %w", err)
	}
	return swap(tmp, out)
}

// swap moves the directory fresh to out, replacing whatever was there.
func swap(fresh, out string) error {
	old := fresh + ".old"
	hadOld := false
	if _, err := os.Lstat(out); err == nil {
		if err := os.Rename(out, old); err != nil {
			return fmt.Errorf("site: unable to move old output aside: %w", err)
		}
		hadOld = true
	}
	if err := os.Rename(fresh, out); err != nil {
		if hadOld {
			os.Rename(old, out)
		}
		return fmt.Errorf("site: unable to publish output: %w", err)
	}
	if hadOld {
		if err := os.RemoveAll(old); err != nil {
			return fmt.Errorf("site: unable to remove old output: %w", err)
		}
	}
	return nil
}

// within reports whether path is dir or inside it.
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// hugoBuild runs one Hugo build of the project in dir (absolute, on src)
// into publish (on the disk), with a fresh HugoSites.
func hugoBuild(src afero.Fs, dir, publish, cache string, bc buildConfig) error {
	buildMu.Lock()
	defer buildMu.Unlock()

	var log syncBuffer
	logger := loggers.New(loggers.Options{Level: logg.LevelWarn, StdOut: &log, StdErr: &log})

	flags := config.New()
	flags.Set("workingDir", dir)
	flags.Set("publishDir", publish)
	flags.Set("cacheDir", cache)
	// The lock file guards against two hugo processes on one project; builds
	// here are serialised by buildMu and the project may live in memory.
	flags.Set("noBuildLock", true)
	if bc.baseURL != "" {
		flags.Set("baseURL", bc.baseURL)
	}
	if bc.strict {
		flags.Set("printI18nWarnings", true)
	}

	conf, err := allconfig.LoadConfig(allconfig.ConfigSourceDescriptor{
		Flags:       flags,
		Fs:          src,
		Logger:      logger,
		Environment: "production",
		Environ:     environ(),
	})
	if err != nil {
		return fmt.Errorf("site: hugo config: %w", err)
	}
	// Read the project from src, publish to the disk.
	fs := hugofs.NewFromSourceAndDestination(src, hugofs.Os, flags)
	h, err := hugolib.NewHugoSites(deps.DepsCfg{
		Configs:  conf,
		Fs:       fs,
		LogLevel: logg.LevelWarn,
		StdOut:   &log,
		StdErr:   &log,
	})
	if err != nil {
		return fmt.Errorf("site: hugo: %w", err)
	}
	err = h.Build(hugolib.BuildCfg{})
	if err == nil && bc.strict {
		if n := h.Log.LoggCount(logg.LevelWarn); n > 0 {
			err = fmt.Errorf("logged %d warning(s)", n)
		}
	}
	if cerr := h.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		if msg := strings.TrimSpace(log.String()); msg != "" {
			return fmt.Errorf("site: hugo build: %w\n%s", err, msg)
		}
		return fmt.Errorf("site: hugo build: %w", err)
	}
	return nil
}

// environ is the process environment without HUGO_ variables, so that the
// output depends only on the project and the options.
func environ() []string {
	env := []string{}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(strings.ToUpper(kv), "HUGO") {
			env = append(env, kv)
		}
	}
	if len(env) == 0 {
		// An empty list would make Hugo read os.Environ itself.
		env = append(env, "MOTCUA_SITE=1")
	}
	return env
}

// syncBuffer collects Hugo's log output, which is written from several
// goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
