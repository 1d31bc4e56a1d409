package dossier

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Status is a dossier status (contract §4).
type Status string

// Dossier statuses.
const (
	StatusSubmitted           Status = "submitted"
	StatusReceived            Status = "received"
	StatusAppraising          Status = "appraising"
	StatusAwaitingApproval    Status = "awaiting_approval"
	StatusApproved            Status = "approved"
	StatusIssued              Status = "issued"
	StatusReturned            Status = "returned"
	StatusSupplementRequested Status = "supplement_requested"
	StatusRefused             Status = "refused"
	StatusWithdrawn           Status = "withdrawn"
)

// Statuses lists every status in workflow order.
var Statuses = []Status{StatusSubmitted, StatusReceived, StatusAppraising, StatusAwaitingApproval,
	StatusApproved, StatusIssued, StatusReturned, StatusSupplementRequested, StatusRefused, StatusWithdrawn}

// Label returns the Vietnamese label of s.
func (s Status) Label() string {
	switch s {
	case StatusSubmitted:
		return "Chờ tiếp nhận"
	case StatusReceived:
		return "Đã tiếp nhận"
	case StatusAppraising:
		return "Đang thẩm định"
	case StatusAwaitingApproval:
		return "Chờ phê duyệt"
	case StatusApproved:
		return "Đã phê duyệt"
	case StatusIssued:
		return "Đã lấy số, đóng dấu"
	case StatusReturned:
		return "Đã trả kết quả"
	case StatusSupplementRequested:
		return "Chờ bổ sung"
	case StatusRefused:
		return "Từ chối giải quyết"
	case StatusWithdrawn:
		return "Công dân rút hồ sơ"
	}
	return string(s)
}

// Terminal reports whether no action leaves s.
func (s Status) Terminal() bool {
	return s == StatusReturned || s == StatusRefused || s == StatusWithdrawn
}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// Channel is how a dossier arrived.
type Channel string

// Channels.
const (
	ChannelCounter Channel = "counter"
	ChannelOnline  Channel = "online"
	ChannelPostal  Channel = "postal"
)

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool {
	return c == ChannelCounter || c == ChannelOnline || c == ChannelPostal
}

// ApplicantKind tells a citizen from an organisation.
type ApplicantKind string

// Applicant kinds.
const (
	ApplicantCitizen      ApplicantKind = "citizen"
	ApplicantOrganization ApplicantKind = "organization"
)

// Applicant is the person or organisation a dossier is for.
type Applicant struct {
	Kind     ApplicantKind `json:"kind"`
	Name     string        `json:"name"`
	IDNumber string        `json:"id_number"`
	Phone    string        `json:"phone,omitempty"`
	Email    string        `json:"email,omitempty"`
	Address  string        `json:"address,omitempty"`
}

var (
	personalIDRE = regexp.MustCompile(`^[0-9]{12}$`)
	taxCodeRE    = regexp.MustCompile(`^[0-9]{10}(-[0-9]{3})?$`)
	phoneRE      = regexp.MustCompile(`^\+?[0-9 .-]{8,15}$`)
	emailRE      = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
)

// ValidPersonalID reports whether s is a 12-digit personal identifier
// (số định danh cá nhân / CCCD): 3-digit province of birth, a century-sex
// digit, 2-digit year and 6 digits.
func ValidPersonalID(s string) bool {
	if !personalIDRE.MatchString(s) {
		return false
	}
	// Province codes run 001–096; the century-sex digit is 0–9.
	p := int(s[0]-'0')*100 + int(s[1]-'0')*10 + int(s[2]-'0')
	return p >= 1 && p <= 96
}

// ValidTaxCode reports whether s is a Vietnamese tax code (10 digits, or
// 10 digits + "-" + 3 for a branch) with a correct check digit.
func ValidTaxCode(s string) bool {
	if !taxCodeRE.MatchString(s) {
		return false
	}
	w := []int{31, 29, 23, 19, 17, 13, 7, 5, 3}
	sum := 0
	for i, wt := range w {
		sum += int(s[i]-'0') * wt
	}
	return int(s[9]-'0') == 10-sum%11
}

