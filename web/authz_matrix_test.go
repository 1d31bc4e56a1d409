package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"motcua/demo"
	"motcua/dossier"
	"motcua/internal/clocktest"
	"motcua/internal/stacktest"
	"motcua/internal/testfile"
	"motcua/internal/tooltest"
	"motcua/payment"
	"motcua/sign"
	"motcua/store"
	"motcua/web"
	"motcua/workflow"
)

// The role × object authorization matrix (issue 16, security.md ASVS
// 8.2.1–8.2.2 and R10). Every route the server registers (web.Routes) is
// probed by every caller — anonymous, each role of the demo center
// (reception, appraiser, approver, clerk, supervisor, admin), the citizen
// who owns the objects, officers of another unit (a district center and
// its agency) and another citizen — against objects owned by someone
// else: a dossier the owner submitted online and the officers of
// BN.TTHCC / BN.SKHDT handle, its files, slips, payments, results.
//
// The expected-allow table below is explicit: for each route, who may. A
// probe answered 2xx (or a redirect elsewhere than a sign-in page) by a
// caller not in the table is an unexpected allow and fails the test; a
// caller in the table that is not let through fails it too, so that each
// probe provably reaches the authorization decision (a probe that every
// caller fails for another reason would prove nothing). For collections
// the probe names a marker of the foreign object: an answer without it is
// the caller's own data, not an allow. A route the table does not know
// fails the test: a new route needs its row.

// Callers.
const (
	anon       = "anonymous"
	reception  = "reception"
	appraiser  = "appraiser"
	approver   = "approver"
	clerk      = "clerk"
	supervisor = "supervisor"
	admin      = "admin"
	owner      = "citizen"
	fReception = "foreign-reception"
	fAppraiser = "foreign-appraiser"
	fApprover  = "foreign-approver"
	fClerk     = "foreign-clerk"
	fSuper     = "foreign-supervisor"
	fCitizen   = "foreign-citizen"
)

var allCallers = []string{anon, reception, appraiser, approver, clerk, supervisor, admin, owner,
	fReception, fAppraiser, fApprover, fClerk, fSuper, fCitizen}

// Who-sets used by the table.
var (
	everyone  = allCallers
	signedIn  = allCallers[1:]
	officers  = []string{reception, appraiser, approver, clerk, supervisor, admin, fReception, fAppraiser, fApprover, fClerk, fSuper}
	homeStaff = []string{reception, appraiser, approver, clerk, supervisor, admin} // the dossier's own unit
	homeAll   = append(slices.Clone(homeStaff), owner)                             // … and its applicant
	citizens  = []string{owner, fCitizen}
)

func only(cs ...string) []string { return cs }

const matrixPassword = "Cầu-Long-Biên-1902"

type mxCaller struct {
	name  string
	u     *dossier.User
	pw    string
	token string
}

// mxEnv is the demo province with signed documents, its objects and the
// callers' sessions.
type mxEnv struct {
	t       *testing.T
	ctx     context.Context
	svc     *workflow.Service
	db      *store.DB
	h       *web.Server
	srv     *httptest.Server
	callers map[string]*mxCaller
	seq     int

	ownerID string           // the owner's ID number
	online  *dossier.Dossier // submitted online by the owner (status submitted)
	done    *dossier.Dossier // the owner's, returned, with a signed result
	counter *dossier.Dossier // received at the counter (no account)
	apology *dossier.Dossier // the owner's, with an apology slip
	paid    *dossier.Dossier // the owner's, fee paid online
	payment int64
	gateway *payment.Client // the local fake payment gateway
	// receiptToken verifies paid's e-receipt (public, by token).
	receiptToken string
	slip         int64 // a guidance slip of BN.TTHCC
	blob         string
	verify       string // verification token of done's result
}

func newMxEnv(t *testing.T) *mxEnv {
	t.Helper()
	ctx := context.Background()
	_, db, svc := stacktest.SigningDemo(t, store.SQLite, workflow.Config{BaseURL: "https://motcua.example", Now: clocktest.Now})
	h, srv := vneidServer(t, svc, startIdP(t, "027090007777", clocktest.Now).Issuer, clocktest.Now) // VNeID sign-in on
	ev := &mxEnv{t: t, ctx: ctx, svc: svc, db: db, h: h, srv: srv, callers: map[string]*mxCaller{}, ownerID: "001090005678"}
	ev.connectExchange()

	for _, a := range demo.Accounts {
		u, _ := db.UserByName(ctx, a.Username)
		ev.callers[a.Username] = &mxCaller{name: a.Username, u: u, pw: demo.Password}
	}
	officer := func(name, agency, center string, role dossier.Role) {
		u, err := svc.CreateUser(ctx, nil, workflow.NewUserInput{Username: name, Password: matrixPassword, Name: "Cán bộ " + name,
			Agency: agency, Roles: []dossier.Role{role}, Centers: []string{center}, Counter: "Q01", Position: "Chuyên viên"})
		if err != nil {
			t.Fatal(err)
		}
		ev.callers[name] = &mxCaller{name: name, u: u, pw: matrixPassword}
	}
	officer(fReception, "BN.TPBACNINH.TTHCC", "BN.TPBACNINH.TTHCC", dossier.RoleReception)
	officer(fAppraiser, "BN.TPBACNINH.PTP", "BN.TPBACNINH.TTHCC", dossier.RoleAppraiser)
	officer(fApprover, "BN.TPBACNINH.PTP", "BN.TPBACNINH.TTHCC", dossier.RoleApprover)
	officer(fClerk, "BN.TPBACNINH.PTP", "BN.TPBACNINH.TTHCC", dossier.RoleClerk)
	officer(fSuper, "BN.TPBACNINH.TTHCC", "BN.TPBACNINH.TTHCC", dossier.RoleSupervisor)
	citizen := func(name, id string) {
		reg, err := svc.RegisterCitizen(ctx, workflow.NewUserInput{Username: name, Password: matrixPassword, Name: "Công dân " + name, IDNumber: id})
		if err != nil || reg.User == nil {
			t.Fatal(reg, err)
		}
		ev.callers[name] = &mxCaller{name: name, u: reg.User, pw: matrixPassword}
	}
	citizen(owner, ev.ownerID)
	citizen(fCitizen, "001090007777")
	for _, c := range ev.callers {
		var err error
		if c.token, _, err = svc.Login(ctx, c.name, c.pw); err != nil {
			t.Fatalf("login %s: %v", c.name, err)
		}
	}
	ev.callers[anon] = &mxCaller{name: anon}

	// The objects, all someone else's for most callers.
	ev.online = ev.submitted()
	ev.blob = ev.online.Components[0].BlobID
	ev.done = ev.advance(ev.accepted(), dossier.StatusReturned)
	if ev.done.LookupToken == "" {
		t.Fatal("no lookup token")
	}
	ev.counter = ev.atCounter()
	ev.apology = ev.accepted()
	ev.apology = ev.act(reception, ev.apology, dossier.ActApologize, workflow.ActionInput{Reason: "Chờ ý kiến cơ quan phối hợp",
		NewDueAt: ptr(ev.later(*ev.apology.DueAt))})
	fake := payment.NewFake("MOTCUA", "matrix-secret")
	gw := httptest.NewServer(fake)
	t.Cleanup(gw.Close)
	ev.gateway = &payment.Client{BaseURL: gw.URL, Merchant: "MOTCUA", Secret: "matrix-secret", Label: "fake"}
	svc.SetPaymentGateway(ev.gateway, srv.URL)
	ev.paid = ev.accepted()
	out, err := workflow.NewFees(svc, nil, "").Confirm(ctx, ev.paidAnswer(ev.paid), "")
	if err != nil || out.Payment == nil {
		t.Fatal(out, err)
	}
	p := out.Payment
	ev.payment = p.ID
	ev.receiptToken = workflow.EReceiptToken(p.ReceiptSeries, p.ReceiptYear, p.ReceiptNumber, p.LookupCode)
	g, err := svc.CreateGuidanceSlip(ctx, ev.callers[reception].u, workflow.GuidanceInput{ProcedureCode: "2.001610",
		Applicant: dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: "Công dân citizen", IDNumber: ev.ownerID}, Missing: []string{"GDN"}})
	if err != nil {
		t.Fatal(err)
	}
	ev.slip = g.ID
	// One officer's read, so the access log has an entry of the dossier.
	if _, err := svc.ReadDossier(ctx, ev.callers[reception].u, ev.done.Code); err != nil {
		t.Fatal(err)
	}
	return ev
}

func ptr[T any](v T) *T { return &v }

// paidAnswer starts the owner's online payment of d and returns the
// gateway's signed answer that it was paid.
func (ev *mxEnv) paidAnswer(d *dossier.Dossier) url.Values {
	ev.t.Helper()
	o, err := workflow.NewFees(ev.svc, nil, "").PayOnline(ev.ctx, ev.user(owner), d.Code)
	if err != nil {
		ev.t.Fatal(err)
	}
	return payment.Answer(ev.gateway.Merchant, ev.gateway.Secret, workflow.GatewayResult{OrderRef: o.Ref, DossierCode: d.Code,
		Amount: o.Amount, TxnID: fmt.Sprintf("MX%d", ev.next()), Code: payment.CodePaid}, time.Time{})
}

