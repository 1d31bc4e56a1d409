package sign

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"motcua/sign/internal/pdf"
	"motcua/sign/internal/pdfsign"
)

// VerifyOptions configures VerifyPDF.
type VerifyOptions struct {
	// Roots is the trust store (NEAC, Ban Cơ yếu Chính phủ and other
	// recognised roots; see LoadTrustStore). Nil means trust is not
	// evaluated: every signature gets TrustNotChecked.
	Roots *x509.CertPool
	// Now is the verification time, used when a signature carries no
	// signing time at all. Required.
	Now time.Time
}

// Report is the result of verifying every signature of a PDF.
type Report struct {
	Signatures []SignatureInfo
	// Intact: the file has at least one signature, every signature's
	// digest and signature value verify, and the last signature covers the
	// whole file (nothing was appended after it).
	Intact bool
	// Trusted: at least one signature and all of them chain to Roots.
	Trusted bool
	// UnsignedChanges: bytes were appended after the last signature
	// (an incremental update nobody signed) other than validation data.
	UnsignedChanges bool
	SHA256          string // hex SHA-256 of the whole file

	// DSSAppended: after the last signature, only validation data was
	// appended (incremental updates adding a DSS dictionary, see AddDSS).
	// It does not change what was signed: Intact and UnsignedChanges
	// ignore it.
	DSSAppended bool
	// LTV: at least one signature and every signature is long-term
	// verifiable from the file alone (SignatureInfo.LTV).
	LTV bool
}

// SignatureInfo is the verification result of one signature, in signing
// order.
type SignatureInfo struct {
	FieldName string
	// Kind is "approval" for a signature and "timestamp" for a document
	// timestamp (SubFilter ETSI.RFC3161).
	Kind      string
	SubFilter string

	SignerName   string // certificate CN (TSA CN for a document timestamp)
	Organization string // certificate O
	Position     string // certificate title attribute, if any
	Reason       string
	Location     string

	// SigningTime is the best known signing time: the trusted timestamp
	// if there is one, else the claimed time (signing-time attribute or
	// /M). TimeSource is "timestamp", "claimed" or "" (unknown).
	SigningTime   time.Time
	TimeSource    string
	ClaimedTime   time.Time
	Timestamped   bool // a valid RFC 3161 timestamp covers the signature
	TimestampTime time.Time

	Intact              bool // digest and signature value verify, and the certificate was not revoked before SigningTime
	CoversWholeDocument bool // the signed range ends at the end of the file
	Trusted             bool // the signer chains to Roots at SigningTime
	TrustStatus         TrustStatus
	CertValidAtSigning  bool // SigningTime is inside the certificate validity
	CertExpiredNow      bool // the certificate has expired at VerifyOptions.Now

	// LTV: the DSS of the file holds the whole chain of the certificate
	// (up to a self-signed root), and of the timestamp authority of a
	// signature timestamp, with revocation data (CRL or OCSP) for every
	// certificate but the root, so that the signature can be verified
	// offline after the certificates expire (PAdES B-LT).
	LTV bool
	// Revocation is the status of the certificate chain at SigningTime,
	// from the revocation data of the DSS only (no network access):
	// "good", "revoked" (revoked at or before SigningTime: the signature
	// is not valid, Intact is false) or "unknown" (no usable data). Empty
	// when there is no certificate to check.
	Revocation string
	// RevokedAt is when a certificate of the chain was revoked, if the
	// DSS says so, also when that is after SigningTime (the signature then
	// stays valid, security design R9).
	RevokedAt time.Time

	// Level is the PAdES baseline level the signature reaches (ETSI EN
	// 319 142-1): LevelBB, LevelBT (a signature timestamp or a later
	// document timestamp), LevelBLT (and the DSS holds its validation
	// data), LevelBLTA (and a later document timestamp covers that data).
	// Empty for document timestamps and for signatures that do not verify.
	Level string
	// Issuer is the common name of the CA that issued the certificate.
	Issuer string
	// TimestampAuthority is the common name of the TSA of the signature
	// timestamp, if any.
	TimestampAuthority string `json:",omitempty"`

	Certificate *x509.Certificate `json:"-"`
	// Errors lists problems in Vietnamese; ErrorsEN has the same entries
	// in English.
	Errors   []string
	ErrorsEN []string
}

