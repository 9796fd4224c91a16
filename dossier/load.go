package dossier

import (
	"context"
	"time"

	"motcua/content"
	"motcua/store"
)

// Load reads a dossier and puts it against its procedure in cat.
func Load(ctx context.Context, st store.Dossiers, cat *content.Catalogue, code string) (View, error) {
	d, err := st.Dossier(ctx, code)
	if err != nil {
		return View{}, err
	}
	p, _ := cat.Get(d.Procedure)
	return Build(d, p), nil
}

// List reads the dossiers f selects, each against its procedure.
func List(ctx context.Context, st store.Dossiers, cat *content.Catalogue, f store.DossierFilter) ([]View, error) {
	ds, err := st.ListDossiers(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]View, 0, len(ds))
	for i := range ds {
		p, _ := cat.Get(ds[i].Procedure)
		out = append(out, Build(&ds[i], p))
	}
	return out, nil
}

// AllFacts reads the indicators' facts of every stored dossier.
func AllFacts(ctx context.Context, st store.Dossiers, cat *content.Catalogue) ([]Facts, error) {
	vs, err := List(ctx, st, cat, store.DossierFilter{})
	if err != nil {
		return nil, err
	}
	facts := make([]Facts, 0, len(vs))
	for _, v := range vs {
		p, _ := cat.Get(v.Procedure)
		facts = append(facts, v.Facts(p != nil && len(p.Results) > 0))
	}
	return facts, nil
}

// Indicators computes the reform's indicators over every stored dossier
// received in [from, to] (zero: open), as of now.
func Indicators(ctx context.Context, st store.Dossiers, cat *content.Catalogue, from, to, now time.Time) (Report, error) {
	facts, err := AllFacts(ctx, st, cat)
	if err != nil {
		return Report{}, err
	}
	return Compute(facts, from, to, now), nil
}
