package search

import (
	"context"
	"errors"
	"fmt"
	"html"
	"os"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
	index "github.com/blevesearch/bleve_index_api"
	bolt "go.etcd.io/bbolt"
	"golang.org/x/sync/errgroup"
	"golang.org/x/text/unicode/norm"

	"motcua/content"
	"motcua/internal/addr"
	"motcua/internal/vi"
	"motcua/reuse"
)

// Index field names.
const (
	fAll          = "all"
	fTitle        = "title"
	fTitleExact   = "title_exact"
	fTitleBi      = "title_bi"
	fTitleEdge    = "title_edge"
	fRecTitle     = "rec_title" // a record's name (see docMapping)
	fRecExact     = "rec_exact" // a record's name and documents as typed
	fRecDocs      = "rec_docs"  // a record's documents, stored
	fDocs         = "docs"
	fDocsExact    = "docs_exact"
	fDocsBi       = "docs_bi"
	fRequired     = "required"
	fRequiredBi   = "required_bi"
	fResults      = "results"
	fResultsBi    = "results_bi"
	fBody         = "body"
	fBodyExact    = "body_exact"
	fLead         = "lead"
	fLeadBi       = "lead_bi"
	fTopic        = "topic"
	fTopicBi      = "topic_bi"
	fFlags        = "flags"
	fKind         = "kind"
	fCode         = "code"
	fField        = "field"
	fLevel        = "level"
	fAgency       = "agency"
	fDocType      = "doc_type"
	fNumberSymbol = "number_symbol"
	fPersonIDs    = "person_ids"
	fIDs          = "ids"
	fVisibility   = "visibility"
	fStatus       = "status"
	fIssueDate    = "issue_date"
	fIssuer       = "issuer"
	fURL          = "url"
	fTitleLen     = "title_len"
)

// Kinds of indexed items.
const (
	KindProcedure = "procedure"
	KindRecord    = "record"
)

// Visibility values; public search sees only VisibilityPublic.
const (
	VisibilityPublic     = "public"
	VisibilityRestricted = "restricted"
)

// Doc is one indexed item. Title weighs most, then Docs (required and
// result documents), then Body (everything else worth finding).
type Doc struct {
	ID    string `json:"-"`
	Kind  string `json:"kind"`
	Code  string `json:"code,omitempty"`
	Title string `json:"title"`
	Lead  string `json:"lead,omitempty"` // the title's first clause
	Docs  string `json:"docs,omitempty"`
	// Required are the main documents a procedure requires (each
	// requirement's first clause, see reuse.MainClause), Results the
	// papers it issues: a query naming a paper finds them.
	Required string `json:"required,omitempty"`
	Results  string `json:"results,omitempty"`
	Body     string `json:"body,omitempty"`
	Topic    string `json:"topic,omitempty"` // lĩnh vực and agencies, as text
	// Flags feed the ranking's priors, one letter each (one doc value to
	// load per candidate): c citizens apply, l carried out locally (commune
	// or province), b a base procedure (not a renewal or change), r a record.
	Flags        string   `json:"flags,omitempty"`
	Field        string   `json:"field,omitempty"`
	Level        []string `json:"level,omitempty"`
	Agency       []string `json:"agency,omitempty"`
	DocType      string   `json:"doc_type,omitempty"`
	NumberSymbol string   `json:"number_symbol,omitempty"`
	PersonIDs    []string `json:"person_ids,omitempty"`
	// IDs are the keys an identifier typed alone finds the item by (see
	// codeKeys, recordKeys).
	IDs        []string `json:"ids,omitempty"`
	Visibility string   `json:"visibility"`
	URL        string   `json:"url,omitempty"`
	// Records only: review status, issue date (YYYY-MM-DD), issuing body.
	Status    string `json:"status,omitempty"`
	IssueDate string `json:"issue_date,omitempty"`
	Issuer    string `json:"issuer,omitempty"`
	// TitleLen is how many distinct words the title has (set by Put): the
	// first pass weighs a word in a short name above one in a long name.
	TitleLen string `json:"title_len,omitempty"`
	// All is the texts queries match words in (set by Put, see allText).
	All string `json:"all,omitempty"`
}

// ProcedureDoc is the indexed form of a catalogue procedure. Procedures are
// public by nature.
func ProcedureDoc(p *content.Procedure) Doc { return procedureDoc(p, abbreviations) }

