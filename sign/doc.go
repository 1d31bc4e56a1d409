// Package sign creates and verifies the digital signatures of motcua: PDF
// results signed by the competent officer and then by the organisation
// (ND 30/2020/NĐ-CP Phụ lục I), detached CMS signatures for digitised
// attachments, RFC 3161 timestamps, and verification reports in
// Vietnamese (TT 15/2025/TT-BKHCN) with an English alternative.
//
// # Keys
//
// An Identity is a crypto.Signer with its certificate and CA chain. It
// comes from a PKCS#12 file (LoadPKCS12), a PKCS#11 token or HSM
// (OpenPKCS11; needs cgo) or, for demonstrations, a DemoPKI whose root is
// named "DEMO Root CA motcua — không có giá trị pháp lý". Signing refuses
// certificates outside their validity or without the digitalSignature /
// nonRepudiation key usage (CheckUsable).
//
// # PDF format: ETSI.CAdES.detached (PAdES baseline B-B, B-T with a TSA)
//
// SignPDF writes approval signatures with SubFilter ETSI.CAdES.detached
// (ETSI EN 319 142-1), not adbe.pkcs7.detached:
//   - the CMS SignedData is built here (cms.go), with SHA-256, the
//     content-type, message-digest and ESS signing-certificate-v2
//     attributes, and no signing-time attribute: the claimed signing time
//     is the /M entry of the signature dictionary, as PAdES requires;
//   - with a TSA, an RFC 3161 signature timestamp is added as an unsigned
//     attribute (B-T);
//   - each signature is an incremental update, so the organisation's seal
//     signed after the officer's signature leaves the first one valid;
//   - no DocMDP certification signature: it would have to be the first
//     signature, which does not fit the officer-first order.
//
// digitorus/pdfsign hard-codes adbe.pkcs7.detached and builds its CMS with
// digitorus/pkcs7, which always adds a signing-time attribute taken from
// the wall clock. The PDF incremental-update writer of pdfsign is
// therefore vendored in internal/pdfsign (BSD-2 licence, Digitorus
// copyright kept) with the SubFilter and the CMS made parameters; see the
// header of internal/pdfsign/pdfsign.go for the full list of changes.
//
// # Long-term validation: PAdES B-LT
//
// Results are issued at B-LT (design §3.3): AddDSS appends an incremental
// update with a Document Security Store (/DSS in the catalogue) holding
// every certificate of every signature's chain, signer to root, and of
// the timestamp authorities, revocation data for each of them but the
// roots (an OCSP response, or a CRL when there is no OCSP responder or
// it fails), and a VRI entry per signature (keyed by the uppercase
// hexadecimal SHA-1 of its /Contents). Revocation data comes from a
// RevocationSource, asked for OCSP first (a source without OCSP answers
// ErrNoOCSP). HTTPRevocation downloads CRLs from the certificates'
// http(s) distribution points and OCSP responses from their http(s)
// responders (checked against the issuer or a delegated responder,
// cached until NextUpdate); a DemoPKI issues both itself (OCSP responses
// for certificates issued with DemoPKI.OCSPURL set; Revoke records a
// revocation). TimestampPDF followed by another
// AddDSS gives the archive form (B-LTA); the second DSS references the
// streams of the first.
//
// # Visible appearance
//
// When PDFOptions.Rect is set, the signature box shows the image (blue
// handwritten signature for Approval, red seal for Seal, PNG with
// transparency kept as a soft mask) above the text of ND 30/2020: for the
// officer "Ký bởi", "Chức vụ" and "Thời gian ký: dd/mm/yyyy hh:mm:ss
// +07:00"; for the organisation its name and "Thời gian ký" in ISO 8601
// with the +07:00 offset. The text is drawn with a Type 3 font whose
// glyphs are the outlines of a TrueType font (Liberation Serif by default,
// metric-compatible with Times New Roman): it renders identically in every
// viewer without embedding a font program, and a ToUnicode map keeps it
// extractable. Box positions are the caller's: the seal box overlaps the
// left third of the officer's. An AppearanceCache keeps each glyph's
// deflated outline and the prepared images, so that a signature only
// writes them out with its own font dictionary, ToUnicode map and content
// stream (the two streams, under 1 KiB, are stored uncompressed).
//
// # Verification
//
// VerifyPDF walks the AcroForm signature fields and, for each signature,
// checks the byte range (it must start at 0 and leave out exactly the
// /Contents string), the CMS digest and signature value, the ESS
// signing-certificate-v2 binding, any RFC 3161 timestamp, and the
// certificate path against an explicit x509.CertPool (never the system
// roots) at the signing time: the timestamp if trusted, else the claimed
// time. A file is Intact when every signature verifies and the last one
// covers the whole file, or only DSS updates follow it (Report.DSSAppended:
// new objects and the catalogue changed in /DSS or /Extensions only,
// compared with the signed revision object by object).
//
// Revocation is checked offline, from the DSS of the file only, never
// over the network: each CRL must be signed by the issuer of the
// certificate it covers (OCSP responses by the issuer or a responder
// with id-kp-OCSPSigning), and counts if it was issued after the signing
// time or was current at it. A certificate revoked at or before the
// signing time makes the signature invalid (Intact false, TrustStatus
// "revoked"); one revoked later leaves it valid at the signing time
// (design R9), with a note unless a timestamp proves that the signature
// predates the revocation. SignatureInfo.LTV says whether the DSS holds
// the chain and revocation data needed for that after the certificates
// expire. LoadTrustStore reads the operator's roots (*.pem, *.crt, *.cer);
// RunVerifyCLI is the "motcua verify" command.
//
// It is built on the same libraries as digitorus/pdfsign/verify
// (digitorus/pdf, pkcs7, timestamp) rather than on that package, because
// pdfsign/verify silently drops signatures whose CMS does not parse, does
// not check that the byte range covers the file, and trusts either the
// system roots or whatever certificates the PDF carries.
//
// The PDF reader is digitorus/pdf vendored in internal/pdf and hardened
// against hostile input found by FuzzVerifyPDF (endless loops on
// unterminated objects, unbounded recursion and allocation). That reader,
// and the digitorus CMS and timestamp parsers, report malformed input by
// panicking; VerifyPDF and SignPDF recover from those panics and return
// errors. Our own code does not rely on recover.
//
// # Errors
//
// Errors that users may see are *Error values with a stable Code, a
// Vietnamese Message (returned by Error) and an English alternative.
package sign
