package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"motcua/dossier"
	"motcua/exchange"
	"motcua/internal/clocktest"
	"motcua/workflow"
)

// The document exchange routes in the authorization matrix: the demo's
// 2.002043 asks Cục Thuế's opinion (demo/exchange-bacninh.csv); packages
// go to a platform that takes everything.

type nopExchange struct{}

func (nopExchange) Send(context.Context, string, workflow.ExchangeMessage) error { return nil }

func (ev *mxEnv) connectExchange() {
	ev.svc.AddExchange(nopExchange{}, workflow.ExchangeOptions{Peers: map[string][]byte{"lgsp": exchangeSecret}}, workflow.DestinationOptions{})
}

// exchangeDossier is a new dossier of 2.002043 received at BN.TTHCC's
// counter (status received: a step may be sent).
func (ev *mxEnv) exchangeDossier() *dossier.Dossier {
	ev.t.Helper()
	var cs []workflow.ComponentInput
	for _, c := range []string{"GDN", "DL", "DSCD", "GTPL-NDD", "GTPL-CD"} {
		cs = append(cs, workflow.ComponentInput{Code: c, BlobID: ev.upload(reception)})
	}
	d, err := ev.svc.Receive(ev.ctx, ev.user(reception), workflow.ReceiveInput{ProcedureCode: "2.002043", Channel: dossier.ChannelCounter,
		Applicant: dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: "Nguyễn Văn An", IDNumber: "001090001234"}, Components: cs})
	if err != nil {
		ev.t.Fatal(err)
	}
	return d
}

func (ev *mxEnv) exchangeProbes() []probe {
	return []probe{
		{route: "GET /api/v1/dossiers/{code}/exchange", allow: homeStaff, build: func(ev *mxEnv, _ string) req {
			return req{method: "GET", path: "/api/v1/dossiers/" + ev.exchangeDossier().Code + "/exchange"}
		}},
		// Sending: the officers of the procedure's agency.
		{route: "POST /api/v1/dossiers/{code}/exchange", allow: only(appraiser, approver, clerk), fresh: true, build: func(ev *mxEnv, _ string) req {
			return jsonReq("POST", "/api/v1/dossiers/"+ev.exchangeDossier().Code+"/exchange", map[string]any{"step": 0})
		}},
		{route: "POST /ho-so/{code}/lien-thong", allow: only(appraiser, approver, clerk), fresh: true, build: func(ev *mxEnv, _ string) req {
			return formReq("/ho-so/"+ev.exchangeDossier().Code+"/lien-thong", url.Values{"step": {"0"}})
		}},
		// Answers are authenticated by the peer's signature, whoever's
		// session comes along: a signed answer is taken from anyone, an
		// unsigned one from no one (TestExchangeWithFakePeer).
		{route: "POST /api/v1/exchange/answers", allow: everyone, build: func(ev *mxEnv, _ string) req {
			p, err := ev.svc.SendExchange(ev.ctx, ev.user(appraiser), ev.exchangeDossier().Code, workflow.ExchangeSendInput{Step: ptr(0)})
			if err != nil {
				ev.t.Fatal(err)
			}
			body, _ := json.Marshal(workflow.ExchangeAnswer{PackageID: p.ID, Status: dossier.ExchangeAccepted})
			stamp := strconv.FormatInt(clocktest.Now().Unix(), 10)
			hr, _ := http.NewRequest("POST", "/", nil)
			exchange.SignRequest(hr, "lgsp", exchangeSecret, stamp, body)
			r := req{method: "POST", path: "/api/v1/exchange/answers", body: string(body), ctype: "application/json", header: map[string]string{}}
			for _, k := range []string{exchange.HeaderPeer, exchange.HeaderTimestamp, exchange.HeaderSignature} {
				r.header[k] = hr.Header.Get(k)
			}
			return r
		}},
	}
}