// procedureDoc is ProcedureDoc with the abbreviations abbrevs written out
// in the topic.
func procedureDoc(p *content.Procedure, abbrevs map[string]string) Doc {
	var docs, body, required, results []string
	for _, d := range p.Documents {
		docs = append(docs, d.Name)
		required = append(required, reuse.MainClause(plain(d.Name)))
	}
	for _, r := range p.Results {
		docs = append(docs, r.Name)
		results = append(results, plain(r.Name))
	}
	body = append(body, p.Steps, p.Conditions, p.Applicants, strings.Join(p.Keywords, ", "))
	for _, l := range p.LegalBasis {
		body = append(body, l.Name)
	}
	var agencies []string
	for _, a := range []string{p.Agencies.Competent, p.Agencies.Executing} {
		if a != "" && len(a) < 200 && !containsString(agencies, a) {
			agencies = append(agencies, a)
		}
	}
	flags := ""
	if citizenApplicants.MatchString(vi.Fold(p.Applicants)) {
		flags += flagCitizen
	}
	if local(p.Levels) {
		flags += flagLocal
	}
	if procedureForm(p.Name) == formBase {
		flags += flagBase
	}
	return Doc{
		Lead:       lead(p.Name),
		Topic:      strings.Join(append([]string{p.Field, expandAbbreviations(p.Name, abbrevs)}, agencies...), "\n"),
		Flags:      flags,
		ID:         KindProcedure + ":" + p.Code,
		Kind:       KindProcedure,
		Code:       p.Code,
		IDs:        codeKeys(p.Code),
		Title:      p.Name,
		Docs:       plain(strings.Join(docs, "\n")),
		Required:   strings.Join(nonEmpty(required), "\n"),
		Results:    strings.Join(nonEmpty(results), "\n"),
		Body:       plain(strings.Join(nonEmpty(body), "\n")),
		Field:      p.Field,
		Level:      p.Levels,
		Agency:     agencies,
		Visibility: VisibilityPublic,
		URL:        addr.Procedure(p.Code),
	}
}

const (
	flagCitizen = "c"
	flagLocal   = "l"
	flagBase    = "b"
	flagRecord  = "r"
	formBase    = "base"
	formVariant = "variant"
)

// local says whether a procedure is carried out at commune or province
// level, where one-stop shops receive citizens.
func local(levels []string) bool {
	for _, l := range levels {
		if l == "Cấp xã" || l == "Cấp tỉnh" {
			return true
		}
	}
	return false
}

// citizenApplicants matches applicants that include individuals: a
// citizen-facing portal ranks their procedures first when all else is equal.
var citizenApplicants = regexp.MustCompile(`\b(cong dan|ca nhan|ho gia dinh|nguoi viet nam)\b`)

// variantWords mark a procedure that changes, renews or ends what another
// one (the base procedure) grants: "cấp lại", "gia hạn", "thay đổi"…
// Names are matched with their diacritics (folded, "dừng" would be the
// "dựng" of "xây dựng"). Unless the query asks for one of these, base
// procedures rank first.
var variantWords = regexp.MustCompile(`(^|[^\p{L}])(cấp lại|cấp đổi|đổi|thay đổi|điều chỉnh|gia hạn|dừng|xóa|xoá|hủy|huỷ|chấm dứt|thu hồi|bổ sung|đính chính|tạm ngừng|ngừng|lưu động|yếu tố nước ngoài|đăng ký lại|sửa đổi|chuyển đổi|cải chính|khôi phục|đình chỉ|giải thể|trình báo mất)([^\p{L}]|$)`)

// variantQuery is variantWords for a query, folded: any of these words in
// the query means the citizen may want a variant.
var variantQuery = regexp.MustCompile(`\b(lai|doi|dieu chinh|gia han|dung|xoa|huy|cham dut|thu hoi|bo sung|dinh chinh|ngung|luu dong|nuoc ngoai|sua|chuyen|cai chinh|khoi phuc|dinh chi|giai the|mat|hong)\b`)

func procedureForm(name string) string {
	if variantWords.MatchString(strings.ToLower(norm.NFC.String(name))) {
		return formVariant
	}
	return formBase
}

