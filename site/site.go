// Package site publishes the procedure catalogue as a static website. It
// writes a Hugo project (the skeleton embedded from this directory plus
// content generated from the loaded procedures) and builds it in-process with
// the Hugo library.
package site

import (
	"embed"
	"errors"

	"github.com/gohugoio/hugo/hugofs"
	"github.com/spf13/afero"

	"motcua/content"
)

// skeleton is the fixed part of the Hugo project: configuration, templates,
// translations and styles. site/content (the demo catalogue's source files)
// is deliberately not embedded: Generate derives the content from the
// catalogue instead.
//
//go:embed hugo.toml all:layouts i18n assets
var skeleton embed.FS

// strict makes builds fail on Hugo warnings, such as a missing translation.
// Tests set it.
var strict = false

// Options configure Build.
type Options struct {
	// Out is the publish directory. It is replaced as a whole: files from an
	// earlier build do not survive.
	Out string
	// Work is the directory for the generated Hugo project. If empty, a
	// temporary directory is used and removed afterwards.
	Work string
	// BaseURL is the site's base URL; the default is "/".
	BaseURL string
}

// Build generates the Hugo project for cat and builds it into opt.Out. The
// project is generated in memory unless opt.Work names a directory for it.
func Build(cat *content.Catalogue, opt Options) error {
	if cat == nil {
		return errors.New("site: no catalogue")
	}
	if opt.Out == "" {
		return errors.New("site: no output directory")
	}
	bc := buildConfig{baseURL: opt.BaseURL, strict: strict}
	if opt.Work != "" {
		if err := Generate(cat, opt.Work); err != nil {
			return err
		}
		return run(hugofs.Os, opt.Work, opt.Out, bc)
	}
	files, err := projectFiles(cat)
	if err != nil {
		return err
	}
	mem := afero.NewMemMapFs()
	const dir = "/motcua-site"
	if err := writeFiles(mem, dir, files); err != nil {
		return err
	}
	return run(mem, dir, opt.Out, bc)
}

// Hugo builds the project already generated in dir into out, in-process. Out
// is replaced as a whole.
func Hugo(dir, out string) error {
	return run(hugofs.Os, dir, out, buildConfig{strict: strict})
}
