package web

import (
	"bytes"
	"net/http"
	"strings"
	"time"

	"motcua/dossier"
	"motcua/pdf"
	"motcua/workflow"
)

// resultMethod is how the applicant receives the result, by channel.
func resultMethod(channel string) string {
	switch channel {
	case "online":
		return "Trực tuyến"
	case "postal":
		return "Dịch vụ bưu chính công ích"
	}
	return "Trực tiếp"
}

// ledgerEntry maps a stored row onto the ledger's columns. "Hẹn trả kết
// quả" is the appointment lateness is measured against (the original one,
// moved only by the applicant's waits), so that the register compared with
// "Trả kết quả" shows a late dossier late; an apology's new date is noted
// (NĐ 61/2018 Điều 19.9). loc is the center's time zone.
func ledgerEntry(r workflow.LedgerRow, loc *time.Location) pdf.LedgerEntry {
	e := pdf.LedgerEntry{DossierCode: r.Code, Procedure: r.Procedure, Applicant: r.Applicant, Address: r.Address, Phone: r.Phone,
		Agency: r.Agency, ReceivedAt: r.ReceivedAt, ResultMethod: resultMethod(r.Channel)}
	var notes []string
	st := dossier.Status(r.Status)
	switch {
	case st == dossier.StatusReturned && r.FinishedAt != nil:
		e.ReturnedAt = *r.FinishedAt
	case st == dossier.StatusRefused || st == dossier.StatusWithdrawn:
		n := st.Label()
		if r.Reason != "" {
			n += ": " + r.Reason
		}
		notes = append(notes, n)
	default:
		notes = append(notes, st.Label())
	}
	switch {
	case r.MeasureDueAt != nil:
		e.DueAt = *r.MeasureDueAt
		if r.DueAt != nil && !r.DueAt.Equal(*r.MeasureDueAt) {
			notes = append(notes, "Hẹn lại "+r.DueAt.In(loc).Format(uiLayoutTime)+" (phiếu xin lỗi)")
		}
	case r.DueAt != nil:
		e.DueAt = *r.DueAt
	}
	e.Note = strings.Join(notes, "; ")
	return e
}

// apiLedger serves the ledger of a center and period as XLSX or PDF.
func (s *Server) apiLedger(asPDF bool) func(http.ResponseWriter, *http.Request, *dossier.User) {
	return func(w http.ResponseWriter, r *http.Request, u *dossier.User) {
		var entries []pdf.LedgerEntry
		info, err := s.svc.Ledger(r.Context(), u, reportQuery(r), func(row workflow.LedgerRow) error {
			entries = append(entries, ledgerEntry(row, s.svc.Location()))
			return nil
		})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		l := ledgerOf(info, entries, info.At)
		var buf bytes.Buffer
		name := "so-theo-doi-ho-so-" + info.Center.Code + "-" + info.Query.From + "-" + info.Query.To
		if asPDF {
			rd, err := s.pdfRenderer()
			if err != nil {
				s.fail(w, r, err)
				return
			}
			if err := rd.RenderLedger(&buf, l); err != nil {
				s.fail(w, r, err)
				return
			}
			sendFile(w, buf.Bytes(), "application/pdf", name+".pdf")
			return
		}
		if err := pdf.WriteLedgerXLSX(&buf, l); err != nil {
			s.fail(w, r, err)
			return
		}
		sendFile(w, buf.Bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name+".xlsx")
	}
}

func ledgerOf(info *workflow.LedgerInfo, entries []pdf.LedgerEntry, now time.Time) pdf.Ledger {
	year := 0
	if len(info.Query.From) >= 4 {
		for _, c := range info.Query.From[:4] {
			year = year*10 + int(c-'0')
		}
	}
	return pdf.Ledger{
		FormMeta: pdf.FormMeta{Set: pdf.FormSet(info.FormSet), Date: now,
			Header: pdf.Header{ParentAgency: strings.ToUpper(info.Parent), Unit: strings.ToUpper(info.Center.Name)}},
		Year: year, Entries: entries,
	}
}