// Validate checks the applicant; prefix names the JSON object in errors.
func (a *Applicant) Validate(prefix string) []FieldError {
	var fs []FieldError
	add := func(f, m string) { fs = append(fs, FieldError{Field: prefix + f, Message: m}) }
	switch a.Kind {
	case ApplicantCitizen:
		if !ValidPersonalID(a.IDNumber) {
			add("id_number", "Số định danh cá nhân phải gồm 12 chữ số hợp lệ")
		}
	case ApplicantOrganization:
		if !ValidTaxCode(a.IDNumber) {
			add("id_number", "Mã số thuế không hợp lệ")
		}
	default:
		add("kind", "Loại người nộp phải là citizen hoặc organization")
	}
	if n := len([]rune(strings.TrimSpace(a.Name))); n < 2 || n > 200 {
		add("name", "Họ tên phải từ 2 đến 200 ký tự")
	}
	if a.Phone != "" && !phoneRE.MatchString(a.Phone) {
		add("phone", "Số điện thoại không hợp lệ")
	}
	if a.Email != "" && !emailRE.MatchString(a.Email) {
		add("email", "Địa chỉ thư điện tử không hợp lệ")
	}
	if len(a.Address) > 500 {
		add("address", "Địa chỉ quá dài")
	}
	return fs
}

// MaskName hides all but the first letter of each name except the given
// (last) name, keeping the letter count: "Nguyễn Thị Ánh Tuyết" →
// "N***** T** Á** Tuyết".
func MaskName(name string) string {
	parts := strings.Fields(name)
	for i := 0; i < len(parts)-1; i++ {
		r := []rune(parts[i])
		parts[i] = string(r[0]) + strings.Repeat("*", len(r)-1)
	}
	return strings.Join(parts, " ")
}

// MaskID shows only the last 4 characters of an identifier (issue 16:
// public pages and logs show an ID number's last 4 digits; the first ones
// tell the province of birth, the sex and the year):
// 001203001234 → ********1234. Shorter identifiers are hidden whole.
func MaskID(id string) string {
	r := []rune(id)
	if len(r) <= 4 {
		return strings.Repeat("*", len(r))
	}
	return strings.Repeat("*", len(r)-4) + string(r[len(r)-4:])
}

// MaskDocumentCode masks the applicant's identifier that a result's
// document code starts with (see DocumentCode):
// 001203001234.GP.2026.000012 → ********1234.GP.2026.000012.
func MaskDocumentCode(code string) string {
	id, rest, ok := strings.Cut(code, ".")
	if !ok {
		return MaskID(code)
	}
	return MaskID(id) + "." + rest
}

// RedactText masks personal data inside free text, for logs: every run of
// nine or more digits (identity numbers, tax codes, phone numbers) keeps
// only its last 4 digits, and an e-mail address keeps the first letter of
// its local part and its domain.
func RedactText(s string) string {
	if !strings.ContainsAny(s, "0123456789@") {
		return s
	}
	s = longDigitsRE.ReplaceAllStringFunc(s, MaskID)
	return emailInTextRE.ReplaceAllStringFunc(s, func(e string) string {
		local, domain, _ := strings.Cut(e, "@")
		r := []rune(local)
		return string(r[0]) + strings.Repeat("*", len(r)-1) + "@" + domain
	})
}