// PAdES baseline levels (SignatureInfo.Level).
const (
	LevelBB   = "B-B"
	LevelBT   = "B-T"
	LevelBLT  = "B-LT"
	LevelBLTA = "B-LTA"
)

func (s *SignatureInfo) addError(vi, en string) {
	s.Errors = append(s.Errors, capitalize(vi))
	s.ErrorsEN = append(s.ErrorsEN, capitalize(en))
}

func (s *SignatureInfo) addErr(err error) {
	if e, ok := err.(*Error); ok {
		s.addError(e.Text("vi"), e.Text("en"))
		return
	}
	s.addError(err.Error(), err.Error())
}

// maxSignatures bounds the work done on hostile input: every signature
// hashes up to the whole file.
const maxSignatures = 32

// VerifyPDF verifies every signature of a PDF: integrity of the signed
// byte ranges (CMS message digest and signature value, ESS
// signing-certificate-v2), RFC 3161 timestamps, the certificate path
// against opts.Roots at the signing time, and revocation at the signing
// time from the CRLs and OCSP responses of the file's DSS (offline; see
// AddDSS and SignatureInfo.Revocation). Incremental updates after the
// last signature that only add validation data (a DSS) are allowed
// (Report.DSSAppended); any other change is an unsigned change. It
// returns an error (code EInvalidPDF) only when the file cannot be
// parsed; a PDF without signatures gives a Report with Intact false.
//
// The PDF parser (digitorus/pdf, vendored and hardened in internal/pdf)
// reports malformed input by panicking; VerifyPDF recovers from panics
// raised inside that parser and in the digitorus CMS and timestamp
// parsers, and returns them as errors.
func VerifyPDF(data []byte, opts VerifyOptions) (*Report, error) {
	if opts.Now.IsZero() {
		return nil, newError(EInvalidInput, "thiếu thời điểm kiểm tra", "missing verification time", nil)
	}
	sum := sha256.Sum256(data)
	rep := &Report{SHA256: hex.EncodeToString(sum[:])}
	bad := func(err error) error {
		return newError(EInvalidPDF, "không đọc được tệp PDF", "cannot read the PDF file", err)
	}
	rdr, err := pdfsign.Parse(data)
	if err != nil {
		return nil, bad(err)
	}
	sigs, err := findSignatures(rdr)
	if err != nil {
		return nil, bad(err)
	}
	dss, _ := readDSS(rdr) // an unreadable DSS gives no validation data
	// Signing order: each incremental signature covers a longer prefix.
	sort.SliceStable(sigs, func(i, j int) bool { return sigs[i].end < sigs[j].end })
	// One buffer for the signed bytes of every signature, in turn.
	buf := make([]byte, 0, len(data))
	ltvWith := make([]func(*dssData) bool, len(sigs))
	for i, s := range sigs {
		info, ltv := verifyOne(data, s, opts, buf, dss)
		rep.Signatures = append(rep.Signatures, info)
		ltvWith[i] = ltv
	}
	checkRevokedAfter(rep.Signatures)
	assignLevels(data, sigs, rep.Signatures, ltvWith)
	rep.Intact, rep.Trusted = len(rep.Signatures) > 0, len(rep.Signatures) > 0
	rep.LTV = len(rep.Signatures) > 0
	covered := false
	for _, s := range rep.Signatures {
		rep.Intact = rep.Intact && s.Intact
		rep.Trusted = rep.Trusted && s.Trusted
		rep.LTV = rep.LTV && s.LTV
		covered = covered || s.CoversWholeDocument
	}
	if len(rep.Signatures) > 0 && !covered {
		if onlyDSSAfter(data, lastEnd(sigs, len(data)), rdr) {
			rep.DSSAppended = true
		} else {
			rep.UnsignedChanges = true
			rep.Intact = false
		}
	}
	return rep, nil
}