// later is a new due date two working days after due (for an apology).
func (ev *mxEnv) later(due time.Time) time.Time {
	return ev.svc.CalendarFor("BN.TTHCC").AddWorking(due, 16*time.Hour)
}

func (ev *mxEnv) user(name string) *dossier.User { return ev.callers[name].u }

func (ev *mxEnv) next() int { ev.seq++; return ev.seq }

// upload stores a PDF uploaded by caller name.
func (ev *mxEnv) upload(name string) string {
	info, err := ev.svc.Upload(ev.ctx, ev.user(name), bytes.NewReader(testfile.PDF(fmt.Sprintf("%s %d", name, ev.next()))))
	if err != nil {
		ev.t.Fatal(err)
	}
	return info.ID
}

// submitted is a new online dossier of the owner (status submitted).
func (ev *mxEnv) submitted() *dossier.Dossier {
	ev.t.Helper()
	d, err := ev.svc.Receive(ev.ctx, ev.user(owner), workflow.ReceiveInput{ProcedureCode: "2.001610", Channel: dossier.ChannelOnline,
		Applicant:  dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: "Công dân citizen", IDNumber: ev.ownerID},
		Components: []workflow.ComponentInput{{Code: "GDN", BlobID: ev.upload(owner)}, {Code: "GTPL", BlobID: ev.upload(owner)}}})
	if err != nil {
		ev.t.Fatal(err)
	}
	return d
}

// accepted is a new online dossier of the owner, accepted at BN.TTHCC.
func (ev *mxEnv) accepted() *dossier.Dossier {
	return ev.act(reception, ev.submitted(), dossier.ActAccept, workflow.ActionInput{})
}

// atCounter is a new dossier received at BN.TTHCC's counter.
func (ev *mxEnv) atCounter() *dossier.Dossier {
	ev.t.Helper()
	d, err := ev.svc.Receive(ev.ctx, ev.user(reception), workflow.ReceiveInput{ProcedureCode: "2.001610", Channel: dossier.ChannelCounter,
		Applicant:  dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: "Nguyễn Văn An", IDNumber: "001090001234"},
		Components: []workflow.ComponentInput{{Code: "GDN", BlobID: ev.upload(reception)}, {Code: "GTPL", BlobID: ev.upload(reception)}}})
	if err != nil {
		ev.t.Fatal(err)
	}
	return d
}

func (ev *mxEnv) act(who string, d *dossier.Dossier, a dossier.Action, in workflow.ActionInput) *dossier.Dossier {
	ev.t.Helper()
	in.Version = d.Version
	out, err := ev.svc.Act(ev.ctx, ev.user(who), d.Code, a, in)
	if err != nil {
		ev.t.Fatalf("%s %s %s: %v", who, a, d.Code, err)
	}
	out.LookupToken = d.LookupToken // only told at reception: carried along
	return out
}

// advance takes a received dossier forward to status to.
func (ev *mxEnv) advance(d *dossier.Dossier, to dossier.Status) *dossier.Dossier {
	ev.t.Helper()
	steps := []struct {
		who string
		a   dossier.Action
		in  workflow.ActionInput
		at  dossier.Status
	}{
		{appraiser, dossier.ActAssign, workflow.ActionInput{}, dossier.StatusAppraising},
		{appraiser, dossier.ActSubmitAppraisal, workflow.ActionInput{Recommendation: "approve", Report: "Hợp lệ", DraftResult: "Cấp Giấy chứng nhận"}, dossier.StatusAwaitingApproval},
		{approver, dossier.ActApprove, workflow.ActionInput{}, dossier.StatusApproved},
		{clerk, dossier.ActIssue, workflow.ActionInput{}, dossier.StatusIssued},
		{reception, dossier.ActReturn, workflow.ActionInput{}, dossier.StatusReturned},
	}
	if to == dossier.StatusSupplementRequested {
		return ev.act(reception, d, dossier.ActRequestSupplement, workflow.ActionInput{Reason: "Thiếu bản sao giấy tờ"})
	}
	for _, s := range steps {
		if d.Status == to {
			break
		}
		d = ev.act(s.who, d, s.a, s.in)
	}
	if d.Status != to {
		ev.t.Fatalf("advance to %s: at %s", to, d.Status)
	}
	return d
}

// ---- Probes -------------------------------------------------------------

// req is one concrete request.
type req struct {
	method, path, body, ctype string
	header                    map[string]string
}

// probe is the row of one route: how to call it and who may.
type probe struct {
	route string // the pattern, as registered
	allow []string
	// build returns the request for caller c. fresh says the object it
	// names is consumed by an allowed call and must be made anew.
	build func(ev *mxEnv, c string) req
	fresh bool
	// leak, when set, is a marker of the foreign object: a 2xx answer
	// without it is the caller's own data, not an allow.
	leak func(ev *mxEnv) string
	// signOut: the answer of success is a redirect to the sign-in page.
	signOut bool
}

func getReq(path string) func(*mxEnv, string) req {
	return func(*mxEnv, string) req { return req{method: "GET", path: path} }
}

func jsonReq(method, path string, body any) req {
	b, _ := json.Marshal(body)
	return req{method: method, path: path, body: string(b), ctype: "application/json"}
}

func formReq(path string, v url.Values) req {
	return req{method: "POST", path: path, body: v.Encode(), ctype: "application/x-www-form-urlencoded"}
}

func multipartReq(path string, fields map[string]string, files map[string][]byte) req {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for k, data := range files {
		name := k + ".pdf"
		if !bytes.HasPrefix(data, []byte("%PDF")) && !bytes.HasPrefix(data, []byte("PK")) {
			name = k + ".csv"
		}
		fw, _ := mw.CreateFormFile(k, name)
		fw.Write(data)
	}
	mw.Close()
	return req{method: "POST", path: path, body: buf.String(), ctype: mw.FormDataContentType()}
}

// action probes POST …/actions/{action}: each allowed caller acts on a
// dossier of its own, made in status from.
func (ev *mxEnv) actionReq(from dossier.Status, a string, in map[string]any) func(*mxEnv, string) req {
	return func(ev *mxEnv, c string) req {
		var d *dossier.Dossier
		switch from {
		case dossier.StatusSubmitted:
			d = ev.submitted()
		default:
			d = ev.advance(ev.accepted(), from)
		}
		body := map[string]any{"version": d.Version}
		for k, v := range in {
			body[k] = v
		}
		if a == "supplement" && c != anon {
			body["components"] = []map[string]string{{"code": "GDN", "blob_id": ev.uploadIfAllowed(c)}}
		}
		if a == "apologize" {
			body["new_due_at"] = ev.later(*d.DueAt).Format(time.RFC3339)
		}
		return jsonReq("POST", "/api/v1/dossiers/"+d.Code+"/actions/"+a, body)
	}
}

// uploadIfAllowed uploads a file as c when c may upload, otherwise names
// the owner's file (c may not attach it: the request is still well formed).
func (ev *mxEnv) uploadIfAllowed(c string) string {
	if u := ev.user(c); u.HasAny(dossier.RoleReception, dossier.RoleAppraiser, dossier.RoleCitizen, dossier.RoleAdmin) {
		return ev.upload(c)
	}
	return ev.blob
}

func (ev *mxEnv) reportQuery() string {
	day := clocktest.Now().In(ev.svc.Location()).Format("2006-01-02")
	return "?center=BN.TTHCC&from=" + day + "&to=" + day
}

