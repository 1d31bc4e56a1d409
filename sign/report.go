package sign

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"
)

// WriteText prints the report for people: per signature the signer, the
// signing time, integrity, trust, revocation status and long-term
// validation data (LTV). It writes Vietnamese unless lang is
// "en". Times are shown in Vietnam time (+07:00).
func (r *Report) WriteText(w io.Writer, lang string) error {
	en := lang == "en"
	t := func(vi, english string) string { return pick(en, vi, english) }
	bw := bufio.NewWriter(w)
	p := func(format string, a ...any) { fmt.Fprintf(bw, format, a...) }

	p("%s\n", t("KẾT QUẢ KIỂM TRA CHỮ KÝ SỐ", "DIGITAL SIGNATURE VERIFICATION"))
	p("SHA-256: %s\n", r.SHA256)
	if len(r.Signatures) == 0 {
		p("%s\n", t("Tài liệu không có chữ ký số.", "The document has no digital signature."))
		return bw.Flush()
	}
	p("%s: %d\n", t("Số chữ ký", "Signatures"), len(r.Signatures))
	for i, s := range r.Signatures {
		p("\n[%d] ", i+1)
		if s.Kind == "timestamp" {
			p("%s", t("Dấu thời gian tài liệu", "Document timestamp"))
		} else {
			p("%s", t("Chữ ký số", "Signature"))
		}
		if s.FieldName != "" {
			p(" (%s)", s.FieldName)
		}
		p("\n")
		row := func(label, value string) {
			if value != "" {
				p("    %-16s %s\n", label+":", value)
			}
		}
		if s.Kind == "timestamp" {
			row(t("Đơn vị cấp", "Authority"), s.SignerName)
		} else {
			row(t("Người ký", "Signer"), s.SignerName)
			row(t("Chức vụ", "Position"), s.Position)
		}
		row(t("Cơ quan", "Organisation"), s.Organization)
		row(t("Tổ chức cấp chứng thư", "Certificate issuer"), s.Issuer)
		row(t("Lý do", "Reason"), s.Reason)
		row(t("Thời điểm ký", "Signing time"), timeText(s, en))
		if s.Timestamped && s.Kind != "timestamp" {
			row(t("Dấu thời gian", "Timestamp"), formatVN(s.TimestampTime)+pick(en, ", do ", ", by ")+s.TimestampAuthority)
		}
		row(t("Mức PAdES", "PAdES level"), LevelText(s.Level, lang))
		row(t("Toàn vẹn", "Integrity"), integrityText(s, en, r.DSSAppended && i == len(r.Signatures)-1))
		trust := s.TrustStatus.Text(lang)
		if !s.Intact && s.TrustStatus != TrustRevoked {
			trust = t("Không đánh giá (chữ ký không hợp lệ)", "Not evaluated (invalid signature)")
		}
		if s.CertExpiredNow && s.Trusted {
			trust += t(" (chứng thư số nay đã hết hạn)", " (the certificate has since expired)")
		}
		row(t("Tin cậy", "Trust"), trust)
		if s.Revocation != "" {
			row(t("Tình trạng thu hồi", "Revocation"), revocationText(s, en))
			row(t("Dữ liệu xác thực dài hạn (LTV)", "Long-term validation data (LTV)"), pick(en, yesNo(s.LTV, "có", "không"), yesNo(s.LTV, "yes", "no")))
		}
		row(t("Định dạng", "Format"), s.SubFilter)
		errs := s.Errors
		if en {
			errs = s.ErrorsEN
		}
		for _, e := range errs {
			row(t("Lưu ý", "Note"), capitalize(e))
		}
	}
	p("\n%s: ", t("Kết luận", "Conclusion"))
	switch {
	case r.Intact && r.Trusted:
		p("%s\n", t("Tất cả chữ ký hợp lệ và được tin cậy; tài liệu toàn vẹn.",
			"All signatures are valid and trusted; the document is intact."))
	case r.Intact:
		p("%s\n", t("Tất cả chữ ký hợp lệ, tài liệu toàn vẹn; chưa xác định được chuỗi tin cậy của mọi chữ ký.",
			"All signatures are valid and the document is intact; not every signer is trusted."))
	case r.UnsignedChanges && allIntact(r.Signatures):
		p("%s\n", t("Tài liệu đã bị sửa đổi sau chữ ký cuối cùng.",
			"The document was modified after the last signature."))
	default:
		p("%s\n", t("Tài liệu đã bị sửa đổi sau khi ký hoặc có chữ ký không hợp lệ.",
			"The document was modified after signing or a signature is invalid."))
	}
	switch {
	case allRevocationKnown(r.Signatures):
		p("%s\n", t("Tình trạng thu hồi chứng thư số được kiểm tra từ dữ liệu lưu trong tệp (DSS), không cần truy cập mạng.",
			"Certificate revocation was checked from the data stored in the file (DSS), offline."))
	default:
		p("%s\n", t("Tệp không có đủ dữ liệu để kiểm tra tình trạng thu hồi của mọi chứng thư số (OCSP/CRL).",
			"The file lacks the data to check the revocation (OCSP/CRL) of every certificate."))
	}
	return bw.Flush()
}