// assignLevels sets the PAdES level of each verified signature. A
// signature is B-LTA when a later document timestamp covers a revision
// whose DSS already held the signature's validation data: that revision
// is read again (only files with document timestamps, i.e. archive
// copies, pay for it).
func assignLevels(data []byte, raws []rawSignature, sigs []SignatureInfo, ltvWith []func(*dssData) bool) {
	dssAt := map[int]*dssData{}
	revision := func(j int) *dssData {
		if d, ok := dssAt[j]; ok {
			return d
		}
		var d *dssData
		if end := raws[j].end; end > 0 && end <= int64(len(data)) {
			if rdr, err := pdfsign.Parse(data[:end]); err == nil {
				d, _ = readDSS(rdr)
			}
		}
		dssAt[j] = d
		return d
	}
	for i := range sigs {
		s := &sigs[i]
		if s.Kind != "approval" || !s.Intact {
			continue
		}
		var later []int
		for j := i + 1; j < len(sigs); j++ {
			if sigs[j].Kind == "timestamp" && sigs[j].Intact {
				later = append(later, j)
			}
		}
		s.Level = LevelBB
		if !s.Timestamped && len(later) == 0 {
			continue
		}
		s.Level = LevelBT
		if !s.LTV {
			continue
		}
		s.Level = LevelBLT
		for _, j := range later {
			if d := revision(j); d != nil && ltvWith[i] != nil && ltvWith[i](d) {
				s.Level = LevelBLTA
				break
			}
		}
	}
}

// lastEnd returns the end of the longest well-formed signed range.
func lastEnd(sigs []rawSignature, size int) int64 {
	var end int64
	for _, s := range sigs {
		if s.err == "" && s.end <= int64(size) && s.end > end {
			end = s.end
		}
	}
	return end
}

// checkRevokedAfter flags signatures whose certificate was revoked after
// the claimed signing time when nothing proves that the signature existed
// before the revocation: neither a signature timestamp nor a later
// trusted document timestamp from before the revocation. A signer whose
// key was compromised could otherwise backdate /M.
func checkRevokedAfter(sigs []SignatureInfo) {
	for i := range sigs {
		s := &sigs[i]
		if s.RevokedAt.IsZero() || s.Revocation != RevocationGood || s.TimeSource == "timestamp" {
			continue
		}
		proven := false
		for _, ts := range sigs[i+1:] {
			if ts.Kind == "timestamp" && ts.Intact && ts.Trusted && ts.TimestampTime.Before(s.RevokedAt) {
				proven = true
				break
			}
		}
		if !proven {
			s.addError("chứng thư số đã bị thu hồi lúc "+formatVN(s.RevokedAt)+", sau thời điểm ký do người ký khai báo; không có dấu thời gian chứng minh chữ ký được tạo trước khi thu hồi",
				"the certificate was revoked at "+formatVN(s.RevokedAt)+", after the signing time claimed by the signer; no timestamp proves that the signature was made before the revocation")
		}
	}
}

// rawSignature is a signature dictionary as found in the file.
type rawSignature struct {
	field     string
	subFilter string
	typ       string
	name      string
	reason    string
	location  string
	m         string
	byteRange []int64
	contents  []byte // /Contents as parsed
	end       int64  // end of the signed range
	err       string // parse problem
}

// findSignatures walks the AcroForm field tree and returns the values of
// signature fields. The digitorus parser panics on malformed input and
// resolves objects lazily, so every access happens under recover.
func findSignatures(rdr *pdf.Reader) (sigs []rawSignature, err error) {
	defer func() {
		if p := recover(); p != nil {
			sigs, err = nil, fmt.Errorf("malformed PDF: %v", p)
		}
	}()
	fields := rdr.Trailer().Key("Root").Key("AcroForm").Key("Fields")
	seen := map[string]bool{}
	budget := 10000
	var walk func(f pdf.Value, name, ft string, depth int)
	walk = func(f pdf.Value, name, ft string, depth int) {
		budget--
		if depth > 32 || budget < 0 || len(sigs) >= maxSignatures || f.Kind() != pdf.Dict {
			return
		}
		p := f.GetPtr()
		key := fmt.Sprintf("%d/%d", p.GetID(), p.GetGen())
		if p.GetID() != 0 {
			if seen[key] {
				return
			}
			seen[key] = true
		}
		if t := f.Key("T").Text(); t != "" {
			if name != "" {
				name += "."
			}
			name += t
		}
		if n := f.Key("FT").Name(); n != "" {
			ft = n
		}
		if kids := f.Key("Kids"); kids.Kind() == pdf.Array {
			for i := 0; i < kids.Len(); i++ {
				walk(kids.Index(i), name, ft, depth+1)
			}
		}
		v := f.Key("V")
		if ft != "Sig" || v.Kind() != pdf.Dict {
			return
		}
		sigs = append(sigs, readSignature(v, name))
	}
	for i := 0; i < fields.Len(); i++ {
		walk(fields.Index(i), "", "", 0)
	}
	return sigs, nil
}

