package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"motcua/internal/clocktest"
	"motcua/sign"
	"motcua/workflow"
)

func TestUIAdminInstallsAndListsKeys(t *testing.T) {
	_, _, srv := newSigningServer(t, workflow.Config{Now: clocktest.Now})
	ev := &apiEnv{srv: srv, tokens: map[string]string{}}
	admin := ev.token(t, "admin")

	pki, err := sign.NewDemoPKI(clocktest.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	_, p12, err := pki.IssueOrganization("Sở Xây dựng tỉnh Bắc Ninh")
	if err != nil {
		t.Fatal(err)
	}
	post := func(password string) (*http.Response, string) {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("kind", "seals")
		mw.WriteField("name", "BN.SXD")
		mw.WriteField("password", password)
		fw, _ := mw.CreateFormFile("file", "sxd.p12")
		fw.Write(p12)
		mw.Close()
		res, b := roundTrip(t, nil, request(t, "POST", srv.URL+"/quan-tri/khoa", &body, admin, map[string]string{"Content-Type": mw.FormDataContentType()}))
		return res, string(b)
	}
	if res, body := post("wrong"); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Không mở được tệp PKCS#12") {
		t.Errorf("wrong password: %d", res.StatusCode)
	}
	if res, _ := post(sign.DefaultDemoPassword); res.StatusCode != http.StatusOK {
		t.Fatalf("install: %d", res.StatusCode)
	}
	res, body := ev.do(t, admin, "GET", "/quan-tri/khoa", "", nil)
	if res.StatusCode != 200 || !strings.Contains(string(body), "Sở Xây dựng tỉnh Bắc Ninh") || !strings.Contains(string(body), "BN.SXD") {
		t.Errorf("keys page: %d, installed seal not listed", res.StatusCode)
	}
	if res, _ := ev.do(t, ev.token(t, "clerk"), "GET", "/quan-tri/khoa", "", nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("clerk on the keys page: %d; want 403", res.StatusCode)
	}
}
