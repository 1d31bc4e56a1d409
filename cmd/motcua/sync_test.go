package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"motcua/dossier"
	"motcua/dvcqg"
	"motcua/internal/demotest"
	"motcua/workflow"
)

// TestCmdSyncCheck: "motcua sync check" against a fake portal on
// 127.0.0.1 finds a dossier it lacks (exit 1) and queues it; after the
// relay has sent it, the check passes (exit 0).
func TestCmdSyncCheck(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	fake := dvcqg.NewFake()
	srv := httptest.NewServer(fake)
	defer srv.Close()
	env := map[string]string{"MOTCUA_DVCQG_URL": srv.URL}
	getenv := func(k string) string { return env[k] }

	// A dossier received while the portal was not connected.
	c, err := loadConfig(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	c.Data = dir
	db, svc := openDemo(t, &c)
	users := demotest.Users(t, db)
	blob := demotest.Upload(t, svc, users["reception"], "scan")
	d, err := svc.Receive(ctx, users["reception"], workflow.ReceiveInput{ProcedureCode: "2.001610", Channel: dossier.ChannelCounter,
		Applicant:  dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: "Nguyễn Văn An", IDNumber: "001090001234"},
		Components: []workflow.ComponentInput{{Code: "GDN", BlobID: blob}, {Code: "GTPL", BlobID: blob}}})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	at := d.ReceivedAt
	args := []string{"sync", "check", "--data", dir, "--from", at.Add(-time.Hour).Format(time.RFC3339), "--to", at.Add(time.Hour).Format(time.RFC3339)}
	var out, errOut bytes.Buffer
	if code := run(ctx, args, getenv, strings.NewReader(""), &out, &errOut); code != 1 ||
		!strings.Contains(out.String(), "Chưa có trên Cổng: 1 ("+d.Code+")") || !strings.Contains(out.String(), "Đã xếp 1 hồ sơ") {
		t.Fatalf("first check: exit %d\n%s%s", code, out.String(), errOut.String())
	}
	// A server's relay sends the resync.
	c.DVCQG.URL = srv.URL
	db, err = openStore(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	svc, err = newService(c, db, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if n, err := svc.DeliverDue(ctx, 10, workflow.PortalDestination); n != 1 || err != nil {
		t.Fatalf("relay: %d, %v", n, err)
	}
	db.Close()
	out.Reset()
	if code := run(ctx, append(args, "--json"), getenv, strings.NewReader(""), &out, &errOut); code != 0 {
		t.Fatalf("second check: exit %d\n%s%s", code, out.String(), errOut.String())
	}
	var rep workflow.SyncReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil || !rep.Verified || rep.Local != 1 || rep.Remote != 1 {
		t.Fatalf("report %s: %v", out.String(), err)
	}
}
