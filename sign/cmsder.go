package sign

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"math/big"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// derSignedData is what AddDSS reads of a CMS SignedData (RFC 5652 §5):
// the certificates it carries, its only signer's certificate, the
// encapsulated content and the timestamp tokens among the signer's
// unsigned attributes. cmsDER reads it from DER without a copy; the
// general parser (digitorus/pkcs7) first rewrites the whole structure
// from BER to DER, which was most of the cost of adding the DSS to a
// result. Input that is not plain DER of the expected shape is refused
// (ok false), and the caller uses the general parser.
type derSignedData struct {
	certs   []*x509.Certificate
	signer  *x509.Certificate // nil unless exactly one signer, found among certs
	content []byte            // the eContent octets
	tokens  [][]byte          // id-aa-timeStampToken values of the only signer
}

var certMemo memo[[32]byte, *x509.Certificate]

// parseCertificateMemo is x509.ParseCertificate, remembered: the same
// few certificates (signer, CAs, TSA) come with every signature. The
// certificate returned is shared: callers must not modify it.
func parseCertificateMemo(der []byte) (*x509.Certificate, error) {
	k := sha256.Sum256(der)
	if c, ok := certMemo.get(k); ok {
		return c, nil
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	certMemo.put(k, c)
	return c, nil
}

func cmsDER(der []byte) (sd derSignedData, ok bool) {
	in := cryptobyte.String(der)
	var ci, body, signed cryptobyte.String
	var ctype asn1.ObjectIdentifier
	if !in.ReadASN1(&ci, cbasn1.SEQUENCE) || !in.Empty() || !ci.ReadASN1ObjectIdentifier(&ctype) || !ctype.Equal(oidSignedData()) ||
		!ci.ReadASN1(&body, cbasn1.Tag(0).Constructed().ContextSpecific()) || !ci.Empty() ||
		!body.ReadASN1(&signed, cbasn1.SEQUENCE) || !body.Empty() {
		return sd, false
	}
	var version int64
	var encap cryptobyte.String
	if !signed.ReadASN1Integer(&version) || !signed.SkipASN1(cbasn1.SET) || !signed.ReadASN1(&encap, cbasn1.SEQUENCE) {
		return sd, false
	}
	var etype asn1.ObjectIdentifier
	if !encap.ReadASN1ObjectIdentifier(&etype) {
		return sd, false
	}
	if !encap.Empty() {
		var explicit, octets cryptobyte.String
		if !encap.ReadASN1(&explicit, cbasn1.Tag(0).Constructed().ContextSpecific()) || !encap.Empty() ||
			!explicit.ReadASN1(&octets, cbasn1.OCTET_STRING) || !explicit.Empty() {
			return sd, false
		}
		sd.content = octets
	}
	if signed.PeekASN1Tag(cbasn1.Tag(0).Constructed().ContextSpecific()) {
		var certs cryptobyte.String
		if !signed.ReadASN1(&certs, cbasn1.Tag(0).Constructed().ContextSpecific()) {
			return sd, false
		}
		for !certs.Empty() {
			var raw cryptobyte.String
			if !certs.ReadASN1Element(&raw, cbasn1.SEQUENCE) {
				return sd, false // other certificate formats
			}
			c, err := parseCertificateMemo(raw)
			if err != nil {
				return sd, false
			}
			sd.certs = append(sd.certs, c)
		}
	}
	if signed.PeekASN1Tag(cbasn1.Tag(1).Constructed().ContextSpecific()) {
		if !signed.SkipASN1(cbasn1.Tag(1).Constructed().ContextSpecific()) {
			return sd, false
		}
	}
	var infos cryptobyte.String
	if !signed.ReadASN1(&infos, cbasn1.SET) || !signed.Empty() {
		return sd, false
	}
	var info cryptobyte.String
	if !infos.ReadASN1(&info, cbasn1.SEQUENCE) {
		return sd, false
	}
	if !infos.Empty() {
		return sd, true // several signers: no only signer
	}
	var iasn, issuer cryptobyte.String
	serial := new(big.Int)
	if !info.ReadASN1Integer(&version) || !info.ReadASN1(&iasn, cbasn1.SEQUENCE) ||
		!iasn.ReadASN1Element(&issuer, cbasn1.SEQUENCE) || !iasn.ReadASN1Integer(serial) || !iasn.Empty() {
		return sd, false // a subject key identifier: left to the general parser
	}
	for _, c := range sd.certs {
		if bytes.Equal(c.RawIssuer, issuer) && c.SerialNumber.Cmp(serial) == 0 {
			sd.signer = c
			break
		}
	}
	if !info.SkipASN1(cbasn1.SEQUENCE) {
		return sd, false
	}
	if info.PeekASN1Tag(cbasn1.Tag(0).Constructed().ContextSpecific()) && !info.SkipASN1(cbasn1.Tag(0).Constructed().ContextSpecific()) {
		return sd, false
	}
	if !info.SkipASN1(cbasn1.SEQUENCE) || !info.SkipASN1(cbasn1.OCTET_STRING) {
		return sd, false
	}
	if info.PeekASN1Tag(cbasn1.Tag(1).Constructed().ContextSpecific()) {
		var attrs cryptobyte.String
		if !info.ReadASN1(&attrs, cbasn1.Tag(1).Constructed().ContextSpecific()) {
			return sd, false
		}
		for !attrs.Empty() {
			var attr, values cryptobyte.String
			var typ asn1.ObjectIdentifier
			if !attrs.ReadASN1(&attr, cbasn1.SEQUENCE) || !attr.ReadASN1ObjectIdentifier(&typ) ||
				!attr.ReadASN1(&values, cbasn1.SET) || !attr.Empty() {
				return sd, false
			}
			if !typ.Equal(oidTimeStampToken()) {
				continue
			}
			var token cryptobyte.String
			if !values.ReadASN1Element(&token, cbasn1.SEQUENCE) || !values.Empty() {
				return sd, false
			}
			sd.tokens = append(sd.tokens, token)
		}
	}
	if !info.Empty() {
		return sd, false
	}
	return sd, true
}

// tstInfoTime is the genTime of a DER TSTInfo (RFC 3161 §2.4.2). The
// token's signature is not checked.
func tstInfoTime(content []byte) (time.Time, error) {
	var info struct {
		Version        int
		Policy         asn1.ObjectIdentifier
		MessageImprint asn1.RawValue
		SerialNumber   asn1.RawValue
		Time           time.Time `asn1:"generalized"`
	}
	rest, err := asn1.Unmarshal(content, &info)
	if err != nil {
		return time.Time{}, err
	}
	if len(rest) > 0 {
		return time.Time{}, errors.New("trailing data after the timestamp info")
	}
	if info.Time.IsZero() {
		return time.Time{}, errors.New("timestamp without time")
	}
	return info.Time, nil
}
