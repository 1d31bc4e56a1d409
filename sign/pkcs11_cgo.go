//go:build cgo

package sign

import (
	"bytes"
	"errors"
	"io"

	"github.com/ThalesGroup/crypto11"
)

// OpenPKCS11 logs in to the token and returns the identity of the key pair
// labelled cfg.KeyLabel. The certificate comes from cfg.CertificatePEM or,
// if that is empty, from the token (same label). Close the returned
// io.Closer when the identity is no longer used; signing after Close
// fails. PKCS#11 needs cgo; without cgo OpenPKCS11 returns an error.
func OpenPKCS11(cfg PKCS11Config) (*Identity, io.Closer, error) {
	fail := func(vi, en string, err error) (*Identity, io.Closer, error) {
		return nil, nil, newError(EKeyStore, vi, en, err)
	}
	if cfg.Module == "" || cfg.KeyLabel == "" || cfg.TokenLabel == "" {
		return fail("thiếu cấu hình PKCS#11 (thư viện, nhãn token, nhãn khóa)",
			"incomplete PKCS#11 configuration (module, token label, key label)", nil)
	}
	ctx, err := crypto11.Configure(&crypto11.Config{Path: cfg.Module, TokenLabel: cfg.TokenLabel, Pin: cfg.PIN})
	if err != nil {
		return fail("không đăng nhập được vào thiết bị ký (token/HSM)", "cannot log in to the PKCS#11 token", err)
	}
	id, err := identityFromToken(ctx, cfg)
	if err != nil {
		_ = ctx.Close()
		return nil, nil, err
	}
	return id, ctx, nil
}

func identityFromToken(ctx *crypto11.Context, cfg PKCS11Config) (*Identity, error) {
	label := []byte(cfg.KeyLabel)
	signer, err := ctx.FindKeyPair(nil, label)
	if err == nil && signer == nil {
		err = errors.New("key pair not found")
	}
	if err != nil {
		return nil, newError(EKeyStore, "không tìm thấy khóa \""+cfg.KeyLabel+"\" trên thiết bị ký",
			"key \""+cfg.KeyLabel+"\" not found on the token", err)
	}
	id := &Identity{Signer: signer}
	if len(bytes.TrimSpace(cfg.CertificatePEM)) > 0 {
		certs, err := parseCertificates(cfg.CertificatePEM)
		if err != nil {
			return nil, newError(EKeyStore, "chứng thư số trong cấu hình không hợp lệ", "invalid configured certificate", err)
		}
		id.Certificate, id.Chain = certs[0], certs[1:]
	} else {
		cert, err := ctx.FindCertificate(nil, label, nil)
		if err == nil && cert == nil {
			err = errors.New("certificate not found")
		}
		if err != nil {
			return nil, newError(EKeyStore, "không tìm thấy chứng thư số \""+cfg.KeyLabel+"\" trên thiết bị ký",
				"certificate \""+cfg.KeyLabel+"\" not found on the token", err)
		}
		id.Certificate = cert
	}
	if len(bytes.TrimSpace(cfg.ChainPEM)) > 0 {
		chain, err := parseCertificates(cfg.ChainPEM)
		if err != nil {
			return nil, newError(EKeyStore, "chuỗi chứng thư trong cấu hình không hợp lệ", "invalid configured CA chain", err)
		}
		id.Chain = append(id.Chain, chain...)
	}
	if err := id.check(); err != nil {
		return nil, err
	}
	return id, nil
}
