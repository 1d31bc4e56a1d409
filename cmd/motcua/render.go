package main

import (
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"motcua/render"
	"motcua/workflow"
)

// newDocuments returns the PDF renderer and signer. Keys are PKCS#12 files
// under DATA/keys (officers/<username>.p12, seals/<agency>.p12, password
// MOTCUA_KEY_PASSWORD); MOTCUA_TRUST_DIR holds the trusted root CAs;
// MOTCUA_TSA_URL names the RFC 3161 timestamping authority (in demo mode
// without it, an in-process demo TSA stamps every signature, so results
// are PAdES B-T and archiving works); MOTCUA_PKCS11_MODULE and
// MOTCUA_PKCS11_PIN open HSM-held seal keys. In demo mode a demo CA issues
// the missing certificates ("DEMO — không có giá trị pháp lý").
func newDocuments(dataDir string, clock func() time.Time, isDemo bool, log *slog.Logger) (workflow.Documents, error) {
	keys, err := render.OpenFileKeys(filepath.Join(dataDir, "keys"), os.Getenv("MOTCUA_KEY_PASSWORD"), os.Getenv("MOTCUA_TRUST_DIR"), isDemo, clock())
	if err != nil {
		return nil, err
	}
	// Seals whose key reference is "pkcs11:token=…;object=…" sign on this
	// PKCS#11 module (an HSM, a USB token, SoftHSM2).
	keys.PKCS11Module, keys.PKCS11PIN = os.Getenv("MOTCUA_PKCS11_MODULE"), os.Getenv("MOTCUA_PKCS11_PIN")
	return render.New(keys, render.Options{Demo: isDemo, TSAURL: os.Getenv("MOTCUA_TSA_URL"), Now: clock, Log: log})
}