func readSignature(v pdf.Value, field string) rawSignature {
	s := rawSignature{
		field:     field,
		subFilter: v.Key("SubFilter").Name(),
		typ:       v.Key("Type").Name(),
		name:      v.Key("Name").Text(),
		reason:    v.Key("Reason").Text(),
		location:  v.Key("Location").Text(),
		m:         v.Key("M").Text(),
		contents:  []byte(v.Key("Contents").RawString()),
	}
	br := v.Key("ByteRange")
	if br.Kind() != pdf.Array || br.Len() != 4 {
		s.err = "ByteRange"
		return s
	}
	for i := 0; i < 4; i++ {
		e := br.Index(i)
		if e.Kind() != pdf.Integer {
			s.err = "ByteRange"
			return s
		}
		s.byteRange = append(s.byteRange, e.Int64())
	}
	s.end = s.byteRange[2] + s.byteRange[3]
	return s
}

// verifyOne checks one signature. It also returns, for a signature that
// verifies, whether a given DSS holds its validation data (the LTV test
// for another revision of the file).
func verifyOne(data []byte, raw rawSignature, opts VerifyOptions, buf []byte, dss *dssData) (SignatureInfo, func(*dssData) bool) {
	info := SignatureInfo{
		FieldName:   raw.field,
		Kind:        "approval",
		SubFilter:   raw.subFilter,
		SignerName:  raw.name,
		Reason:      raw.reason,
		Location:    raw.location,
		TrustStatus: TrustNotChecked,
	}
	if raw.subFilter == "ETSI.RFC3161" || raw.typ == "DocTimeStamp" {
		info.Kind = "timestamp"
	}
	if t, err := parsePDFDate(raw.m); err == nil {
		info.ClaimedTime = t
	}
	signed, der, err := signedBytes(data, raw, buf)
	if err != nil {
		info.addErr(err)
		return info, nil
	}
	info.CoversWholeDocument = len(bytes.TrimRight(data[raw.end:], "\x00\t\n\f\r ")) == 0

	switch raw.subFilter {
	case "ETSI.RFC3161":
		verifyDocTimestamp(&info, signed, der, opts, dss)
		return info, nil
	case "adbe.pkcs7.detached", "ETSI.CAdES.detached":
	default:
		info.addError("định dạng chữ ký không được hỗ trợ: "+raw.subFilter, "unsupported signature format: "+raw.subFilter)
		return info, nil
	}

	res, err := verifyCMS(signed, der, opts.Roots)
	if err != nil {
		info.addErr(err)
		return info, nil
	}
	info.Intact = true
	cert := res.cert
	info.Certificate = cert
	info.SignerName = cert.Subject.CommonName
	info.Organization = first(cert.Subject.Organization)
	info.Position = titleOf(cert)
	info.Issuer = cert.Issuer.CommonName
	if !res.signingTime.IsZero() {
		info.ClaimedTime = res.signingTime
	}
	if raw.subFilter == "ETSI.CAdES.detached" && !res.signingTime.IsZero() {
		// ETSI EN 319 142-1 §5.2: the claimed time goes in /M.
		info.addError("chữ ký PAdES không được chứa thuộc tính signing-time",
			"a PAdES signature must not contain the signing-time attribute")
	}
	if res.tsErr != nil {
		info.addErr(res.tsErr)
	}
	if ts := res.timestamp; ts != nil {
		info.Timestamped = true
		info.TimestampTime = ts.Time
		info.TimestampAuthority = ts.Authority.Subject.CommonName
		if !ts.Trusted {
			info.addError("máy chủ dấu thời gian không được tin cậy: "+ts.TrustStatus.Text("vi"),
				"the timestamp authority is not trusted: "+ts.TrustStatus.Text("en"))
		}
	}
	switch {
	case res.timestamp != nil && res.timestamp.Trusted:
		info.SigningTime, info.TimeSource = res.timestamp.Time, "timestamp"
	case !info.ClaimedTime.IsZero():
		info.SigningTime, info.TimeSource = info.ClaimedTime, "claimed"
	}
	checkSigner(&info, cert, append(slices.Clip(res.certs), dss.certList...), opts)
	checkRevocation(&info, cert, res.certs, dss, opts.Now)
	if ts := res.timestamp; ts != nil {
		r := dss.chainRevocation(ts.Authority, ts.certs, ts.Time)
		info.LTV = info.LTV && r.ltv
		if r.status == RevocationRevoked {
			info.addError("chứng thư số của máy chủ dấu thời gian đã bị thu hồi lúc "+formatVN(r.revokedAt)+", trước thời điểm cấp dấu thời gian",
				"the timestamp authority's certificate was revoked at "+formatVN(r.revokedAt)+", before the timestamp was issued")
		}
	}
	at := info.SigningTime
	if at.IsZero() {
		at = opts.Now
	}
	ltv := func(d *dssData) bool {
		if !d.chainRevocation(cert, res.certs, at).ltv {
			return false
		}
		ts := res.timestamp
		return ts == nil || d.chainRevocation(ts.Authority, ts.certs, ts.Time).ltv
	}
	return info, ltv
}

