package pdf

import (
	"fmt"
	"time"

	"golang.org/x/text/unicode/norm"
)

// Fixed inputs for the golden tests. Times are given in UTC+7 so that the
// printed values are obvious from the literals.

var ict = time.FixedZone("ICT", 7*3600)

func at(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, ict)
}

func testHeader() Header {
	return Header{ParentAgency: "UBND TỈNH BẮC NINH", Unit: "TRUNG TÂM HÀNH CHÍNH CÔNG", Place: "Bắc Ninh"}
}

func testApplicant() Person {
	return Person{
		Honorific: "Bà",
		// Deliberately NFD: the renderer must compose it.
		Name:     norm.NFD.String("Nguyễn Thị Ánh Tuyết"),
		IDNumber: "027190001234",
		Address:  "Số 18 đường Lý Thái Tổ, phường Kinh Bắc, tỉnh Bắc Ninh",
		Phone:    "0912 345 678",
		Email:    "tuyet.nta@example.vn",
	}
}

func testReceipt(set FormSet) Receipt {
	return Receipt{
		FormMeta: FormMeta{
			Set:    set,
			Header: testHeader(),
			Number: "0125/TNHS-TTHCC",
			Date:   at(2026, 11, 26, 9, 30),
		},
		DossierCode:   "000.00.12.H06-261126-0001",
		ReceivingUnit: "Trung tâm Hành chính công tỉnh Bắc Ninh",
		Applicant:     testApplicant(),
		Procedure:     "Cấp giấy phép xây dựng mới đối với công trình nhà ở riêng lẻ",
		Components: []Component{
			{Name: "Đơn đề nghị cấp giấy phép xây dựng (Mẫu số 01 Phụ lục II)", Originals: 1},
			{Name: "Giấy tờ chứng minh quyền sử dụng đất", Copies: 1},
			{Name: "Hai bộ bản vẽ thiết kế xây dựng kèm theo Quyết định phê duyệt dự án", Originals: 2},
			{Name: "Bản kê khai năng lực, kinh nghiệm của tổ chức thiết kế", Originals: 1, Copies: 1},
		},
		Sets:           1,
		ProcessingTime: "15 ngày làm việc",
		ReceivedAt:     at(2026, 11, 26, 9, 30),
		DueAt:          at(2026, 12, 17, 17, 0),
		ResultAt:       "Trung tâm Hành chính công tỉnh Bắc Ninh",
		LedgerBook:     1,
		LedgerSeq:      125,
		Officer:        "Trần Văn Bình",
		LookupURL:      "https://dichvucong.bacninh.gov.vn/tra-cuu?ma=000.00.12.H06-261126-0001&t=K7QX2M",
		LookupToken:    "K7QX2M",
	}
}

func testGuidance(set FormSet) GuidanceSlip {
	return GuidanceSlip{
		FormMeta:    FormMeta{Set: set, Header: testHeader(), Number: "0042/PBS-TTHCC", Date: at(2026, 11, 26, 10, 5)},
		DossierCode: "000.00.12.H06-261126-0002",
		Applicant:   testApplicant(),
		Procedure:   "Cấp giấy phép xây dựng mới đối với công trình nhà ở riêng lẻ",
		Missing: []string{
			"Bản vẽ mặt bằng móng công trình tỷ lệ 1/100 (thiếu chữ ký của chủ nhiệm thiết kế).",
			"Bản sao giấy tờ chứng minh quyền sử dụng đất có chứng thực.",
			"Cam kết bảo đảm an toàn cho công trình liền kề.",
		},
		Reason:         "Hồ sơ chưa đủ thành phần theo quy định tại Điều 46 Luật Xây dựng.",
		ContactOfficer: "Trần Văn Bình",
		ContactPhone:   "0222 3 822 111",
		Officer:        "Trần Văn Bình",
	}
}

func testRefusal(set FormSet) RefusalSlip {
	return RefusalSlip{
		FormMeta:      FormMeta{Set: set, Header: testHeader(), Number: "0007/PTC-TTHCC", Date: at(2026, 11, 26, 14, 0)},
		ReceivingUnit: "Trung tâm Hành chính công tỉnh Bắc Ninh",
		Applicant:     testApplicant(),
		Procedure:     "Đăng ký khai sinh có yếu tố nước ngoài",
		Reason:        "Thủ tục hành chính không thuộc thẩm quyền giải quyết của cơ quan cấp tỉnh; đề nghị nộp hồ sơ tại Ủy ban nhân dân cấp xã nơi cư trú.",
		Officer:       "Trần Văn Bình",
	}
}