var (
	longDigitsRE  = regexp.MustCompile(`[0-9]{9,}`)
	emailInTextRE = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`)
)

// Mode is how a dossier is processed.
type Mode string

// Modes.
const (
	ModeFiveOnSpot Mode = "five_on_spot"
	ModeStandard   Mode = "standard"
)

// Dossier is one application for one procedure (hồ sơ).
type Dossier struct {
	ID            int64              `json:"-"`
	Code          string             `json:"code"`
	ProcedureCode string             `json:"procedure_code"`
	ProcedureName string             `json:"procedure_name"`
	AgencyCode    string             `json:"agency_code"`
	CenterCode    string             `json:"center_code"`
	Channel       Channel            `json:"channel"`
	Mode          Mode               `json:"mode"`
	Status        Status             `json:"status"`
	Version       int64              `json:"version"`
	Applicant     Applicant          `json:"applicant"`
	ApplicantUser int64              `json:"-"`
	IdentityLevel IdentityLevel      `json:"-"` // of the session that submitted it online (QĐ 766 4.5)
	Components    []DossierComponent `json:"components"`
	SubmittedAt   *time.Time         `json:"submitted_at,omitempty"`
	ReceivedAt    *time.Time         `json:"received_at,omitempty"`
	DueAt         *time.Time         `json:"due_at,omitempty"`
	// OriginalDueAt is the first appointment; DueAt moves with pauses,
	// restarts and an apology.
	OriginalDueAt *time.Time `json:"original_due_at,omitempty"`
	// LegalDueAt is the due date under the legal rule, where a supplement
	// asked during appraisal restarts the period from zero (Decree 61
	// art. 19.4). DueAt follows the QĐ 766 rule (paused time subtracted).
	LegalDueAt     *time.Time     `json:"legal_due_at,omitempty"`
	StepDueAt      *time.Time     `json:"step_due_at,omitempty"`
	FinishedAt     *time.Time     `json:"finished_at,omitempty"`
	PausedAt       *time.Time     `json:"paused_at,omitempty"`
	PausedSeconds  int64          `json:"paused_seconds"` // working seconds paused in total
	Supplements    int            `json:"supplement_requests"`
	ApologyAt      *time.Time     `json:"apology_at,omitempty"`
	Overdue        bool           `json:"overdue"`
	Outcome        string         `json:"outcome,omitempty"` // early, on_time, late once finished
	AssigneeID     int64          `json:"assignee_id,omitempty"`
	Recommendation string         `json:"recommendation,omitempty"`
	Report         string         `json:"report,omitempty"`
	DraftResult    string         `json:"draft_result,omitempty"`
	Reason         string         `json:"reason,omitempty"`
	FormSet        string         `json:"form_set"`
	Imported       bool           `json:"imported,omitempty"`
	LookupToken    string         `json:"lookup_token,omitempty"` // only right after creation
	History        []HistoryEntry `json:"history"`
	// MeasureDueAt is the instant against which lateness is judged in the
	// reports: the original appointment plus the working time spent
	// waiting for the applicant (MeasureDue). An apology never moves it.
	MeasureDueAt *time.Time `json:"measure_due_at,omitempty"`
	// LateSupplement: a supplement was requested during appraisal later
	// than the rule set allows after receipt (SupplementRequestLate).
	LateSupplement bool `json:"late_supplement_request,omitempty"`
	// RuleSet is the rule set in force when the dossier was received
	// (RuleSetOf): it is judged and printed by it.
	RuleSet RuleSetID `json:"rule_set,omitempty"`
	// FiveOnSpotAchieved and ReturnedSameDay tell, for a returned "5 tại
	// chỗ" dossier, whether every step was done at the center (or by the
	// leader on site or electronically) and whether it was returned the
	// day it was received (derived, see FiveOnSpotAchieved).
	FiveOnSpotAchieved *bool     `json:"five_on_spot_achieved,omitempty"`
	ReturnedSameDay    *bool     `json:"returned_same_day,omitempty"`
	Result             *Result   `json:"result,omitempty"`
	Approval           *Approval `json:"approval,omitempty"`
	// Documents are the numbered forms and the result, with where to read
	// and verify them (contract §9; see DocSpecs).
	Documents []Document `json:"documents,omitempty"`
}

// DossierComponent is a component handed in with a dossier.
type DossierComponent struct {
	Code       string     `json:"code"`
	Name       string     `json:"name"`
	BlobID     string     `json:"blob_id,omitempty"`
	ReusedFrom string     `json:"reused_result,omitempty"` // document code of a reused result
	AttestedBy string     `json:"attested_by,omitempty"`
	AttestedAt *time.Time `json:"attested_at,omitempty"`
	Signed     bool       `json:"signed"`
	// Signature is the reception officer's detached CMS signature of the
	// file (served separately, not in JSON).
	Signature []byte `json:"-"`
}

// HistoryEntry is one transition of a dossier.
type HistoryEntry struct {
	Action     Action     `json:"action"`
	From       Status     `json:"from"`
	To         Status     `json:"to"`
	Actor      string     `json:"actor"`
	OnBehalfOf string     `json:"on_behalf_of,omitempty"`
	At         time.Time  `json:"at"`
	Note       string     `json:"note,omitempty"`
	StepDueAt  *time.Time `json:"step_due_at,omitempty"`
	// Place is where the step was done (QĐ 299 phần III; PlaceOf).
	Place Place `json:"place,omitempty"`
}

// Approval records who approved and under which authority.
type Approval struct {
	ApproverID   int64     `json:"approver_id"`
	ApproverName string    `json:"approver"`
	Position     string    `json:"position"`
	Capacity     string    `json:"capacity,omitempty"` // KT., TL., TUQ.
	OnBehalfOf   string    `json:"on_behalf_of,omitempty"`
	DelegationID int64     `json:"delegation_id,omitempty"`
	At           time.Time `json:"at"`
}

// Result is an issued result (kết quả giải quyết TTHC).
type Result struct {
	Number       string    `json:"number"` // "12/GP-SXD"
	Seq          int64     `json:"seq"`
	DocumentCode string    `json:"document_code"`
	ResultType   string    `json:"result_type_code"`
	IssuedAt     time.Time `json:"issued_at"`
	IssuedBy     string    `json:"issued_by"`
	Seal         string    `json:"seal"`
	SHA256       string    `json:"sha256,omitempty"`
	VerifyToken  string    `json:"verify_token,omitempty"`
	// ArchivedAt is when the archive copy (PAdES B-LTA) was last made.
	ArchivedAt *time.Time `json:"archived_at,omitempty"`
	// SealChoice is how it was sealed and PhysicalSeals the printed
	// copies stamped with a physical seal (SealChoice, SealLog).
	SealChoice    SealChoice `json:"seal_choice,omitempty"`
	PhysicalSeals []SealLog  `json:"physical_seals,omitempty"`
	// SealPending: the number is taken and recorded, the seal not yet
	// applied (it is applied right after, or resumed after a failure).
	SealPending bool `json:"seal_pending,omitempty"`
}

// FormatNumber formats a register number per Decree 30/2020: numbers below
// 10 take a leading zero; "/" joins number and symbol.
func FormatNumber(n int64, symbol string) string {
	return fmt.Sprintf("%02d/%s", n, symbol)
}

// DocumentCode is the result's document code (mã số giấy tờ, Decree
// 45/2020): the applicant's identifier + the result-type code + the
// register number, so that each issued result is unique.
func DocumentCode(applicantID, resultType string, year int, seq int64) string {
	return fmt.Sprintf("%s.%s.%d.%06d", applicantID, resultType, year, seq)
}

// DossierCode formats a dossier code in the national format
// V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX (Circular 01/2018 art. 19).
func DossierCode(agencyIdentifier string, day time.Time, seq int) string {
	return fmt.Sprintf("%s-%s-%04d", agencyIdentifier, day.Format("060102"), seq)
}

var identifierRE = regexp.MustCompile(`^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Z][0-9]{2}$`)

// ValidIdentifier reports whether s is an agency identifier in the
// QCVN 102:2016 shape ("000.00.21.H06").
func ValidIdentifier(s string) bool { return identifierRE.MatchString(s) }

// Outcome values of a finished dossier (contract §7).
const (
	OutcomeEarly  = "early"
	OutcomeOnTime = "on_time"
	OutcomeLate   = "late"
)
