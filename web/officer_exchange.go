package web

import (
	"net/http"
	"net/url"
	"strconv"

	"motcua/dossier"
	"motcua/workflow"
)

// exchangeDone is the ok parameter after a package is sent from the
// dossier page.
const exchangeDone = "lien-thong"

func init() {
	doneMessages[exchangeDone] = "Đã gửi gói liên thông của hồ sơ %s; theo dõi trả lời bên dưới."
}

// uiSendExchange sends a step of the dossier's inter-agency plan (the
// dossier page's "Gửi liên thông"), then shows the dossier again.
func (s *Server) uiSendExchange(w http.ResponseWriter, r *http.Request, u *dossier.User) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, dossier.Invalid("Biểu mẫu không hợp lệ"))
		return
	}
	code := r.PathValue("code")
	var in workflow.ExchangeSendInput
	if r.PostForm.Get("kind") == string(dossier.ExchangeRegister) {
		in.Kind = dossier.ExchangeRegister
	} else if n, err := strconv.Atoi(r.PostForm.Get("step")); err == nil {
		in.Step = &n
	}
	if _, err := s.svc.SendExchange(r.Context(), u, code, in); err != nil {
		if c := dossier.ErrorCode(err); c == dossier.EFORBIDDEN || c == dossier.ENOTFOUND || c == dossier.EUNAUTHORIZED {
			s.fail(w, r, err)
			return
		}
		s.showDossier(w, r, u, code, statusOf(dossier.ErrorCode(err)), "", err, "")
		return
	}
	http.Redirect(w, r, "/ho-so/"+url.PathEscape(code)+"?ok="+exchangeDone+"#lien-thong", http.StatusSeeOther)
}
