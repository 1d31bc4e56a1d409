//go:build !cgo

package sign

import (
	"errors"
	"io"
)

// OpenPKCS11 needs cgo; this build has none.
func OpenPKCS11(cfg PKCS11Config) (*Identity, io.Closer, error) {
	return nil, nil, newError(EUnsupported, "bản dựng này không hỗ trợ PKCS#11 (cần cgo)",
		"this build does not support PKCS#11 (cgo required)", errors.New("built without cgo"))
}
