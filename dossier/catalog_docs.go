package dossier

import (
	"net/url"
	"strings"
)

// FormDownload is a form (mẫu đơn, tờ khai) an applicant can download
// from a procedure's public page: a name and where the file is, either an
// absolute http(s) address or a path on this site.
type FormDownload struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

// ValidFormURL reports whether u can be offered as a form to download: an
// absolute http or https address, or a path on this site ("/…", not "//…").
func ValidFormURL(u string) bool {
	if strings.HasPrefix(u, "/") {
		return !strings.HasPrefix(u, "//") && !strings.ContainsAny(u, " \\")
	}
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "http" || p.Scheme == "https") && p.Host != ""
}

// FilledInForm reports whether a component is a form to fill in: the
// catalog marks them "(theo mẫu)" after the name.
func FilledInForm(c Component) bool {
	return strings.Contains(strings.ToLower(c.Name), "(theo mẫu)")
}

// FormTitle is a component's name without its "(theo mẫu)" mark, as the
// title of its blank form.
func FormTitle(c Component) string {
	n := c.Name
	if i := strings.Index(strings.ToLower(n), "(theo mẫu)"); i >= 0 {
		n = n[:i] + n[i+len("(theo mẫu)"):]
	}
	return strings.Join(strings.Fields(n), " ")
}

// validateDocs checks the legal basis and the forms of p.
func (p *Procedure) validateDocs(add func(field, msg string)) {
	for _, d := range p.LegalBasis {
		if strings.TrimSpace(d) == "" || len(d) > 500 {
			add("legal_basis", "Căn cứ pháp lý không hợp lệ (mỗi văn bản tối đa 500 ký tự, phân cách bằng dấu ;)")
			break
		}
	}
	for _, f := range p.Forms {
		if strings.TrimSpace(f.Name) == "" || !ValidFormURL(f.URL) {
			add("forms", "Mẫu đơn phải có dạng Tên=địa chỉ (http(s)://… hoặc /…): "+f.Name)
		}
	}
}
