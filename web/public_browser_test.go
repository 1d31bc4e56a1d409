package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"motcua/store"
	"motcua/web"
)

// frontBrowser starts headless chromium (skipped when absent unless
// MOTCUA_TEST_REQUIRE_TOOLS=1).
func frontBrowser(t *testing.T, w, h int) context.Context {
	t.Helper()
	return browserAt(t, w, h, 60*time.Second)
}

// TestFrontBrowserKioskAndDisplay: a ticket taken at the kiosk page is
// called at a counter and shows up live on the TV display.
func TestFrontBrowserKioskAndDisplay(t *testing.T) {
	ev := newFrontEnv(t, store.SQLite, web.Options{})
	ctx := frontBrowser(t, 1366, 768)
	dir := os.Getenv("MOTCUA_TEST_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	shot := func(name string) {
		if b, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
			os.WriteFile(filepath.Join(dir, "front-"+name+".png"), b, 0o644)
		}
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ev.srv.URL+"/kiosk?center=BN.TTHCC"),
		chromedp.WaitVisible(chromedp.CSS("button.svc")),
		chromedp.Click(chromedp.CSS("button.svc")),
		chromedp.WaitVisible(chromedp.CSS(".tnum")),
	); err != nil {
		t.Fatal(err)
	}
	num, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".tnum")))
	if err != nil || strings.TrimSpace(num) != "1" {
		t.Fatalf("kiosk ticket number = %q, %v; want 1", num, err)
	}
	shot("kiosk-ticket")
	// The display opens its event stream, then the counter calls.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ev.srv.URL+"/man-hinh?center=BN.TTHCC"),
		chromedp.WaitVisible(chromedp.CSS("#now-num")),
		chromedp.Sleep(300*time.Millisecond),
	); err != nil {
		t.Fatal(err)
	}
	res, body := ev.call(t, "reception", "POST", "/api/v1/queue/call-next", `{}`)
	wantStatus(t, "call-next", res, body, 200)
	if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](`document.getElementById("now-num").textContent.trim() === "1"`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatal(err)
	}
	now, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#now-num")))
	ctr, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#now-ctr")))
	shot("display-call")
	if strings.TrimSpace(now) != "1" || !strings.Contains(ctr, "Quầy 01") {
		t.Errorf("display shows %q %q; want 1 đến Quầy 01", now, ctr)
	}
	// Issue 19: the big panel and the list never repeat a call. The next
	// call moves 1 down to the list; recalling 2 does not add a row.
	res, body = ev.call(t, "", "POST", "/api/v1/queue/tickets", `{"center_code":"BN.TTHCC","service_code":"AN-TOAN-THUC-PHAM"}`)
	if res.StatusCode != 201 && res.StatusCode != 200 {
		t.Fatalf("second ticket: %d %s", res.StatusCode, body)
	}
	res, body = ev.call(t, "reception", "POST", "/api/v1/queue/call-next", `{}`)
	wantStatus(t, "call-next", res, body, 200)
	res, body = ev.call(t, "reception", "POST", "/api/v1/queue/recall", `{}`)
	wantStatus(t, "recall", res, body, 200)
	if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](`document.getElementById("now-num").textContent.trim() === "2" && document.querySelectorAll("#recent tr").length === 1`,
		chromedp.WithPollingTimeout(10*time.Second)), chromedp.Sleep(500*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	rows, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#recent tr td:first-child")).map(td => td.textContent)`))
	if len(rows) != 1 || rows[0] != "1" {
		t.Errorf("list under the panel = %q; want just 1", rows)
	}
	// A display opened now shows the same: 2 in the panel, 1 in the list.
	if err := chromedp.Do(ctx, chromedp.Navigate(ev.srv.URL+"/man-hinh?center=BN.TTHCC"), chromedp.WaitVisible(chromedp.CSS("#now-num"))); err != nil {
		t.Fatal(err)
	}
	rows, _ = chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#recent tr td:first-child")).map(td => td.textContent)`))
	now, _ = chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#now-num")))
	if strings.TrimSpace(now) != "2" || len(rows) != 1 || rows[0] != "1" {
		t.Errorf("reopened display: panel %q, list %q; want 2 and [1]", now, rows)
	}
}