func testApology(set FormSet) ApologySlip {
	return ApologySlip{
		FormMeta:      FormMeta{Set: set, Header: Header{ParentAgency: "UBND TỈNH BẮC NINH", Unit: "SỞ XÂY DỰNG", Place: "Bắc Ninh"}, Number: "0003/PXL-SXD", Date: at(2026, 12, 15, 8, 0)},
		Agency:        "Sở Xây dựng tỉnh Bắc Ninh",
		Applicant:     testApplicant(),
		DossierCode:   "000.00.12.H06-261126-0001",
		Procedure:     "Cấp giấy phép xây dựng mới đối với công trình nhà ở riêng lẻ",
		ReceivedAt:    at(2026, 11, 26, 9, 30),
		OriginalDueAt: at(2026, 12, 17, 17, 0),
		Reason:        "Cần lấy ý kiến của cơ quan quản lý di tích về công trình trong khu vực bảo vệ II.",
		NewDueAt:      at(2026, 12, 24, 17, 0),
		Signer:        Signer{Capacity: "KT. GIÁM ĐỐC", Position: "PHÓ GIÁM ĐỐC", Name: "Lê Hoàng Nam"},
	}
}

func testStop() StopNotice {
	return StopNotice{
		FormMeta:    FormMeta{Set: FormSetTT03_2025, Header: Header{ParentAgency: "UBND TỈNH BẮC NINH", Unit: "SỞ XÂY DỰNG", Place: "Bắc Ninh"}, Number: "0001/TB-SXD", Date: at(2026, 12, 3, 8, 0)},
		Agency:      "Sở Xây dựng tỉnh Bắc Ninh",
		Applicant:   testApplicant(),
		DossierCode: "000.00.12.H06-261126-0001",
		Procedure:   "Cấp giấy phép xây dựng mới đối với công trình nhà ở riêng lẻ",
		ReceivedAt:  at(2026, 11, 26, 9, 30),
		RequestedAt: at(2026, 12, 2, 15, 20),
		Reason:      "Gia đình thay đổi phương án thiết kế.",
		ReturnNote:  "Hồ sơ giấy được trả lại tại Trung tâm Hành chính công tỉnh Bắc Ninh.",
		Signer:      Signer{Capacity: "KT. GIÁM ĐỐC", Position: "PHÓ GIÁM ĐỐC", Name: "Lê Hoàng Nam"},
	}
}

func testControl(set FormSet, rows int) ControlSlip {
	cs := ControlSlip{
		FormMeta:     FormMeta{Set: set, Header: testHeader(), Number: "0125/PKS-TTHCC", Date: at(2026, 11, 26, 9, 30)},
		DossierCode:  "000.00.12.H06-261126-0001",
		Applicant:    norm.NFD.String("Nguyễn Thị Ánh Tuyết"),
		Agency:       "Sở Xây dựng tỉnh Bắc Ninh",
		Coordinating: "Sở Văn hóa, Thể thao và Du lịch",
		ReceivedAt:   at(2026, 11, 26, 9, 30),
		DueAt:        at(2026, 12, 17, 17, 0),
	}
	steps := []Handover{
		{From: "Bộ phận TN&TKQ", To: "Phòng Quản lý hoạt động xây dựng", FromPerson: "Trần Văn Bình", ToPerson: "Phạm Thu Hà", At: at(2026, 11, 26, 10, 15), Result: Early},
		{From: "Phòng Quản lý hoạt động xây dựng", To: "Lãnh đạo Sở", FromPerson: "Phạm Thu Hà", ToPerson: "Lê Hoàng Nam", At: at(2026, 12, 10, 16, 40), Result: OnTime, Note: "Đã thẩm định"},
		{From: "Lãnh đạo Sở", To: "Văn thư", FromPerson: "Lê Hoàng Nam", ToPerson: "Đỗ Minh Châu", At: at(2026, 12, 16, 9, 0), Result: OnTime},
		{From: "Văn thư", To: "Bộ phận TN&TKQ", FromPerson: "Đỗ Minh Châu", ToPerson: "Trần Văn Bình", At: at(2026, 12, 18, 8, 30), Result: Overdue, Note: "Chậm 1 ngày"},
	}
	for i := range rows {
		s := steps[i%len(steps)]
		s.At = s.At.Add(time.Duration(i/len(steps)) * 24 * time.Hour)
		cs.Handovers = append(cs.Handovers, s)
	}
	return cs
}

