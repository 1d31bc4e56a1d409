package web

import (
	"fmt"
	"io"
	"net/http"
	"strings"

	"motcua/dossier"
	"motcua/workflow"
)

// Branding as data (issue 19): the admin sets the center's name, colours
// and emblem at /quan-tri/thuong-hieu; both layouts show the name and the
// emblem and link /thuong-hieu.css, which carries the colours (the CSP
// forbids inline styles). Without a branding the layouts keep their
// defaults and link no extra stylesheet.

// brandingOf is the branding pages show; nil (the defaults) when none is
// set or it cannot be read (a page never fails for its decoration).
func (s *Server) brandingOf(r *http.Request) *dossier.Branding {
	b, err := s.svc.Branding(r.Context())
	if err != nil {
		s.log.Warn("branding: read", "err", err)
		return nil
	}
	return b
}

// brandingCSS serves the colours of the branding.
func (s *Server) brandingCSS(w http.ResponseWriter, r *http.Request) {
	b := s.brandingOf(r)
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	if b == nil {
		io.WriteString(w, "/* mặc định */\n")
		return
	}
	// The colours are validated #rrggbb: nothing else reaches the sheet.
	fmt.Fprintf(w, `:root{--brand:%[1]s;--brand-ink:#fff}
.fhead{background:%[1]s}
button.primary,.button.primary{background:%[2]s;border-color:%[2]s}
body.front button,body.front .button{background:%[2]s;border-color:%[2]s;color:#fff}
body.front button.ghost,body.front .button.ghost{background:#fff;color:%[2]s}
body.front button.link{background:none;border:0;color:inherit}
img.emblem{height:2rem;width:auto;vertical-align:middle;margin-right:.5rem}
`, b.PrimaryColor, b.AccentColor)
}

// brandingEmblem serves the emblem image, or the favicon when none is set.
func (s *Server) brandingEmblem(w http.ResponseWriter, r *http.Request) {
	img, typ, err := s.svc.BrandingEmblem(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if img == nil {
		// None set: the installation's own icon.
		if img, err = staticFS.ReadFile("static/favicon.svg"); err != nil {
			s.fail(w, r, err)
			return
		}
		typ = "image/svg+xml"
	}
	w.Header().Set("Content-Type", typ)
	w.Header().Set("Cache-Control", "public, max-age=300")
	// An SVG emblem is shown as an image only: no script runs from it.
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox")
	w.Write(img)
}

// emblemType is the image type of an uploaded emblem, from its bytes (the
// type the browser claims is not trusted); an SVG is told by its name and
// an <svg element near the start. "" when it is none of the accepted.
func emblemType(b []byte, name string) string {
	switch t := http.DetectContentType(b); t {
	case "image/png", "image/jpeg", "image/webp":
		return t
	}
	head := strings.ToLower(string(b[:min(len(b), 1024)]))
	if strings.HasSuffix(strings.ToLower(name), ".svg") && strings.Contains(head, "<svg") {
		return "image/svg+xml"
	}
	return ""
}

// brandingForm is the admin page's data.
type brandingForm struct {
	B      dossier.Branding
	Custom bool
	Errors uiFieldErrors
	ErrMsg string
}

// defaultBranding is what the admin form starts from: the public layout's
// colours.
var defaultBranding = dossier.Branding{Name: "Trung tâm Phục vụ hành chính công", PrimaryColor: "#8b0000", AccentColor: "#0b5394"}

func (s *Server) uiAdminBranding(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	f := &brandingForm{B: defaultBranding, Errors: uiFieldErrors{}}
	if b := s.brandingOf(r); b != nil {
		f.B, f.Custom = *b, true
	}
	s.renderPage(w, r, http.StatusOK, "branding", &uiPage{Title: "Nhận diện của trung tâm", Active: "quan-tri", D: f,
		Flash: map[bool]string{true: "Đã lưu nhận diện của trung tâm."}[r.URL.Query().Get("ok") == "1"]})
}

// uiAdminSaveBranding saves the name, the colours and the emblem.
func (s *Server) uiAdminSaveBranding(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	r.Body = http.MaxBytesReader(w, r.Body, dossier.MaxEmblemBytes+64<<10)
	b := dossier.Branding{}
	change, emblem, typ := workflow.EmblemKeep, []byte(nil), ""
	err := r.ParseMultipartForm(dossier.MaxEmblemBytes + 64<<10)
	if err == nil {
		b = dossier.Branding{Name: r.PostFormValue("name"), PrimaryColor: r.PostFormValue("primary_color"), AccentColor: r.PostFormValue("accent_color")}
		if r.PostFormValue("remove_emblem") == "1" {
			change = workflow.EmblemRemove
		} else if file, fh, ferr := r.FormFile("emblem"); ferr == nil {
			defer file.Close()
			if emblem, err = io.ReadAll(io.LimitReader(file, dossier.MaxEmblemBytes+1)); err == nil {
				change, typ = workflow.EmblemReplace, emblemType(emblem, fh.Filename)
			}
		}
		if err == nil {
			_, err = s.svc.SetBranding(r.Context(), u, b, change, emblem, typ)
		}
	} else {
		err = dossier.Invalid("Biểu mẫu không hợp lệ", dossier.FieldError{Field: "emblem", Message: "Ảnh biểu trưng tối đa 256 KB"})
	}
	if err != nil {
		status := statusOf(dossier.ErrorCode(err))
		if status == http.StatusInternalServerError || status == http.StatusForbidden {
			s.fail(w, r, err)
			return
		}
		f := &brandingForm{B: b, Errors: uiErrorsOf(err), ErrMsg: dossier.ErrorMessage(err)}
		s.renderPage(w, r, status, "branding", &uiPage{Title: "Nhận diện của trung tâm", Active: "quan-tri", D: f})
		return
	}
	http.Redirect(w, r, "/quan-tri/thuong-hieu?ok=1", http.StatusSeeOther)
}
