package workflow

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"motcua/dossier"
	"motcua/store"
	"motcua/vntext"
)

// importEvent is one event of a legacy dossier's history.
type importEvent struct {
	Action string `json:"action"`
	At     string `json:"at"`
	Actor  string `json:"actor"`
	Note   string `json:"note"`
}

// importLine is one line of a dossier history file (contract §6).
type importLine struct {
	Code          string            `json:"code"`
	ProcedureCode string            `json:"procedure_code"`
	Channel       string            `json:"channel"`
	Applicant     dossier.Applicant `json:"applicant"`
	ReceivedAt    *string           `json:"received_at"`
	DueAt         *string           `json:"due_at"`
	// OriginalDueAt is the appointment before an apology moved it (the
	// apology's new date is due_at): lateness is measured against it
	// (NĐ 61/2018 Điều 19.9). Required with an "apologize" event.
	OriginalDueAt *string       `json:"original_due_at"`
	Status        string        `json:"status"`
	FinishedAt    *string       `json:"finished_at"`
	Events        []importEvent `json:"events"`
}

// importActor names the previous system in the history of imported
// dossiers.
const importActor = "Nhập từ hệ thống cũ"

// ImportDossiers imports the history of a previous one-door system
// (contract §6, JSON lines), all or nothing: every line is validated first
// and every bad field is reported with its line number; then all dossiers
// are written in one transaction (imported = true), counted in the report
// aggregates exactly like dossiers received in motcua. A code that already
// exists is an error unless opts.SkipExisting. opts.Progress is called
// while writing. Only admins, or the CLI with a nil user, may import.
func (s *Service) ImportDossiers(ctx context.Context, u *dossier.User, r io.Reader, opts ImportOptions) (*ImportResult, error) {
	if u != nil {
		if err := needAdmin(u); err != nil {
			return nil, err
		}
	}
	cat, _, err := s.db.ReportCatalog(ctx)
	if err != nil {
		return nil, err
	}
	procs := make(map[string]*store.CatalogEntry, len(cat))
	for i := range cat {
		procs[cat[i].Code] = &cat[i]
	}
	sched, err := s.db.RuleSetSchedule(ctx)
	if err != nil {
		return nil, err
	}
	var (
		ds    []store.ImportedDossier
		lines []int
		fs    errList
		seen  = map[string]int{}
	)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		if line == 1 {
			b = bytes.TrimPrefix(b, []byte("\ufeff"))
		}
		x, code, errs := s.parseImportLine(b, line, procs, sched)
		if code != "" {
			if prev, ok := seen[code]; ok {
				errs = append(errs, dossier.FieldError{Line: line, Field: "code", Message: fmt.Sprintf("trùng mã với dòng %d", prev)})
			} else {
				seen[code] = line
			}
		}
		if len(errs) > 0 {
			fs.add(errs...)
			continue
		}
		if fs.n > 0 {
			continue // nothing will be written: keep counting errors only
		}
		ds = append(ds, *x)
		lines = append(lines, line)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, dossier.Invalid("Dòng quá dài", dossier.FieldError{Line: line + 1, Field: "line", Message: "dòng dài quá 4 MB"})
		}
		if dossier.ErrorCode(err) != dossier.EINTERNAL {
			return nil, err // the reader's own limit (web: request too large)
		}
		return nil, dossier.Invalid("Không đọc được tệp: " + err.Error())
	}
	if fs.n > 0 {
		return nil, fs.invalid("Tệp hồ sơ")
	}
	if len(ds) == 0 && line == 0 {
		return nil, dossier.Invalid("Tệp rỗng", dossier.FieldError{Line: 1, Field: "line", Message: "không có hồ sơ nào"})
	}
	return s.importTx(ctx, "dossiers", len(ds), func(tx *store.Tx, res *ImportResult) error {
		defer tx.BulkMode()()
		codes := make([]string, len(ds))
		for i, x := range ds {
			codes[i] = x.D.Code
		}
		existing, err := tx.ExistingCodes(codes)
		if err != nil {
			return err
		}
		todo := ds
		if len(existing) > 0 {
			if !opts.SkipExisting {
				var fs []dossier.FieldError
				for i, x := range ds {
					if existing[x.D.Code] {
						fs = append(fs, dossier.FieldError{Line: lines[i], Field: "code", Message: "mã hồ sơ " + x.D.Code + " đã tồn tại"})
					}
				}
				return dossier.Invalid(fmt.Sprintf("Tệp hồ sơ có %d mã đã tồn tại; không có dòng nào được ghi (dùng --skip-existing để bỏ qua)", len(fs)), fs...)
			}
			todo = make([]store.ImportedDossier, 0, len(ds)-len(existing))
			for _, x := range ds {
				if !existing[x.D.Code] {
					todo = append(todo, x)
				}
			}
			res.Skipped = len(ds) - len(todo)
		}
		deltas := store.Deltas{}
		const batch = 20000
		for i := 0; i < len(todo); i += batch {
			part := todo[i:min(i+batch, len(todo))]
			if err := tx.InsertImported(part); err != nil {
				return err
			}
			facts := make([]*store.Facts, 0, len(part))
			for _, x := range part {
				f := s.factsOf(x.D)
				if f.ReceivedDay == "" {
					continue
				}
				deltas.Add(f, +1)
				facts = append(facts, f)
			}
			if err := tx.PutFacts(facts...); err != nil {
				return err
			}
			res.Created += len(part)
			if opts.Progress != nil {
				opts.Progress(res.Created+res.Skipped, len(ds))
			}
		}
		if opts.Progress != nil && len(todo) == 0 {
			opts.Progress(len(ds), len(ds))
		}
		if err := tx.ApplyDeltas(deltas); err != nil {
			return err
		}
		return tx.Audit(actorName(u), "import", "dossiers", "", fmt.Sprintf(`{"rows":%d,"created":%d,"skipped":%d}`, res.Rows, res.Created, res.Skipped))
	})
}