// probes is the expected-allow table: one row per route.
func (ev *mxEnv) probes() []probe {
	dossierPath := func(suffix string) func(*mxEnv, string) req {
		return func(ev *mxEnv, _ string) req {
			return req{method: "GET", path: "/api/v1/dossiers/" + ev.done.Code + suffix}
		}
	}
	ps := []probe{
		// Operations.
		{route: "GET /healthz", allow: everyone, build: getReq("/healthz")},
		{route: "GET /metrics", allow: only(admin), build: getReq("/metrics")},
		{route: "GET /static/", allow: everyone, build: getReq("/static/style.css")},
		{route: "GET /favicon.ico", allow: everyone, build: getReq("/favicon.ico")},

		// Session.
		{route: "POST /api/v1/session", allow: everyone, build: func(*mxEnv, string) req {
			return jsonReq("POST", "/api/v1/session", map[string]string{"username": "clerk", "password": demo.Password})
		}},
		{route: "DELETE /api/v1/session", allow: everyone, fresh: true, build: func(ev *mxEnv, c string) req {
			return ev.ownSession(c, req{method: "DELETE", path: "/api/v1/session"})
		}},
		{route: "GET /api/v1/me", allow: signedIn, build: getReq("/api/v1/me")},

		// Catalog: public, and its changes for admins.
		{route: "GET /api/v1/openapi.json", allow: everyone, build: getReq("/api/v1/openapi.json")},
		{route: "GET /api/v1/agencies", allow: everyone, build: getReq("/api/v1/agencies")},
		{route: "GET /api/v1/centers", allow: everyone, build: getReq("/api/v1/centers")},
		{route: "POST /api/v1/centers", allow: only(admin), build: func(ev *mxEnv, _ string) req {
			return jsonReq("POST", "/api/v1/centers", map[string]any{"code": fmt.Sprintf("MX.C%d", ev.next()), "name": "Trung tâm thử",
				"level": "district", "agency_code": "BN"})
		}},
		{route: "GET /api/v1/procedures", allow: everyone, build: getReq("/api/v1/procedures")},
		{route: "GET /api/v1/procedures/{code}", allow: everyone, build: getReq("/api/v1/procedures/2.001610")},
		{route: "POST /api/v1/imports/{kind}", allow: only(admin), build: func(ev *mxEnv, _ string) req {
			return req{method: "POST", path: "/api/v1/imports/agencies", ctype: "text/csv",
				body: fmt.Sprintf("code,name,level,parent_code\nMX.A%d,Cơ quan thử,district,BN\n", ev.next())}
		}},

		// Files: any uploader may upload; a file is read by the dossier's
		// unit and its applicant.
		{route: "POST /api/v1/blobs", allow: only(reception, appraiser, admin, owner, fReception, fAppraiser, fCitizen),
			build: func(ev *mxEnv, c string) req {
				return req{method: "POST", path: "/api/v1/blobs", ctype: "application/pdf", body: string(testfile.PDF(fmt.Sprintf("probe %d", ev.next())))}
			}},
		{route: "GET /api/v1/blobs/{id}", allow: homeAll, build: func(ev *mxEnv, _ string) req { return req{method: "GET", path: "/api/v1/blobs/" + ev.blob} }},

		// Guidance slips: BN.TTHCC's reception writes them in its own
		// series; its reception and supervisors and admins read them.
		{route: "POST /api/v1/guidance-slips", allow: only(reception), build: func(*mxEnv, string) req {
			return jsonReq("POST", "/api/v1/guidance-slips", map[string]any{"procedure_code": "2.001610", "missing": []string{"GDN"},
				"applicant": map[string]string{"kind": "citizen", "name": "Trần Văn Bình", "id_number": "001090001111"}})
		}},
		{route: "GET /api/v1/guidance-slips/{id}", allow: only(reception, supervisor, admin), build: func(ev *mxEnv, _ string) req {
			return req{method: "GET", path: fmt.Sprintf("/api/v1/guidance-slips/%d", ev.slip)}
		}},
		{route: "GET /api/v1/guidance-slips/{id}/pdf", allow: only(reception, supervisor, admin), build: func(ev *mxEnv, _ string) req {
			return req{method: "GET", path: fmt.Sprintf("/api/v1/guidance-slips/%d/pdf", ev.slip)}
		}},

		// Dossiers.
		{route: "POST /api/v1/dossiers", allow: only(reception, owner, fCitizen), fresh: true, build: func(ev *mxEnv, c string) req {
			channel := "counter"
			if ev.user(c) != nil && ev.user(c).Has(dossier.RoleCitizen) {
				channel = "online"
			}
			blobID := ev.blob
			if c != anon {
				blobID = ev.uploadIfAllowed(c)
			}
			return jsonReq("POST", "/api/v1/dossiers", map[string]any{"procedure_code": "2.001610", "channel": channel,
				"applicant":  map[string]string{"kind": "citizen", "name": "Trần Văn Bình", "id_number": "001090001111"},
				"components": []map[string]string{{"code": "GDN", "blob_id": blobID}, {"code": "GTPL", "blob_id": blobID}}})
		}},
		{route: "GET /api/v1/dossiers", allow: homeAll, build: getReq("/api/v1/dossiers?limit=500"), leak: func(ev *mxEnv) string { return ev.done.Code }},
		{route: "GET /api/v1/dossiers/{code}", allow: homeAll, build: dossierPath("")},
		{route: "GET /api/v1/dossiers/{code}/receipt.pdf", allow: homeAll, build: dossierPath("/receipt.pdf")},
		{route: "GET /api/v1/dossiers/{code}/control-slip.pdf", allow: homeAll, build: dossierPath("/control-slip.pdf")},
		{route: "GET /api/v1/dossiers/{code}/result.pdf", allow: homeAll, build: dossierPath("/result.pdf")},
		{route: "GET /api/v1/dossiers/{code}/apology.pdf", allow: homeAll, build: func(ev *mxEnv, _ string) req {
			return req{method: "GET", path: "/api/v1/dossiers/" + ev.apology.Code + "/apology.pdf"}
		}},
		{route: "GET /api/v1/dossiers/{code}/components/{component}/signature.p7s", allow: homeStaff, build: func(ev *mxEnv, _ string) req {
			return req{method: "GET", path: "/api/v1/dossiers/" + ev.counter.Code + "/components/GDN/signature.p7s"}
		}},
		// The warehouse: the officers who handle one of the applicant's
		// dossiers in their own unit's work.
		{route: "GET /api/v1/warehouse/{id_number}", allow: only(reception, appraiser, approver, admin), build: func(ev *mxEnv, _ string) req {
			return req{method: "GET", path: "/api/v1/warehouse/" + ev.ownerID}
		}},
		{route: "GET /api/v1/dossiers/{code}/warehouse", allow: only(reception, appraiser, approver, admin), build: dossierPath("/warehouse")},
		{route: "GET /api/v1/access-log", allow: only(supervisor, admin), build: getReq("/api/v1/access-log?limit=500"),
			leak: func(ev *mxEnv) string { return ev.done.Code }},

		// Fees.
		// The applicant pays online through the gateway, not here.
		{route: "POST /api/v1/dossiers/{code}/payments", allow: only(reception), fresh: true, build: func(ev *mxEnv, c string) req {
			return jsonReq("POST", "/api/v1/dossiers/"+ev.accepted().Code+"/payments", map[string]any{"method": "cash"})
		}},
		{route: "POST /api/v1/dossiers/{code}/payment-orders", allow: only(owner), fresh: true, build: func(ev *mxEnv, c string) req {
			return req{method: "POST", path: "/api/v1/dossiers/" + ev.accepted().Code + "/payment-orders"}
		}},
		{route: "GET /api/v1/dossiers/{code}/payment-orders", allow: homeAll, build: func(ev *mxEnv, _ string) req {
			return req{method: "GET", path: "/api/v1/dossiers/" + ev.paid.Code + "/payment-orders"}
		}},
		// The gateway's answers: anyone may bring one; its signature is
		// what is checked (forgeries: payment_test.go).
		{route: "POST /api/v1/public/payments/callback", allow: everyone, fresh: true, build: func(ev *mxEnv, _ string) req {
			return formReq("/api/v1/public/payments/callback", ev.paidAnswer(ev.accepted()))
		}},
		{route: "GET /thanh-toan/ket-qua", allow: everyone, fresh: true, build: func(ev *mxEnv, _ string) req {
			return req{method: "GET", path: "/thanh-toan/ket-qua?" + ev.paidAnswer(ev.accepted()).Encode()}
		}},
		{route: "GET /api/v1/dossiers/{code}/payments", allow: homeAll, build: func(ev *mxEnv, _ string) req {
			return req{method: "GET", path: "/api/v1/dossiers/" + ev.paid.Code + "/payments"}
		}},
		{route: "GET /api/v1/payments/{id}/receipt.pdf", allow: homeAll, build: func(ev *mxEnv, _ string) req {
			return req{method: "GET", path: fmt.Sprintf("/api/v1/payments/%d/receipt.pdf", ev.payment)}
		}},

		// Authority and administration. Lists name BN.SKHDT's; a caller who
		// gets its own agency's list instead is not let into SKHDT's.
		{route: "GET /api/v1/users", allow: only(admin), build: getReq("/api/v1/users?agency=BN.SKHDT"), leak: func(*mxEnv) string { return "Lê Thị Thu Hà" }},
		{route: "POST /api/v1/users", allow: only(admin), build: func(ev *mxEnv, _ string) req {
			return jsonReq("POST", "/api/v1/users", map[string]any{"username": fmt.Sprintf("mxuser%d", ev.next()), "password": matrixPassword,
				"name": "Cán bộ thử", "agency_code": "BN.SKHDT", "roles": []string{"appraiser"}})
		}},
		{route: "POST /api/v1/users/{id}/disable", allow: only(admin), fresh: true, build: func(ev *mxEnv, _ string) req {
			u, err := ev.svc.CreateUser(ev.ctx, nil, workflow.NewUserInput{Username: fmt.Sprintf("mxoff%d", ev.next()), Password: matrixPassword,
				Agency: "BN.SKHDT", Roles: []dossier.Role{dossier.RoleAppraiser}})
			if err != nil {
				ev.t.Fatal(err)
			}
			return req{method: "POST", path: fmt.Sprintf("/api/v1/users/%d/disable", u.ID)}
		}},
		{route: "GET /api/v1/delegations", allow: only(approver, admin), build: getReq("/api/v1/delegations?agency=BN.SKHDT"),
			leak: func(*mxEnv) string { return "15/QĐ-SKHĐT" }},
		{route: "POST /api/v1/delegations", allow: only(admin), build: func(ev *mxEnv, _ string) req { return jsonReq("POST", "/api/v1/delegations", ev.delegation()) }},
		{route: "POST /api/v1/delegations/{id}/revoke", allow: only(admin), fresh: true, build: func(ev *mxEnv, _ string) req {
			d, err := ev.svc.CreateDelegation(ev.ctx, ev.user(admin), ev.delegation())
			if err != nil {
				ev.t.Fatal(err)
			}
			return req{method: "POST", path: fmt.Sprintf("/api/v1/delegations/%d/revoke", d.ID)}
		}},
		{route: "GET /api/v1/leader-schedule", allow: homeStaff, build: getReq("/api/v1/leader-schedule?center=BN.TTHCC")},
		{route: "POST /api/v1/leader-schedule", allow: only(admin), build: func(ev *mxEnv, _ string) req {
			start := clocktest.Now().Add(time.Duration(ev.next()) * 24 * time.Hour).Truncate(time.Hour)
			return jsonReq("POST", "/api/v1/leader-schedule", map[string]any{"user_id": ev.user(approver).ID, "center_code": "BN.TTHCC",
				"starts_at": start.Format(time.RFC3339), "ends_at": start.Add(4 * time.Hour).Format(time.RFC3339)})
		}},
		{route: "GET /api/v1/registers", allow: only(clerk, admin), build: getReq("/api/v1/registers?agency=BN.SKHDT"),
			leak: func(*mxEnv) string { return "SKHDT" }},
		// Seals: the key reference only for admins.
		{route: "GET /api/v1/seals", allow: only(admin), build: getReq("/api/v1/seals?agency=BN.SKHDT"), leak: func(*mxEnv) string { return "demo:BN.SKHDT" }},
		{route: "POST /api/v1/seals", allow: only(admin), build: func(*mxEnv, string) req {
			return jsonReq("POST", "/api/v1/seals", map[string]any{"agency_code": "BN.SKHDT", "kind": "physical", "name": "Dấu thử"})
		}},
		{route: "GET /api/v1/calendar/overrides", allow: everyone, build: getReq("/api/v1/calendar/overrides")},
		{route: "POST /api/v1/calendar/overrides", allow: only(admin), build: func(ev *mxEnv, _ string) req {
			return jsonReq("POST", "/api/v1/calendar/overrides", map[string]any{"date": ev.overrideDay(), "kind": "extra_off", "name": "Nghỉ thử"})
		}},
		{route: "DELETE /api/v1/calendar/overrides/{date}", allow: only(admin), fresh: true, build: func(ev *mxEnv, _ string) req {
			day := ev.overrideDay()
			if err := ev.svc.PutOverride(ev.ctx, ev.user(admin), workflow.Override{Day: day, Kind: "extra_off", Name: "Nghỉ thử"}); err != nil {
				ev.t.Fatal(err)
			}
			return req{method: "DELETE", path: "/api/v1/calendar/overrides/" + day}
		}},
		{route: "GET /api/v1/calendar/holidays/{year}", allow: everyone, build: getReq("/api/v1/calendar/holidays/2027")},
		{route: "GET /api/v1/audit", allow: only(admin), build: getReq("/api/v1/audit")},
		// The rule sets and the province's schedule of them: officers read,
		// admins replace (with the defaults: the state stays the same).
		{route: "GET /api/v1/rule-sets", allow: officers, build: getReq("/api/v1/rule-sets")},
		{route: "GET /api/v1/outbox", allow: only(admin), build: getReq("/api/v1/outbox?status=pending")},
		{route: "POST /api/v1/outbox/{id}/retry", allow: only(admin), fresh: true, build: func(ev *mxEnv, _ string) req {
			return req{method: "POST", path: fmt.Sprintf("/api/v1/outbox/%d/retry", ev.delivery())}
		}},
		{route: "PUT /api/v1/rule-sets/schedule", allow: only(admin), build: func(*mxEnv, string) req {
			return jsonReq("PUT", "/api/v1/rule-sets/schedule", map[string]any{"periods": []map[string]any{
				{"from": "2018-06-21", "rule_set": "ND61/2018", "basis": "NĐ 61/2018/NĐ-CP"},
				{"from": "2025-07-01", "rule_set": "ND118/2025+TT01/2018", "basis": "NĐ 118/2025/NĐ-CP"},
				{"from": "2025-10-30", "rule_set": "ND118/2025", "basis": "TT 03/2025/TT-VPCP"}}})
		}},

		// Public API.
		// The leaders' public on-site schedule (a minimal view).
		{route: "GET /api/v1/public/leader-schedule", allow: everyone, build: getReq("/api/v1/public/leader-schedule?center=BN.TTHCC")},
		{route: "GET /lich-truc", allow: everyone, build: getReq("/lich-truc?center=BN.TTHCC")},
		{route: "GET /thong-ke", allow: everyone, build: getReq("/thong-ke")},
		{route: "GET /api/v1/public/statistics", allow: everyone, build: getReq("/api/v1/public/statistics")},
		{route: "GET /xac-thuc", allow: everyone, build: getReq("/xac-thuc")},
		{route: "GET /api/v1/public/verify-receipt/{token}", allow: everyone, build: func(ev *mxEnv, _ string) req {
			return req{method: "GET", path: "/api/v1/public/verify-receipt/" + ev.receiptToken}
		}},
		{route: "GET /verify/bien-lai/{token}", allow: everyone, build: func(ev *mxEnv, _ string) req {
			return req{method: "GET", path: "/verify/bien-lai/" + ev.receiptToken}
		}},
		{route: "GET /api/v1/public/lookup", allow: everyone, build: func(ev *mxEnv, _ string) req {
			return req{method: "GET", path: "/api/v1/public/lookup?token=" + ev.done.LookupToken}
		}},
		{route: "GET /api/v1/public/verify/{token}", allow: everyone, build: func(ev *mxEnv, _ string) req {
			return req{method: "GET", path: "/api/v1/public/verify/" + ev.verifyToken()}
		}},
		{route: "POST /api/v1/public/register", allow: everyone, build: func(ev *mxEnv, _ string) req {
			return jsonReq("POST", "/api/v1/public/register", map[string]string{"username": fmt.Sprintf("mxcd%d", ev.next()), "password": matrixPassword,
				"name": "Công dân thử", "id_number": "001090008888"})
		}},
		{route: "POST /api/v1/public/ratings", allow: everyone, fresh: true, build: func(ev *mxEnv, _ string) req {
			d := ev.advance(ev.accepted(), dossier.StatusReturned)
			return jsonReq("POST", "/api/v1/public/ratings", map[string]any{"token": d.LookupToken, "level": "satisfied"})
		}},
		{route: "GET /api/v1/ratings/summary", allow: only(supervisor, admin), build: getReq("/api/v1/ratings/summary?center=BN.TTHCC")},
		// A rating "chưa hài lòng" is a feedback answered by the rating's
		// center (reception, supervisor), the agency's leader, or admins.
		{route: "POST /api/v1/ratings/{id}/answer", allow: only(reception, approver, supervisor, admin), fresh: true, build: func(ev *mxEnv, _ string) req {
			d := ev.advance(ev.accepted(), dossier.StatusReturned)
			r, err := ev.svc.Rate(ev.ctx, workflow.RatingInput{Token: d.LookupToken, Level: "unsatisfied", Comment: "Trả kết quả chậm"})
			if err != nil {
				ev.t.Fatalf("rate: %v", err)
			}
			return jsonReq("POST", fmt.Sprintf("/api/v1/ratings/%d/answer", r.ID), map[string]string{"answer": "Đã tiếp thu, xin lỗi", "category": "other"})
		}},

		// Queue: kiosks and displays are public; calling is BN.TTHCC's
		// reception's, at its own counters.
		{route: "GET /api/v1/queue/services", allow: everyone, build: getReq("/api/v1/queue/services?center=BN.TTHCC")},
		{route: "PUT /api/v1/queue/services", allow: only(admin), build: func(*mxEnv, string) req {
			return jsonReq("PUT", "/api/v1/queue/services", map[string]any{"center_code": "BN.TTHCC",
				"services": []map[string]any{{"service_code": "DN", "name": "Doanh nghiệp"}}})
		}},
		{route: "POST /api/v1/queue/tickets", allow: everyone, build: func(ev *mxEnv, _ string) req {
			return jsonReq("POST", "/api/v1/queue/tickets", map[string]string{"center_code": "BN.TTHCC", "service_code": ev.queueService()})
		}},
		{route: "POST /api/v1/queue/call-next", allow: only(reception), build: ev.queueReq("call-next", false)},
		{route: "POST /api/v1/queue/recall", allow: only(reception), build: ev.queueReq("recall", true)},
		{route: "POST /api/v1/queue/skip", allow: only(reception), fresh: true, build: ev.queueReq("skip", true)},
		{route: "POST /api/v1/queue/finish", allow: only(reception), fresh: true, build: ev.queueReq("finish", true)},
		{route: "GET /api/v1/queue/events", allow: everyone, build: getReq("/api/v1/queue/events?center=BN.TTHCC")},
		{route: "GET /api/v1/queue/board", allow: everyone, build: getReq("/api/v1/queue/board?center=BN.TTHCC")},
		{route: "GET /api/v1/queue/stats", allow: only(reception, supervisor, admin), build: getReq("/api/v1/queue/stats?center=BN.TTHCC")},

		// Reports: BN.TTHCC's for its supervisors and admins.
		{route: "GET /api/v1/reports/overdue", allow: only(supervisor, admin), build: func(ev *mxEnv, _ string) req {
			return req{method: "GET", path: "/api/v1/reports/overdue" + ev.reportQuery()}
		}},
		{route: "GET /api/v1/reports/overdue.xlsx", allow: only(supervisor, admin), build: func(ev *mxEnv, _ string) req {
			return req{method: "GET", path: "/api/v1/reports/overdue.xlsx" + ev.reportQuery()}
		}},
		{route: "GET /api/v1/reports/ledger.xlsx", allow: only(supervisor, admin), build: func(ev *mxEnv, _ string) req {
			return req{method: "GET", path: "/api/v1/reports/ledger.xlsx" + ev.reportQuery()}
		}},
		{route: "GET /api/v1/reports/ledger.pdf", allow: only(supervisor, admin), build: func(ev *mxEnv, _ string) req {
			return req{method: "GET", path: "/api/v1/reports/ledger.pdf" + ev.reportQuery()}
		}},
		{route: "GET /api/v1/reports/feedback", allow: only(supervisor, admin), build: func(ev *mxEnv, _ string) req {
			return req{method: "GET", path: "/api/v1/reports/feedback" + ev.reportQuery()}
		}},
		{route: "POST /api/v1/reports/recount", allow: only(admin), build: func(*mxEnv, string) req { return req{method: "POST", path: "/api/v1/reports/recount"} }},

		// Officers' pages.
		{route: "GET /login", allow: everyone, build: getReq("/login")},
		{route: "POST /login", allow: everyone, build: func(*mxEnv, string) req {
			return formReq("/login", url.Values{"username": {"clerk"}, "password": {demo.Password}})
		}},
		{route: "POST /logout", allow: everyone, fresh: true, signOut: true, build: func(ev *mxEnv, c string) req { return ev.ownSession(c, formReq("/logout", url.Values{})) }},
		// The public home for everyone (contract §9); officers get their work list there.
		{route: "GET /{$}", allow: everyone, build: getReq("/")},
		{route: "GET /ho-so", allow: officers, build: getReq("/ho-so")},
		{route: "GET /ho-so/{code}", allow: homeStaff, build: func(ev *mxEnv, _ string) req { return req{method: "GET", path: "/ho-so/" + ev.counter.Code} }},
		{route: "GET /ho-so/{code}/tep/{id}", allow: homeStaff, build: func(ev *mxEnv, _ string) req {
			return req{method: "GET", path: "/ho-so/" + ev.counter.Code + "/tep/" + ev.counter.Components[0].BlobID}
		}},
		{route: "GET /ho-so/{code}/{action}", allow: only(reception, appraiser), build: func(ev *mxEnv, _ string) req {
			return req{method: "GET", path: "/ho-so/" + ev.counter.Code + "/assign"}
		}},
		{route: "POST /ho-so/{code}/thu-phi", allow: only(reception), fresh: true, build: func(ev *mxEnv, _ string) req {
			return formReq("/ho-so/"+ev.accepted().Code+"/thu-phi", url.Values{"method": {"cash"}})
		}},
		{route: "POST /ho-so/{code}/{action}", allow: only(reception, appraiser), fresh: true, build: func(ev *mxEnv, _ string) req {
			d := ev.atCounter()
			return formReq("/ho-so/"+d.Code+"/assign", url.Values{"version": {fmt.Sprint(d.Version)}})
		}},
		{route: "GET /tiep-nhan", allow: only(reception, fReception), build: getReq("/tiep-nhan")},
		{route: "GET /tiep-nhan/thu-tuc", allow: only(reception, fReception), build: getReq("/tiep-nhan/thu-tuc?q=doanh+nghiep")},
		// Checking an ID number at the counter shows the applicant's held
		// results only to the unit handling one of their dossiers.
		{route: "POST /tiep-nhan/kiem-tra", allow: only(reception), build: func(ev *mxEnv, _ string) req {
			r := formReq("/tiep-nhan/kiem-tra", url.Values{"field": {"applicant_id_number"}, "applicant_kind": {"citizen"},
				"applicant_id_number": {ev.ownerID}, "procedure_code": {"2.001610"}})
			r.header = map[string]string{"HX-Request": "true"}
			return r
		}, leak: func(ev *mxEnv) string { return ev.done.Result.DocumentCode }},
		{route: "POST /tiep-nhan", allow: only(reception), build: func(ev *mxEnv, c string) req {
			return multipartReq("/tiep-nhan", map[string]string{"procedure_code": "2.001610", "channel": "counter", "applicant_kind": "citizen",
				"applicant_name": "Trần Văn Bình", "applicant_id_number": "001090001111"}, map[string][]byte{"file.GDN": testfile.PDF(fmt.Sprintf("ui %d", ev.next())), "file.GTPL": testfile.PDF(fmt.Sprintf("ui %d", ev.next()))})
		}},
		{route: "POST /tiep-nhan/phieu-huong-dan", allow: only(reception), build: func(*mxEnv, string) req {
			return formReq("/tiep-nhan/phieu-huong-dan", url.Values{"procedure_code": {"2.001610"}, "applicant_kind": {"citizen"},
				"applicant_name": {"Trần Văn Bình"}, "applicant_id_number": {"001090001111"}, "missing": {"GDN"}})
		}},
		{route: "GET /tiep-nhan/phieu-huong-dan/{id}", allow: only(reception, supervisor, admin), build: func(ev *mxEnv, _ string) req {
			return req{method: "GET", path: fmt.Sprintf("/tiep-nhan/phieu-huong-dan/%d", ev.slip)}
		}},
		{route: "GET /goi-so", allow: only(reception, fReception), build: getReq("/goi-so")},
		{route: "GET /bao-cao", allow: only(supervisor, admin, fSuper), build: getReq("/bao-cao")},

		// Administration pages: admins.
		{route: "GET /quan-tri", allow: only(admin), build: getReq("/quan-tri")},
		{route: "GET /quan-tri/co-quan", allow: only(admin), build: getReq("/quan-tri/co-quan")},
		{route: "POST /quan-tri/nhap/{kind}", allow: only(admin), build: func(ev *mxEnv, _ string) req {
			return multipartReq("/quan-tri/nhap/agencies", nil, map[string][]byte{"file": []byte(fmt.Sprintf("code,name,level,parent_code\nMX.B%d,Cơ quan thử,district,BN\n", ev.next()))})
		}},
		{route: "GET /quan-tri/thu-tuc", allow: only(admin), build: getReq("/quan-tri/thu-tuc")},
		{route: "GET /quan-tri/tai-khoan", allow: only(admin), build: getReq("/quan-tri/tai-khoan")},
		{route: "POST /quan-tri/tai-khoan", allow: only(admin), build: func(ev *mxEnv, _ string) req {
			return formReq("/quan-tri/tai-khoan", url.Values{"username": {fmt.Sprintf("mxui%d", ev.next())}, "password": {matrixPassword},
				"name": {"Cán bộ thử"}, "agency": {"BN.SKHDT"}, "roles": {"appraiser"}})
		}},
		{route: "POST /quan-tri/tai-khoan/{id}/khoa", allow: only(admin), fresh: true, build: func(ev *mxEnv, _ string) req {
			u, err := ev.svc.CreateUser(ev.ctx, nil, workflow.NewUserInput{Username: fmt.Sprintf("mxkhoa%d", ev.next()), Password: matrixPassword,
				Agency: "BN.SKHDT", Roles: []dossier.Role{dossier.RoleAppraiser}})
			if err != nil {
				ev.t.Fatal(err)
			}
			return formReq(fmt.Sprintf("/quan-tri/tai-khoan/%d/khoa", u.ID), url.Values{})
		}},
		{route: "GET /quan-tri/uy-quyen", allow: only(admin), build: getReq("/quan-tri/uy-quyen")},
		{route: "POST /quan-tri/uy-quyen", allow: only(admin), build: func(ev *mxEnv, _ string) req {
			day := clocktest.Now().In(ev.svc.Location())
			return formReq("/quan-tri/uy-quyen", url.Values{"agency_code": {"BN.SKHDT"}, "from_position": {"Giám đốc"}, "to_user_id": {fmt.Sprint(ev.user(approver).ID)},
				"basis_document": {"Quyết định thử"}, "capacity": {"KT."}, "valid_from": {day.Format("2006-01-02")}, "valid_to": {day.AddDate(0, 1, 0).Format("2006-01-02")}})
		}},
		{route: "POST /quan-tri/uy-quyen/{id}/thu-hoi", allow: only(admin), fresh: true, build: func(ev *mxEnv, _ string) req {
			d, err := ev.svc.CreateDelegation(ev.ctx, ev.user(admin), ev.delegation())
			if err != nil {
				ev.t.Fatal(err)
			}
			return formReq(fmt.Sprintf("/quan-tri/uy-quyen/%d/thu-hoi", d.ID), url.Values{})
		}},
		{route: "GET /quan-tri/lich-truc", allow: only(admin), build: getReq("/quan-tri/lich-truc")},
		{route: "POST /quan-tri/lich-truc", allow: only(admin), build: func(ev *mxEnv, _ string) req {
			day := clocktest.Now().In(ev.svc.Location()).AddDate(0, 0, ev.next())
			return formReq("/quan-tri/lich-truc", url.Values{"center_code": {"BN.TTHCC"}, "user_id": {fmt.Sprint(ev.user(approver).ID)},
				"day": {day.Format("2006-01-02")}, "starts": {"08:00"}, "ends": {"11:00"}})
		}},
		{route: "GET /quan-tri/ngay-nghi", allow: only(admin), build: getReq("/quan-tri/ngay-nghi")},
		{route: "POST /quan-tri/ngay-nghi", allow: only(admin), build: func(ev *mxEnv, _ string) req {
			return formReq("/quan-tri/ngay-nghi", url.Values{"date": {ev.overrideDay()}, "kind": {"extra_off"}, "name": {"Nghỉ thử"}})
		}},
		{route: "POST /quan-tri/ngay-nghi/{date}/xoa", allow: only(admin), fresh: true, build: func(ev *mxEnv, _ string) req {
			day := ev.overrideDay()
			if err := ev.svc.PutOverride(ev.ctx, ev.user(admin), workflow.Override{Day: day, Kind: "extra_off", Name: "Nghỉ thử"}); err != nil {
				ev.t.Fatal(err)
			}
			return formReq("/quan-tri/ngay-nghi/"+day+"/xoa", url.Values{})
		}},
		{route: "GET /quan-tri/so-dang-ky", allow: only(admin), build: getReq("/quan-tri/so-dang-ky")},
		{route: "GET /quan-tri/khoa", allow: only(admin), build: getReq("/quan-tri/khoa")},
		{route: "POST /quan-tri/khoa", allow: only(admin), build: func(ev *mxEnv, _ string) req {
			return multipartReq("/quan-tri/khoa", map[string]string{"kind": "seals", "name": "BN.SXD", "password": sign.DefaultDemoPassword},
				map[string][]byte{"file": ev.p12()})
		}},
		{route: "GET /quan-tri/con-dau", allow: only(admin), build: getReq("/quan-tri/con-dau")},
		{route: "GET /quan-tri/hop-thu-di", allow: only(admin), build: getReq("/quan-tri/hop-thu-di")},
		{route: "GET /quan-tri/thuong-hieu", allow: only(admin), build: getReq("/quan-tri/thuong-hieu")},
		{route: "POST /quan-tri/thuong-hieu", allow: only(admin), build: func(*mxEnv, string) req {
			return multipartReq("/quan-tri/thuong-hieu", map[string]string{"name": "Trung tâm thử", "primary_color": "#8b0000", "accent_color": "#0b5394"}, nil)
		}},
		{route: "GET /thuong-hieu.css", allow: everyone, build: getReq("/thuong-hieu.css")},
		{route: "GET /thuong-hieu/bieu-trung", allow: everyone, build: getReq("/thuong-hieu/bieu-trung")},
		{route: "POST /quan-tri/hop-thu-di/{id}/gui-lai", allow: only(admin), fresh: true, build: func(ev *mxEnv, _ string) req {
			return formReq(fmt.Sprintf("/quan-tri/hop-thu-di/%d/gui-lai", ev.delivery()), url.Values{})
		}},
		{route: "POST /quan-tri/con-dau", allow: only(admin), build: func(*mxEnv, string) req {
			return formReq("/quan-tri/con-dau", url.Values{"agency_code": {"BN.SKHDT"}, "kind": {"physical"}, "name": {"Dấu thử"}})
		}},

		// Public pages.
		{route: "GET /thu-tuc", allow: everyone, build: getReq("/thu-tuc")},
		{route: "GET /thu-tuc/{code}", allow: everyone, build: getReq("/thu-tuc/2.001610")},
		{route: "GET /thu-tuc/{code}/mau/{component}", allow: everyone, build: getReq("/thu-tuc/2.000528/mau/TK.pdf")},
		{route: "GET /tra-cuu", allow: everyone, build: func(ev *mxEnv, _ string) req {
			return req{method: "GET", path: "/tra-cuu?token=" + ev.done.LookupToken}
		}},
		{route: "GET /verify/{token}", allow: everyone, build: func(ev *mxEnv, _ string) req { return req{method: "GET", path: "/verify/" + ev.verifyToken()} }},
		{route: "GET /kiosk", allow: everyone, build: getReq("/kiosk?center=BN.TTHCC")},
		{route: "POST /kiosk", allow: everyone, build: func(ev *mxEnv, _ string) req {
			return formReq("/kiosk", url.Values{"center_code": {"BN.TTHCC"}, "service_code": {ev.queueService()}})
		}},
		{route: "GET /man-hinh", allow: everyone, build: getReq("/man-hinh?center=BN.TTHCC")},
		{route: "GET /danh-gia", allow: everyone, build: getReq("/danh-gia")},
		{route: "POST /danh-gia", allow: everyone, fresh: true, build: func(ev *mxEnv, _ string) req {
			d := ev.advance(ev.accepted(), dossier.StatusReturned)
			return formReq("/danh-gia", url.Values{"token": {d.LookupToken}, "level": {"satisfied"}})
		}},

		// Citizens online.
		{route: "GET /dang-ky", allow: everyone, build: getReq("/dang-ky")},
		{route: "POST /dang-ky", allow: everyone, build: func(ev *mxEnv, _ string) req {
			return formReq("/dang-ky", url.Values{"username": {fmt.Sprintf("mxdk%d", ev.next())}, "password": {matrixPassword}, "password2": {matrixPassword},
				"name": {"Công dân thử"}, "id_number": {"001090008888"}})
		}},
		{route: "GET /dang-nhap", allow: everyone, build: getReq("/dang-nhap")},
		{route: "POST /dang-nhap", allow: everyone, build: func(*mxEnv, string) req {
			return formReq("/dang-nhap", url.Values{"username": {fCitizen}, "password": {matrixPassword}})
		}},
		// VNeID: anybody may start, and whoever brings the provider's
		// redirect back with the flow cookie is signed in as the VNeID
		// citizen (never as the caller: a bearer token changes nothing).
		{route: "GET /dang-nhap/vneid", allow: everyone, build: getReq("/dang-nhap/vneid?next=/cong-dan")},
		{route: "GET /dang-nhap/vneid/callback", allow: everyone, fresh: true, build: func(ev *mxEnv, _ string) req {
			u, k := vneidCallback(ev.t, ev.srv.URL)
			return req{method: "GET", path: u.RequestURI(), header: map[string]string{"Cookie": k.Name + "=" + k.Value}}
		}},
		{route: "POST /dang-xuat", allow: everyone, fresh: true, build: func(ev *mxEnv, c string) req { return ev.ownSession(c, formReq("/dang-xuat", url.Values{})) }},
		{route: "GET /nop-truc-tuyen", allow: citizens, build: getReq("/nop-truc-tuyen")},
		{route: "POST /nop-truc-tuyen", allow: citizens, build: func(ev *mxEnv, _ string) req {
			return multipartReq("/nop-truc-tuyen", map[string]string{"procedure_code": "2.001610", "kind": "citizen", "name": "Trần Văn Bình",
				"id_number": "001090001111"}, map[string][]byte{"file_GDN": testfile.PDF(fmt.Sprintf("online %d", ev.next())), "file_GTPL": testfile.PDF(fmt.Sprintf("online %d", ev.next()))})
		}},
		{route: "GET /cong-dan", allow: only(owner), build: getReq("/cong-dan"), leak: func(ev *mxEnv) string { return ev.done.Code }},
		{route: "GET /cong-dan/ho-so/{code}", allow: only(owner), build: func(ev *mxEnv, _ string) req { return req{method: "GET", path: "/cong-dan/ho-so/" + ev.done.Code} }},
		{route: "POST /cong-dan/ho-so/{code}/bo-sung", allow: only(owner), fresh: true, build: func(ev *mxEnv, _ string) req {
			d := ev.advance(ev.accepted(), dossier.StatusSupplementRequested)
			return multipartReq("/cong-dan/ho-so/"+d.Code+"/bo-sung", map[string]string{"version": fmt.Sprint(d.Version)},
				map[string][]byte{"file_GDN": testfile.PDF(fmt.Sprintf("bo sung %d", ev.next()))})
		}},
		{route: "POST /cong-dan/ho-so/{code}/nop-phi", allow: only(owner), fresh: true, build: func(ev *mxEnv, _ string) req {
			return formReq("/cong-dan/ho-so/"+ev.accepted().Code+"/nop-phi", url.Values{})
		}},
		{route: "GET /cong-dan/ho-so/{code}/ket-qua.pdf", allow: only(owner), build: func(ev *mxEnv, _ string) req {
			return req{method: "GET", path: "/cong-dan/ho-so/" + ev.done.Code + "/ket-qua.pdf"}
		}},
		{route: "GET /cong-dan/bien-lai/{id}", allow: only(owner), build: func(ev *mxEnv, _ string) req {
			return req{method: "GET", path: fmt.Sprintf("/cong-dan/bien-lai/%d", ev.payment)}
		}},
	}

	// Two-phase signing (approve with preview and consent): a session is
	// the approver's own; nobody else sees or completes it.
	awaiting := func(ev *mxEnv) *dossier.Dossier { return ev.advance(ev.accepted(), dossier.StatusAwaitingApproval) }
	session := func(ev *mxEnv) string {
		d := awaiting(ev)
		sess, err := ev.svc.BeginSigning(ev.ctx, ev.user(approver), d.Code, dossier.ActApprove, d.Version)
		if err != nil {
			ev.t.Fatal(err)
		}
		return sess.ID
	}
	ps = append(ps,
		probe{route: "POST /api/v1/dossiers/{code}/signing", allow: only(approver), build: func(ev *mxEnv, _ string) req {
			d := awaiting(ev)
			return jsonReq("POST", "/api/v1/dossiers/"+d.Code+"/signing", map[string]any{"action": "approve", "version": d.Version})
		}},
		probe{route: "GET /api/v1/signing/{id}/preview.pdf", allow: only(approver), build: func(ev *mxEnv, _ string) req {
			return req{method: "GET", path: "/api/v1/signing/" + session(ev) + "/preview.pdf"}
		}},
		probe{route: "POST /api/v1/signing/{id}", allow: only(approver), fresh: true, build: func(ev *mxEnv, _ string) req {
			return jsonReq("POST", "/api/v1/signing/"+session(ev), map[string]any{"confirm": true})
		}},
		probe{route: "POST /ho-so/{code}/ky/{action}", allow: only(approver), build: func(ev *mxEnv, _ string) req {
			d := awaiting(ev)
			return formReq("/ho-so/"+d.Code+"/ky/approve", url.Values{"version": {fmt.Sprint(d.Version)}})
		}},
		probe{route: "GET /ky-so/{id}/van-ban.pdf", allow: only(approver), build: func(ev *mxEnv, _ string) req {
			return req{method: "GET", path: "/ky-so/" + session(ev) + "/van-ban.pdf"}
		}},
		probe{route: "POST /ky-so/{id}", allow: only(approver), fresh: true, build: func(ev *mxEnv, _ string) req {
			return formReq("/ky-so/"+session(ev), url.Values{"confirm": {"1"}})
		}},
	)

	// The dossier's numbered documents (forms): read by its unit and its
	// applicant; a form waiting for a leader's signature is signed by the
	// approver with authority over the procedure.
	ps = append(ps,
		probe{route: "GET /api/v1/dossiers/{code}/documents/{file}", allow: homeAll, build: func(ev *mxEnv, _ string) req {
			doc := ev.document(ev.done.Code, func(d dossier.Document) bool { return d.Kind == dossier.DocReceipt })
			return req{method: "GET", path: fmt.Sprintf("/api/v1/dossiers/%s/documents/%d.pdf", ev.done.Code, doc.ID)}
		}},
		probe{route: "POST /api/v1/dossiers/{code}/documents/{id}/sign", allow: only(approver), fresh: true, build: func(ev *mxEnv, _ string) req {
			d := ev.accepted()
			d = ev.act(reception, d, dossier.ActApologize, workflow.ActionInput{Reason: "Chờ phối hợp", NewDueAt: ptr(ev.later(*d.DueAt))})
			doc := ev.document(d.Code, func(x dossier.Document) bool { return x.Kind == dossier.DocApology && !x.Signed })
			return req{method: "POST", path: fmt.Sprintf("/api/v1/dossiers/%s/documents/%d/sign", d.Code, doc.ID)}
		}},
		probe{route: "POST /api/v1/dossiers/{code}/documents/{id}/signing", allow: only(approver), build: func(ev *mxEnv, _ string) req {
			d := ev.accepted()
			d = ev.act(reception, d, dossier.ActApologize, workflow.ActionInput{Reason: "Chờ phối hợp", NewDueAt: ptr(ev.later(*d.DueAt))})
			doc := ev.document(d.Code, func(x dossier.Document) bool { return x.Kind == dossier.DocApology && !x.Signed })
			return req{method: "POST", path: fmt.Sprintf("/api/v1/dossiers/%s/documents/%d/signing", d.Code, doc.ID)}
		}},
	)

	// Transitions (contract §4): each allowed caller acts on a dossier of
	// its own in the right status.
	actions := []struct {
		name  string
		from  dossier.Status
		in    map[string]any
		allow []string
	}{
		{"accept", dossier.StatusSubmitted, nil, only(reception)},
		{"assign", dossier.StatusReceived, nil, only(reception, appraiser)},
		{"submit-appraisal", dossier.StatusAppraising, map[string]any{"recommendation": "approve", "report": "Hợp lệ", "draft_result": "Cấp"}, only(appraiser)},
		{"request-clarification", dossier.StatusAwaitingApproval, map[string]any{"reason": "Làm rõ"}, only(approver)},
		{"approve", dossier.StatusAwaitingApproval, nil, only(approver)},
		{"issue", dossier.StatusApproved, nil, only(clerk)},
		{"return", dossier.StatusIssued, nil, only(reception)},
		{"request-supplement", dossier.StatusReceived, map[string]any{"reason": "Thiếu giấy tờ"}, only(reception, appraiser)},
		{"supplement", dossier.StatusSupplementRequested, nil, only(reception, owner)},
		{"refuse", dossier.StatusAwaitingApproval, map[string]any{"reason": "Không đủ điều kiện"}, only(approver)},
		{"withdraw", dossier.StatusReceived, map[string]any{"reason": "Công dân rút"}, only(reception)},
		{"apologize", dossier.StatusReceived, map[string]any{"reason": "Chờ phối hợp"}, only(reception, appraiser, approver)},
	}
	for _, a := range actions {
		ps = append(ps, probe{route: "POST /api/v1/dossiers/{code}/actions/{action}", allow: a.allow, fresh: true, build: ev.actionReq(a.from, a.name, a.in)})
	}

	// The report family: each report as JSON at NAME, NAME.json and
	// NAME.xlsx.
	for _, name := range []string{"summary", "by-agency", "by-procedure", "by-center", "by-level", "by-month", "by-officer", "indicators", "evaluation"} {
		for _, ext := range []string{"", ".json", ".xlsx"} {
			path := "/api/v1/reports/" + name + ext
			ps = append(ps, probe{route: "GET " + path, allow: only(supervisor, admin), build: func(ev *mxEnv, _ string) req {
				return req{method: "GET", path: path + ev.reportQuery()}
			}})
		}
	}
	return append(ps, ev.exchangeProbes()...)
}

