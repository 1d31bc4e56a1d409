package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

// pngEmblem is a 1×1 PNG.
var pngEmblem = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")

func (ev *uiEnv) saveBranding(t *testing.T, c *http.Client, fields map[string]string, emblem []byte) (int, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if emblem != nil {
		fw, _ := mw.CreateFormFile("emblem", "bieu-trung.png")
		fw.Write(emblem)
	}
	return ev.postMultipart(t, c, "/quan-tri/thuong-hieu", &buf, mw)
}

// TestBrandingAsData: the admin's name, colours and emblem show on the
// officers' layout, the public layout and the public home; a colour that
// white text cannot be read on (contrast < 4.5:1) is refused in
// Vietnamese and changes nothing.
func TestBrandingAsData(t *testing.T) {
	ev := newUIEnv(t)
	admin := ev.login(t, "admin")
	anon := ev.client(t)
	const name = "Trung tâm Phục vụ hành chính công Kinh Bắc (thử nghiệm)"
	if _, body := ev.get(t, anon, "/"); strings.Contains(body, name) || strings.Contains(body, "/thuong-hieu.css") {
		t.Fatal("the default home already shows a branding")
	}
	status, body := ev.saveBranding(t, admin, map[string]string{"name": name, "primary_color": "#ffcc00", "accent_color": "#0b5394"}, nil)
	if status != http.StatusBadRequest || !strings.Contains(body, "thấp hơn mức tối thiểu 4,5:1") || !strings.Contains(body, "#ffcc00") {
		t.Errorf("a yellow header for white text: %d; want 400 with the contrast message", status)
	}
	if _, body := ev.get(t, anon, "/"); strings.Contains(body, name) {
		t.Error("a refused branding shows on the public home")
	}
	if status, body := ev.saveBranding(t, admin, map[string]string{"name": name, "primary_color": "#1D4F2A", "accent_color": "#6a1b9a"}, pngEmblem); status != http.StatusSeeOther {
		t.Fatalf("save branding: %d %s", status, body)
	}
	// Officers' layout.
	_, body = ev.get(t, admin, "/ho-so")
	for _, w := range []string{`<a href="/">` + name + `</a>`, `href="/thuong-hieu.css?v=`, `src="/thuong-hieu/bieu-trung?v=`, "Hệ thống thông tin giải quyết thủ tục hành chính — " + name} {
		if !strings.Contains(body, w) {
			t.Errorf("officer layout lacks %q", w)
		}
	}
	// Public layout and home.
	for _, p := range []string{"/", "/thu-tuc"} {
		_, body = ev.get(t, anon, p)
		for _, w := range []string{`href="/thuong-hieu.css?v=`, `class="emblem">` + name + `</a>`, "<small>" + name + " — thông tin"} {
			if !strings.Contains(body, w) {
				t.Errorf("public %s lacks %q", p, w)
			}
		}
	}
	// The one error page wears it too (a 404 here).
	if res, body := ev.get(t, anon, "/thu-tuc/khong-co-thu-tuc-nay"); res.StatusCode != http.StatusNotFound ||
		!strings.Contains(body, `class="emblem"><a href="/">`+name+`</a>`) || !strings.Contains(body, `href="/thuong-hieu.css?v=`) {
		t.Errorf("error page %d lacks the branding: %s", res.StatusCode, body)
	}
	if _, body = ev.get(t, anon, "/"); !strings.Contains(body, `<h1 id="h-home">`+name+`</h1>`) {
		t.Error("the public home's heading is not the center's name")
	}
	res, css := ev.get(t, anon, "/thuong-hieu.css")
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/css") || !strings.Contains(css, "--brand:#1d4f2a") || !strings.Contains(css, "background:#6a1b9a") {
		t.Errorf("stylesheet %s: %s", ct, css)
	}
	res, img := ev.get(t, anon, "/thuong-hieu/bieu-trung")
	if res.Header.Get("Content-Type") != "image/png" || img != string(pngEmblem) {
		t.Errorf("emblem: %s, %d bytes", res.Header.Get("Content-Type"), len(img))
	}
	// Changing the colour again shows at once.
	if status, _ := ev.saveBranding(t, admin, map[string]string{"name": name, "primary_color": "#0b4f8a", "accent_color": "#6a1b9a"}, nil); status != http.StatusSeeOther {
		t.Fatalf("second save: %d", status)
	}
	if _, css = ev.get(t, anon, "/thuong-hieu.css"); !strings.Contains(css, "--brand:#0b4f8a") {
		t.Errorf("after a change the stylesheet is %s", css)
	}
	if _, img = ev.get(t, anon, "/thuong-hieu/bieu-trung"); img != string(pngEmblem) {
		t.Error("saving without a file dropped the emblem")
	}
}
