package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"motcua/content"
	"motcua/content/dvcqg"
	"motcua/internal/benchmark/searcheval"
	"motcua/internal/progress"
	"motcua/search"
	"motcua/search/querylog"
	"motcua/server"
	"motcua/server/auth"
	"motcua/store"
	"motcua/store/sqlite"
)

func runBenchSearch(args []string) error {
	fs := flag.NewFlagSet("bench search", flag.ContinueOnError)
	source := fs.String("source", "../shared/data/dvcqg", "dữ liệu Cổng DVC quốc gia (DIR/<bộ>/<mã>.json)")
	judgements := fs.String("relevance", "search/testdata/relevance.tsv", "bộ truy vấn đánh giá")
	citizens := fs.String("citizens", "search/testdata/relevance-citizens.tsv", "bộ truy vấn thứ hai, chia đôi: nửa tinh chỉnh và nửa kiểm tra (\"\" để bỏ qua)")
	records := fs.Int("records", 100000, "số hồ sơ tổng hợp để đo ở quy mô lớn")
	duration := fs.Duration("duration", 10*time.Second, "thời gian đo mỗi mức song song")
	cpuProfile := fs.String("cpuprofile", "", "ghi hồ sơ CPU (pprof) vào tệp này")
	keep := fs.String("index", "", "giữ chỉ mục ở thư mục này; nếu đã có đủ hồ sơ thì dùng lại, không lập lại (để đo truy vấn nhiều lần)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	js, err := searcheval.LoadJudgements(*judgements)
	if err != nil {
		return err
	}
	_, procs, err := dvcqg.Import(*source, dvcqg.Options{})
	if err != nil {
		return err
	}
	path := *keep
	if path == "" {
		tmp, err := os.MkdirTemp("", "motcua-bench-search-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		path = filepath.Join(tmp, "index.bleve")
	}
	ix, err := search.Open(path)
	if err != nil {
		return err
	}
	defer func() {
		if ix != nil {
			ix.Close()
		}
	}()

	start := time.Now()
	if _, _, err := ix.SyncProcedures(procs); err != nil {
		return err
	}
	if err := ix.Compact(context.Background()); err != nil {
		return err
	}
	el := time.Since(start)
	fmt.Fprintf(stdout, "index    %d procedures in %.1f s (%.0f/s)\n", len(procs), el.Seconds(), float64(len(procs))/el.Seconds())

	relevance := func(label string, js []searcheval.Judgement) error {
		overall, kinds, err := searcheval.Evaluate(context.Background(), func(ctx context.Context, q string) ([]string, error) {
			res, err := ix.Search(ctx, search.Request{Query: q, Size: 10})
			if err != nil {
				return nil, err
			}
			var codes []string
			for _, h := range res.Hits {
				codes = append(codes, h.Code)
			}
			return codes, nil
		}, js)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "relevance %s, %d queries: hit@3 %.3f, MRR@10 %.3f\n", label, overall.Queries, overall.Hit3, overall.MRR10)
		for _, k := range kinds {
			fmt.Fprintf(stdout, "          %-10s %3d queries: hit@3 %.3f, MRR@10 %.3f\n", k.Kind, k.Queries, k.Hit3, k.MRR10)
		}
		return nil
	}
	if err := relevance(filepath.Base(*judgements), js); err != nil {
		return err
	}
	if *citizens != "" {
		cs, err := searcheval.LoadJudgements(*citizens)
		if err != nil {
			return err
		}
		tune, test := searcheval.Split(cs, searcheval.SplitSeed)
		if err := relevance(filepath.Base(*citizens)+" (nửa tinh chỉnh)", tune); err != nil {
			return err
		}
		if err := relevance(filepath.Base(*citizens)+" (nửa kiểm tra, không tinh chỉnh)", test); err != nil {
			return err
		}
		// The tuning half as a query log: each query chosen its answer
		// in learnSessions sessions. What the search learns from it
		// must not cost the other sets.
		if err := ix.Learn(querylog.Learn(simulatedLog(tune), learnSessions, learnShare)); err != nil {
			return err
		}
		if err := relevance(filepath.Base(*judgements)+" (học từ nhật ký = nửa tinh chỉnh)", js); err != nil {
			return err
		}
		if err := relevance(filepath.Base(*citizens)+" (nửa kiểm tra, học từ nhật ký = nửa tinh chỉnh)", test); err != nil {
			return err
		}
		if err := ix.Learn(nil); err != nil {
			return err
		}
	}
	mix := queryMix(js, procs)
	if err := latency(ix, mix, *duration, "catalogue"); err != nil {
		return err
	}
	anon, file := rssParts()
	fmt.Fprintf(stdout, "memory   peak RSS %.0f MiB with the catalogue alone (now %.0f MiB own, %.0f MiB mapped files)\n", peakRSS(), anon, file)

	if *records > 0 {
		ix, err = benchRecords(ix, path, procs, mix, *records, *duration)
		if err != nil {
			return err
		}
	}
	anon, file = rssParts()
	fmt.Fprintf(stdout, "memory   peak RSS %.0f MiB (now %.0f MiB own, %.0f MiB mapped files)\n", peakRSS(), anon, file)
	return nil
}

// benchRecords adds n synthetic records to ix, made and indexed a chunk at
// a time as a store's records are, then reopens the index and measures
// the mix over it. It returns the reopened index.
func benchRecords(ix *search.Index, path string, procs []*content.Procedure, mix []request, n int, d time.Duration) (*search.Index, error) {
	if have, err := ix.CountKind(search.KindRecord); err == nil && have >= uint64(n) {
		fmt.Fprintf(stdout, "index    %d records already in %s: reused, not measured\n", have, path)
		return reopened(ix, path, procs, mix, n, d)
	}
	synth := searcheval.NewSynth(procs)
	cpu0 := cpuSeconds()
	prog := progress.New(stderr, "lập chỉ mục hồ sơ tổng hợp", "hồ sơ")
	start := time.Now()
	// The records are made while the previous chunk is indexed, as a
	// store's are read while the index writes.
	const chunk = 5000
	chunks := make(chan []search.Doc, 1)
	go func() {
		defer close(chunks)
		for at := 0; at < n; at += chunk {
			docs := make([]search.Doc, 0, chunk)
			for i := at; i < min(n, at+chunk); i++ {
				docs = append(docs, search.RecordDoc(synth.Record(i)))
			}
			chunks <- docs
		}
	}()
	done := 0
	for docs := range chunks {
		if err := ix.Put(docs...); err != nil {
			for range chunks { // let the maker finish
			}
			return ix, err
		}
		done += len(docs)
		prog.Update(done, n)
	}
	prog.Done()
	indexed := time.Since(start)
	if err := ix.Compact(context.Background()); err != nil {
		return ix, err
	}
	el := time.Since(start)
	cpu := cpuSeconds() - cpu0
	count, _ := ix.Count()
	fmt.Fprintf(stdout, "index    %d synthetic records in %.1f s (%.0f/s; %.0f/s before compacting); %d items in all, %.0f MiB on disk\n",
		n, el.Seconds(), float64(n)/el.Seconds(), float64(n)/indexed.Seconds(), count, dirMiB(path))
	// The machine is shared: the CPU time says what two idle cores would do.
	fmt.Fprintf(stdout, "         %.0f CPU-seconds (generating the records included): %.0f records/s on %d idle cores\n",
		cpu, float64(n)/cpu*float64(runtime.NumCPU()), runtime.NumCPU())
	return reopened(ix, path, procs, mix, n, d)
}

// reopened closes ix, reopens it as serve does at start, and measures the
// mix over it.
func reopened(ix *search.Index, path string, procs []*content.Procedure, mix []request, n int, d time.Duration) (*search.Index, error) {
	if err := ix.Close(); err != nil {
		return ix, err
	}
	start := time.Now()
	ix, err := search.Open(path)
	if err != nil {
		return nil, err
	}
	if err := ix.Warm(); err != nil { // as serve does
		return ix, err
	}
	opened := time.Since(start)
	if _, err := ix.Search(context.Background(), search.Request{Query: "giấy khai sinh"}); err != nil {
		return ix, err
	}
	fmt.Fprintf(stdout, "reopen   %.2f s to open, %.2f s to the first answer\n", opened.Seconds(), time.Since(start).Seconds())
	// At a province's scale the one-stop staff search the records too:
	// one request in five looks up a person's papers, a dossier or a
	// decision.
	all := slices.Clone(mix)
	all = append(all, staffMix(searcheval.NewSynth(procs), n, len(mix)/4)...)
	rand.New(rand.NewPCG(3, 4)).Shuffle(len(all), func(a, b int) { all[a], all[b] = all[b], all[a] })
	label := fmt.Sprintf("+%d records", n)
	if n >= 1000 {
		label = fmt.Sprintf("+%dk records", n/1000)
	}
	return ix, latency(ix, all, d, label)
}

// cpuSeconds is the CPU time the process has used, user and system.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// dirMiB is the size of the files under dir.
func dirMiB(dir string) float64 {
	var n int64
	filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n += fi.Size()
		}
		return nil
	})
	return float64(n) / (1 << 20)
}