// expandAbbreviations returns s, folded, with its abbreviations written
// out ("cấp sổ BHXH" → "cap so bao hiem xa hoi"), or "" when it has none.
func expandAbbreviations(s string, abbrevs map[string]string) string {
	words := strings.FieldsFunc(vi.Fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	found := false
	for i, w := range words {
		if full, ok := abbrevs[w]; ok {
			words[i], found = full, true
		}
	}
	if !found {
		return ""
	}
	return strings.Join(words, " ")
}

// leadEnd marks where a procedure name's first clause ends: its
// qualifiers ("đối với…", "(thực hiện tại cấp tỉnh)", "trong trường hợp…").
var leadEnd = regexp.MustCompile(`[(,;:]| đối với | trong trường hợp | tại | cho | của `)

// lead is a name's first clause, at most 8 words: long names weigh less in
// the title field, so their gist is also indexed on its own ("Cấp giấy phép
// xây dựng mới" of a 40-word name).
func lead(name string) string {
	if loc := leadEnd.FindStringIndex(strings.ToLower(name)); loc != nil && loc[0] > 0 {
		name = name[:loc[0]]
	}
	words := strings.Fields(name)
	if len(words) > 8 {
		words = words[:8]
	}
	return strings.Join(words, " ")
}

// plain turns catalogue Markdown into text for indexing: entities decoded,
// escapes and list marks dropped.
func plain(s string) string {
	s = html.UnescapeString(s)
	s = strings.ReplaceAll(s, `\`, "")
	return s
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// Index is the search index. It is safe for concurrent use.
type Index struct {
	bleve bleve.Index
	path  string

	mu     sync.RWMutex
	vocab  map[string]uint64 // folded term → document frequency; nil when stale
	fields []fieldName       // the fields (lĩnh vực), see vocabulary
	// abbrevs are the abbreviations, by hand and mined from the
	// catalogue; nil until read from the index.
	abbrevs map[string]string
	// learned are the procedures learnt from the query log by query
	// (see learned.go); nil until read from the index.
	learned *learntIndex

	derived derivedCache // what the first pass derives from a snapshot
}

// ErrLocked means another process has the index open for writing.
var ErrLocked = errors.New("search: the index is in use by another motcua process (motcua serve or motcua index); stop it or wait, then try again")

// schemaVersion changes whenever the mapping does: an index made with
// another mapping must be rebuilt.
const schemaVersion = "9"

var schemaKey = []byte("motcua_schema")

// ErrSchema means the index was built by another version of motcua.
var ErrSchema = errors.New("search: the index was built by another version of motcua; rebuild it with motcua index --rebuild")

// Open opens the index at path, creating it when absent.
func Open(path string) (*Index, error) {
	cfg := map[string]any{"bolt_timeout": "2s", // bleve reads these over its defaults.
		"scorchMergePlanOptions": map[string]any{"MaxSegmentSize": maxSegmentDocs, "MaxSegmentFileSize": maxSegmentBytes}}
	b, err := bleve.OpenUsing(path, cfg)
	if errors.Is(err, bleve.ErrorIndexPathDoesNotExist) {
		m, merr := newMapping()
		if merr != nil {
			return nil, merr
		}
		b, err = bleve.NewUsing(path, m, bleve.Config.DefaultIndexType, bleve.Config.DefaultKVStore, cfg)
		if err == nil {
			err = b.SetInternal(schemaKey, []byte(schemaVersion))
		}
	}
	if err != nil {
		// Another process holds the index's root file locked.
		if errors.Is(err, bolt.ErrTimeout) {
			return nil, ErrLocked
		}
		return nil, fmt.Errorf("search: open index %s: %w", path, err)
	}
	if v, err := b.GetInternal(schemaKey); err != nil || string(v) != schemaVersion {
		b.Close()
		return nil, fmt.Errorf("%s: %w", path, ErrSchema)
	}
	return &Index{bleve: b, path: path}, nil
}

// Warm derives now what searches read of the index's segments, their
// facets in the background (see derivedCache.of), so that the first
// searches need not: a server calls it when it starts.
func (ix *Index) Warm() error {
	s, err := ix.snapshot()
	if err != nil {
		return err
	}
	return s.Close()
}

// Create makes a new, empty index at path, removing any index there.
func Create(path string) (*Index, error) {
	if _, err := os.Stat(path); err == nil {
		// Refuse to remove it while another process holds it.
		ix, err := Open(path)
		if err != nil && !errors.Is(err, ErrSchema) {
			return nil, err
		}
		if ix != nil {
			ix.Close()
		}
		if err := os.RemoveAll(path); err != nil {
			return nil, fmt.Errorf("search: remove old index: %w", err)
		}
	}
	return Open(path)
}

// Close closes the index.
func (ix *Index) Close() error { return ix.bleve.Close() }

// CountKind returns the number of indexed items of a kind.
func (ix *Index) CountKind(kind string) (uint64, error) {
	q := bleve.NewTermQuery(kind)
	q.SetField(fKind)
	res, err := ix.bleve.Search(bleve.NewSearchRequestOptions(q, 0, 0, false))
	if err != nil {
		return 0, err
	}
	return res.Total, nil
}

// Count returns the number of indexed items.
func (ix *Index) Count() (uint64, error) { return ix.bleve.DocCount() }

// Put indexes docs, replacing items with the same IDs, in batches: as
// many at once as there are cores (bleve analyses a batch's documents in
// parallel but builds its segment on one core).
func (ix *Index) Put(docs ...Doc) error {
	const (
		batchSize  = 2000
		batchBytes = 2 << 20
	)
	catalogue := false
	last := make(map[string]int, len(docs))
	for i, d := range docs {
		if d.ID == "" {
			return errors.New("search: a document has no ID")
		}
		last[d.ID] = i
		catalogue = catalogue || d.Kind != KindRecord
	}
	if len(last) < len(docs) {
		// The last of an ID wins, as it would in one batch: the others
		// are left out (batches run at once).
		var kept []Doc
		for i, d := range docs {
			if last[d.ID] == i {
				kept = append(kept, d)
			}
		}
		docs = kept
	}
	var g errgroup.Group
	// Records are written several batches at once; the catalogue one
	// after the other, in its order: of equally good answers the first
	// indexed ranks first, and that must not change from run to run.
	g.SetLimit(runtime.GOMAXPROCS(0))
	if catalogue {
		g.SetLimit(1)
	}
	for start := 0; start < len(docs); {
		// A batch is analysed whole in memory: at most batchSize items,
		// and of records batchBytes of text (OCR text can run long). The
		// catalogue is written in batches of batchSize: how its items
		// fall into segments decides the order of equally good answers.
		end, size := start, 0
		for end < len(docs) && end-start < batchSize && (catalogue || size < batchBytes) {
			size += len(docs[end].Title) + len(docs[end].Docs) + len(docs[end].Body) + len(docs[end].Topic)
			end++
		}
		part := docs[start:end]
		start = end
		g.Go(func() error {
			b := ix.bleve.NewBatch()
			for _, d := range part {
				d.TitleLen = ix.titleLen(d.Title)
				d.All = allText(d)
				if err := b.Index(d.ID, d); err != nil {
					return fmt.Errorf("search: index %s: %w", d.ID, err)
				}
			}
			if err := ix.bleve.Batch(b); err != nil {
				return fmt.Errorf("search: write batch: %w", err)
			}
			return nil
		})
	}
	err := g.Wait()
	if catalogue {
		ix.mu.Lock()
		ix.vocab, ix.fields = nil, nil
		ix.mu.Unlock()
	}
	return err
}

// titleLen is the number of words the title field holds for title, as a
// keyword: "1" to "255", longer names count as 255.
func (ix *Index) titleLen(title string) string {
	return strconv.Itoa(min(len(ix.terms(analyzerName, title)), maxTitleLen))
}

const maxTitleLen = 255

// Segments hold at most maxSegmentDocs items: merging two segments reads
// both whole, and a province's million records in one segment would make
// every merge read the whole index (gigabytes, held in memory while read).
const (
	maxSegmentDocs  = 100000
	maxSegmentBytes = 1 << 30
)

// mergePlan is plan with segments of at most maxSegmentDocs items.
func mergePlan(plan mergeplan.MergePlanOptions) mergeplan.MergePlanOptions {
	plan.MaxSegmentSize = maxSegmentDocs
	plan.MaxSegmentFileSize = maxSegmentBytes
	return plan
}

// Compact merges the index's segments into one, or into segments of
// maxSegmentDocs items on a large index. Every query term is looked
// up once per segment, so after bulk indexing (motcua index, a large
// digitize run) searches are several times faster.
func (ix *Index) Compact(ctx context.Context) error {
	adv, err := ix.bleve.Advanced()
	if err != nil {
		return err
	}
	sc, ok := adv.(*scorch.Scorch)
	if !ok {
		return nil
	}
	single := mergePlan(mergeplan.SingleSegmentMergePlanOptions)
	if err := sc.ForceMerge(ctx, &single); err != nil {
		return fmt.Errorf("search: compact index: %w", err)
	}
	return nil
}

// Delete removes items by ID.
func (ix *Index) Delete(ids ...string) error {
	b := ix.bleve.NewBatch()
	for _, id := range ids {
		b.Delete(id)
	}
	if err := ix.bleve.Batch(b); err != nil {
		return fmt.Errorf("search: delete: %w", err)
	}
	for _, id := range ids {
		if !strings.HasPrefix(id, KindRecord+":") {
			ix.mu.Lock()
			ix.vocab, ix.fields = nil, nil
			ix.mu.Unlock()
			break
		}
	}
	return nil
}

// SyncProcedures makes the index's procedures those of procs: new and
// changed ones are indexed, ones no longer in the catalogue removed.
func (ix *Index) SyncProcedures(procs []*content.Procedure) (added, removed int, err error) {
	want := map[string]bool{}
	docs := make([]Doc, 0, len(procs))
	mined := mineAbbreviations(procs)
	if err := ix.saveAbbreviations(mined); err != nil {
		return 0, 0, fmt.Errorf("search: save abbreviations: %w", err)
	}
	abbrevs := ix.loadAbbreviations()
	ix.mu.Lock()
	ix.abbrevs = abbrevs
	ix.mu.Unlock()
	for _, p := range procs {
		d := procedureDoc(p, abbrevs)
		want[d.ID] = true
		docs = append(docs, d)
	}
	var stale []string
	ids, err := ix.ids(KindProcedure)
	if err != nil {
		return 0, 0, err
	}
	for _, id := range ids {
		if !want[id] {
			stale = append(stale, id)
		}
	}
	if err := ix.Put(docs...); err != nil {
		return 0, 0, err
	}
	if len(stale) > 0 {
		if err := ix.Delete(stale...); err != nil {
			return 0, 0, err
		}
	}
	return len(docs), len(stale), nil
}

// ids lists the IDs of every item of a kind.
func (ix *Index) ids(kind string) ([]string, error) {
	q := bleve.NewTermQuery(kind)
	q.SetField(fKind)
	var ids []string
	for from := 0; ; from += 10000 {
		req := bleve.NewSearchRequestOptions(q, 10000, from, false)
		req.SortBy([]string{"_id"})
		res, err := ix.bleve.Search(req)
		if err != nil {
			return nil, fmt.Errorf("search: list %s: %w", kind, err)
		}
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		if len(res.Hits) < 10000 {
			return ids, nil
		}
	}
}

// vocabulary returns, for each folded term of the text fields, the largest
// number of items holding it in one field; query words that are rare or
// absent get fuzzy matching. It also returns the fields (lĩnh vực), each
// once by its folded name.
func (ix *Index) vocabulary() (map[string]uint64, []fieldName, error) {
	ix.mu.RLock()
	v, fields := ix.vocab, ix.fields
	ix.mu.RUnlock()
	if v != nil {
		return v, fields, nil
	}
	v = map[string]uint64{}
	byFolded := map[string]string{}
	err := ix.eachTerm(fField, func(term string, _ uint64) { byFolded[vi.Fold(term)] = term })
	fields = nil
	for folded, name := range byFolded {
		fields = append(fields, fieldName{name, fieldWords(folded)})
	}
	// The catalogue's words: names, documents, topics and texts (these
	// indexed as typed, folded here). Records' words are left out: a
	// store's names, numbers and OCR slips would make it millions of
	// words, read again after every change.
	for _, f := range []string{fTitle, fDocs, fTopic, fBodyExact} {
		if err != nil {
			break
		}
		err = ix.eachTerm(f, func(term string, n uint64) {
			if f == fBodyExact {
				term = vi.Fold(term)
			}
			v[term] = max(v[term], n)
		})
	}
	if err != nil {
		return nil, nil, err
	}
	ix.mu.Lock()
	ix.vocab, ix.fields = v, fields
	ix.mu.Unlock()
	return v, fields, nil
}

func (ix *Index) eachTerm(field string, f func(term string, count uint64)) error {
	dict, err := ix.bleve.FieldDict(field)
	if err != nil {
		return err
	}
	return walkDict(dict, func(e *index.DictEntry) { f(e.Term, e.Count) })
}
