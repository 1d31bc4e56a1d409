package pdf

import (
	"io"
	"strings"
	"time"
)

// GuidanceSlip is form 02, "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ": every
// missing item, told once and in writing.
type GuidanceSlip struct {
	FormMeta
	DossierCode    string // optional
	Applicant      Person
	Procedure      string   // nội dung yêu cầu giải quyết
	Missing        []string // what the applicant must add or correct, one item each
	Reason         string   // lý do
	ContactOfficer string   // officer to contact for guidance
	ContactPhone   string
	Officer        string // người hướng dẫn (signs the slip)
}

// RenderGuidanceSlip writes form 02 (A5) to w.
func (r *Renderer) RenderGuidanceSlip(w io.Writer, f GuidanceSlip) error {
	c, _, err := r.startForm(FormGuidance, f.FormMeta, f.DossierCode)
	if err != nil {
		return err
	}
	if strings.TrimSpace(f.DossierCode) != "" {
		c.runs(c.left(), c.width(), formBody, alignCenter, run{regular, "Mã hồ sơ: "}, run{bold, f.DossierCode})
		c.y += 4
	}
	c.field("Hồ sơ của:", f.Applicant.Name, bold)
	c.field("Nội dung yêu cầu giải quyết:", f.Procedure, regular)
	c.field("Địa chỉ:", f.Applicant.Address, regular)
	c.fieldPair("Số điện thoại:", f.Applicant.Phone, "Email:", f.Applicant.Email)
	c.para(c.left(), c.width(), textStyle{Face: bold, Size: formBody, After: 1.5},
		"Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:")
	c.numbered(f.Missing)
	c.field("Lý do:", f.Reason, regular)
	c.para(c.left(), c.width(), textStyle{Face: regular, Size: formBody, After: 1.5, Align: alignJustify},
		"Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, "+f.Applicant.addressee()+
			" liên hệ với "+orDots(f.ContactOfficer)+", số điện thoại "+orDots(f.ContactPhone)+
			" để được hướng dẫn.")
	c.y += 6
	c.signatures(c.left()+c.width()/2, c.width()/2, []sigCol{
		{Title: "NGƯỜI HƯỚNG DẪN", Hint: "(Ký và ghi rõ họ tên)", Name: f.Officer},
	}, 10, 48)
	return c.finishForm(w, f.VerifyURL)
}

// RefusalSlip is form 03, "Phiếu từ chối tiếp nhận giải quyết hồ sơ".
type RefusalSlip struct {
	FormMeta
	ReceivingUnit string // empty: Header.Unit
	Applicant     Person
	DossierCode   string // if one was issued
	Procedure     string
	Reason        string // the specific reason for refusing
	Officer       string // người tiếp nhận
	// Signer, when its Position is set, is the leader who refused the
	// dossier after appraisal (NĐ 61/2018 Điều 19.8): the slip carries
	// their signature block instead of the reception desk's two columns.
	Signer Signer
}

// RenderRefusalSlip writes form 03 (A5) to w.
func (r *Renderer) RenderRefusalSlip(w io.Writer, f RefusalSlip) error {
	c, _, err := r.startForm(FormRefusal, f.FormMeta, f.DossierCode)
	if err != nil {
		return err
	}
	unit := c.receptionFields(f.FormMeta, f.ReceivingUnit, "Tiếp nhận hồ sơ của:", f.Applicant)
	if strings.TrimSpace(f.DossierCode) != "" {
		c.field("Mã hồ sơ:", f.DossierCode, regular)
	}
	c.field("Nội dung yêu cầu giải quyết:", f.Procedure, regular)
	just := textStyle{Face: regular, Size: formBody, After: 1.5, Align: alignJustify}
	c.para(c.left(), c.width(), just,
		"Sau khi xem xét hồ sơ, đối chiếu với các quy định hiện hành, "+orDots(unit)+
			" thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau: "+orDots(f.Reason))
	c.para(c.left(), c.width(), just, "Xin thông báo để "+f.Applicant.addressee()+" được biết và thực hiện./.")
	c.y += 6
	if strings.TrimSpace(f.Signer.Position) != "" {
		c.headSignature(f.Signer)
	} else {
		c.signatures(c.left(), c.width(), []sigCol{
			{Title: "NGƯỜI NỘP HỒ SƠ", Hint: "(Ký và ghi rõ họ tên)", Name: f.Applicant.Name},
			{Title: "NGƯỜI TIẾP NHẬN HỒ SƠ", Hint: "(Ký và ghi rõ họ tên)", Name: f.Officer},
		}, 10, 48)
	}
	return c.finishForm(w, f.VerifyURL)
}

// ApologySlip is form 04: under TT01/2018 "Phiếu xin lỗi và hẹn lại ngày trả
// kết quả", under TT03/2025 "Phiếu xin lỗi và đề nghị gia hạn thời gian giải
// quyết". The wording of the request follows the set.
type ApologySlip struct {
	FormMeta
	Agency        string // the body processing the dossier, in running text ("Sở Xây dựng tỉnh Bắc Ninh")
	Applicant     Person // kính gửi
	DossierCode   string
	Procedure     string
	ReceivedAt    time.Time
	OriginalDueAt time.Time // the appointment on the receipt
	Reason        string
	NewDueAt      time.Time
	Signer        Signer // empty Position prints "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ"
}

