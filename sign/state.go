package sign

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"motcua/sign/internal/pdfsign"
)

// stateMagic opens a serialized PreparedPDF; the byte after it is the
// format version.
const (
	stateMagic   = "motcua-prepared-pdf"
	stateVersion = 1
)

// MarshalBinary serializes the prepared signature so that another process
// (another instance behind the load balancer, or this one after a
// restart) can finish it with ResumePDF: the file with its empty
// signature container and where that container is, the CMS signed
// attributes exactly as their digest was shown to the signer, the
// certificate and chain (DER), the signing time, the expiry, both digests
// and whether a signature timestamp is wanted. The TSA client itself is
// not kept: the resuming process supplies its own.
func (p *PreparedPDF) MarshalBinary() ([]byte, error) {
	if p == nil || p.ph == nil || p.Certificate == nil {
		return nil, newError(EInvalidInput, "chưa chuẩn bị chữ ký", "no prepared signature", nil)
	}
	tm, err := p.Time.MarshalBinary()
	if err != nil {
		return nil, newError(EInvalidInput, "thời điểm ký không hợp lệ", "invalid signing time", err)
	}
	ex, err := p.Expires.MarshalBinary()
	if err != nil {
		return nil, newError(EInvalidInput, "thời hạn ký không hợp lệ", "invalid expiry", err)
	}
	bytesField := func(b *cryptobyte.Builder, v []byte) {
		b.AddUint32LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(v) })
	}
	// Sized once for the file and what follows it (certificates, a few
	// hundred bytes of fields), instead of growing by doubling.
	size := len(p.ph.File()) + len(p.Certificate.Raw) + 512
	for _, a := range p.attrs {
		size += len(a) + 4
	}
	for _, c := range p.Chain {
		size += len(c.Raw) + 4
	}
	b := cryptobyte.NewBuilder(make([]byte, 0, size))
	b.AddBytes([]byte(stateMagic))
	b.AddUint8(stateVersion)
	bytesField(b, p.ph.File())
	b.AddUint32(uint32(p.ph.ContentsAt()))
	b.AddUint32(uint32(p.ph.ContentsLen()))
	b.AddUint16(uint16(len(p.attrs)))
	for _, a := range p.attrs {
		bytesField(b, a)
	}
	bytesField(b, p.Certificate.Raw)
	b.AddUint16(uint16(len(p.Chain)))
	for _, c := range p.Chain {
		bytesField(b, c.Raw)
	}
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(tm) })
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(ex) })
	b.AddBytes(p.Digest[:])
	b.AddBytes(p.DocumentDigest[:])
	if p.tsa.configured() {
		b.AddUint8(1)
	} else {
		b.AddUint8(0)
	}
	return b.Bytes()
}

// ResumePDF restores a prepared signature serialized by MarshalBinary, to
// be finished with Finish (or SignPrepared) exactly as the original. tsa
// is this process's timestamp authority; it is required when the
// signature was prepared with one (the container has room for the
// token), and ignored otherwise. A state that is truncated, altered (the
// digests no longer match the file or the signed attributes) or of
// another format is refused with EInvalidInput.
func ResumePDF(state []byte, tsa *TSAClient) (*PreparedPDF, error) {
	bad := func(what string) error {
		return newError(EInvalidInput, "dữ liệu phiên ký không hợp lệ ("+what+")", "invalid prepared signature state ("+what+")", nil)
	}
	s := cryptobyte.String(state)
	var magic []byte
	var version uint8
	if !s.ReadBytes(&magic, len(stateMagic)) || string(magic) != stateMagic || !s.ReadUint8(&version) {
		return nil, bad("format")
	}
	if version != stateVersion {
		return nil, bad("phiên bản")
	}
	var file cryptobyte.String
	var at, n uint32
	var nattrs uint16
	if !readField(&s, &file) || !s.ReadUint32(&at) || !s.ReadUint32(&n) || !s.ReadUint16(&nattrs) {
		return nil, bad("tệp")
	}
	ph, err := pdfsign.NewPlaceholder(bytes.Clone(file), int(at), int(n))
	if err != nil {
		return nil, newError(EInvalidInput, "dữ liệu phiên ký không hợp lệ (vùng chữ ký)", "invalid prepared signature state", err)
	}
	p := &PreparedPDF{ph: ph}
	for i := 0; i < int(nattrs); i++ {
		var a cryptobyte.String
		if !readField(&s, &a) {
			return nil, bad("thuộc tính ký")
		}
		p.attrs = append(p.attrs, bytes.Clone(a))
	}
	var certDER cryptobyte.String
	var nchain uint16
	if !readField(&s, &certDER) || !s.ReadUint16(&nchain) {
		return nil, bad("chứng thư")
	}
	if p.Certificate, err = x509.ParseCertificate(certDER); err != nil {
		return nil, newError(EInvalidInput, "dữ liệu phiên ký không hợp lệ (chứng thư)", "invalid prepared signature state", err)
	}
	for i := 0; i < int(nchain); i++ {
		var der cryptobyte.String
		if !readField(&s, &der) {
			return nil, bad("chuỗi chứng thư")
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, newError(EInvalidInput, "dữ liệu phiên ký không hợp lệ (chuỗi chứng thư)", "invalid prepared signature state", err)
		}
		p.Chain = append(p.Chain, c)
	}
	var tm, ex cryptobyte.String
	var digest, docDigest []byte
	var wantTSA uint8
	if !s.ReadUint8LengthPrefixed(&tm) || !s.ReadUint8LengthPrefixed(&ex) ||
		!s.ReadBytes(&digest, 32) || !s.ReadBytes(&docDigest, 32) || !s.ReadUint8(&wantTSA) || !s.Empty() {
		return nil, bad("thời điểm")
	}
	if err := p.Time.UnmarshalBinary(tm); err != nil {
		return nil, bad("thời điểm ký")
	}
	if err := p.Expires.UnmarshalBinary(ex); err != nil {
		return nil, bad("thời hạn")
	}
	// The digests are recomputed: what the signer was shown must be what
	// the file and the attributes give.
	p.DocumentDigest = digestOf(ph.Signed())
	p.Digest = sha256.Sum256(setOf(cbasn1.SET, p.attrs))
	if !bytes.Equal(p.DocumentDigest[:], docDigest) || !bytes.Equal(p.Digest[:], digest) ||
		!bytes.Contains(bytes.Join(p.attrs, nil), p.DocumentDigest[:]) {
		return nil, bad("giá trị băm")
	}
	if wantTSA == 1 {
		if !tsa.configured() {
			return nil, newError(ETimestamp, "máy chủ này chưa cấu hình máy chủ dấu thời gian cho chữ ký đã chuẩn bị",
				"this server has no timestamp authority for the prepared signature", nil)
		}
		p.tsa = tsa
	}
	return p, nil
}

// readField reads a field written with a 32-bit length prefix.
func readField(s *cryptobyte.String, out *cryptobyte.String) bool {
	var n uint32
	return s.ReadUint32(&n) && s.ReadBytes((*[]byte)(out), int(n))
}
