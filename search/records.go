package search

import (
	"context"
	"strconv"
	"strings"

	"motcua/store"
)

// RecordDoc is the indexed form of a digitized record. Its visibility is the
// record's own: restricted records are found only by staff searches.
func RecordDoc(r *store.Record) Doc {
	f := r.Fields
	docType := f.DocType
	if docType == "" {
		docType = r.DocType
	}
	title := strings.Join(nonEmpty([]string{docType, f.NumberSymbol}), " ")
	if f.Summary != "" {
		title = strings.Join(nonEmpty([]string{title, f.Summary}), ": ")
	}
	if title == "" {
		title = r.SourceName
	}
	url := ""
	if r.Visibility == store.Public {
		url = "/van-ban/" + strconv.FormatInt(r.ID, 10) + "/"
	}
	return Doc{
		URL:          url,
		ID:           RecordID(r.ID),
		Kind:         KindRecord,
		Title:        title,
		Lead:         lead(strings.Join(nonEmpty([]string{docType, f.Summary}), " ")),
		Topic:        strings.Join(nonEmpty([]string{docType, f.Issuer, expandAbbreviations(title)}), "\n"),
		Docs:         strings.Join(nonEmpty([]string{f.Summary, f.Issuer, f.SignerName, f.IssuePlace}), "\n"),
		Body:         r.Text,
		DocType:      docType,
		NumberSymbol: strings.ToLower(f.NumberSymbol),
		PersonIDs:    f.PersonIDs,
		Visibility:   string(r.Visibility),
		Flags:        flagRecord,
		Status:       string(r.Status),
		IssueDate:    f.IssueDate,
		Issuer:       f.Issuer,
	}
}

// RecordID is the index ID of a record.
func RecordID(id int64) string { return KindRecord + ":" + strconv.FormatInt(id, 10) }

// SyncRecords makes the index's records those of the store: every record
// is (re)indexed, records no longer stored are removed.
func (ix *Index) SyncRecords(ctx context.Context, st store.Store) (added, removed int, err error) {
	want := map[string]bool{}
	var batch []Doc
	flush := func() error {
		err := ix.Put(batch...)
		added += len(batch)
		batch = batch[:0]
		return err
	}
	err = st.All(ctx, false, func(r *store.Record) error {
		d := RecordDoc(r)
		want[d.ID] = true
		batch = append(batch, d)
		if len(batch) == 500 {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return added, 0, err
	}
	ids, err := ix.ids(KindRecord)
	if err != nil {
		return added, 0, err
	}
	var stale []string
	for _, id := range ids {
		if !want[id] {
			stale = append(stale, id)
		}
	}
	if len(stale) > 0 {
		err = ix.Delete(stale...)
	}
	return added, len(stale), err
}
