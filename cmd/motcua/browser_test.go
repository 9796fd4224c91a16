package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestBrowserSearch starts `motcua serve` on a free loopback port over a
// site and index built from the fixture catalogue, drives headless
// Chromium through chromedriver, types a query without diacritics into the
// home page's box, and checks that the procedure appears while typing, that
// the keyboard opens it, and that the plain form (no JavaScript needed)
// lands on the results page; then signs in to the staff area and finds a
// digitized birth-registration extract by the child's ID number.
func TestBrowserSearch(t *testing.T) {
	driver, chromium := lookBrowser(t)
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "motcua")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cat := "../../site/testdata/catalogue"
	run := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(bin, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("motcua %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	data := filepath.Join(tmp, "data")
	run("build", "--catalogue", cat, "--out", filepath.Join(tmp, "public"))
	run("digitize", "--data", data, "../../testdata/scans/06-trich-luc-khai-sinh.png")
	run("index", "--catalogue", cat, "--data", data)
	pw := regexp.MustCompile(`ghi lại\): (\S+)`).FindStringSubmatch(run("users", "add", "motcua", "--role", "staff", "--generate", "--data", data))
	if pw == nil {
		t.Fatal("users add --generate printed no password")
	}

	addr := freeAddr(t)
	serve := exec.Command(bin, "serve", "--addr", addr, "--public", filepath.Join(tmp, "public"), "--data", data, "--catalogue", cat)
	serve.Stderr = os.Stderr
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { serve.Process.Kill(); serve.Wait() })
	waitHTTP(t, "http://"+addr+"/healthz")

	daddr := freeAddr(t)
	_, dport, _ := net.SplitHostPort(daddr)
	cd := exec.Command(driver, "--port="+dport)
	if err := cd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cd.Process.Kill(); cd.Wait() })
	waitHTTP(t, "http://"+daddr+"/status")

	wd := &webDriver{t: t, base: "http://" + daddr}
	wd.start(chromium, filepath.Join(tmp, "profile"))
	defer wd.quit()

	site := "http://" + addr
	wd.navigate(site + "/")
	box := wd.find("#tim-kiem")
	wd.typeInto(box, "dang ky khai sinh")
	option := wd.waitText("#goi-y-0 [role=option]", "đăng ký khai sinh", 10*time.Second)
	if !strings.Contains(option, "1.001193") {
		t.Errorf("first suggestion %q is not procedure 1.001193", option)
	}
	if got := wd.attr(box, "aria-expanded"); got != "true" {
		t.Errorf("aria-expanded = %q while results show", got)
	}
	// Keyboard: arrow down selects the first result, Enter opens it.
	wd.typeInto(box, "\uE015\uE007")
	wd.waitURL(site+"/thu-tuc/1.001193/", 10*time.Second)

	// Without the suggestions: submitting the form shows the results page.
	wd.navigate(site + "/")
	box = wd.find("#tim-kiem")
	wd.typeInto(box, "dang ky ket hon\uE007")
	wd.waitURL(site+"/tim-kiem/?q=dang+ky+ket+hon", 10*time.Second)
	wd.waitText("ol.results li", "Đăng ký kết hôn", 10*time.Second)

	// The staff area: the login form, a search by the child's ID number,
	// the record page.
	wd.navigate(site + "/staff/")
	wd.typeInto(wd.find("#ten"), "motcua")
	wd.typeInto(wd.find("#mat_khau"), pw[1]+"\uE007")
	wd.waitURL(site+"/staff/", 10*time.Second)
	wd.typeInto(wd.find("#q"), "026223001234\uE007")
	wd.waitText("ol.hits li", "Trích lục khai sinh", 10*time.Second)
	wd.call("POST", "/session/"+wd.session+"/element/"+wd.find("ol.hits li a")+"/click", map[string]string{})
	wd.waitText("h1", "215/TLKS-BS", 10*time.Second)
	wd.waitText("table tbody", "026223001234", 10*time.Second)
}

func lookBrowser(t *testing.T) (driver, chromium string) {
	driver, err1 := exec.LookPath("chromedriver")
	chromium, err2 := exec.LookPath("chromium")
	if err1 != nil || err2 != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("chromium and chromedriver must be installed in CI (Debian chromium, chromium-driver): %v %v", err1, err2)
		}
		t.Skip("chromium or chromedriver not installed (apt-get install chromium chromium-driver); skipping the browser test")
	}
	return driver, chromium
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitHTTP(t *testing.T, url string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s did not answer in 30 s", url)
}

// webDriver is the little of the W3C WebDriver protocol the test needs.
type webDriver struct {
	t       *testing.T
	base    string
	session string
}

const elementKey = "element-6066-11e4-a52e-4f735466cecf"

func (w *webDriver) call(method, path string, body any) json.RawMessage {
	w.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, w.base+path, r)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatalf("webdriver %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	var out struct{ Value json.RawMessage }
	data, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(data, &out); err != nil || resp.StatusCode != 200 {
		w.t.Fatalf("webdriver %s %s: %s %s", method, path, resp.Status, data)
	}
	return out.Value
}

func (w *webDriver) start(chromium, profile string) {
	caps := map[string]any{"capabilities": map[string]any{"alwaysMatch": map[string]any{
		"browserName": "chrome",
		"goog:chromeOptions": map[string]any{
			"binary": chromium,
			"args": []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
				"--disable-component-update", "--no-first-run", "--disable-dev-shm-usage", "--user-data-dir=" + profile},
		},
	}}}
	var v struct {
		SessionID string `json:"sessionId"`
	}
	json.Unmarshal(w.call("POST", "/session", caps), &v)
	w.session = v.SessionID
}

func (w *webDriver) quit() { w.call("DELETE", "/session/"+w.session, nil) }

func (w *webDriver) navigate(url string) {
	w.call("POST", "/session/"+w.session+"/url", map[string]string{"url": url})
}

func (w *webDriver) find(css string) string {
	var v map[string]string
	json.Unmarshal(w.call("POST", "/session/"+w.session+"/element", map[string]string{"using": "css selector", "value": css}), &v)
	return v[elementKey]
}

func (w *webDriver) typeInto(el, text string) {
	w.call("POST", "/session/"+w.session+"/element/"+el+"/value", map[string]string{"text": text})
}

func (w *webDriver) attr(el, name string) string {
	var v string
	json.Unmarshal(w.call("GET", "/session/"+w.session+"/element/"+el+"/attribute/"+name, nil), &v)
	return v
}

// waitText waits for the first element matching css to contain want
// (case-insensitive) and returns its text.
func (w *webDriver) waitText(css, want string, d time.Duration) string {
	w.t.Helper()
	deadline := time.Now().Add(d)
	var last string
	for time.Now().Before(deadline) {
		var els []map[string]string
		json.Unmarshal(w.call("POST", "/session/"+w.session+"/elements", map[string]string{"using": "css selector", "value": css}), &els)
		if len(els) > 0 {
			var text string
			json.Unmarshal(w.call("GET", "/session/"+w.session+"/element/"+els[0][elementKey]+"/text", nil), &text)
			last = text
			if strings.Contains(strings.ToLower(text), strings.ToLower(want)) {
				return text
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	w.t.Fatalf("no %s containing %q after %s (last: %q)", css, want, d, last)
	return ""
}

func (w *webDriver) waitURL(want string, d time.Duration) {
	w.t.Helper()
	deadline := time.Now().Add(d)
	var url string
	for time.Now().Before(deadline) {
		json.Unmarshal(w.call("GET", "/session/"+w.session+"/url", nil), &url)
		if url == want {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	w.t.Fatalf("URL is %s, want %s", url, want)
}