// document returns the first document of dossier code that ok accepts.
func (ev *mxEnv) document(code string, ok func(dossier.Document) bool) dossier.Document {
	d, err := ev.svc.Dossier(ev.ctx, ev.user(admin), code)
	if err != nil {
		ev.t.Fatal(err)
	}
	for _, doc := range d.Documents {
		if ok(doc) {
			return doc
		}
	}
	ev.t.Fatalf("dossier %s has no such document: %+v", code, d.Documents)
	return dossier.Document{}
}

// ownSession signs r with a session of its own for caller c (signing out
// must not end the session the matrix uses).
func (ev *mxEnv) ownSession(c string, r req) req {
	r.header = map[string]string{}
	if mc := ev.callers[c]; mc.u != nil {
		tok, _, err := ev.svc.Login(ev.ctx, mc.name, mc.pw)
		if err != nil {
			ev.t.Fatal(err)
		}
		r.header["Authorization"] = "Bearer " + tok
	}
	return r
}

func (ev *mxEnv) delegation() dossier.Delegation {
	now := clocktest.Now()
	return dossier.Delegation{AgencyCode: "BN.SKHDT", FromPosition: "Giám đốc", ToUserID: ev.user(approver).ID, ValidFrom: now, ValidTo: now.AddDate(0, 1, 0),
		BasisDocument: fmt.Sprintf("Quyết định thử %d", ev.next()), Capacity: dossier.CapacityKT}
}