// checkRevocation evaluates the signer's chain from the DSS at the
// signing time (now, the verification time, if unknown) and fills LTV,
// Revocation and RevokedAt. A certificate revoked at or before that time
// makes the signature invalid.
func checkRevocation(info *SignatureInfo, cert *x509.Certificate, certs []*x509.Certificate, dss *dssData, now time.Time) {
	at := info.SigningTime
	if at.IsZero() {
		at = now
	}
	r := dss.chainRevocation(cert, certs, at)
	info.LTV, info.Revocation, info.RevokedAt = r.ltv, r.status, r.revokedAt
	if r.status != RevocationRevoked {
		return
	}
	info.Intact, info.Trusted, info.TrustStatus = false, false, TrustRevoked
	whose, whoseEN := "chứng thư số", "the certificate"
	if r.revoked != nil && r.revoked != cert {
		whose = "chứng thư số của tổ chức cấp " + r.revoked.Subject.CommonName
		whoseEN = "the issuing CA certificate " + r.revoked.Subject.CommonName
	}
	if info.Kind == "timestamp" {
		info.addError(whose+" đã bị thu hồi lúc "+formatVN(r.revokedAt)+", trước thời điểm cấp dấu thời gian; dấu thời gian không có giá trị",
			whoseEN+" was revoked at "+formatVN(r.revokedAt)+", before the timestamp was issued; the timestamp is not valid")
		return
	}
	info.addError(whose+" đã bị thu hồi lúc "+formatVN(r.revokedAt)+", trước thời điểm ký; chữ ký không có giá trị",
		whoseEN+" was revoked at "+formatVN(r.revokedAt)+", before the signing time; the signature is not valid")
}

// checkSigner evaluates the signer certificate at the signing time.
func checkSigner(info *SignatureInfo, cert *x509.Certificate, certs []*x509.Certificate, opts VerifyOptions) {
	at := info.SigningTime
	if at.IsZero() {
		at = opts.Now
		info.addError("không xác định được thời điểm ký", "the signing time is unknown")
	} else {
		info.CertValidAtSigning = !at.Before(cert.NotBefore) && !at.After(cert.NotAfter)
		if !info.CertValidAtSigning {
			info.addError("chứng thư số không có hiệu lực tại thời điểm ký", "the certificate was not valid at the signing time")
		}
	}
	info.CertExpiredNow = opts.Now.After(cert.NotAfter)
	_, info.TrustStatus, _ = verifyChain(cert, certs, opts.Roots, at, x509.ExtKeyUsageAny)
	const signingUsages = x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
	if cert.KeyUsage != 0 && cert.KeyUsage&signingUsages == 0 {
		info.TrustStatus = TrustKeyUsage
		info.addError("chứng thư số không được phép dùng để ký số", "the certificate does not allow digital signatures")
	}
	info.Trusted = info.TrustStatus == TrustTrusted
}

