package workflow

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"

	"motcua/blob"
	"motcua/dossier"
	"motcua/internal/clocktest"
	"motcua/store"
	"motcua/store/storetest"
)

// The hash checked for an unknown account costs what a real one costs:
// same algorithm and parameters, so the time of a failed sign-in tells
// no missing account from a wrong password (issue 16, item 11).
func TestDummyHashHasTheCurrentParameters(t *testing.T) {
	params := func(h string) string {
		parts := strings.Split(h, "$")
		if len(parts) != 6 {
			t.Fatalf("not a PHC string: %q", h)
		}
		return strings.Join(parts[1:4], "$")
	}
	if d, h := params(dummyHash), params(HashPassword("mật-khẩu-thử-đủ-dài")); d != h {
		t.Errorf("dummy hash parameters %q; real hashes %q", d, h)
	}
	if CheckPassword(dummyHash, "") || CheckPassword(dummyHash, "demo") {
		t.Error("the dummy hash matches a password")
	}
	// A hash stored with the former parameters (two lanes) still verifies.
	salt := []byte("muoi-sau-byte-16")
	old := "$argon2id$v=19$m=65536,t=1,p=2$" + base64.RawStdEncoding.EncodeToString(salt) + "$" +
		base64.RawStdEncoding.EncodeToString(argon2.IDKey([]byte("Cầu-Long-Biên-1902"), salt, 1, 64*1024, 2, 32))
	if !CheckPassword(old, "Cầu-Long-Biên-1902") || CheckPassword(old, "Cầu-Long-Biên-1903") {
		t.Error("a p=2 hash does not verify as it did")
	}
}

// Passwords are hashed outside every transaction (issue 16, item 5): with
// the single SQLite writer held by another transaction, each use case
// that hashes — sign-in, a wrong password, registration, account creation
// — takes a hash slot, hashes and gives the slot back, and only then
// waits for the writer. Were the hash inside the transaction, none would
// start until the writer is free and the test would fail.
func TestHashingOutsideTheWriter(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	blobs, err := blob.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(db, blobs, Ports{}, nil, Config{Now: clocktest.Now})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const pw = "Cầu-Long-Biên-1902"
	if _, err := s.CreateUser(ctx, nil, NewUserInput{Username: "canbo", Password: pw, Name: "Cán bộ",
		Roles: []dossier.Role{dossier.RoleReception}}); err != nil {
		t.Fatal(err)
	}

	held, release, txDone := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		txDone <- db.InTx(ctx, clocktest.Now(), func(*store.Tx) error {
			close(held)
			<-release
			return nil
		})
	}()
	<-held
	calls := []struct {
		name string
		call func() error
		ok   bool
	}{
		{"sign-in", func() error { _, _, err := s.Login(ctx, "canbo", pw); return err }, true},
		{"wrong password", func() error { _, _, err := s.Login(ctx, "canbo", pw+"x"); return err }, false},
		{"registration", func() error {
			_, err := s.RegisterCitizen(ctx, NewUserInput{Username: "congdan", Password: "Sông-Cầu-2026-xanh", Name: "Lê Văn Công", IDNumber: "001090005678"})
			return err
		}, true},
		{"account creation", func() error {
			_, err := s.CreateUser(ctx, nil, NewUserInput{Username: "canbo2", Password: pw, Name: "Cán bộ 2", Roles: []dossier.Role{dossier.RoleAppraiser}})
			return err
		}, true},
	}
	dones := make([]chan error, len(calls))
	for i, c := range calls {
		dones[i] = make(chan error, 1)
		go func() { dones[i] <- c.call() }()
		// The slot is taken, then given back, while the writer is held.
		hashing, hashed := false, false
		for range 120_000 { // polled every 0.5 ms: at most a minute
			if n := len(s.logins); n > 0 {
				hashing = true
			} else if hashing {
				hashed = true
				break
			}
			time.Sleep(500 * time.Microsecond)
		}
		if !hashed {
			t.Errorf("%s: no hash ran while the writer was held (slot seen taken: %v)", c.name, hashing)
		}
		select {
		case err := <-dones[i]:
			t.Errorf("%s finished while the writer was held: %v", c.name, err)
		default:
		}
	}
	close(release)
	if err := <-txDone; err != nil {
		t.Fatal(err)
	}
	for i, c := range calls {
		if err := <-dones[i]; (err == nil) != c.ok {
			t.Errorf("%s = %v; want success %v", c.name, err, c.ok)
		}
	}
}