// levelTexts describe the PAdES baseline levels, in Vietnamese then in
// English.
var levelTexts = map[string][2]string{
	LevelBB:  {"PAdES B-B (chữ ký cơ bản, không có dấu thời gian)", "PAdES B-B (basic signature, no timestamp)"},
	LevelBT:  {"PAdES B-T (có dấu thời gian)", "PAdES B-T (timestamped)"},
	LevelBLT: {"PAdES B-LT (có dấu thời gian và dữ liệu xác thực dài hạn)", "PAdES B-LT (timestamp and long-term validation data)"},
	LevelBLTA: {"PAdES B-LTA (lưu trữ dài hạn: có dấu thời gian tài liệu bảo vệ dữ liệu xác thực)",
		"PAdES B-LTA (long-term archive: a document timestamp protects the validation data)"},
}

// LevelText describes a PAdES baseline level (SignatureInfo.Level) in
// Vietnamese, or in English when lang is "en"; "" for an unknown level.
func LevelText(level, lang string) string {
	t := levelTexts[level]
	return pick(lang == "en", t[0], t[1])
}

// Sentence says in one plain sentence what the signature is worth, for
// people who do not know PKI: "Chữ ký hợp lệ, chứng thư do … cấp, còn
// hiệu lực tại thời điểm ký." (Vietnamese unless lang is "en").
func (s SignatureInfo) Sentence(lang string) string {
	en := lang == "en"
	if s.Kind == "timestamp" {
		if !s.Intact {
			return pick(en, "Dấu thời gian không hợp lệ.", "The timestamp is not valid.")
		}
		return pick(en, "Dấu thời gian hợp lệ, do "+s.SignerName+" cấp lúc "+formatVN(s.TimestampTime)+".",
			"Valid timestamp, issued by "+s.SignerName+" at "+formatVN(s.TimestampTime)+".")
	}
	if !s.Intact {
		if s.Revocation == RevocationRevoked {
			return pick(en, "Chữ ký không có giá trị: chứng thư số đã bị thu hồi trước thời điểm ký.",
				"The signature is not valid: the certificate was revoked before the signing time.")
		}
		return pick(en, "Chữ ký không hợp lệ: tài liệu đã bị sửa đổi sau khi ký hoặc chữ ký bị hỏng.",
			"The signature is not valid: the document was changed after signing or the signature is damaged.")
	}
	issuer := s.Issuer
	if issuer == "" {
		issuer = pick(en, "một tổ chức không xác định", "an unknown authority")
	}
	out := pick(en, "Chữ ký hợp lệ, chứng thư do "+issuer+" cấp", "Valid signature, certificate issued by "+issuer)
	if s.CertValidAtSigning {
		out += pick(en, ", còn hiệu lực tại thời điểm ký", ", valid at the signing time")
	} else {
		out += pick(en, ", không còn hiệu lực tại thời điểm ký", ", not valid at the signing time")
	}
	if s.Timestamped {
		out += pick(en, " (thời điểm ký được xác nhận bởi dấu thời gian của "+s.TimestampAuthority+")",
			" (signing time confirmed by a timestamp from "+s.TimestampAuthority+")")
	}
	if !s.Trusted {
		out += pick(en, "; tổ chức cấp chưa thuộc danh sách tin cậy", "; the issuer is not in the trust list")
	}
	return out + "."
}

func allRevocationKnown(sigs []SignatureInfo) bool {
	for _, s := range sigs {
		if s.Revocation == "" || s.Revocation == RevocationUnknown {
			return false
		}
	}
	return true
}

