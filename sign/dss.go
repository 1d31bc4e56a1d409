package sign

import (
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/digitorus/pkcs7"

	"motcua/sign/internal/pdf"
	"motcua/sign/internal/pdfsign"
)

// DSSOptions configures AddDSS.
type DSSOptions struct {
	// Roots completes the certificate chains: a chain ends at one of
	// these roots when the certificates in the file and Intermediates
	// lead there. Without Roots (or when no path to them exists) a chain
	// must end at a self-signed certificate carried by the signature,
	// Intermediates or an existing DSS.
	Roots *x509.CertPool
	// Intermediates are CA certificates the signatures may not carry.
	Intermediates []*x509.Certificate
	// Revocation supplies revocation data for every certificate of every
	// chain but the root (for example an *HTTPRevocation, or a *DemoPKI in
	// tests). An OCSP response is asked of it first for every
	// certificate that names an OCSP responder, and a CRL is used when
	// that fails (or the source answers ErrNoOCSP). Required.
	Revocation RevocationSource
	// Now is the time of the update (injected clock): revocation data is
	// requested for this time, and it is recorded as /TU in the VRI
	// entries. Required.
	Now time.Time
}

// Limits on the DSS read from a file, against hostile input.
const (
	maxDSSItems    = 1000     // entries per DSS array
	maxDSSStream   = 16 << 20 // bytes of one decoded stream
	maxDSSTotal    = 64 << 20 // bytes of all decoded streams
	maxChainLength = 8
)

// AddDSS makes the signatures of pdf long-term verifiable (PAdES
// baseline B-LT, ETSI EN 319 142-1 §5.4): it appends an incremental
// update with a Document Security Store dictionary (/DSS in the
// catalogue) holding, as streams,
//   - /Certs: every certificate of every signature's chain (signer,
//     intermediate CAs and root) and of the timestamp authorities of
//     signature timestamps and document timestamps;
//   - /OCSPs: for each of those certificates but the roots that names an
//     OCSP responder, when opts.Revocation answers one, an OCSP
//     response, checked (checkOCSP) to be signed by the issuer or by a
//     delegated responder, to be about the certificate and to be current;
//     and the OCSP responses of an earlier DSS, kept;
//   - /CRLs: for each other certificate but the roots (no responder, or
//     the OCSP request or check failed), a CRL from opts.Revocation,
//     checked to be signed by the certificate's issuer;
//   - /VRI: per signature, keyed by the uppercase hexadecimal SHA-1 of
//     its /Contents value, the certificates, OCSP responses (/OCSP) and
//     CRLs that validate it and the time of the update (/TU).
//
// Entries of an existing DSS are kept and referenced, not copied. The
// update changes nothing but the catalogue's /DSS entry, so existing
// signatures stay valid, and VerifyPDF recognises it as validation data
// rather than an unsigned change. VerifyPDF then checks revocation from
// the DSS alone, offline, long after the certificates have expired.
//
// AddDSS does not verify the signatures (VerifyPDF does). It fails (code
// EInvalidInput) when the file has no signature, (ERevocation) when
// neither a valid OCSP response nor a CRL signed by the issuer can be
// obtained for a certificate, and (EUntrusted)
// when a chain cannot be completed up to a root.
func AddDSS(ctx context.Context, pdf []byte, opts DSSOptions) ([]byte, error) {
	if opts.Now.IsZero() {
		return nil, newError(EInvalidInput, "thiếu thời điểm bổ sung dữ liệu xác thực", "missing update time", nil)
	}
	if opts.Revocation == nil {
		return nil, newError(EInvalidInput, "thiếu nguồn dữ liệu thu hồi chứng thư số", "missing revocation source", nil)
	}
	rdr, err := pdfsign.Parse(pdf)
	if err != nil {
		return nil, newError(EInvalidPDF, "không đọc được tệp PDF", "cannot read the PDF file", err)
	}
	sigs, err := findSignatures(rdr)
	if err != nil {
		return nil, newError(EInvalidPDF, "không đọc được tệp PDF", "cannot read the PDF file", err)
	}
	if len(sigs) == 0 {
		return nil, newError(EInvalidInput, "tệp PDF không có chữ ký số nào để bổ sung dữ liệu xác thực dài hạn",
			"the PDF file has no signature to add long-term validation data for", nil)
	}
	old, _ := readDSS(rdr) // an unreadable DSS is replaced

	b := newDSSBuilder(old)
	known := append(append([]*x509.Certificate(nil), opts.Intermediates...), old.parsedCerts()...)
	revFor := map[[32]byte]revRef{} // certificate → its revocation data in b.dss
	checked := map[[64]byte]bool{}  // CRL and issuer already checked
	for _, s := range sigs {
		sets, err := signatureCertSets(s, opts.Now)
		if err != nil {
			return nil, err
		}
		vri := pdfsign.VRI{Key: vriKey(s.contents), Time: opts.Now}
		for _, set := range sets {
			chain, err := dssChain(set, known, opts.Roots)
			if err != nil {
				return nil, err
			}
			for i, c := range chain {
				vri.Certs = appendUnique(vri.Certs, b.addCert(c.Raw))
				if i == len(chain)-1 {
					break // the root: no revocation data
				}
				key := sha256.Sum256(c.Raw)
				ref, ok := revFor[key]
				if !ok {
					ref, err = b.addRevocation(ctx, opts.Revocation, c, chain[i+1], opts.Now, checked)
					if err != nil {
						return nil, err
					}
					revFor[key] = ref
				}
				if ref.ocsp {
					vri.OCSPs = appendUnique(vri.OCSPs, ref.idx)
				} else {
					vri.CRLs = appendUnique(vri.CRLs, ref.idx)
				}
			}
		}
		b.addVRI(vri)
	}
	out, err := pdfsign.AppendDSSRead(pdf, rdr, b.dss)
	if err != nil {
		return nil, newError(EInvalidPDF, "không ghi được dữ liệu xác thực dài hạn vào tệp PDF",
			"cannot write the long-term validation data to the PDF file", err)
	}
	return out, nil
}

