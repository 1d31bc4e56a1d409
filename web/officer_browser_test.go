package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"motcua/bench"
	"motcua/internal/clocktest"
	"motcua/internal/testfile"
	"motcua/internal/tooltest"
)

const chromiumPath = "/usr/bin/chromium"

// browserArtifacts is where screenshots go: $MOTCUA_TEST_ARTIFACTS, or the
// test's temporary directory.
func browserArtifacts(t *testing.T) string {
	if d := os.Getenv("MOTCUA_TEST_ARTIFACTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// newBrowser starts headless Debian chromium at 1366×768 for 90 seconds
// (browserAt).
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	return browserAt(t, 1366, 768, 90*time.Second)
}

// browserAt starts headless Debian chromium with a w×h window and returns
// its context, which ends after timeout. It skips only when chromium is
// absent and MOTCUA_TEST_REQUIRE_TOOLS is not "1".
func browserAt(t *testing.T, w, h int, timeout time.Duration) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		tooltest.Missing(t, "chromium not installed at "+chromiumPath)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.WindowSize(w, h),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("lang", "vi-VN"),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelC(); cancelA() })
	// Start the browser before any timeout (see chromedp.Run).
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	tctx, cancelT := context.WithTimeout(ctx, timeout)
	t.Cleanup(cancelT)
	return tctx
}

// browserConsole collects what a browser reports: every uncaught script
// exception, every Content-Security-Policy violation and the console
// entries a filter keeps.
type browserConsole struct {
	mu   sync.Mutex
	msgs []string
}

