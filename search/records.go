package search

import (
	"context"
	"strconv"
	"strings"
	"time"

	"motcua/internal/addr"
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
		url = addr.Document(r.ID)
	}
	return Doc{
		URL:          url,
		ID:           RecordID(r.ID),
		Kind:         KindRecord,
		Title:        title,
		Lead:         lead(strings.Join(nonEmpty([]string{docType, f.Summary}), " ")),
		Topic:        strings.Join(nonEmpty([]string{docType, f.Issuer, expandAbbreviations(title, abbreviations)}), "\n"),
		Docs:         strings.Join(nonEmpty([]string{f.Summary, f.Issuer, f.SignerName, f.IssuePlace}), "\n"),
		Body:         r.Text,
		DocType:      docType,
		NumberSymbol: strings.ToLower(f.NumberSymbol),
		PersonIDs:    f.PersonIDs,
		IDs:          recordKeys(r),
		Visibility:   string(r.Visibility),
		Flags:        flagRecord,
		Status:       string(r.Status),
		IssueDate:    f.IssueDate,
		Issuer:       f.Issuer,
	}
}

// RecordID is the index ID of a record.
func RecordID(id int64) string { return KindRecord + ":" + strconv.FormatInt(id, 10) }

// Records is what the index reads of the store to follow it.
type Records interface {
	// All calls fn for every record, without pages' words when
	// withWords is false.
	All(ctx context.Context, withWords bool, fn func(*store.Record) error) error
	// UpdatedSince lists the records saved at or after t.
	UpdatedSince(ctx context.Context, t time.Time) ([]store.Record, error)
}

// Synced is what IndexSince did.
type Synced struct {
	Indexed, Removed int
	// Mark is where the next call takes up: the time before the store was
	// read.
	Mark time.Time
}

// overlap is how far before a mark IndexSince looks again: clocks and
// commits are not instant.
const overlap = 2 * time.Second

// IndexSince makes the index follow the store: it (re)indexes the records
// saved since mark, a little before it too, and returns the mark for the
// next call. From the zero mark it makes the index's records those of the
// store: every record is (re)indexed, records no longer stored are
// removed. On an error the mark returned is mark itself.
func (ix *Index) IndexSince(ctx context.Context, st Records, mark time.Time) (Synced, error) {
	next := time.Now()
	if mark.IsZero() {
		indexed, removed, err := ix.syncRecords(ctx, st)
		if err != nil {
			return Synced{Indexed: indexed, Removed: removed, Mark: mark}, err
		}
		return Synced{Indexed: indexed, Removed: removed, Mark: next}, ix.saveMark(next)
	}
	recs, err := st.UpdatedSince(ctx, mark.Add(-overlap))
	if err != nil {
		return Synced{Mark: mark}, err
	}
	docs := make([]Doc, len(recs))
	for i := range recs {
		docs[i] = RecordDoc(&recs[i])
	}
	if len(docs) > 0 {
		if err := ix.Put(docs...); err != nil {
			return Synced{Mark: mark}, err
		}
	}
	return Synced{Indexed: len(docs), Mark: next}, nil
}

// markKey keeps, inside the index, the mark up to which the index holds
// every record of the store.
var markKey = []byte("motcua-records-mark")

// CatchUp indexes what the store saved since the index last caught up
// (everything, the first time) and keeps the new mark in the index: a
// run killed after storing records and before indexing them leaves them
// to the next one, which indexes whatever the store holds that the index
// lacks.
func (ix *Index) CatchUp(ctx context.Context, st Records) (Synced, error) {
	var mark time.Time
	if v, err := ix.bleve.GetInternal(markKey); err == nil && len(v) > 0 {
		mark, _ = time.Parse(time.RFC3339Nano, string(v))
	}
	s, err := ix.IndexSince(ctx, st, mark)
	if err == nil && !mark.IsZero() {
		err = ix.saveMark(s.Mark)
	}
	return s, err
}

func (ix *Index) saveMark(t time.Time) error {
	return ix.bleve.SetInternal(markKey, []byte(t.UTC().Format(time.RFC3339Nano)))
}

// syncRecords makes the index's records those of the store: every record
// is (re)indexed, records no longer stored are removed.
func (ix *Index) syncRecords(ctx context.Context, st Records) (added, removed int, err error) {
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
