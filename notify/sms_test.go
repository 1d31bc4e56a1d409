package notify_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"motcua/dossier"
	"motcua/notify"
)

// gateway is a fake SMS gateway on 127.0.0.1.
type gateway struct {
	mu     sync.Mutex
	got    []map[string]string
	auth   []string
	status int
}

func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var m map[string]string
	json.NewDecoder(r.Body).Decode(&m)
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.status != 0 {
		w.WriteHeader(g.status)
		return
	}
	g.got = append(g.got, m)
	g.auth = append(g.auth, r.Header.Get("Authorization"))
}

func TestSMSSendsTheSubjectOnly(t *testing.T) {
	g := &gateway{}
	srv := httptest.NewServer(g)
	defer srv.Close()
	sms := notify.SMS{URL: srv.URL, Token: "tok", Sender: "TTHCC-BN", Link: "https://hcc.example.vn/tra-cuu"}
	to := dossier.Applicant{Name: "Nguyễn Văn An", IDNumber: "001090001234", Phone: "+84 912 345 678"}
	if err := sms.Notify(context.Background(), to, "Hồ sơ H06-0001 đã được tiếp nhận", "Hồ sơ … Ngày hẹn …"); err != nil {
		t.Fatal(err)
	}
	if len(g.got) != 1 || g.got[0]["to"] != "0912345678" || g.got[0]["sender"] != "TTHCC-BN" || g.auth[0] != "Bearer tok" ||
		g.got[0]["text"] != "Hồ sơ H06-0001 đã được tiếp nhận. Tra cứu: https://hcc.example.vn/tra-cuu" {
		t.Fatalf("gateway got %v %v", g.got, g.auth)
	}
	for _, pii := range []string{"Nguyễn", "001090001234"} {
		if strings.Contains(g.got[0]["text"], pii) {
			t.Errorf("text carries personal data %q", pii)
		}
	}
	// No phone: nothing sent. A bad number or a gateway error: an error
	// (the outbox retries it).
	if err := sms.Notify(context.Background(), dossier.Applicant{Name: "X"}, "s", "b"); err != nil || len(g.got) != 1 {
		t.Errorf("no phone: %v, %d sent", err, len(g.got))
	}
	if err := sms.Notify(context.Background(), dossier.Applicant{Phone: "12"}, "s", "b"); err == nil {
		t.Error("a two-digit phone number was accepted")
	}
	g.status = 503
	if err := sms.Notify(context.Background(), to, "s", "b"); err == nil {
		t.Error("a 503 from the gateway was not reported")
	}
}

type rec struct{ got []string }

func (r *rec) Notify(ctx context.Context, to dossier.Applicant, subject, body string) error {
	r.got = append(r.got, subject)
	return nil
}

func TestByContactChoosesEmailThenSMS(t *testing.T) {
	mail, sms := &rec{}, &rec{}
	n := notify.ByContact{Email: mail, SMS: sms}
	ctx := context.Background()
	n.Notify(ctx, dossier.Applicant{Email: "a@example.vn", Phone: "0912345678"}, "both", "")
	n.Notify(ctx, dossier.Applicant{Phone: "0912345678"}, "phone", "")
	n.Notify(ctx, dossier.Applicant{}, "none", "")
	if strings.Join(mail.got, ",") != "both" || strings.Join(sms.got, ",") != "phone" {
		t.Errorf("e-mail got %v, SMS got %v; want both→e-mail, phone→SMS, none→nothing", mail.got, sms.got)
	}
}