// overrideDay is a day of 2031 not used before.
func (ev *mxEnv) overrideDay() string {
	return time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, ev.next()).Format("2006-01-02")
}

// verifyToken reads the verification token printed on done's result (it
// is stored only hashed).
func (ev *mxEnv) verifyToken() string {
	if ev.verify != "" {
		return ev.verify
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		ev.t.Fatal("pdftotext not installed")
	}
	file, err := ev.svc.ResultPDF(ev.ctx, ev.user(clerk), ev.done.Code)
	if err != nil {
		ev.t.Fatal(err)
	}
	txt := tooltest.PDFText(ev.t, file)
	m := regexp.MustCompile(`https://motcua\.example/verify/([A-Za-z0-9_-]{22})`).FindStringSubmatch(txt)
	if m == nil {
		ev.t.Fatalf("no verification address on the result:\n%s", txt)
	}
	ev.verify = m[1]
	return ev.verify
}

// p12 is a PKCS#12 seal identity for BN.SXD from the demo PKI.
func (ev *mxEnv) p12() []byte {
	pki, err := sign.NewDemoPKI(clocktest.Now().Add(-time.Hour))
	if err != nil {
		ev.t.Fatal(err)
	}
	_, p12, err := pki.IssueOrganization("Sở Xây dựng tỉnh Bắc Ninh")
	if err != nil {
		ev.t.Fatal(err)
	}
	return p12
}

