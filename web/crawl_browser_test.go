package web_test

import (
	"context"
	_ "embed"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"motcua/internal/clocktest"
	"motcua/web"
	"motcua/workflow"
)

// axe-core 4.10.2 from the npm registry (MPL-2.0), vendored for this test.
//
//go:embed testdata/axe/axe.min.js
var axeSource string

// forbiddenEnglish are words of the English UI that must not show on a
// Vietnamese page (issue 19: "English subtitles under every heading",
// "(cash)/(online)", a bare English 404).
var forbiddenEnglish = regexp.MustCompile(`\b(Dossier|Work list|Reception desk|Sign in|Sign out|Receipt|Guidance slip|Administration|Outbox|One-stop shop|Public Administration Center|page not found|Not Found|cash|online|transfer|Submit|Cancel|Search|Error)\b`)

// crawlProblem is one finding of the crawl.
type crawlProblem struct{ role, page, what string }

// TestCrawlEveryPageAsEveryRole visits, in headless Chromium, every page
// reachable from the navigation and every page route of the route list,
// as every demo role, a citizen and an anonymous visitor. On each page it
// checks the title, the language, forbidden English words, console errors
// and CSP violations, and runs axe-core (WCAG 2.0/2.1/2.2 A and AA rules);
// every link on it (pages, PDFs, spreadsheets, JSON) must answer below
// 400 for that role. Screenshots go to $MOTCUA_TEST_ARTIFACTS.
func TestCrawlEveryPageAsEveryRole(t *testing.T) {
	if testing.Short() {
		t.Skip("crawl skipped in -short")
	}
	ctx := newBrowser(t)
	// A guard, not a timing: on a shared, loaded machine the crawl of every
	// role (axe and a screenshot per page) takes well over 8 minutes.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 25*time.Minute)
	defer cancel()
	_ = cancel
	// The stack with its documents (receipts, slips, results render).
	svc, db, hs := newSigningServer(t, workflow.Config{BaseURL: "https://motcua.example", MaxUpload: 4 << 20, Now: clocktest.Now})
	ev := &uiEnv{srv: hs, svc: svc, db: db}
	dir := browserArtifacts(t)

	// Objects to see: a dossier received at the counter, a citizen.
	rc := ev.login(t, "reception")
	code := ev.receiveComplete(t, rc)
	citizenPW := "Hoa-sen-nở-2026"
	if res, body := ev.post(t, ev.client(t), "/dang-ky", url.Values{"username": {"binh"}, "password": {citizenPW}, "password2": {citizenPW},
		"name": {"Trần Văn Bình"}, "id_number": {"001090012345"}, "phone": {"0987654321"}, "email": {"binh@example.vn"}}); res.StatusCode != 200 {
		t.Fatalf("register: %d %s", res.StatusCode, body)
	}

	// The page routes of the route list, with sample path values.
	srv, err := web.NewServer(ev.svc, slog.New(slog.DiscardHandler), web.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sample := map[string]string{"{code}": code, "{$}": ""}
	var routePages []string
	for _, r := range srv.Routes() {
		m, p, _ := strings.Cut(r, " ")
		if m != "GET" || strings.HasPrefix(p, "/api/") || p == "/metrics" || p == "/healthz" || strings.HasPrefix(p, "/static/") {
			continue
		}
		ok := true
		for {
			i := strings.Index(p, "{")
			if i < 0 {
				break
			}
			j := strings.Index(p[i:], "}")
			v, known := sample[p[i:i+j+1]]
			if !known {
				ok = false
				break
			}
			p = p[:i] + v + p[i+j+1:]
		}
		if ok && !strings.Contains(p, "/"+code+"/") {
			routePages = append(routePages, p)
		}
	}

	console := listenConsole(t, ctx, func(e *cdplog.Entry) bool { return e.Level == cdplog.EntryLevelError })

	var problems []crawlProblem
	var ttfbs []float64 // ms
	var largest float64 // bytes of the largest HTML page
	var largestPage string
	shots := 0
	report := map[string]int{}
	axeTotal := 0
	roles := []string{"", "reception", "appraiser", "approver", "clerk", "supervisor", "admin", "citizen"}
	for _, role := range roles {
		name := role
		if name == "" {
			name = "anonymous"
		}
		if _, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
			t.Fatal(err)
		}
		switch role {
		case "":
		case "citizen":
			if err := chromedp.Do(ctx, chromedp.Navigate(ev.srv.URL+"/dang-nhap"), chromedp.WaitVisible(chromedp.CSS("#username")),
				chromedp.SendKeys(chromedp.CSS("#username"), "binh"), chromedp.SendKeys(chromedp.CSS("#password"), citizenPW),
				chromedp.Submit(chromedp.CSS("#password")), chromedp.WaitNotPresent(chromedp.CSS("#password"))); err != nil {
				t.Fatalf("citizen sign-in: %v", err)
			}
		default:
			if err := chromedp.Do(ctx, chromedp.Navigate(ev.srv.URL+"/login"), chromedp.WaitVisible(chromedp.CSS("#username")),
				chromedp.SendKeys(chromedp.CSS("#username"), role), chromedp.SendKeys(chromedp.CSS("#password"), "demo"),
				chromedp.Submit(chromedp.CSS("#password")), chromedp.WaitNotPresent(chromedp.CSS("#password"))); err != nil {
				t.Fatalf("%s sign-in: %v", role, err)
			}
		}
		queue := append([]string{"/"}, routePages...)
		seen := map[string]bool{}
		checked := map[string]bool{}
		visited := 0
		for len(queue) > 0 && visited < 60 {
			p := queue[0]
			queue = queue[1:]
			if seen[p] {
				continue
			}
			seen[p] = true
			console.take() // what earlier pages left
			var status int
			if err := chromedp.Do(ctx, chromedp.Navigate(ev.srv.URL+p)); err != nil {
				problems = append(problems, crawlProblem{name, p, "navigate: " + err.Error()})
				continue
			}
			visited++
			// The page itself: a route refused to this role (403/404 or a
			// sign-in page) is not a problem, but a 5xx is.
			status, _ = chromedp.Run(ctx, chromedp.Evaluate[int](`performance.getEntriesByType("navigation")[0].responseStatus || 0`))
			if status >= 500 {
				problems = append(problems, crawlProblem{name, p, fmt.Sprintf("status %d", status)})
			}
			if status >= 400 {
				continue
			}
			// A file opened in the browser (a PDF, an image) is not a page.
			if ct, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.contentType`)); ct != "text/html" {
				continue
			}
			// Weight of the HTML and time to its first byte, from the
			// browser's navigation timing.
			if nt, err := chromedp.Run(ctx, chromedp.Evaluate[[2]float64](`(n => [n.decodedBodySize, n.responseStart - n.requestStart])(performance.getEntriesByType("navigation")[0])`)); err == nil {
				ttfbs = append(ttfbs, nt[1])
				if nt[0] > largest {
					largest, largestPage = nt[0], name+" "+p
				}
			}
			type pageFacts struct {
				Title, Lang, Text, Path string
				Links                   []string
			}
			facts, err := chromedp.Run(ctx, chromedp.Evaluate[pageFacts](`({Title: document.title, Lang: document.documentElement.lang,
				Text: document.body ? document.body.innerText : "", Path: location.pathname + location.search,
				Links: Array.from(document.querySelectorAll("a[href]")).map(a => a.getAttribute("href"))
					.filter(h => h.startsWith("/") && !h.startsWith("//"))})`))
			if err != nil {
				problems = append(problems, crawlProblem{name, p, "read page: " + err.Error()})
				continue
			}
			if strings.TrimSpace(strings.Split(facts.Title, "—")[0]) == "" {
				problems = append(problems, crawlProblem{name, p, "no title"})
			}
			if facts.Lang != "vi" {
				problems = append(problems, crawlProblem{name, p, "lang=" + facts.Lang})
			}
			if m := forbiddenEnglish.FindAllString(facts.Text, 5); len(m) > 0 {
				problems = append(problems, crawlProblem{name, p, fmt.Sprintf("English words %q", m)})
			}
			// Every link answers below 400 for this role.
			var toCheck []string
			for _, l := range facts.Links {
				if !checked[l] && !strings.HasPrefix(l, "/dang-xuat") && !strings.HasPrefix(l, "/logout") {
					checked[l] = true
					toCheck = append(toCheck, l)
				}
				u, _ := url.Parse(l)
				if u != nil && !strings.HasPrefix(u.Path, "/api/") && !strings.HasPrefix(u.Path, "/static/") && !strings.HasSuffix(u.Path, ".pdf") &&
					!strings.HasSuffix(u.Path, ".xlsx") && !seen[l] {
					queue = append(queue, l)
				}
			}
			if len(toCheck) > 0 {
				bad, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Promise.all(`+jsArray(toCheck)+`.map(u => fetch(u, {credentials: "same-origin"})
					.then(r => r.status >= 400 ? u + " → " + r.status : "").catch(e => u + " → " + e))).then(a => a.filter(x => x))`, chromedp.EvalAwaitPromise))
				if err != nil {
					problems = append(problems, crawlProblem{name, p, "links: " + err.Error()})
				}
				for _, b := range bad {
					problems = append(problems, crawlProblem{name, p, "link " + b})
				}
			}
			// Accessibility: axe-core, WCAG 2.x A and AA.
			viol, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](axeSource+`;axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}})
				.then(r => r.violations.map(v => v.id + " (" + v.impact + ", " + v.nodes.length + "): " + v.nodes.slice(0, 2).map(n => n.target.join(" ")).join(" | ")))`, chromedp.EvalAwaitPromise))
			if err != nil {
				problems = append(problems, crawlProblem{name, p, "axe: " + err.Error()})
			}
			for _, v := range viol {
				axeTotal++
				problems = append(problems, crawlProblem{name, p, "axe " + v})
			}
			time.Sleep(50 * time.Millisecond) // late console messages
			for _, c := range console.take() {
				problems = append(problems, crawlProblem{name, p, "console " + c})
			}
			shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(60)) // JPEG at quality 60
			if err == nil {
				f := strings.NewReplacer("/", "_", "?", "_", "&", "_", "=", "-").Replace(strings.TrimPrefix(p, "/"))
				err = os.WriteFile(filepath.Join(dir, fmt.Sprintf("crawl-%s-%s.jpg", name, f)), shot, 0o644)
			}
			if err != nil {
				t.Errorf("screenshot of %s as %s: %v", p, name, err)
			} else {
				shots++
			}
		}
		report[name] = visited
	}
	var names []string
	for n := range report {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		t.Logf("crawl: %s visited %d pages", n, report[n])
	}
	t.Logf("crawl: %d problems, %d axe violations", len(problems), axeTotal)
	sort.Float64s(ttfbs)
	if len(ttfbs) > 0 {
		t.Logf("crawl: largest HTML page %.1f KB (%s); time to first byte p95 %.1f ms, max %.1f ms over %d pages",
			largest/1024, largestPage, ttfbs[(len(ttfbs)*95+99)/100-1], ttfbs[len(ttfbs)-1], len(ttfbs))
	}
	t.Logf("crawl: %d screenshots in %s", shots, dir)
	for _, p := range problems {
		t.Errorf("%s %s: %s", p.role, p.page, p.what)
	}
}

func jsArray(ss []string) string {
	var b strings.Builder
	b.WriteString("[")
	for i, s := range ss {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "%q", s)
	}
	b.WriteString("]")
	return b.String()
}