// revRef is the revocation data of a certificate in a DSS: an index in
// its /OCSPs or /CRLs.
type revRef struct {
	ocsp bool
	idx  int
}

// addRevocation adds revocation data for cert, issued by issuer, at time
// at: an OCSP response from src (when cert names a responder and src has
// OCSP) if one can be obtained and passes checkOCSP, else a CRL from src.
func (b *dssBuilder) addRevocation(ctx context.Context, src RevocationSource, cert, issuer *x509.Certificate,
	at time.Time, checked map[[64]byte]bool) (revRef, error) {
	var ocspErr error
	if len(cert.OCSPServer) > 0 {
		der, err := src.OCSP(ctx, cert, issuer, at)
		if err == nil {
			_, err = checkOCSP(der, cert, issuer, at)
		}
		if err == nil {
			return revRef{ocsp: true, idx: b.addOCSP(der)}, nil
		}
		if !errors.Is(err, ErrNoOCSP) {
			ocspErr = err
		}
	}
	der, err := fetchCRL(ctx, src, cert, issuer, at, checked)
	if err != nil {
		if ocspErr != nil {
			return revRef{}, newError(ERevocation, "không lấy được phản hồi OCSP hay danh sách thu hồi (CRL) hợp lệ cho chứng thư số "+cert.Subject.CommonName,
				"cannot obtain a valid OCSP response or CRL for the certificate "+cert.Subject.CommonName, errors.Join(ocspErr, err))
		}
		return revRef{}, err
	}
	return revRef{idx: b.addCRL(der)}, nil
}