func (ev *mxEnv) queueService() string {
	ss, err := ev.svc.QueueServices(ev.ctx, "BN.TTHCC")
	if err != nil || len(ss) == 0 {
		ev.t.Fatalf("queue services: %v %v", ss, err)
	}
	return ss[0].ServiceCode
}

// queueReq calls op at BN.TTHCC's counter Q01; called says a ticket must
// be called there first (recall, skip, finish).
func (ev *mxEnv) queueReq(op string, called bool) func(*mxEnv, string) req {
	return func(ev *mxEnv, _ string) req {
		if _, err := ev.svc.IssueTicket(ev.ctx, "BN.TTHCC", ev.queueService()); err != nil {
			ev.t.Fatal(err)
		}
		if called {
			if _, err := ev.svc.CallNext(ev.ctx, ev.user(reception), workflow.QueueCallInput{CenterCode: "BN.TTHCC", CounterCode: "Q01"}); err != nil {
				ev.t.Fatal(err)
			}
		}
		return jsonReq("POST", "/api/v1/queue/"+op, map[string]string{"center_code": "BN.TTHCC", "counter_code": "Q01"})
	}
}

// ---- The run ------------------------------------------------------------

type outcome int

const (
	denied outcome = iota
	allowed
	other
)

func (o outcome) String() string { return [...]string{"denied", "allowed", "other"}[o] }

