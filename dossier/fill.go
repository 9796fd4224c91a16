package dossier

import (
	"motcua/content"
	"motcua/reuse"
)

// Suggest picks, for each component of v that is still missing, the
// newest of the owner's stored records that may stand for it and that the
// matcher assigns to that component rather than to another: component
// index (from 1) → record ID. needs is reuse.Find for p (v's procedure)
// and v's owner, so needs[i] is p's document i+1.
func Suggest(v View, p *content.Procedure, needs []reuse.Need) map[int]int64 {
	out := map[int]int64{}
	for _, c := range v.Components {
		if c.Status != Missing || c.Index > len(needs) {
			continue
		}
		for _, cand := range needs[c.Index-1].Candidates {
			f := cand.Record.Fields
			if cand.Usable && Assign(p, v.Channel, f.DocType, f.Summary) == c.Index {
				out[c.Index] = cand.Record.ID
				break
			}
		}
	}
	return out
}