// vriKey is the key of a signature's VRI entry: the uppercase hexadecimal
// SHA-1 of its /Contents string (as stored, with its zero padding).
func vriKey(contents []byte) string {
	sum := sha1.Sum(contents)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

func appendUnique(s []int, v int) []int {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

// certSet is a certificate whose chain goes into the DSS, with the
// certificates that came with it and the time its chain must be valid.
type certSet struct {
	leaf  *x509.Certificate
	certs []*x509.Certificate
	at    time.Time
}

// signatureCertSets returns the signer of a signature and the authorities
// of its timestamps.
func signatureCertSets(s rawSignature, now time.Time) ([]certSet, error) {
	bad := func(err error) error {
		return newError(ESignatureInvalid, "không đọc được chữ ký "+s.field, "cannot read signature "+s.field, err)
	}
	der := trimDER(s.contents)
	if sd, ok := cmsDER(der); ok {
		return certSetsDER(s, sd, now, bad)
	}
	return certSetsPKCS7(s, der, now)
}

// certSetsPKCS7 is signatureCertSets through the general CMS parser.
func certSetsPKCS7(s rawSignature, der []byte, now time.Time) ([]certSet, error) {
	bad := func(err error) error {
		return newError(ESignatureInvalid, "không đọc được chữ ký "+s.field, "cannot read signature "+s.field, err)
	}
	p7, err := parsePKCS7(der)
	if err != nil {
		return nil, bad(err)
	}
	signer := p7.GetOnlySigner()
	if signer == nil {
		return nil, bad(errors.New("no signer certificate"))
	}
	at := now
	if t, err := parsePDFDate(s.m); err == nil {
		at = t
	}
	if s.subFilter == "ETSI.RFC3161" {
		t, err := tokenTime(p7)
		if err != nil {
			return nil, bad(err)
		}
		return []certSet{{leaf: signer, certs: p7.Certificates, at: t}}, nil
	}
	sets := []certSet{{leaf: signer, certs: p7.Certificates, at: at}}
	if len(p7.Signers) == 1 {
		for _, a := range p7.Signers[0].UnauthenticatedAttributes {
			if !a.Type.Equal(oidTimeStampToken()) {
				continue
			}
			tp7, err := parsePKCS7(a.Value.Bytes)
			if err != nil {
				return nil, bad(err)
			}
			t, err := tokenTime(tp7)
			tsa := tp7.GetOnlySigner()
			if err != nil || tsa == nil {
				return nil, bad(errors.New("unreadable signature timestamp"))
			}
			sets[0].at = t
			sets = append(sets, certSet{leaf: tsa, certs: tp7.Certificates, at: t})
		}
	}
	return sets, nil
}

// certSetsDER is signatureCertSets for a signature read by cmsDER.
func certSetsDER(s rawSignature, sd derSignedData, now time.Time, bad func(error) error) ([]certSet, error) {
	if sd.signer == nil {
		return nil, bad(errors.New("no signer certificate"))
	}
	if s.subFilter == "ETSI.RFC3161" {
		t, err := tstInfoTime(sd.content)
		if err != nil {
			return nil, bad(err)
		}
		return []certSet{{leaf: sd.signer, certs: sd.certs, at: t}}, nil
	}
	at := now
	if t, err := parsePDFDate(s.m); err == nil {
		at = t
	}
	sets := []certSet{{leaf: sd.signer, certs: sd.certs, at: at}}
	for _, token := range sd.tokens {
		var tsa *x509.Certificate
		var certs []*x509.Certificate
		var t time.Time
		var err error
		if tsd, ok := cmsDER(token); ok {
			tsa, certs = tsd.signer, tsd.certs
			t, err = tstInfoTime(tsd.content)
		} else {
			tp7, perr := parsePKCS7(token)
			if perr != nil {
				return nil, bad(perr)
			}
			tsa, certs = tp7.GetOnlySigner(), tp7.Certificates
			t, err = tokenTime(tp7)
		}
		if err != nil || tsa == nil {
			return nil, bad(errors.New("unreadable signature timestamp"))
		}
		sets[0].at = t
		sets = append(sets, certSet{leaf: tsa, certs: certs, at: t})
	}
	return sets, nil
}

// tokenTime is the time (genTime) of a parsed RFC 3161 TimeStampToken.
// Its signature is not checked: AddDSS only needs the time at which the
// chains must be valid, and VerifyPDF checks the tokens.
func tokenTime(p7 *pkcs7.PKCS7) (time.Time, error) { return tstInfoTime(p7.Content) }

// dssChain returns the chain of set.leaf, leaf first, ending at a root:
// one of roots if a path to them exists at set.at, else a self-signed
// certificate found among the certificates at hand.
func dssChain(set certSet, known []*x509.Certificate, roots *x509.CertPool) ([]*x509.Certificate, error) {
	pool := append(append([]*x509.Certificate(nil), set.certs...), known...)
	if roots != nil {
		if chain, err := VerifiedChain(set.leaf, pool, roots, set.at); err == nil {
			return chain, nil
		}
	}
	chain, complete := buildChain(set.leaf, pool)
	if !complete {
		return nil, newError(EUntrusted, "không xây dựng được chuỗi chứng thư số đến chứng thư gốc cho "+set.leaf.Subject.CommonName,
			"cannot build the certificate chain up to a root for "+set.leaf.Subject.CommonName, nil)
	}
	return chain, nil
}

// buildChain follows issuers from leaf through pool (names match and the
// signature verifies) up to a self-signed certificate. complete reports
// whether it got there.
func buildChain(leaf *x509.Certificate, pool []*x509.Certificate) (chain []*x509.Certificate, complete bool) {
	chain = []*x509.Certificate{leaf}
	for c := leaf; len(chain) <= maxChainLength; {
		if bytes.Equal(c.RawIssuer, c.RawSubject) {
			return chain, true
		}
		p := issuerIn(c, pool)
		if p == nil {
			return chain, false
		}
		for _, x := range chain {
			if bytes.Equal(x.Raw, p.Raw) {
				return chain, false // a loop
			}
		}
		chain = append(chain, p)
		c = p
	}
	return chain, false
}

func issuerIn(c *x509.Certificate, pool []*x509.Certificate) *x509.Certificate {
	for _, p := range pool {
		if p != nil && bytes.Equal(p.RawSubject, c.RawIssuer) && !bytes.Equal(p.Raw, c.Raw) && signedBy(c, p) {
			return p
		}
	}
	return nil
}

// fetchCRL asks src for a CRL covering cert and checks it: it must parse,
// name issuer and be signed by it. checked records the CRLs (SHA-256 of
// the CRL, then of the issuer) already checked.
func fetchCRL(ctx context.Context, src RevocationSource, cert, issuer *x509.Certificate, at time.Time, checked map[[64]byte]bool) ([]byte, error) {
	der, err := src.CRL(ctx, cert, issuer, at)
	if err != nil {
		var se *Error
		if errors.As(err, &se) {
			return nil, err
		}
		return nil, newError(ERevocation, "không lấy được danh sách thu hồi (CRL) cho chứng thư số "+cert.Subject.CommonName,
			"cannot obtain a CRL for the certificate "+cert.Subject.CommonName, err)
	}
	var key [64]byte
	crlSum, issuerSum := sha256.Sum256(der), sha256.Sum256(issuer.Raw)
	copy(key[:32], crlSum[:])
	copy(key[32:], issuerSum[:])
	if checked[key] {
		return der, nil
	}
	if err := checkCRL(der, issuer); err != nil {
		return nil, newError(ERevocation, "danh sách thu hồi (CRL) cho chứng thư số "+cert.Subject.CommonName+" không hợp lệ",
			"invalid CRL for the certificate "+cert.Subject.CommonName, err)
	}
	checked[key] = true
	return der, nil
}

func checkCRL(der []byte, issuer *x509.Certificate) error {
	_, err := checkedCRL(der, issuer)
	return err
}

// dssBuilder collects the entries of the DSS to write.
type dssBuilder struct {
	dss   pdfsign.DSS
	certs map[[32]byte]int
	crls  map[[32]byte]int
	ocsps map[[32]byte]int
}

func newDSSBuilder(old *dssData) *dssBuilder {
	b := &dssBuilder{certs: map[[32]byte]int{}, crls: map[[32]byte]int{}, ocsps: map[[32]byte]int{}}
	for _, e := range old.certs {
		b.add(&b.dss.Certs, b.certs, pdfsign.Stream{ID: e.id, Gen: e.gen, Data: e.raw})
	}
	for _, e := range old.crls {
		b.add(&b.dss.CRLs, b.crls, pdfsign.Stream{ID: e.id, Gen: e.gen, Data: e.raw})
	}
	for _, e := range old.ocsps {
		b.add(&b.dss.OCSPs, b.ocsps, pdfsign.Stream{ID: e.id, Gen: e.gen, Data: e.raw})
	}
	return b
}

func (b *dssBuilder) add(list *[]pdfsign.Stream, index map[[32]byte]int, s pdfsign.Stream) int {
	key := sha256.Sum256(s.Data)
	if i, ok := index[key]; ok {
		return i
	}
	if s.ID != 0 {
		s.Data = nil // referenced, not rewritten
	}
	*list = append(*list, s)
	index[key] = len(*list) - 1
	return len(*list) - 1
}

func (b *dssBuilder) addCert(der []byte) int {
	return b.add(&b.dss.Certs, b.certs, pdfsign.Stream{Data: der})
}
func (b *dssBuilder) addCRL(der []byte) int {
	return b.add(&b.dss.CRLs, b.crls, pdfsign.Stream{Data: der})
}

func (b *dssBuilder) addOCSP(der []byte) int {
	return b.add(&b.dss.OCSPs, b.ocsps, pdfsign.Stream{Data: der})
}

func (b *dssBuilder) addVRI(v pdfsign.VRI) {
	for i, o := range b.dss.VRI {
		if o.Key == v.Key { // the same signature twice: keep one entry
			b.dss.VRI[i] = v
			return
		}
	}
	b.dss.VRI = append(b.dss.VRI, v)
}

// dssEntry is a stream of a DSS array.
type dssEntry struct {
	id  uint32
	gen uint16
	raw []byte
}

// dssData is the DSS of a file, as read.
type dssData struct {
	found              bool
	certs, crls, ocsps []dssEntry
	// Parsed certificates and CRLs; entries that do not parse are left
	// out.
	certList []*x509.Certificate
	crlList  []*x509.RevocationList
	// crlSigned memoises CRL signature checks (CRL index, issuer DER).
	crlSigned map[crlIssuer]bool
}

type crlIssuer struct {
	crl    int
	issuer string
}

func (d *dssData) parsedCerts() []*x509.Certificate {
	if d == nil {
		return nil
	}
	return d.certList
}

// readDSS reads the DSS dictionary of the catalogue. A missing DSS gives
// an empty dssData; entries that are not streams or are too large are
// skipped. The reader panics on malformed input; the panic becomes an
// error.
func readDSS(rdr *pdf.Reader) (d *dssData, err error) {
	d = &dssData{crlSigned: map[crlIssuer]bool{}}
	defer func() {
		if p := recover(); p != nil {
			d, err = &dssData{crlSigned: map[crlIssuer]bool{}}, fmt.Errorf("malformed DSS: %v", p)
		}
	}()
	dss := rdr.Trailer().Key("Root").Key("DSS")
	if dss.Kind() != pdf.Dict {
		return d, nil
	}
	d.found = true
	budget := maxDSSTotal
	read := func(key string) []dssEntry {
		arr := dss.Key(key)
		var out []dssEntry
		for i := 0; i < arr.Len() && i < maxDSSItems && budget > 0; i++ {
			id, gen, ok := arr.IndexRef(i)
			if !ok {
				continue
			}
			raw := readStream(arr.Index(i), min(budget, maxDSSStream))
			if raw == nil {
				continue
			}
			budget -= len(raw)
			out = append(out, dssEntry{id: id, gen: gen, raw: raw})
		}
		return out
	}
	d.certs = read("Certs")
	d.crls = read("CRLs")
	d.ocsps = read("OCSPs")
	for _, e := range d.certs {
		if c, err := x509.ParseCertificate(e.raw); err == nil {
			d.certList = append(d.certList, c)
		}
	}
	for _, e := range d.crls {
		if c, err := x509.ParseRevocationList(e.raw); err == nil {
			d.crlList = append(d.crlList, c)
		}
	}
	return d, nil
}

// readStream returns the decoded data of the stream v, or nil when v is
// not a stream, cannot be decoded or holds more than limit bytes.
func readStream(v pdf.Value, limit int) (data []byte) {
	defer func() {
		if recover() != nil {
			data = nil
		}
	}()
	if v.Kind() != pdf.Stream {
		return nil
	}
	rc := v.Reader()
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, int64(limit)+1))
	if err != nil || len(data) > limit || len(data) == 0 {
		return nil
	}
	return data
}