// RenderApologySlip writes form 04 (A5) to w.
func (r *Renderer) RenderApologySlip(w io.Writer, f ApologySlip) error {
	c, sp, err := r.startLetter(FormApology, f.FormMeta, f.DossierCode, f.Applicant)
	if err != nil {
		return err
	}
	agency := orDots(f.Agency)
	c.para(c.left(), c.width(), letterBody, c.receivedText(f.ReceivedAt, agency, f.Procedure, f.Applicant)+
		"; số định danh: "+orDots(f.Applicant.IDNumber)+"; mã hồ sơ: "+orDots(f.DossierCode)+".")
	c.para(c.left(), c.width(), letterBody, "Thời gian hẹn trả kết quả giải quyết hồ sơ: "+clockDate(f.OriginalDueAt, c.loc)+".")
	c.para(c.left(), c.width(), letterBody,
		"Tuy nhiên, "+agency+" không thể trả kết quả giải quyết hồ sơ đúng thời gian đã hẹn. Lý do: "+orDots(f.Reason))
	c.para(c.left(), c.width(), letterBody,
		"Sự chậm trễ này đã gây phiền hà cho "+f.Applicant.addressee()+". "+agency+" xin lỗi "+f.Applicant.addressee()+
			" và "+sp.apologyAction+" "+clockDate(f.NewDueAt, c.loc)+".")
	c.para(c.left(), c.width(), letterBody, "Xin trân trọng cảm ơn./.")
	c.y += 6
	c.headSignature(f.Signer)
	return c.finishForm(w, f.VerifyURL)
}

// headSignature writes the signature block of the head of the agency on
// the right of the page.
func (c *canvas) headSignature(s Signer) {
	c.signatures(c.left()+c.width()*0.4, c.width()*0.6, []sigCol{headSig(s)}, 10, 48)
}

// headSig is the signature column of the head of the agency.
func headSig(s Signer) sigCol {
	pos := strings.TrimSpace(s.Position)
	if pos == "" {
		pos = "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ"
	}
	return sigCol{Capacity: strings.ToUpper(nfc(s.Capacity)), Title: strings.ToUpper(nfc(pos)),
		Hint: "(Ký, ghi rõ họ tên và đóng dấu)", Name: s.Name}
}

// StopNotice is form 05 of TT03/2025, "Thông báo dừng giải quyết hồ sơ":
// the applicant asked to stop and no decision has been issued yet. The form
// does not exist in TT01/2018.
type StopNotice struct {
	FormMeta
	Agency      string // the body processing the dossier, in running text
	Applicant   Person
	DossierCode string
	Procedure   string
	ReceivedAt  time.Time
	RequestedAt time.Time // when the applicant asked to stop
	Reason      string    // the applicant's reason (optional)
	ReturnNote  string    // how the paper dossier is handed back (optional)
	Signer      Signer
}

// RenderStopNotice writes form 05 of TT03/2025 (A5) to w. It fails for a
// set without that form.
func (r *Renderer) RenderStopNotice(w io.Writer, f StopNotice) error {
	c, _, err := r.startLetter(FormStop, f.FormMeta, f.DossierCode, f.Applicant)
	if err != nil {
		return err
	}
	agency := orDots(f.Agency)
	who := f.Applicant.addressee()
	c.para(c.left(), c.width(), letterBody, c.receivedText(f.ReceivedAt, agency, f.Procedure, f.Applicant)+"; mã hồ sơ: "+orDots(f.DossierCode)+".")
	req := "Ngày " + shortDate(f.RequestedAt, c.loc) + ", " + agency + " nhận được đề nghị dừng giải quyết hồ sơ của " + who + "."
	if strings.TrimSpace(f.Reason) != "" {
		req += " Lý do: " + strings.TrimSpace(f.Reason)
	}
	c.para(c.left(), c.width(), letterBody, req)
	c.para(c.left(), c.width(), letterBody,
		"Do hồ sơ chưa có kết quả giải quyết, "+agency+" thông báo dừng giải quyết hồ sơ nêu trên kể từ "+
			longDate(f.Date, c.loc)+".")
	if strings.TrimSpace(f.ReturnNote) != "" {
		c.para(c.left(), c.width(), letterBody, f.ReturnNote)
	}
	c.para(c.left(), c.width(), letterBody, "Trân trọng thông báo để "+who+" được biết./.")
	c.y += 6
	c.headSignature(f.Signer)
	return c.finishForm(w, f.VerifyURL)
}

// letterBody is the style of the paragraphs of a letter to the applicant
// (apology, stop notice): justified, the first line indented.
var letterBody = textStyle{Face: regular, Size: formBody, After: 2, Align: alignJustify, Indent: 20}

// receivedText opens a letter to applicant p about a dossier: the day at
// which agency received it for procedure (the letter goes on with the
// dossier's references).
func (c *canvas) receivedText(at time.Time, agency, procedure string, p Person) string {
	return "Ngày " + shortDate(at, c.loc) + ", " + agency + " tiếp nhận hồ sơ đề nghị giải quyết thủ tục hành chính “" +
		orDots(procedure) + "” của " + p.addressee() + " " + orDots(p.Name)
}

// startLetter opens a letter of kind k to applicant p (apology, stop
// notice): the form's heading, then the centred "Kính gửi:" line with the
// space around it.
func (r *Renderer) startLetter(k FormKind, meta FormMeta, subject string, p Person) (*canvas, setSpec, error) {
	c, sp, err := r.startForm(k, meta, subject)
	if err != nil {
		return nil, sp, err
	}
	c.y += 2
	c.runs(c.left(), c.width(), formBody, alignCenter,
		run{regular, "Kính gửi: "}, run{bold, strings.TrimSpace(p.Honorific + " " + orDots(p.Name))})
	c.y += 4
	return c, sp, nil
}