// request is one HTTP request of the benchmark's mix.
type request struct {
	kind string
	path string
}

// queryMix is a realistic mix of what the site asks the server: plain
// queries without diacritics, accented ones, typos, faceted searches and
// autocomplete while typing.
func queryMix(js []searcheval.Judgement, procs []*content.Procedure) []request {
	fields := map[string]int{}
	for _, p := range procs {
		fields[p.Field]++
	}
	var top []string
	for f := range fields {
		top = append(top, f)
	}
	slices.SortFunc(top, func(a, b string) int { return fields[b] - fields[a] })
	top = top[:min(5, len(top))]
	var mix []request
	for i, j := range js {
		q := url.QueryEscape(j.Query)
		switch j.Kind {
		case "khong-dau", "dan-gian", "linh-vuc", "giay-to":
			mix = append(mix, request{"plain", "/api/search?q=" + q})
		case "co-dau":
			mix = append(mix, request{"accented", "/api/search?q=" + q})
		case "loi-go":
			mix = append(mix, request{"typo", "/api/search?q=" + q})
		}
		if i%3 == 0 {
			mix = append(mix, request{"faceted", "/api/search?q=" + q + "&linh_vuc=" + url.QueryEscape(top[i%len(top)])})
		}
		if r := []rune(j.Query); len(r) > 4 {
			mix = append(mix, request{"suggest", "/api/suggest?q=" + url.QueryEscape(string(r[:len(r)*2/3]))})
		}
	}
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(mix), func(a, b int) { mix[a], mix[b] = mix[b], mix[a] })
	return mix
}