// listenConsole starts collecting the reports of the browser ctx; keep
// chooses the other console entries to collect.
func listenConsole(t *testing.T, ctx context.Context, keep func(*cdplog.Entry) bool) *browserConsole {
	t.Helper()
	c := &browserConsole{}
	add := func(msg string) {
		c.mu.Lock()
		c.msgs = append(c.msgs, msg)
		c.mu.Unlock()
	}
	if err := chromedp.Listen(ctx, func(ev any) {
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			add("exception: " + e.ExceptionDetails.Text)
		case *cdplog.EventEntryAdded:
			if keep(e.Entry) || strings.Contains(e.Entry.Text, "Content Security Policy") {
				add(strings.TrimSpace(string(e.Entry.Source) + ": " + e.Entry.Text + " " + e.Entry.URL))
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	return c
}

// take returns what was collected since the last take.
func (c *browserConsole) take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	msgs := c.msgs
	c.msgs = nil
	return msgs
}

type browserRun struct {
	t     *testing.T
	ctx   context.Context
	base  string
	dir   string
	shots int
}

func (b *browserRun) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		loc, _ := chromedp.Run(b.ctx, chromedp.Location())
		body, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText.slice(0, 1500) : ""`))
		b.shot("failure")
		b.t.Fatalf("%s: %v\nat %s\n%s", what, err, loc, body)
	}
}

// receiveSteps fills in the reception form of procedure 2.001610: the
// file pdf for each of components, the applicant's name and ID number;
// submits it and waits for the element wait.
func (b *browserRun) receiveSteps(pdf, name, idNumber, wait string, components ...string) []chromedp.Action[chromedp.Void] {
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(b.base + "/tiep-nhan?procedure=2.001610"),
		chromedp.WaitVisible(chromedp.CSS("#receive-form")),
	}
	for _, c := range components {
		steps = append(steps, chromedp.SetUploadFiles(chromedp.CSS("#file-"+c), []string{pdf}))
	}
	return append(steps,
		chromedp.SendKeys(chromedp.CSS("#applicant_name"), name),
		chromedp.SendKeys(chromedp.CSS("#applicant_id_number"), idNumber),
		chromedp.Click(chromedp.CSS("#receive-submit")),
		chromedp.WaitVisible(chromedp.CSS(wait)),
	)
}

func (b *browserRun) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// shot saves a PNG screenshot of the whole page.
func (b *browserRun) shot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return
	}
	b.shots++
	p := filepath.Join(b.dir, b.t.Name()+"-"+twoDigits(b.shots)+"-"+name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
	}
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + string(rune('0'+n))
	}
	return string(rune('0'+n/10)) + string(rune('0'+n%10))
}

// checkPage asserts that the page is Vietnamese and that every visible
// form field has a label.
func (b *browserRun) checkPage(name string) {
	b.t.Helper()
	unlabelled, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll(
		"input:not([type=hidden]), select, textarea")).filter(e => !(e.labels && e.labels.length) && !e.getAttribute("aria-label")).map(e => e.name || e.id)`))
	if err != nil {
		b.t.Fatalf("%s: %v", name, err)
	}
	if len(unlabelled) > 0 {
		b.t.Errorf("%s: fields without a label: %v", name, unlabelled)
	}
	if lang, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.documentElement.lang`)); lang != "vi" {
		b.t.Errorf("%s: lang=%q", name, lang)
	}
}

// signIn goes to path without a session, is sent to /login, signs in and
// lands back on path.
func (b *browserRun) signIn(user, path, waitFor string) {
	b.t.Helper()
	b.do("sign in as "+user,
		chromedp.Navigate(b.base+path),
		chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), user),
		chromedp.SendKeys(chromedp.CSS("#password"), "demo"),
		chromedp.Click(chromedp.CSS(".login button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(waitFor)),
	)
}

func (b *browserRun) signOut() {
	b.t.Helper()
	b.do("sign out",
		chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)),
		chromedp.WaitVisible(chromedp.CSS("#username")),
	)
}

// TestUIBrowserFiveSteps drives the whole "5 tại chỗ" flow through the web
// pages in a real browser with the five demo officers, then an incomplete
// dossier ending in a guidance slip, then a wrong-role attempt.
func TestUIBrowserFiveSteps(t *testing.T) {
	ctx := newBrowser(t)
	ev := newUIEnv(t)
	start := clocktest.Now()
	b := &browserRun{t: t, ctx: ctx, base: ev.srv.URL, dir: browserArtifacts(t)}
	// Script errors and Content-Security-Policy violations fail the test.
	console := listenConsole(t, ctx, func(e *cdplog.Entry) bool {
		return e.Source == cdplog.EntrySourceSecurity || e.Source == cdplog.EntrySourceJavascript
	})
	defer func() {
		for _, p := range console.take() {
			t.Errorf("browser console: %s", p)
		}
	}()
	pdf := filepath.Join(t.TempDir(), "scan.pdf")
	if err := os.WriteFile(pdf, testfile.PDF("browser"), 0o644); err != nil {
		t.Fatal(err)
	}

	// 1. Reception: find the procedure without diacritics, digitise the
	// components, fill the applicant with validation as you type, receive.
	// Keyboard only: the sign-in form has focus, Tab moves to the password
	// and Enter submits; the focused field shows a visible outline.
	b.do("keyboard sign-in",
		chromedp.Navigate(b.base+"/tiep-nhan"),
		chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.Poll[chromedp.Void](`document.activeElement && document.activeElement.id === "username"`, chromedp.WithPollingTimeout(5*time.Second)),
		chromedp.KeyEvent("reception"),
		chromedp.KeyEvent("\t"),
	)
	outline, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.id + " " + getComputedStyle(document.activeElement).outlineStyle`))
	if outline != "password solid" {
		t.Errorf("after Tab: focused %q; want the password field with a solid outline", outline)
	}
	b.do("keyboard submit",
		chromedp.KeyEvent("demo"),
		chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(chromedp.CSS("#proc-q")),
	)
	b.do("search procedure",
		chromedp.SendKeys(chromedp.CSS("#proc-q"), "thanh lap doanh nghiep tu nhan"),
		chromedp.WaitVisible(chromedp.CSS(`#proc-matches a[href="/tiep-nhan?procedure=2.001610"]`)),
		chromedp.Click(chromedp.CSS(`#proc-matches a[href="/tiep-nhan?procedure=2.001610"]`)),
		chromedp.WaitVisible(chromedp.CSS("#receive-form")),
		chromedp.SetUploadFiles(chromedp.CSS("#file-GDN"), []string{pdf}),
		chromedp.SetUploadFiles(chromedp.CSS("#file-GTPL"), []string{pdf}),
		chromedp.SendKeys(chromedp.CSS("#applicant_name"), "Nguyễn Thị Ánh"),
		chromedp.SendKeys(chromedp.CSS("#applicant_id_number"), "00120300123"),
		chromedp.Poll[chromedp.Void](`document.getElementById("err-applicant_id_number").textContent.includes("12 chữ số")`,
			chromedp.WithPollingTimeout(10*time.Second)),
	)
	b.checkPage("reception desk")
	b.shot("reception-validation")
	b.do("fix id number",
		chromedp.SendKeys(chromedp.CSS("#applicant_id_number"), "4"),
		chromedp.Poll[chromedp.Void](`document.getElementById("err-applicant_id_number").textContent.trim() === ""`,
			chromedp.WithPollingTimeout(10*time.Second)),
		chromedp.SendKeys(chromedp.CSS("#applicant_phone"), "0912345678"),
		chromedp.Click(chromedp.CSS("#receive-submit")),
		chromedp.WaitVisible(chromedp.CSS("#receipt-code")),
	)
	code := strings.TrimSpace(b.text("#receipt-code"))
	if !strings.Contains(b.text("article.slip"), "Nguyễn Thị Ánh") {
		t.Errorf("receipt does not show the applicant's name")
	}
	b.shot("receipt")
	b.signOut()

	// 2. Appraiser: the work list shows the dossier; take it and submit the
	// appraisal report with a draft result.
	b.signIn("appraiser", "/ho-so", "table.list")
	b.shot("worklist-appraiser")
	b.do("open dossier from list",
		chromedp.Click(chromedp.CSS(`a[href="/ho-so/`+code+`"]`)),
		chromedp.WaitVisible(chromedp.CSS("#act-assign")),
		chromedp.Click(chromedp.CSS("#act-assign summary")),
		chromedp.Click(chromedp.CSS("#act-assign button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".dossier-head .st-appraising")),
		chromedp.WaitVisible(chromedp.CSS("#sa-report")),
		chromedp.SendKeys(chromedp.CSS("#sa-report"), "Hồ sơ đầy đủ, hợp lệ theo Nghị định 01/2021/NĐ-CP."),
		chromedp.SendKeys(chromedp.CSS("#sa-draft"), "Cấp Giấy chứng nhận đăng ký doanh nghiệp tư nhân Ánh Dương."),
	)
	b.checkPage("appraisal form")
	b.shot("appraisal")
	b.do("submit appraisal",
		chromedp.Click(chromedp.CSS("#act-submit-appraisal button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".dossier-head .st-awaiting_approval")),
	)
	b.signOut()

	// 3. Approver: the leader's list shows the delegation; approve and sign.
	b.signIn("approver", "/ho-so", "table.list")
	if got := b.text("table.list tbody"); !strings.Contains(got, "KT.") {
		t.Errorf("leader's list does not show the delegation: %q", got)
	}
	b.checkPage("leader's list")
	b.shot("worklist-leader")
	b.do("approve",
		chromedp.Navigate(b.base+"/ho-so/"+code),
		chromedp.WaitVisible(chromedp.CSS("#act-approve")),
		chromedp.Click(chromedp.CSS("#act-approve button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".dossier-head .st-approved")),
	)
	b.signOut()

	// 4. Clerk: number and seal, then the result can be printed.
	b.signIn("clerk", "/ho-so/"+code, "#act-issue")
	b.do("issue",
		chromedp.Click(chromedp.CSS("#act-issue button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".dossier-head .st-issued")),
		chromedp.WaitVisible(chromedp.CSS("#result-pdf")),
	)
	if got := b.text("dl.kv"); !strings.Contains(got, "/GCN-DKDN") && !strings.Contains(got, "Số ") {
		t.Errorf("issued dossier shows no number: %q", got)
	}
	b.shot("issued")
	b.signOut()

	// 5. Reception returns the result.
	b.signIn("reception", "/ho-so/"+code, "#act-return")
	b.do("return",
		chromedp.Click(chromedp.CSS("#act-return button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".dossier-head .st-returned")),
	)
	if h := b.text("#h-hist + .table-wrap"); !strings.Contains(h, "Trả kết quả") || !strings.Contains(h, "Phê duyệt, ký số") {
		t.Errorf("history lacks steps: %q", h)
	}
	b.shot("returned")

	// An incomplete dossier ends in the one-time guidance slip (Mẫu 02).
	b.do("incomplete dossier", b.receiveSteps(pdf, "Trần Văn Bình", "001203005678", "#guidance-offer", "GDN")...)
	b.checkPage("incomplete dossier")
	b.shot("incomplete")
	b.do("guidance slip",
		chromedp.Click(chromedp.CSS("#make-guidance")),
		chromedp.WaitVisible(chromedp.CSS("#guidance-number")),
	)
	if got := b.text("#guidance-missing"); !strings.Contains(got, "Bản sao giấy tờ pháp lý") {
		t.Errorf("guidance slip lists %q", got)
	}
	b.shot("guidance-slip")

	// A wrong-role attempt: reception opens the approval form of a dossier
	// and posts an approval; both are refused with 403.
	b.do("second dossier", b.receiveSteps(pdf, "Lê Văn Cường", "001203009999", "#receipt-code", "GDN", "GTPL")...)
	code2 := strings.TrimSpace(b.text("#receipt-code"))
	b.do("open approve form",
		chromedp.Navigate(b.base+"/ho-so/"+code2+"/approve"),
		chromedp.WaitVisible(chromedp.CSS(".error-page")),
	)
	if got := b.text(".error-page"); !strings.Contains(got, "403") || !strings.Contains(got, "không có quyền") {
		t.Errorf("wrong role page: %q", got)
	}
	b.shot("wrong-role")
	status, err := chromedp.Run(ctx, chromedp.Evaluate[int](
		`fetch("/ho-so/`+code2+`/approve", {method: "POST", body: new URLSearchParams({version: "1"})}).then(r => r.status)`,
		chromedp.EvalAwaitPromise))
	if err != nil || status != 403 {
		t.Errorf("reception posting approve: %d, %v; want 403", status, err)
	}

	b.signOut()

	// Administration: every form field labelled.
	b.signIn("admin", "/quan-tri/tai-khoan", "#u-username")
	b.checkPage("admin users")
	b.shot("admin-users")
	for _, p := range []string{"co-quan", "thu-tuc", "uy-quyen", "lich-truc", "ngay-nghi", "so-dang-ky", "con-dau"} {
		b.do("admin "+p, chromedp.Navigate(b.base+"/quan-tri/"+p), chromedp.WaitVisible(chromedp.CSS("nav.subnav")))
		b.checkPage("admin " + p)
	}
	b.signOut()
	b.signIn("reception", "/ho-so/"+code, ".dossier-head")

	// A tablet in portrait: one column, nothing cut off.
	b.do("tablet",
		chromedp.EmulateViewport(820, 1180),
		chromedp.Navigate(b.base+"/ho-so/"+code),
		chromedp.WaitVisible(chromedp.CSS(".dossier-head")),
	)
	if w, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 820 {
		t.Errorf("dossier page is %dpx wide on an 820px tablet", w)
	}
	b.shot("tablet-dossier")
	b.do("desktop", chromedp.EmulateViewport(1366, 768))

	// Printing hides the navigation and the forms.
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("header.top")).display + " " +
		getComputedStyle(document.querySelector("#thao-tac")).display`)); got != "none none" {
		t.Errorf("print stylesheet: navigation and actions display %q; want hidden", got)
	}
	b.shot("print-dossier")
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: ""}); err != nil {
		t.Fatal(err)
	}

	// Page weight of a work list without cache, from the browser's own
	// resource timing.
	// A busier center: synthetic dossiers fill a full page of 50 rows with
	// overdue and nearing-deadline highlighting.
	if err := bench.GenerateDossiers(context.Background(), ev.db, bench.GenerateOptions{N: 600, Seed: 3, Start: clocktest.Now().AddDate(0, 0, -20), Days: 20}); err != nil {
		t.Fatal(err)
	}
	b.do("work list for weight", chromedp.Navigate(b.base+"/ho-so?status=open"), chromedp.WaitVisible(chromedp.CSS("table.list")))
	b.shot("worklist-urgency")
	if w, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 1366 {
		t.Errorf("work list is %dpx wide at 1366×768", w)
	}
	// Filtering as you type (htmx) by dossier code.
	b.do("filter work list",
		chromedp.SendKeys(chromedp.CSS("#f-q"), strings.ToLower(code2)),
		chromedp.Poll[chromedp.Void](`document.querySelectorAll("#worklist tbody tr").length === 1`, chromedp.WithPollingTimeout(10*time.Second)),
	)
	if got := b.text("#worklist tbody"); !strings.Contains(got, code2) {
		t.Errorf("filtered list shows %q; want %s", got, code2)
	}
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); !strings.Contains(loc, "q=") {
		t.Errorf("filter not in the address bar: %s", loc)
	}
	b.do("work list again", chromedp.Navigate(b.base+"/ho-so?status=open"), chromedp.WaitVisible(chromedp.CSS("table.list")))
	weight, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`(() => {
		const n = performance.getEntriesByType("navigation")[0];
		let sum = n.transferSize || n.encodedBodySize || 0;
		for (const r of performance.getEntriesByType("resource")) { sum += r.transferSize || r.encodedBodySize || 0; }
		return sum;
	})()`))
	if err != nil {
		t.Errorf("page weight: %v", err)
	}
	t.Logf("work list page weight in the browser: %.1f KB; browser scenario took %s; screenshots in %s",
		weight/1024, time.Since(start).Round(time.Millisecond), b.dir)
	if weight > 150*1024 {
		t.Errorf("work list weighs %.0f KB; want ≤ 150 KB", weight/1024)
	}
}
