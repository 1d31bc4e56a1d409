package bench

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync/atomic"
	"time"
)

// accounts are the bearer tokens of the officers (and the citizen) the
// clients act as: the demo accounts, shared by every client as the
// officers of one agency share a register.
type accounts struct {
	reception, appraiser, approver, clerk, supervisor string
	citizen, citizenID                                string
}

func (a *accounts) tokens() map[string]string {
	return map[string]string{"reception": a.reception, "appraiser": a.appraiser, "approver": a.approver, "clerk": a.clerk,
		"supervisor": a.supervisor}
}

// procedureInfo is what the clients need of the procedure they file.
type procedureInfo struct {
	Code       string `json:"code"`
	Components []struct {
		Code     string `json:"code"`
		Required bool   `json:"required"`
	} `json:"components"`
}

func (p *procedureInfo) required() []string {
	var out []string
	for _, c := range p.Components {
		if c.Required {
			out = append(out, c.Code)
		}
	}
	return out
}

// worker is one simulated officer desk driving dossiers end to end.
type worker struct {
	cfg  *Config
	c    *client
	acc  *accounts
	proc *procedureInfo
	rng  *rand.Rand
	rec  *recorder
	// stop ends the run between two requests, so that no request is cut
	// in the middle and no dossier is left where the client lost track.
	stop *atomic.Bool
}

// errStopped abandons a lifecycle when the run ends.
var errStopped = errors.New("bench: stopped")

var applicantNames = []string{"Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thị Dung", "Đặng Văn Đức",
	"Vũ Thị Hạnh", "Bùi Minh Khôi", "Hoàng Thị Lan", "Ngô Quang Minh", "Đỗ Thu Ngân"}

// fail records err under its kind unless the run is over.
func (w *worker) fail(ctx context.Context, err error) {
	if ctx.Err() != nil || errors.Is(err, errStopped) {
		return // the run ended under this request
	}
	var ae *apiError
	if errors.As(err, &ae) {
		w.rec.fail(ae.kind())
		return
	}
	w.rec.fail(err.Error())
}

// components uploads one file per required component as tok and returns
// them in the shape of POST /dossiers.
func (w *worker) components(ctx context.Context, tok string, codes []string) ([]map[string]string, error) {
	out := make([]map[string]string, 0, len(codes))
	for _, code := range codes {
		if w.stop.Load() {
			return nil, errStopped
		}
		id, err := w.c.upload(ctx, tok, w.cfg.BlobKB<<10)
		if err != nil {
			return nil, err
		}
		out = append(out, map[string]string{"code": code, "blob_id": id})
	}
	return out, nil
}