type violation struct {
	route, caller, what string
	status              int
}

// run sends every probe as every caller and returns the probes sent and
// the violations: unexpected allows, and expected callers not let
// through. Routes registered but not in the table are violations too.
func (ev *mxEnv) run(ps []probe) (int, []violation) {
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var vs []violation
	known := map[string]bool{}
	sent := 0
	for _, p := range ps {
		known[p.route] = true
		var cur *req
		for _, c := range allCallers {
			if cur == nil || p.fresh {
				r := p.build(ev, c)
				cur = &r
			}
			status, body, loc := ev.send(client, *cur, c)
			sent++
			o := classify(status, loc)
			if p.signOut && status == http.StatusSeeOther {
				o = allowed
			}
			if o == allowed && p.leak != nil && !strings.Contains(body, p.leak(ev)) {
				o = denied // the caller's own data, not the foreign object
			}
			want := slices.Contains(p.allow, c)
			switch {
			case o == allowed && !want:
				vs = append(vs, violation{p.route, c, "unexpected allow", status})
			case o != allowed && want:
				vs = append(vs, violation{p.route, c, "expected allow, got " + o.String() + ": " + snippet(body), status})
			}
		}
	}
	for _, r := range ev.h.Routes() {
		if why, ok := notYetInMatrix[r]; ok && !known[r] {
			fmt.Printf("authorization matrix: %s not probed yet: %s\n", r, why)
			continue
		}
		if !known[r] {
			vs = append(vs, violation{r, "-", "route not in the matrix", 0})
		}
	}
	return sent, vs
}