func yesNo(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}

func revocationText(s SignatureInfo, en bool) string {
	switch s.Revocation {
	case RevocationRevoked:
		return pick(en, "Đã bị thu hồi lúc "+formatVN(s.RevokedAt)+", trước thời điểm ký",
			"Revoked at "+formatVN(s.RevokedAt)+", before the signing time")
	case RevocationGood:
		if !s.RevokedAt.IsZero() {
			return pick(en, "Chưa bị thu hồi tại thời điểm ký (bị thu hồi sau đó, lúc "+formatVN(s.RevokedAt)+")",
				"Not revoked at the signing time (revoked later, at "+formatVN(s.RevokedAt)+")")
		}
		return pick(en, "Chưa bị thu hồi (theo dữ liệu thu hồi lưu trong tệp)",
			"Not revoked (according to the revocation data stored in the file)")
	}
	return pick(en, "Không xác định (tệp không có dữ liệu thu hồi phù hợp)",
		"Unknown (the file holds no suitable revocation data)")
}

func allIntact(sigs []SignatureInfo) bool {
	for _, s := range sigs {
		if !s.Intact {
			return false
		}
	}
	return true
}

func timeText(s SignatureInfo, en bool) string {
	if s.SigningTime.IsZero() {
		if !s.ClaimedTime.IsZero() {
			return formatVN(s.ClaimedTime) + pick(en, " (do người ký khai báo)", " (claimed by the signer)")
		}
		return pick(en, "không xác định", "unknown")
	}
	v := formatVN(s.SigningTime)
	switch s.TimeSource {
	case "timestamp":
		return v + pick(en, " (theo dấu thời gian RFC 3161)", " (RFC 3161 timestamp)")
	case "claimed":
		return v + pick(en, " (do người ký khai báo)", " (claimed by the signer)")
	}
	return v
}

// integrityText describes a signature's integrity; dssAfter says that
// only validation data follows it.
func integrityText(s SignatureInfo, en, dssAfter bool) string {
	switch {
	case !s.Intact && s.Revocation == RevocationRevoked:
		return pick(en, "Không hợp lệ: chứng thư số đã bị thu hồi trước thời điểm ký",
			"Not valid: the certificate was revoked before the signing time")
	case !s.Intact && s.Kind == "timestamp":
		return pick(en, "Dấu thời gian không hợp lệ", "The timestamp is invalid")
	case !s.Intact:
		return pick(en, "Chữ ký không hợp lệ", "The signature is invalid")
	case s.Kind == "timestamp" && dssAfter:
		return pick(en, "Dấu thời gian hợp lệ; sau đó tài liệu chỉ được bổ sung dữ liệu xác thực dài hạn (DSS)",
			"Valid timestamp; only long-term validation data (DSS) was added since")
	case dssAfter:
		return pick(en, "Chữ ký hợp lệ; sau khi ký, tài liệu chỉ được bổ sung dữ liệu xác thực dài hạn (DSS)",
			"Valid signature; only long-term validation data (DSS) was added since signing")
	case s.Kind == "timestamp" && s.CoversWholeDocument:
		return pick(en, "Dấu thời gian hợp lệ; tài liệu không bị sửa đổi sau thời điểm này",
			"Valid timestamp; the document has not been modified since")
	case s.Kind == "timestamp":
		return pick(en, "Dấu thời gian hợp lệ cho phiên bản đã đóng dấu; tài liệu có phần bổ sung sau đó",
			"Valid timestamp for the stamped revision; the document was updated afterwards")
	case s.CoversWholeDocument:
		return pick(en, "Chữ ký hợp lệ; tài liệu không bị sửa đổi sau khi ký",
			"Valid signature; the document has not been modified since signing")
	}
	return pick(en, "Chữ ký hợp lệ cho phiên bản đã ký; tài liệu có phần bổ sung sau đó",
		"Valid signature for the signed revision; the document was updated afterwards")
}

// formatVN formats t as dd/mm/yyyy hh:mm:ss +07:00.
func formatVN(t time.Time) string {
	return t.In(vnZone()).Format("02/01/2006 15:04:05 -07:00")
}

func capitalize(s string) string {
	for i, r := range s {
		return strings.ToUpper(string(r)) + s[i+len(string(r)):]
	}
	return s
}
