package sign

import (
	"context"
	"crypto/x509"
	"errors"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"motcua/sign/internal/pdfsign"
)

// SubFilter is the PDF signature format written by SignPDF
// (ETSI EN 319 142-1, PAdES baseline).
const SubFilter = "ETSI.CAdES.detached"

// SignatureKind says who signs: the competent officer or the organisation.
type SignatureKind int

const (
	// Approval is the competent officer's signature (blue handwritten
	// signature image; name, position and time as text).
	Approval SignatureKind = iota + 1
	// Seal is the organisation's signature (red seal image; organisation
	// name and ISO 8601 time as text). It follows the officer's.
	Seal
)

// PDFOptions describes one PDF signature.
type PDFOptions struct {
	Kind SignatureKind
	// Name is the signer's name for Approval, the organisation name for
	// Seal. Empty means the certificate's common name.
	Name string
	// Position is the officer's position, e.g. "Phó Chủ tịch".
	Position string
	// Capacity is the signing capacity: "KT." (ký thay), "TL." (thừa
	// lệnh), "TUQ." (thừa ủy quyền) or empty. It is recorded in the
	// default Reason; the document body shows it above the position.
	Capacity string
	// Reason and Location go into the signature dictionary. The default
	// Reason depends on Kind and Capacity; Location is e.g. "Bắc Ninh".
	Reason   string
	Location string
	// Time is the signing time (injected clock). It is the claimed time
	// (/M), the time shown in the appearance, and the time at which the
	// certificate must be valid. Required.
	Time time.Time

	// Page (1-based, default 1) and Rect (llx, lly, urx, ury in points,
	// origin bottom-left) place the visible signature. A zero Rect makes
	// an invisible signature.
	Page int
	Rect [4]float64
	// Image is a PNG (with transparency) or JPEG drawn in the box: the
	// blue handwritten signature or the red seal.
	Image []byte
	// Lines replaces the default appearance text when non-nil; an empty
	// non-nil slice shows the image only.
	Lines []string
	// Font is a TrueType/OpenType font for the appearance text. Nil means
	// Liberation Serif (or DejaVu Serif) from the system font directory,
	// loaded once per process (once per Cache when Cache is set).
	Font []byte
	// Cache, when set, keeps parsed fonts, their glyph procedures and
	// prepared images between signatures (see AppearanceCache).
	Cache *AppearanceCache

	// TSAURL, when non-empty, adds an RFC 3161 signature timestamp
	// (PAdES B-T) from that TSA. Default: none. Never a public TSA.
	TSAURL string
	// TSA overrides TSAURL with a configured client (credentials, HTTP
	// client).
	TSA *TSAClient

	// Expires is when a signature prepared by PreparePDF may no longer
	// be finished; zero means Time + DefaultPrepareTTL. SignPDF ignores
	// it.
	Expires time.Time

	reserve int // bytes reserved for the CMS container (0: estimated)
}

// SignPDF adds a PAdES baseline B-B signature (B-T with a TSA) to pdf as
// an incremental update, so earlier signatures stay valid, and returns
// the signed file. The signature is an approval signature with SubFilter
// ETSI.CAdES.detached: CMS with SHA-256, signing-certificate-v2 and no
// signing-time attribute (the claimed time is /M). The certificate must
// be usable at opts.Time (see CheckUsable).
func SignPDF(pdf []byte, id *Identity, opts PDFOptions) ([]byte, error) {
	return SignPDFContext(context.Background(), pdf, id, opts)
}

// SignPDFContext is SignPDF with a context for the TSA request. It is
// the two phases of PreparePDF and Finish with a signer in this process.
func SignPDFContext(ctx context.Context, pdf []byte, id *Identity, opts PDFOptions) ([]byte, error) {
	if err := id.check(); err != nil {
		return nil, err
	}
	p, err := PreparePDF(pdf, certificatesOf(id), opts)
	if err != nil {
		return nil, err
	}
	out, err := SignPrepared(ctx, p, id, opts.Time)
	if ErrorCode(err) == EContainerSize {
		// A timestamp token larger than foreseen: prepare again with room
		// for it (a key in this process can simply sign again).
		opts.reserve = p.needed + 4096
		if p, err = PreparePDF(pdf, certificatesOf(id), opts); err != nil {
			return nil, err
		}
		out, err = SignPrepared(ctx, p, id, opts.Time)
	}
	return out, err
}

// normalizeOptions fills defaults and puts every string in NFC.
func normalizeOptions(o PDFOptions, cert *x509.Certificate) PDFOptions {
	nfc := func(s string) string { return norm.NFC.String(strings.TrimSpace(s)) }
	o.Name, o.Position, o.Capacity = nfc(o.Name), nfc(o.Position), nfc(o.Capacity)
	o.Reason, o.Location = nfc(o.Reason), nfc(o.Location)
	if o.Name == "" {
		o.Name = nfc(cert.Subject.CommonName)
	}
	if o.Reason == "" {
		o.Reason = defaultReason(o.Kind, o.Capacity)
	}
	if o.Lines == nil {
		o.Lines = defaultLines(o)
	} else {
		lines := make([]string, len(o.Lines))
		for i, l := range o.Lines {
			lines[i] = nfc(l)
		}
		o.Lines = lines
	}
	return o
}

func defaultReason(k SignatureKind, capacity string) string {
	if k == Seal {
		return "Xác thực của cơ quan, tổ chức ban hành văn bản"
	}
	switch strings.ToUpper(strings.TrimSuffix(capacity, ".")) {
	case "KT":
		return "Ký thay người đứng đầu (KT.)"
	case "TL":
		return "Thừa lệnh người đứng đầu (TL.)"
	case "TUQ":
		return "Thừa ủy quyền người đứng đầu (TUQ.)"
	}
	return "Ký duyệt văn bản"
}

// defaultLines is the appearance text of ND 30/2020 Phụ lục I: for the
// officer, name, position and time (dd/mm/yyyy hh:mm:ss +07:00); for the
// organisation, its name and the time in ISO 8601 with the Vietnam offset.
func defaultLines(o PDFOptions) []string {
	t := o.Time.In(vnZone())
	if o.Kind == Seal {
		return []string{o.Name, "Thời gian ký: " + t.Format("2006-01-02T15:04:05-07:00")}
	}
	lines := []string{"Ký bởi: " + o.Name}
	if o.Position != "" {
		lines = append(lines, "Chức vụ: "+o.Position)
	}
	return append(lines, "Thời gian ký: "+t.Format("02/01/2006 15:04:05 -07:00"))
}

// TimestampPDF appends a document timestamp (SubFilter ETSI.RFC3161, PAdES
// B-LTA building block) from tsa as an incremental update. It covers the
// whole file, including earlier signatures.
func TimestampPDF(ctx context.Context, pdf []byte, tsa *TSAClient) ([]byte, error) {
	if !tsa.configured() {
		return nil, newError(EInvalidInput, "thiếu máy chủ dấu thời gian", "missing timestamp authority", nil)
	}
	out, err := pdfsign.Sign(pdf, pdfsign.Request{
		Kind:         pdfsign.DocTimeStamp,
		Contents:     func(signed [][]byte) ([]byte, error) { return tsa.timestampDigest(ctx, digestOf(signed)) },
		ContentsSize: 12 * 1024,
		AppName:      "motcua",
	})
	if err != nil {
		var se *Error
		if errors.As(err, &se) {
			return nil, err
		}
		return nil, newError(EInvalidPDF, "không đóng dấu thời gian được cho tệp PDF", "cannot timestamp the PDF file", err)
	}
	return out, nil
}
