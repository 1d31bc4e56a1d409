// Package dvcqg is the adapter of the national public service portal
// (Cổng Dịch vụ công quốc gia, DVCQG): it pushes each dossier's
// reception, status changes, result and payments (workflow.Portal) as
// JSON over HTTPS, through the province's integration platform (LGSP),
// and asks which dossiers the portal holds for the reconciliation
// ("motcua sync check"). The field mapping is in docs/dvcqg.md. Fake is a
// local receiver for tests and the demo.
package dvcqg

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"motcua/dossier"
	"motcua/internal/outhttp"
	"motcua/workflow"
)

// TimeLayout is the portal's time format (yyyyMMddHHmmss, Vietnam time).
const TimeLayout = "20060102150405"

var zone = time.FixedZone("ICT", 7*3600)

// Record is one message to the portal (docs/dvcqg.md).
type Record struct {
	MaHoSo           string   `json:"MaHoSo"`
	MaTTHC           string   `json:"MaTTHC"`
	MaCoQuan         string   `json:"MaCoQuan"`
	SuKien           string   `json:"SuKien"`
	ThoiGianSuKien   string   `json:"ThoiGianSuKien"`
	TrangThaiHoSo    int      `json:"TrangThaiHoSo,omitempty"`
	TrangThai        string   `json:"TrangThai,omitempty"`
	KenhThucHien     int      `json:"KenhThucHien"`
	DoiTuongThucHien int      `json:"DoiTuongThucHien"`
	NgayTiepNhan     string   `json:"NgayTiepNhan,omitempty"`
	NgayHenTra       string   `json:"NgayHenTra,omitempty"`
	NgayKetThucXuLy  string   `json:"NgayKetThucXuLy,omitempty"`
	MaKetQua         string   `json:"MaKetQua,omitempty"`
	DuongDanKetQua   string   `json:"DuongDanKetQua,omitempty"`
	ThanhToan        *Payment `json:"ThanhToan,omitempty"`
}

// Payment is a fee collected (Record.ThanhToan).
type Payment struct {
	SoTien    int64  `json:"SoTien"`
	SoBienLai string `json:"SoBienLai"`
}

// StatusCodes maps motcua's statuses to the portal's TrangThaiHoSo codes
// (docs/dvcqg.md: to be confirmed against the province's LGSP
// specification; TrangThai carries motcua's own status beside it).
var StatusCodes = map[dossier.Status]int{
	dossier.StatusSubmitted:           1,
	dossier.StatusReceived:            2,
	dossier.StatusAppraising:          4,
	dossier.StatusAwaitingApproval:    4,
	dossier.StatusApproved:            4,
	dossier.StatusSupplementRequested: 5,
	dossier.StatusIssued:              9,
	dossier.StatusReturned:            10,
	dossier.StatusRefused:             3,
	dossier.StatusWithdrawn:           6,
}

// Channels maps the channel to KenhThucHien.
var Channels = map[dossier.Channel]int{dossier.ChannelCounter: 1, dossier.ChannelOnline: 2, dossier.ChannelPostal: 3}

// ApplicantKinds maps the applicant's kind to DoiTuongThucHien.
var ApplicantKinds = map[dossier.ApplicantKind]int{dossier.ApplicantCitizen: 1, dossier.ApplicantOrganization: 2}

func ts(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.In(zone).Format(TimeLayout)
}

// FromPortalRecord maps a workflow record to the wire format.
func FromPortalRecord(r workflow.PortalRecord) Record {
	at := r.EventAt
	out := Record{MaHoSo: r.DossierCode, MaTTHC: r.ProcedureCode, MaCoQuan: r.AgencyCode, SuKien: r.Event, ThoiGianSuKien: ts(&at),
		TrangThaiHoSo: StatusCodes[r.Status], TrangThai: string(r.Status), KenhThucHien: Channels[r.Channel],
		DoiTuongThucHien: ApplicantKinds[r.ApplicantKind], NgayTiepNhan: ts(r.ReceivedAt), NgayHenTra: ts(r.DueAt),
		NgayKetThucXuLy: ts(r.FinishedAt), MaKetQua: r.ResultNumber, DuongDanKetQua: r.ResultLink}
	if r.Event == "payment" {
		out.ThanhToan = &Payment{SoTien: r.PaymentAmount, SoBienLai: r.PaymentReceipt}
	}
	return out
}

// Client talks to the portal (or the LGSP in front of it), at BaseURL
// (e.g. https://lgsp.bacninh.gov.vn/dvcqg); a nil HTTP is a client with a
// 15 s timeout.
type Client outhttp.Endpoint

var _ workflow.Portal = (*Client)(nil)

// Error is an answer of the portal other than 2xx; Permanent reports a
// refusal a retry will not change (4xx but 408, 409 and 429).
type Error = outhttp.Error

func (c *Client) do(req *http.Request, out any) error {
	b, err := outhttp.Endpoint(*c).Do("dvcqg", req, 15*time.Second, 8<<20)
	if err != nil {
		return err
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("dvcqg: answer: %w", err)
		}
	}
	return nil
}

// Push sends one record (POST BASE/hoso/dongbo, header Idempotency-Key).
func (c *Client) Push(ctx context.Context, key string, r workflow.PortalRecord) error {
	req, err := outhttp.JSONRequest(ctx, "POST", outhttp.Endpoint(*c).URL("/hoso/dongbo"), FromPortalRecord(r), "")
	if err != nil {
		return err
	}
	req.Header.Set("Idempotency-Key", key)
	return c.do(req, nil)
}

// Received lists the dossiers received in [from, to) the portal holds
// (GET BASE/hoso?tu=…&den=…).
func (c *Client) Received(ctx context.Context, from, to time.Time) ([]workflow.PortalStatus, error) {
	q := url.Values{"tu": {from.In(zone).Format(TimeLayout)}, "den": {to.In(zone).Format(TimeLayout)}}
	req, err := http.NewRequestWithContext(ctx, "GET", outhttp.Endpoint(*c).URL("/hoso?"+q.Encode()), nil)
	if err != nil {
		return nil, err
	}
	var out struct {
		Items []struct {
			MaHoSo    string `json:"MaHoSo"`
			TrangThai string `json:"TrangThai"`
		} `json:"items"`
	}
	if err := c.do(req, &out); err != nil {
		return nil, err
	}
	st := make([]workflow.PortalStatus, len(out.Items))
	for i, it := range out.Items {
		st[i] = workflow.PortalStatus{DossierCode: it.MaHoSo, Status: dossier.Status(it.TrangThai)}
	}
	return st, nil
}