func (ev *mxEnv) send(client *http.Client, r req, caller string) (int, string, string) {
	ctx, cancel := context.WithTimeout(ev.ctx, 5*time.Second)
	defer cancel()
	hr, _ := http.NewRequestWithContext(ctx, r.method, ev.srv.URL+r.path, strings.NewReader(r.body))
	if r.ctype != "" {
		hr.Header.Set("Content-Type", r.ctype)
	}
	if tok := ev.callers[caller].token; tok != "" {
		hr.Header.Set("Authorization", "Bearer "+tok)
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	res, err := client.Do(hr)
	if err != nil {
		ev.t.Fatalf("%s %s as %s: %v", r.method, r.path, caller, err)
	}
	defer res.Body.Close()
	var body []byte
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		body = []byte("(event stream)") // open-ended: the headers tell
	} else {
		body, _ = io.ReadAll(res.Body)
	}
	return res.StatusCode, string(body), res.Header.Get("Location")
}

// classify: 2xx is allowed, and so is a redirect anywhere but a sign-in
// page (a form that worked); 401, 403, 404 and a redirect to sign in are
// denied; anything else (400, 409, 422…) is neither.
func classify(status int, location string) outcome {
	switch {
	case status >= 200 && status < 300:
		return allowed
	case status >= 300 && status < 400:
		if strings.HasPrefix(location, "/login") || strings.HasPrefix(location, "/dang-nhap") {
			return denied
		}
		return allowed
	case status == 401 || status == 403 || status == 404:
		return denied
	}
	return other
}

func snippet(b string) string {
	b = strings.Join(strings.Fields(b), " ")
	if len(b) > 160 {
		b = b[:160] + "…"
	}
	return b
}

// notYetInMatrix names the routes that landed after the matrix was last
// extended and have no row yet; each is printed on every run, and its
// authorization is decided in the use case named. Keep this list empty.
var notYetInMatrix = map[string]string{}

func report(t *testing.T, vs []violation) {
	sort.Slice(vs, func(i, j int) bool { return vs[i].route+vs[i].caller < vs[j].route+vs[j].caller })
	for _, v := range vs {
		t.Errorf("%s as %s: %s (HTTP %d)", v.route, v.caller, v.what, v.status)
	}
}

// TestAuthorizationMatrix: every route × every caller, zero unexpected
// allows, and every expected allow let through.
func TestAuthorizationMatrix(t *testing.T) {
	ev := newMxEnv(t)
	sent, vs := ev.run(ev.probes())
	t.Logf("authorization matrix: %d routes, %d probes, %d violations", len(ev.h.Routes()), sent, len(vs))
	report(t, vs)
}

// TestAuthorizationMatrixCatchesAHole injects a hole — a route that
// serves every caller as an admin, as a handler that forgot whose request
// it serves would — and checks that the matrix reports it.
func TestAuthorizationMatrixCatchesAHole(t *testing.T) {
	ev := newMxEnv(t)
	for _, hole := range []struct{ method, route, path string }{
		{"GET", "GET /api/v1/seals", "/api/v1/seals"},
		{"GET", "GET /api/v1/dossiers/{code}", "/api/v1/dossiers/" + ev.done.Code},
	} {
		ev.h.InjectHole(hole.method, hole.path, ev.user(admin))
		var ps []probe
		for _, p := range ev.probes() {
			if p.route == hole.route {
				ps = append(ps, p)
			}
		}
		_, vs := ev.run(ps)
		holes := map[string]bool{}
		for _, v := range vs {
			if v.route == hole.route && v.what == "unexpected allow" {
				holes[v.caller] = true
			}
		}
		// Everyone but the admin (and, for the dossier, its own unit and
		// applicant) is now let in: each is reported.
		for _, c := range []string{anon, owner, fReception, fAppraiser, fSuper, fCitizen} {
			if hole.route == "GET /api/v1/dossiers/{code}" && c == owner {
				continue
			}
			if !holes[c] {
				t.Errorf("hole in %s not reported for %s (violations %+v)", hole.route, c, vs)
			}
		}
	}
}

// delivery queues a fresh outbox message to a test destination and returns
// its delivery id.
func (ev *mxEnv) delivery() int64 {
	ev.t.Helper()
	var eid, id int64
	err := ev.db.InTx(ev.ctx, clocktest.Now(), func(tx *store.Tx) error {
		var err error
		eid, err = tx.Enqueue("matrix.test", []byte(`{"n":1}`), []store.OutboxRoute{{Destination: "matrix"}})
		return err
	})
	if err == nil {
		err = ev.db.SQL().QueryRow(`SELECT id FROM outbox_deliveries WHERE event_id = $1`, eid).Scan(&id)
	}
	if err != nil {
		ev.t.Fatal(err)
	}
	return id
}