// latency serves ix over HTTP on loopback and measures the mix at
// concurrency 1 and 2.
func latency(ix *search.Index, mix []request, d time.Duration, label string) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	cfg := server.Config{Public: os.TempDir(), Index: ix}
	staff := slices.ContainsFunc(mix, func(r request) bool { return strings.HasPrefix(r.path, "/staff/") })
	if staff {
		// The staff search needs the store: its users, its dossiers and
		// the audit log every staff search writes to.
		dir, err := os.MkdirTemp("", "motcua-bench-staff-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		db, err := sqlite.Open(filepath.Join(dir, "motcua.db"))
		if err != nil {
			return err
		}
		defer db.Close()
		hash, err := auth.Hash(benchPassword)
		if err != nil {
			return err
		}
		if err := db.AddUser(context.Background(), store.User{Name: "motcua", Role: store.RoleStaff, Password: hash}); err != nil {
			return err
		}
		cfg.Store = db
	}
	srv := &http.Server{Handler: server.New(cfg)}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}, Timeout: 10 * time.Second, Jar: jar}
	if staff {
		if err := staffLogin(client, base, "motcua", benchPassword); err != nil {
			return err
		}
	}

	// Warm up: every request once.
	for _, r := range mix {
		if err := get(client, base+r.path); err != nil {
			return err
		}
	}
	for _, conc := range []int{1, 2} {
		var mu sync.Mutex
		byKind := map[string][]time.Duration{}
		var all []time.Duration
		var wg sync.WaitGroup
		var failed error
		cpu0 := cpuSeconds()
		stop := time.Now().Add(d)
		for w := range conc {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; time.Now().Before(stop); i += conc {
					r := mix[i%len(mix)]
					t := time.Now()
					err := get(client, base+r.path)
					el := time.Since(t)
					mu.Lock()
					if err != nil && failed == nil {
						failed = err
					}
					all = append(all, el)
					byKind[r.kind] = append(byKind[r.kind], el)
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if failed != nil {
			return failed
		}
		// The CPU time per request (server, client and GC together) says
		// what the mix costs however busy the shared machine is.
		cpu := cpuSeconds() - cpu0
		fmt.Fprintf(stdout, "http     %s, concurrency %d: %d requests, %.0f/s, p50 %s p95 %s p99 %s; %.1f ms CPU per request\n",
			label, conc, len(all), float64(len(all))/d.Seconds(), pct(all, 50), pct(all, 95), pct(all, 99), 1000*cpu/float64(len(all)))
		var kinds []string
		for k := range byKind {
			kinds = append(kinds, k)
		}
		slices.Sort(kinds)
		var parts []string
		for _, k := range kinds {
			parts = append(parts, fmt.Sprintf("%s p99 %s", k, pct(byKind[k], 99)))
		}
		fmt.Fprintf(stdout, "           %s\n", strings.Join(parts, ", "))
	}
	return nil
}

func get(c *http.Client, u string) error {
	resp, err := c.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if !strings.Contains(u, "/api/") { // a page
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			return fmt.Errorf("%s: %w", u, err)
		}
		if resp.StatusCode != http.StatusOK || !bytes.Contains(b, []byte("</html>")) {
			return fmt.Errorf("%s: %s", u, resp.Status)
		}
		return nil
	}
	// The answer must be JSON; only its error is kept: the load's client
	// shares the cores with the server, and should cost it little.
	var v struct {
		Error string `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		return fmt.Errorf("%s: %w", u, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s: %v", u, resp.Status, v.Error)
	}
	return nil
}

func pct(ds []time.Duration, p int) string {
	if len(ds) == 0 {
		return "-"
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := min(len(s)-1, len(s)*p/100)
	return fmt.Sprintf("%.1f ms", float64(s[i].Microseconds())/1000)
}

// simulatedLog is a query log in which each judgement's query was
// followed by the choice of its first expected procedure in learnSessions
// distinct sessions.
func simulatedLog(js []searcheval.Judgement) []querylog.Event {
	var events []querylog.Event
	for i, j := range js {
		key, ok := querylog.Key(j.Query)
		if !ok {
			continue
		}
		for n := range learnSessions {
			events = append(events, querylog.Event{Query: key, Mark: fmt.Sprintf("%d-%d", i, n), Code: j.Expected[0]})
		}
	}
	return events
}

const benchPassword = "mật khẩu đo thử 2026"

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// staffLogin signs c in as a staff member, as the login form does.
func staffLogin(c *http.Client, base, name, pw string) error {
	resp, err := c.Get(base + "/staff/dang-nhap")
	if err != nil {
		return err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	m := csrfField.FindSubmatch(b)
	if m == nil {
		return errors.New("bench search: no CSRF token on the staff login page")
	}
	resp, err = c.PostForm(base+"/staff/dang-nhap", url.Values{"csrf": {string(m[1])}, "ten": {name}, "mat_khau": {pw}})
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK { // followed to the staff page
		return fmt.Errorf("bench search: staff login: %s", resp.Status)
	}
	return nil
}

// staffMix is count staff searches over the first n synthetic records:
// a person's ID number, a dossier code, a number/symbol, a name, and
// the first words of a paper's title as staff type them (3 to 6), some
// with a document type.
func staffMix(synth *searcheval.Synth, n, count int) []request {
	rng := rand.New(rand.NewPCG(5, 6))
	var mix []request
	add := func(kind string, v url.Values) {
		mix = append(mix, request{kind, "/staff/?" + v.Encode()})
	}
	for len(mix) < count {
		r := synth.Record(rng.IntN(n))
		f := r.Fields
		switch len(mix) % 5 {
		case 0:
			if len(f.PersonIDs) > 0 {
				add("staff-id", url.Values{"q": {f.PersonIDs[0]}})
			}
		case 1:
			if len(f.DossierCodes) > 0 {
				add("staff-id", url.Values{"q": {f.DossierCodes[0]}})
			} else if f.NumberSymbol != "" {
				add("staff-id", url.Values{"q": {f.NumberSymbol}})
			}
		case 2:
			// The signer of a decision, or whoever signed a citizen's
			// form (its last line).
			name := f.SignerName
			if name == "" {
				lines := strings.Split(strings.TrimSpace(r.Text), "\n")
				name = lines[len(lines)-1]
			}
			add("staff-name", url.Values{"q": {name}})
		case 3:
			add("staff-words", url.Values{"q": {typed(f.Summary, rng)}})
		case 4:
			add("staff-words", url.Values{"q": {typed(f.Summary, rng)}, "loai_van_ban": {f.DocType}})
		}
	}
	return mix
}

// typed is the first 3 to 6 words of a title, as someone types it.
func typed(title string, rng *rand.Rand) string {
	words := strings.Fields(title)
	return strings.Join(words[:min(len(words), 3+rng.IntN(4))], " ")
}