// verifyDocTimestamp checks a document timestamp (ETSI.RFC3161).
func verifyDocTimestamp(info *SignatureInfo, signed, der []byte, opts VerifyOptions, dss *dssData) {
	ts, err := verifyTimestampToken(der, signed, opts.Roots)
	if err != nil {
		info.addErr(err)
		return
	}
	info.Intact = true
	info.Timestamped = true
	info.TimestampTime = ts.Time
	info.SigningTime, info.TimeSource = ts.Time, "timestamp"
	info.Certificate = ts.Authority
	info.SignerName = ts.Authority.Subject.CommonName
	info.Organization = first(ts.Authority.Subject.Organization)
	info.CertValidAtSigning = !ts.Time.Before(ts.Authority.NotBefore) && !ts.Time.After(ts.Authority.NotAfter)
	info.CertExpiredNow = opts.Now.After(ts.Authority.NotAfter)
	info.TrustStatus = ts.TrustStatus
	info.Trusted = ts.Trusted
	checkRevocation(info, ts.Authority, ts.certs, dss, opts.Now)
}

// signedBytes checks the byte range of a signature and returns the signed
// bytes (appended to buf[:0]) and the DER signature container. The range must start at 0,
// leave out exactly the hexadecimal /Contents string, and lie inside the
// file; the container is taken from the excluded gap so that the value
// verified is the one the byte range left out.
func signedBytes(data []byte, raw rawSignature, buf []byte) ([]byte, []byte, error) {
	bad := func(en string) error {
		return newError(ESignatureInvalid, "vùng dữ liệu được ký (ByteRange) không hợp lệ", "invalid signed byte range: "+en, nil)
	}
	if raw.err != "" || len(raw.byteRange) != 4 {
		return nil, nil, bad("missing or malformed ByteRange")
	}
	br := raw.byteRange
	n := int64(len(data))
	if br[0] != 0 || br[1] <= 0 || br[2] <= br[1]+1 || br[3] < 0 || br[1] > n || br[2] > n || br[3] > n-br[2] {
		return nil, nil, bad("out of bounds")
	}
	gap := data[br[1]:br[2]]
	if gap[0] != '<' || gap[len(gap)-1] != '>' {
		return nil, nil, bad("the gap is not the Contents string")
	}
	hexDigits := bytes.Map(func(r rune) rune {
		if strings.ContainsRune("\t\n\f\r ", r) {
			return -1
		}
		return r
	}, gap[1:len(gap)-1])
	if len(hexDigits)%2 == 1 {
		hexDigits = append(hexDigits, '0')
	}
	der := make([]byte, len(hexDigits)/2)
	if _, err := hex.Decode(der, hexDigits); err != nil {
		return nil, nil, bad("the gap is not a hexadecimal string")
	}
	if !bytes.Equal(der, raw.contents) {
		return nil, nil, bad("Contents is not the excluded gap")
	}
	der = trimDER(der)
	signed := append(buf[:0], data[:br[1]]...)
	signed = append(signed, data[br[2]:br[2]+br[3]]...)
	return signed, der, nil
}

// trimDER cuts the zero padding after a definite-length DER element.
func trimDER(b []byte) []byte {
	if len(b) < 2 {
		return b
	}
	l := int(b[1])
	hdr := 2
	if l&0x80 != 0 {
		k := l & 0x7f
		if k == 0 || k > 4 || len(b) < 2+k {
			return b // indefinite (BER) or absurd: leave as is
		}
		l = 0
		for _, c := range b[2 : 2+k] {
			l = l<<8 | int(c)
		}
		hdr += k
	}
	if l < 0 || hdr+l > len(b) {
		return b
	}
	return b[:hdr+l]
}

// parsePDFDate parses a PDF date such as D:20260520093000+07'00'.
func parsePDFDate(s string) (time.Time, error) {
	s = strings.TrimPrefix(s, "D:")
	s = strings.ReplaceAll(s, "'", "")
	for _, layout := range []string{"20060102150405-0700", "20060102150405Z0700", "20060102150405Z", "20060102150405"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid PDF date %q", s)
}