func testLedger(set FormSet, n int) Ledger {
	l := Ledger{
		FormMeta: FormMeta{Set: set, Header: testHeader(), Number: "01/STD-TTHCC", Date: at(2026, 1, 2, 8, 0)},
		Sector:   "Hoạt động xây dựng",
		Book:     1,
		Year:     2026,
	}
	names := []string{"Nguyễn Thị Ánh Tuyết", "Công ty TNHH Xây dựng Kinh Bắc", "Trần Quốc Đạt", "Hoàng Thị Ngọc Ánh"}
	procs := []string{
		"Cấp giấy phép xây dựng mới đối với công trình nhà ở riêng lẻ",
		"Điều chỉnh giấy phép xây dựng",
		"Cấp chứng chỉ hành nghề hoạt động xây dựng hạng II, hạng III",
	}
	methods := []string{"Trực tiếp", "Dịch vụ bưu chính công ích", "Trực tuyến"}
	for i := range n {
		recv := at(2026, 11, 2+i%25, 8+i%8, (i*7)%60)
		e := LedgerEntry{
			DossierCode:  fmt.Sprintf("000.00.12.H06-2611%02d-%04d", 2+i%25, i+1),
			Procedure:    procs[i%len(procs)],
			Applicant:    names[i%len(names)],
			Address:      "Phường Kinh Bắc, tỉnh Bắc Ninh",
			Phone:        fmt.Sprintf("0912 345 %03d", i),
			Agency:       "Sở Xây dựng",
			ReceivedAt:   recv,
			DueAt:        recv.Add(21 * 24 * time.Hour),
			ResultMethod: methods[i%len(methods)],
		}
		if i%3 != 2 {
			e.ReturnedAt = recv.Add(18 * 24 * time.Hour)
		}
		if i%5 == 4 {
			e.Note = "Bổ sung hồ sơ một lần"
		}
		l.Entries = append(l.Entries, e)
	}
	return l
}

func testResult() ResultDoc {
	return ResultDoc{
		ParentAgency: "UBND TỈNH BẮC NINH",
		Agency:       "SỞ XÂY DỰNG",
		Number:       DocNumber(5, "GPXD-SXD"),
		Place:        "Bắc Ninh",
		Date:         at(2026, 12, 16, 10, 0),
		Title:        "GIẤY PHÉP XÂY DỰNG",
		Subtitle:     "Số hiệu: 05/GPXD",
		Body: []string{
			"Cấp cho: Bà Nguyễn Thị Ánh Tuyết; số định danh cá nhân 027190001234; địa chỉ: số 18 đường Lý Thái Tổ, phường Kinh Bắc, tỉnh Bắc Ninh.",
			"Được phép xây dựng công trình: nhà ở riêng lẻ, theo thiết kế do Công ty TNHH Tư vấn Kiến trúc Kinh Bắc lập, chủ nhiệm thiết kế là kiến trúc sư Phạm Đức Long.",
			"Tại lô đất số 12, tờ bản đồ số 45, phường Kinh Bắc, tỉnh Bắc Ninh; diện tích xây dựng tầng một 96,5 m²; tổng diện tích sàn 312,4 m²; chiều cao công trình 14,6 m; số tầng: 04 tầng và 01 tum.",
			"Giấy phép này có hiệu lực khởi công xây dựng trong thời hạn 12 tháng kể từ ngày cấp; quá thời hạn trên thì phải đề nghị gia hạn giấy phép xây dựng.",
		},
		Recipients: []string{"Như trên;", "UBND phường Kinh Bắc;", "Thanh tra Sở;", "Lưu: VT, QLHĐXD."},
		Signer:     Signer{Capacity: "KT. GIÁM ĐỐC", Position: "PHÓ GIÁM ĐỐC", Name: "Lê Hoàng Nam"},
		VerifyURL:  "https://dichvucong.bacninh.gov.vn/xac-thuc/05-GPXD-SXD-2026",
	}
}