// parseImportLine decodes and validates one line. It returns the dossier
// and its code, or the line's field errors (and the code if readable).
func (s *Service) parseImportLine(b []byte, line int, procs map[string]*store.CatalogEntry, sched dossier.Schedule) (*store.ImportedDossier, string, []dossier.FieldError) {
	var fs []dossier.FieldError
	bad := func(f, m string) { fs = append(fs, dossier.FieldError{Line: line, Field: f, Message: m}) }
	var in importLine
	if err := json.Unmarshal(b, &in); err != nil {
		var ute *json.UnmarshalTypeError
		if errors.As(err, &ute) {
			field := ute.Field
			if field == "" {
				field = "line" // the line itself is not an object
			}
			bad(field, "sai kiểu dữ liệu (cần "+ute.Type.String()+")")
		} else {
			bad("line", "JSON không hợp lệ: "+err.Error())
		}
		return nil, "", fs
	}
	d := &dossier.Dossier{Code: strings.TrimSpace(in.Code), ProcedureCode: strings.TrimSpace(in.ProcedureCode),
		Channel: dossier.Channel(in.Channel), Status: dossier.Status(in.Status), Version: 1, Imported: true, Mode: dossier.ModeStandard}
	if !dossier.ValidCode(d.Code) {
		bad("code", "mã hồ sơ không hợp lệ (chữ, số, dấu . _ -, tối đa 64 ký tự)")
	}
	p := procs[d.ProcedureCode]
	switch {
	case d.ProcedureCode == "":
		bad("procedure_code", "thiếu mã thủ tục")
	case p == nil:
		bad("procedure_code", "không có thủ tục "+d.ProcedureCode+" trong danh mục")
	case p.Center == "":
		bad("procedure_code", "chưa có trung tâm tiếp nhận thủ tục của cơ quan "+p.Agency)
	default:
		d.AgencyCode, d.CenterCode = p.Agency, p.Center
	}
	if !d.Channel.Valid() {
		bad("channel", "kênh nộp phải là counter, online hoặc postal")
	}
	in.Applicant.Name = vntext.NFC(strings.TrimSpace(in.Applicant.Name))
	in.Applicant.Address = vntext.NFC(in.Applicant.Address)
	in.Applicant.IDNumber = strings.TrimSpace(in.Applicant.IDNumber)
	for _, f := range in.Applicant.Validate("applicant.") {
		f.Line = line
		fs = append(fs, f)
	}
	d.Applicant = in.Applicant
	if !d.Status.Valid() {
		bad("status", "trạng thái không hợp lệ")
	}
	at := func(field string, v *string) *time.Time {
		if v == nil || strings.TrimSpace(*v) == "" {
			return nil
		}
		t, err := time.Parse(time.RFC3339, strings.TrimSpace(*v))
		if err != nil {
			bad(field, "thời điểm phải theo RFC 3339 có múi giờ (2021-04-01T08:30:00+07:00)")
			return nil
		}
		t = t.UTC().Truncate(time.Millisecond)
		return &t
	}
	d.ReceivedAt, d.DueAt, d.FinishedAt = at("received_at", in.ReceivedAt), at("due_at", in.DueAt), at("finished_at", in.FinishedAt)
	notReceivedOK := d.Status == dossier.StatusSubmitted || d.Status == dossier.StatusRefused || d.Status == dossier.StatusWithdrawn
	if d.ReceivedAt == nil && (in.ReceivedAt == nil || strings.TrimSpace(*in.ReceivedAt) == "") && !notReceivedOK {
		bad("received_at", "thiếu thời điểm tiếp nhận")
	}
	if d.ReceivedAt != nil && d.Status == dossier.StatusSubmitted {
		bad("received_at", "hồ sơ chờ tiếp nhận (submitted) không có thời điểm tiếp nhận")
	}
	if d.ReceivedAt != nil {
		if d.DueAt == nil && (in.DueAt == nil || strings.TrimSpace(*in.DueAt) == "") {
			bad("due_at", "thiếu ngày hẹn trả")
		}
		if d.DueAt != nil && d.DueAt.Before(*d.ReceivedAt) {
			bad("due_at", "ngày hẹn trả trước thời điểm tiếp nhận")
		}
	}
	if d.Status.Valid() {
		if d.Status.Terminal() {
			if d.FinishedAt == nil && (in.FinishedAt == nil || strings.TrimSpace(*in.FinishedAt) == "") {
				bad("finished_at", "hồ sơ đã kết thúc ("+string(d.Status)+") cần thời điểm kết thúc")
			}
		} else if in.FinishedAt != nil && strings.TrimSpace(*in.FinishedAt) != "" {
			bad("finished_at", "hồ sơ chưa kết thúc phải có finished_at = null")
		}
	}
	if d.FinishedAt != nil && d.ReceivedAt != nil && d.FinishedAt.Before(*d.ReceivedAt) {
		bad("finished_at", "thời điểm kết thúc trước thời điểm tiếp nhận")
	}
	orig := at("original_due_at", in.OriginalDueAt)
	var apologyAt *time.Time
	var events []dossier.HistoryEntry
	prev := dossier.Status("")
	for i, e := range in.Events {
		f := fmt.Sprintf("events[%d]", i)
		a := dossier.Action(e.Action)
		to := prev
		if r, ok := dossier.RuleOf(a); !ok {
			bad(f+".action", "thao tác không hợp lệ: "+e.Action)
		} else if r.To != dossier.StatusNone {
			to = r.To
		}
		t := at(f+".at", &e.At)
		if t == nil && strings.TrimSpace(e.At) == "" {
			bad(f+".at", "thiếu thời điểm")
		}
		if t == nil {
			continue
		}
		actor := vntext.NFC(strings.TrimSpace(e.Actor))
		if actor == "" {
			actor = importActor
		}
		if a == dossier.ActRequestSupplement {
			d.Supplements++
		}
		if a == dossier.ActApologize {
			if apologyAt != nil {
				bad(f+".action", "hồ sơ chỉ được xin lỗi, hẹn lại ngày trả một lần (NĐ 61/2018 Điều 19.9)")
			}
			apologyAt = t
		}
		events = append(events, dossier.HistoryEntry{Action: a, From: prev, To: to, Actor: actor, At: *t, Note: vntext.NFC(e.Note)})
		prev = to
	}
	if apologyAt != nil && orig == nil && (in.OriginalDueAt == nil || strings.TrimSpace(*in.OriginalDueAt) == "") {
		bad("original_due_at", "hồ sơ có phiếu xin lỗi (apologize) cần hạn trả ban đầu: quá hạn được tính theo hạn ban đầu, due_at là ngày hẹn lại (NĐ 61/2018 Điều 19.9)")
	}
	if orig != nil && d.DueAt != nil && orig.After(*d.DueAt) {
		bad("original_due_at", "hạn trả ban đầu sau ngày hẹn trả due_at")
	}
	if orig != nil && d.ReceivedAt != nil && orig.Before(*d.ReceivedAt) {
		bad("original_due_at", "hạn trả ban đầu trước thời điểm tiếp nhận")
	}
	if len(fs) > 0 {
		return nil, d.Code, fs
	}
	if len(events) == 0 {
		events = synthesizeHistory(d)
	}
	d.SubmittedAt = d.ReceivedAt
	if d.SubmittedAt == nil && len(events) > 0 {
		d.SubmittedAt = &events[0].At
	}
	// The measure of lateness is the original appointment, an apology's
	// new date (due_at) the applicant's (dossier.MeasureDue).
	d.OriginalDueAt, d.LegalDueAt, d.ApologyAt = d.DueAt, d.DueAt, apologyAt
	if orig != nil {
		d.OriginalDueAt = orig
	}
	d.MeasureDueAt = d.OriginalDueAt
	// The rule set in force at the receipt (the schedule is the
	// province's data), or now for a dossier never received.
	rs := s.ruleSetAt(sched, s.now())
	if d.ReceivedAt != nil {
		day := s.day(*d.ReceivedAt)
		if p.FiveOnSpotAt(day) {
			d.Mode = dossier.ModeFiveOnSpot
		}
		rs = s.ruleSetAt(sched, *d.ReceivedAt)
	}
	d.RuleSet, d.FormSet = rs.ID, rs.FormSet
	cal := s.CalendarFor(d.CenterCode)
	if (d.Status == dossier.StatusReturned || d.Status == dossier.StatusRefused) && d.DueAt != nil && d.FinishedAt != nil {
		d.Outcome = dossier.Judge(d, cal, *d.FinishedAt)
	}
	if d.Status == dossier.StatusReturned && d.Mode == dossier.ModeFiveOnSpot {
		// The supervision report counts it; a history from an older
		// system records no places, so it cannot show "5 tại chỗ".
		d.History = events
		achieved, sameDay := dossier.FiveOnSpotAchieved(d), dossier.ReturnedSameDay(d, cal)
		d.FiveOnSpotAchieved, d.ReturnedSameDay, d.History = &achieved, &sameDay, nil
	}
	// No receipt token was ever printed for an imported dossier: its lookup
	// key is unique but matches no token's hash (hashes are hex, this has
	// a colon), so it cannot be looked up publicly.
	return &store.ImportedDossier{D: d, LookupHash: "imported:" + d.Code, Events: events}, d.Code, nil
}

// synthesizeHistory gives an imported dossier without events a history of
// its receipt and its end.
func synthesizeHistory(d *dossier.Dossier) []dossier.HistoryEntry {
	var hs []dossier.HistoryEntry
	from := dossier.Status("")
	if d.ReceivedAt != nil {
		hs = append(hs, dossier.HistoryEntry{Action: dossier.ActReceive, To: dossier.StatusReceived, Actor: importActor, At: *d.ReceivedAt, Note: "Nhập từ hệ thống một cửa trước đây"})
		from = dossier.StatusReceived
	}
	if d.FinishedAt != nil {
		a := map[dossier.Status]dossier.Action{dossier.StatusReturned: dossier.ActReturn, dossier.StatusRefused: dossier.ActRefuse,
			dossier.StatusWithdrawn: dossier.ActWithdraw}[d.Status]
		if a != "" {
			hs = append(hs, dossier.HistoryEntry{Action: a, From: from, To: d.Status, Actor: importActor, At: *d.FinishedAt})
		}
	}
	return hs
}
