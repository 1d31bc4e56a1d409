package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"

	"motcua/dossier"
	"motcua/pdf"
	"motcua/workflow"
)

// The legal basis and the forms to download of a procedure's public page
// (issue 19). The catalog gives forms as files (dossier.FormDownload);
// a component marked "(theo mẫu)" without a file of the same name links to
// a printable blank form drawn by our PDF writer, labelled as such.

// formLink is one form offered on a procedure page.
type formLink struct {
	Name  string
	URL   string
	Blank bool // a blank form printed by motcua, not an official file
}

// procedureForms lists the forms of p to download: the catalog's files,
// then a blank form for each "(theo mẫu)" component the files do not cover.
func procedureForms(p dossier.Procedure) []formLink {
	var out []formLink
	have := map[string]bool{}
	for _, f := range p.Forms {
		out = append(out, formLink{Name: f.Name, URL: f.URL})
		have[strings.ToLower(f.Name)] = true
	}
	for _, c := range p.Components {
		if !dossier.FilledInForm(c) || have[strings.ToLower(dossier.FormTitle(c))] {
			continue
		}
		out = append(out, formLink{Name: dossier.FormTitle(c), Blank: true,
			URL: "/thu-tuc/" + url.PathEscape(p.Code) + "/mau/" + url.PathEscape(c.Code) + ".pdf"})
	}
	return out
}

// pdfRenderer is the PDF renderer of the pages that draw one (the ledger,
// blank forms), made on first use.
func (s *Server) pdfRenderer() (*pdf.Renderer, error) {
	s.ledger.once.Do(func() { s.ledger.r, s.ledger.err = pdf.NewRenderer() })
	return s.ledger.r, s.ledger.err
}

// pageBlankForm serves the blank form of a "(theo mẫu)" component.
func (s *Server) pageBlankForm(w http.ResponseWriter, r *http.Request) {
	e, err := s.svc.PublicProcedure(r.Context(), r.PathValue("code"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	code := strings.TrimSuffix(r.PathValue("component"), ".pdf")
	c, ok := e.Component(code)
	if !ok || !dossier.FilledInForm(c) {
		s.fail(w, r, dossier.Errorf(dossier.ENOTFOUND, "Thủ tục không có mẫu này"))
		return
	}
	rd, err := s.pdfRenderer()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := rd.RenderBlankForm(&buf, blankFormOf(e, c)); err != nil {
		s.fail(w, r, err)
		return
	}
	publicCache(w, r)
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="mau-`+e.Code+"-"+c.Code+`.pdf"`)
	w.Write(buf.Bytes())
}

func blankFormOf(e *workflow.CatalogEntry, c dossier.Component) pdf.BlankForm {
	return pdf.BlankForm{Title: dossier.FormTitle(c), Procedure: e.Name, Agency: e.AgencyName, LegalBasis: e.LegalBasis}
}
