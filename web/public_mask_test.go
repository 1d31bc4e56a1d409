package web_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// TestPublicAnswersShowNoIDNumber: every route an anonymous caller may
// use (the authorization matrix's rows open to everyone: verification
// pages and JSON of results, forms and e-receipts, public lookup, the
// schedule…) is called anonymously against the matrix's objects, and no
// answer carries an applicant's ID number in clear, by itself or inside a
// result's document code; masked, only its last 4 digits show (issue 16,
// item 14).
func TestPublicAnswersShowNoIDNumber(t *testing.T) {
	ev := newMxEnv(t)
	ids := []string{ev.ownerID, "001090001234", "001090007777"}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	answered, masked := 0, 0
	for _, p := range ev.probes() {
		if !slices.Contains(p.allow, anon) {
			continue
		}
		r := p.build(ev, anon)
		if slices.ContainsFunc(ids, func(id string) bool { return strings.Contains(r.path+r.body, id) }) {
			continue // the caller sent the number itself
		}
		status, body, _ := ev.send(client, r, anon)
		if status < 200 || status >= 300 {
			continue
		}
		answered++
		for _, id := range ids {
			if strings.Contains(body, id) {
				t.Errorf("%s (%s %s) shows the ID number %s in clear: %s", p.route, r.method, r.path, id, snippet(body[max(0, strings.Index(body, id)-80):]))
			}
			if strings.Contains(body, "********"+id[len(id)-4:]) {
				masked++
			}
		}
	}
	t.Logf("%d public answers checked, %d masked ID numbers seen", answered, masked)
	if answered < 5 || masked == 0 {
		t.Errorf("only %d public answers, %d masked ID numbers: the probes no longer reach the public pages", answered, masked)
	}
}