// receive files a new dossier: at the counter by reception, or online by
// the citizen (then reception accepts it after checking).
func (w *worker) receive(ctx context.Context, online bool) (*dossierRef, error) {
	tok, step, channel := w.acc.reception, "receive", "counter"
	id := fmt.Sprintf("0010%08d", w.rng.IntN(100000000))
	if online {
		tok, step, channel, id = w.acc.citizen, "submit", "online", w.acc.citizenID
	}
	comps, err := w.components(ctx, tok, w.proc.required())
	if err != nil {
		return nil, err
	}
	in := map[string]any{"procedure_code": w.proc.Code, "channel": channel, "components": comps,
		"applicant": map[string]string{"kind": "citizen", "name": applicantNames[w.rng.IntN(len(applicantNames))], "id_number": id,
			"phone": "0912345678", "address": "Phường Suối Hoa, tỉnh Bắc Ninh"}}
	d := &dossierRef{}
	if w.stop.Load() {
		return nil, errStopped
	}
	if err := w.c.postJSON(ctx, step, "/api/v1/dossiers", tok, in, d); err != nil {
		return nil, err
	}
	w.rec.count("transitions", 1)
	if online {
		if err := w.act(ctx, w.acc.reception, d, "accept", nil); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func (w *worker) act(ctx context.Context, tok string, d *dossierRef, action string, fields map[string]any) error {
	if w.stop.Load() {
		return errStopped
	}
	if err := w.c.act(ctx, tok, d, action, fields); err != nil {
		return err
	}
	w.rec.count("transitions", 1)
	return nil
}

// lifecycle drives one dossier from filing to its end: returned with a
// numbered, sealed result, or refused. Shares of the lifecycles take the
// side roads (online filing, supplement, clarification, refusal).
func (w *worker) lifecycle(ctx context.Context) (string, error) {
	cfg, acc := w.cfg, w.acc
	online := acc.citizen != "" && w.rng.Float64() < cfg.Online
	d, err := w.receive(ctx, online)
	if err != nil {
		return "", err
	}
	if err := w.act(ctx, acc.appraiser, d, "assign", nil); err != nil {
		return "", err
	}
	if w.rng.Float64() < cfg.Supplement {
		req := w.proc.required()
		missing := req[len(req)-1:]
		if err := w.act(ctx, acc.appraiser, d, "request-supplement", map[string]any{"reason": "Bản sao chưa chứng thực", "missing": missing}); err != nil {
			return "", err
		}
		comps, err := w.components(ctx, acc.reception, missing)
		if err != nil {
			return "", err
		}
		if err := w.act(ctx, acc.reception, d, "supplement", map[string]any{"components": comps}); err != nil {
			return "", err
		}
	}
	if w.rng.Float64() < cfg.Refuse {
		if err := w.act(ctx, acc.appraiser, d, "submit-appraisal", map[string]any{"recommendation": "refuse",
			"report": "Hồ sơ không đủ điều kiện theo quy định."}); err != nil {
			return "", err
		}
		if err := w.act(ctx, acc.approver, d, "refuse", map[string]any{"reason": "Không đủ điều kiện cấp theo quy định."}); err != nil {
			return "", err
		}
		return "refused", nil
	}
	appraise := map[string]any{"recommendation": "approve", "report": "Hồ sơ đầy đủ, hợp lệ; đủ điều kiện cấp.",
		"draft_result": "Cấp Giấy chứng nhận đăng ký doanh nghiệp."}
	if err := w.act(ctx, acc.appraiser, d, "submit-appraisal", appraise); err != nil {
		return "", err
	}
	if w.rng.Float64() < cfg.Clarify {
		if err := w.act(ctx, acc.approver, d, "request-clarification", map[string]any{"reason": "Làm rõ ngành nghề kinh doanh."}); err != nil {
			return "", err
		}
		if err := w.act(ctx, acc.appraiser, d, "submit-appraisal", appraise); err != nil {
			return "", err
		}
	}
	if err := w.act(ctx, acc.approver, d, "approve", nil); err != nil {
		return "", err
	}
	if err := w.act(ctx, acc.clerk, d, "issue", nil); err != nil {
		return "", err
	}
	if d.Result == nil || d.Result.Number == "" {
		return "", &apiError{step: "issue", status: http.StatusOK, title: "issued without a number"}
	}
	if err := w.act(ctx, acc.reception, d, "return", nil); err != nil {
		return "", err
	}
	return "returned", nil
}

// runLifecycles runs lifecycles until ctx ends or limit lifecycles have
// been started (0: no limit).
func (w *worker) runLifecycles(ctx context.Context, started *atomic.Int64, limit int64) {
	for ctx.Err() == nil && !w.stop.Load() {
		if limit > 0 && started.Add(1) > limit {
			return
		}
		out, err := w.lifecycle(ctx)
		if err != nil {
			w.fail(ctx, err)
			// As an officer's front end would, wait a moment before the
			// next try: a server (or its database) that is away is not
			// hammered, and the error count stays a count of attempts.
			select {
			case <-ctx.Done():
			case <-time.After(100 * time.Millisecond):
			}
			continue
		}
		w.rec.count(out, 1)
	}
}

// cheapSetup files the worker's dossiers for the cheap loop and brings
// them to where the loop starts: assigned (supplement loop), or with the
// appraisal submitted (clarification loop).
func (w *worker) cheapSetup(ctx context.Context, n int) ([]*dossierRef, error) {
	out := make([]*dossierRef, 0, n)
	for range n {
		d, err := w.receive(ctx, false)
		if err != nil {
			return nil, err
		}
		if err := w.act(ctx, w.acc.appraiser, d, "assign", nil); err != nil {
			return nil, err
		}
		if w.cfg.CheapLoop == LoopClarify {
			if err := w.act(ctx, w.acc.appraiser, d, "submit-appraisal", appraisal); err != nil {
				return nil, err
			}
		}
		out = append(out, d)
	}
	return out, nil
}

// appraisal is the appraiser's report recommending approval.
var appraisal = map[string]any{"recommendation": "approve", "report": "Hồ sơ đầy đủ, hợp lệ; đủ điều kiện cấp.",
	"draft_result": "Cấp Giấy chứng nhận đăng ký doanh nghiệp."}

// runCheap loops over the worker's dossiers with cheap transitions that
// neither render nor sign anything, so they measure the write path
// itself: request-clarification ↔ submit-appraisal (the default), or
// request-supplement ↔ supplement (which now also produces the signed
// guidance slip, Mẫu 02).
func (w *worker) runCheap(ctx context.Context, ds []*dossierRef, done *atomic.Int64, limit int64) {
	for i := 0; ctx.Err() == nil && !w.stop.Load(); i++ {
		if limit > 0 && done.Add(1) > limit {
			return
		}
		d := ds[i%len(ds)]
		var err error
		switch {
		case d.Status == "supplement_requested":
			err = w.act(ctx, w.acc.reception, d, "supplement", nil)
		case d.Status == "appraising" && w.cfg.CheapLoop == LoopClarify:
			err = w.act(ctx, w.acc.appraiser, d, "submit-appraisal", appraisal)
		case d.Status == "awaiting_approval":
			err = w.act(ctx, w.acc.approver, d, "request-clarification", map[string]any{"reason": "Làm rõ ngành nghề kinh doanh"})
		default:
			err = w.act(ctx, w.acc.appraiser, d, "request-supplement", map[string]any{"reason": "Thiếu bản sao chứng thực"})
		}
		if err != nil {
			w.fail(ctx, err)
			if ctx.Err() != nil || errors.Is(err, errStopped) {
				return
			}
			// Reload the dossier: its version or status may have moved.
			var fresh dossierRef
			if gerr := w.c.do(ctx, "get", http.MethodGet, "/api/v1/dossiers/"+d.Code, w.acc.appraiser, "", nil, &fresh); gerr == nil {
				*d = fresh
			}
		}
	}
}
