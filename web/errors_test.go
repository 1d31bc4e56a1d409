package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestOneErrorPath checks that every audience's errors leave the same way:
// problem+json under /api/, a redirect to the right sign-in page for a
// visitor without a session, and the one Vietnamese error page otherwise.
func TestOneErrorPath(t *testing.T) {
	ev := newUIEnv(t)
	anon := ev.client(t)
	reception := ev.login(t, "reception")
	appraiser := ev.login(t, "appraiser")
	cases := []struct {
		name     string
		c        *http.Client
		path     string
		status   int
		ctype    string
		contains []string
		location string
	}{
		{"API not found", anon, "/api/v1/procedures/0.000000", 404, "application/problem+json", []string{`"status":404`, `"title":"Không tìm thấy"`}, ""},
		{"API without session", anon, "/api/v1/dossiers", 401, "application/problem+json", []string{`"status":401`}, ""},
		{"officer page of another role", reception, "/bao-cao", 403, "text/html", []string{`class="error-page"`, "Không có quyền", "Chỉ giám sát viên", `action="/logout"`, `href="/"`}, ""},
		{"caller page of another role", appraiser, "/goi-so", 403, "text/html", []string{`class="error-page"`, "cán bộ tiếp nhận"}, ""},
		{"officer page not found", reception, "/ho-so/KHONG-CO", 404, "text/html", []string{`class="error-page"`, "Không tìm thấy"}, ""},
		{"public page not found", anon, "/thu-tuc/0.000000", 404, "text/html", []string{`class="error-page"`, `href="/thu-tuc"`}, ""},
		{"officer page without session", anon, "/bao-cao", 303, "", nil, "/login?next=%2Fbao-cao"},
		{"citizen page without session", anon, "/cong-dan", 303, "", nil, "/dang-nhap?next=%2Fcong-dan"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, body := ev.get(t, c.c, c.path)
			if res.StatusCode != c.status {
				t.Fatalf("GET %s = %d; want %d\n%s", c.path, res.StatusCode, c.status, body)
			}
			if got := res.Header.Get("Content-Type"); !strings.HasPrefix(got, c.ctype) {
				t.Errorf("GET %s Content-Type = %q; want %q", c.path, got, c.ctype)
			}
			for _, want := range c.contains {
				if !strings.Contains(body, want) {
					t.Errorf("GET %s body lacks %q:\n%s", c.path, want, body)
				}
			}
			if got := res.Header.Get("Location"); got != c.location {
				t.Errorf("GET %s Location = %q; want %q", c.path, got, c.location)
			}
		})
	}

	// An htmx request gets the message alone, retargeted to the alert region.
	res, _ := roundTrip(t, reception, request(t, "GET", ev.srv.URL+"/bao-cao", nil, "", map[string]string{"HX-Request": "true"}))
	if res.StatusCode != 200 || res.Header.Get("HX-Retarget") != "#alert" {
		t.Errorf("htmx error = %d, HX-Retarget %q; want 200 and #alert", res.StatusCode, res.Header.Get("HX-Retarget"))
	}
}
