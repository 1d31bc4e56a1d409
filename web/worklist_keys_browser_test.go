package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// press types one character key as a person does: a keyDown carrying the
// text, so that a handler's preventDefault also stops the character
// (chromedp.KeyEvent sends the character as a separate event, which a
// page cannot cancel).
func press(key string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for _, ty := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeKeyDown, input.DispatchKeyEventTypeKeyUp} {
			p := input.DispatchKeyEventParams{Type: ty, Key: key}
			if ty == input.DispatchKeyEventTypeKeyDown {
				p.Text = key
			}
			if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, p); err != nil {
				return err
			}
		}
		return nil
	})
}

// TestUIBrowserWorkListKeys: on the work list, "/" focuses the search,
// "j" selects the first dossier, Enter opens it and its page shows the
// step timeline; with the shortcuts switched off in the "Phím tắt" box
// (WCAG 2.1.4), "j" does nothing.
func TestUIBrowserWorkListKeys(t *testing.T) {
	ctx := newBrowser(t)
	ev := newUIEnv(t)
	rc := ev.login(t, "reception")
	_, body := ev.receive(t, rc, map[string]string{"GDN": "", "GTPL": ""})
	code := receiptCodeRE.FindStringSubmatch(body)[1]
	b := &browserRun{t: t, ctx: ctx, base: ev.srv.URL, dir: browserArtifacts(t)}
	b.signIn("admin", "/ho-so?status=all", "#worklist table")
	active := func() string {
		s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.activeElement.id || "") + " " + (document.activeElement.getAttribute("href") || "")`))
		return strings.TrimSpace(s)
	}
	b.do("slash", press("/"))
	if got := active(); got != "f-q" {
		t.Errorf("after /: focus on %q; want the search field f-q", got)
	}
	b.do("blur", chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`), press("j"))
	if got := active(); !strings.HasPrefix(got, "/ho-so/") {
		t.Fatalf("after j: focus on %q; want a dossier link", got)
	}
	b.shot("worklist-selected")
	b.do("open with Enter", chromedp.KeyEvent("\r"), chromedp.WaitVisible(chromedp.CSS("#h-steps")))
	if got := b.text("table.timeline"); !strings.Contains(got, "Chuyển hồ sơ đến bộ phận thẩm định") || !strings.Contains(got, "Đang thực hiện") {
		t.Errorf("timeline: %q", got)
	}
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); !strings.HasSuffix(loc, "/ho-so/"+code) {
		t.Errorf("opened %s; want the dossier %s", loc, code)
	}
	b.shot("dossier-timeline")
	b.do("switch off",
		chromedp.Navigate(b.base+"/ho-so?status=all"),
		chromedp.WaitVisible(chromedp.CSS("#worklist table")),
		chromedp.Click(chromedp.CSS("details.keys summary")),
		chromedp.Click(chromedp.CSS("[data-keys-toggle]")),
		chromedp.Poll[chromedp.Void](`localStorage.getItem("motcua.keys.off") === "1"`, chromedp.WithPollingTimeout(5*time.Second)),
		chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`),
		press("j"),
	)
	if got := active(); strings.HasPrefix(got, "/ho-so/") {
		t.Errorf("shortcuts off, after j: focus on %q; want no move", got)
	}
}