// hasCert reports whether the DSS holds c.
func (d *dssData) hasCert(c *x509.Certificate) bool {
	for _, x := range d.certList {
		if bytes.Equal(x.Raw, c.Raw) {
			return true
		}
	}
	return false
}

// onlyDSSAfter reports whether everything after the first end bytes of
// data is incremental updates, chained to the revision data[:end] through
// their cross-reference sections, that add validation data: the objects they
// define are new, except the catalogue, which may differ from the one of
// the revision data[:end] only in its /DSS and /Extensions entries; the
// trailer keeps the same catalogue and adds no encryption. cur is the
// reader of the whole file.
//
// This is how a DSS is added after the last signature (ETSI EN 319 142-1
// §5.4; ISO 32000-2 §12.8.2.2 allows DSS updates after a signature).
// New objects cannot change what the signed revision shows, except if an
// object of the signed revision refers to an object number it does not
// define; that case is not detected.
func onlyDSSAfter(data []byte, end int64, cur *pdf.Reader) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	if end <= 0 || end >= int64(len(data)) {
		return false
	}
	if !bytes.HasSuffix(bytes.TrimRight(data[end:], "\x00\t\n\f\r "), []byte("%%EOF")) {
		return false
	}
	old, err := pdf.NewReader(bytes.NewReader(data[:end]), end)
	if err != nil {
		return false
	}
	// The updates must be chained to the signed revision: the newest
	// cross-reference section lies after it and its /Prev chain reaches
	// the signed revision's.
	secs := cur.XrefSections()
	if len(secs) == 0 || secs[0] < end || !slices.Contains(secs, old.XrefInformation.StartPos) {
		return false
	}
	oldID, oldGen, ok1 := old.Trailer().KeyRef("Root")
	curID, curGen, ok2 := cur.Trailer().KeyRef("Root")
	if !ok1 || !ok2 || oldID != curID || oldGen != curGen || !cur.Trailer().Key("Encrypt").IsNull() {
		return false
	}
	_, modified := cur.ChangedSince(old)
	for _, id := range modified {
		if id != curID {
			return false
		}
	}
	if len(modified) == 0 {
		return true
	}
	oldRoot, curRoot := old.Trailer().Key("Root"), cur.Trailer().Key("Root")
	if oldRoot.Kind() != pdf.Dict || curRoot.Kind() != pdf.Dict {
		return false
	}
	ignore := func(k string) bool { return k == "DSS" || k == "Extensions" }
	keys := map[string]bool{}
	for _, k := range oldRoot.Keys() {
		if !ignore(k) {
			keys[k] = true
		}
	}
	for _, k := range curRoot.Keys() {
		if ignore(k) {
			continue
		}
		if !keys[k] {
			return false
		}
		delete(keys, k)
		a, err1 := pdfsign.EncodeEntry(oldRoot, k)
		b, err2 := pdfsign.EncodeEntry(curRoot, k)
		if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
			return false
		}
	}
	return len(keys) == 0
}
