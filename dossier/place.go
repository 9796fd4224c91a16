package dossier

import (
	"motcua/content"
	"motcua/store"
)

// Place says where each record digitized for dossier d goes (it serves
// pipeline.Options.Place): with result, as the dossier's next result
// (<code>-KQ<n>); otherwise at the required document of p it matches,
// unassigned when none (or when p is nil). A record without an owner takes
// the dossier's, so that it can be reused later. The command line and the
// staff area's upload both place records with it.
func Place(d *store.Dossier, p *content.Procedure, result bool) func(*store.Record) (string, *store.Attachment) {
	return func(r *store.Record) (string, *store.Attachment) {
		if r.Fields.OwnerID == "" {
			r.Fields.OwnerID = d.OwnerID
		}
		if result {
			return d.Code, &store.Attachment{Result: -1}
		}
		a := &store.Attachment{}
		if p != nil {
			a.Component = Assign(p, d.Channel, r.Fields.DocType, r.Fields.Summary)
		}
		return d.Code, a
	}
}
