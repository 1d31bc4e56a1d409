package dossier

import (
	"regexp"
	"strings"
	"time"
)

// Level is an administrative level. Levels are data: the set below is what
// the catalog accepts today, and a province that abolishes a level simply
// stops using it.
type Level string

// Administrative levels.
const (
	LevelProvince Level = "province"
	LevelDistrict Level = "district"
	LevelCommune  Level = "commune"
)

// Valid reports whether l is a known level.
func (l Level) Valid() bool {
	return l == LevelProvince || l == LevelDistrict || l == LevelCommune
}

// Label returns the Vietnamese name of the level.
func (l Level) Label() string {
	switch l {
	case LevelProvince:
		return "Cấp tỉnh"
	case LevelDistrict:
		return "Cấp huyện"
	case LevelCommune:
		return "Cấp xã"
	}
	return string(l)
}

// SplitList splits a list column of the catalog import (components, legal
// basis, forms, inter-agency steps): items are separated by ";", trimmed,
// and blank items are dropped.
func SplitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ";") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// Agency is a body with authority over procedures (sở, phòng, UBND).
type Agency struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Level      Level  `json:"level"`
	ParentCode string `json:"parent_code"`
	// Identifier is the national agency identifier (mã định danh,
	// QCVN 102:2016, e.g. "000.00.21.H06") used in dossier codes. Empty
	// means derive one from the code.
	Identifier string `json:"identifier,omitempty"`
}

// Center is a one-stop center (Trung tâm Hành chính công / Bộ phận Một cửa).
// It serves the procedures of the agencies under AgencyCode's parent.
type Center struct {
	Code       string    `json:"code"`
	Name       string    `json:"name"`
	Level      Level     `json:"level"`
	AgencyCode string    `json:"agency_code"` // the center as an agency
	Address    string    `json:"address"`
	Counters   []Counter `json:"counters"`
	// WorkingHours and SaturdayHours override the national working day
	// for this center ("07:30-11:30,13:30-17:00"; empty = default).
	WorkingHours  string `json:"working_hours,omitempty"`
	SaturdayHours string `json:"saturday_hours,omitempty"`
}

// Counter is one desk of a center (quầy).
type Counter struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// OnlineLevel is the online service level of a procedure (Decree 42/2022).
type OnlineLevel string

// Online service levels.
const (
	OnlineFull    OnlineLevel = "full"    // toàn trình
	OnlinePartial OnlineLevel = "partial" // một phần
	OnlineNone    OnlineLevel = "none"
)

// Valid reports whether o is a known online level.
func (o OnlineLevel) Valid() bool {
	return o == OnlineFull || o == OnlinePartial || o == OnlineNone
}

// Online reports whether a procedure at level o accepts dossiers online:
// an online public service is either toàn trình or một phần (NĐ 42/2022
// Art. 11.1; regulation.md §9).
func (o OnlineLevel) Online() bool {
	return o == OnlineFull || o == OnlinePartial
}

// Component is a document of a procedure's dossier (thành phần hồ sơ).
type Component struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Required bool   `json:"required"`
}

// ProcessStep is one step of a procedure's internal process (quy trình nội
// bộ) with its time budget in working hours.
type ProcessStep struct {
	Code  string  `json:"code"`
	Name  string  `json:"name"`
	Role  Role    `json:"role"`
	Hours float64 `json:"hours"`
}

// FiveOnSpotDesignation records the decision that put a procedure under the
// "5 tại chỗ" mechanism, so coverage can be reported for any past period.
type FiveOnSpotDesignation struct {
	Decision      string `json:"decision,omitempty"`       // e.g. "299/QĐ-UBND"
	DecisionDate  string `json:"decision_date,omitempty"`  // YYYY-MM-DD
	EffectiveFrom string `json:"effective_from,omitempty"` // YYYY-MM-DD
}

// Procedure is an administrative procedure of the catalog (TTHC).
type Procedure struct {
	Code             string                 `json:"code"`
	Name             string                 `json:"name"`
	AgencyCode       string                 `json:"agency_code"`
	Level            Level                  `json:"level"`
	Field            string                 `json:"field"`
	ProcessingDays   *int                   `json:"processing_days,omitempty"`
	ProcessingHours  *int                   `json:"processing_hours,omitempty"`
	FiveOnSpot       bool                   `json:"five_on_spot"`
	FiveOnSpotDecree *FiveOnSpotDesignation `json:"five_on_spot_designation,omitempty"`
	OnlineLevel      OnlineLevel            `json:"online_level"`
	Fee              int64                  `json:"fee"`
	ResultTypeCode   string                 `json:"result_type_code"`
	Components       []Component            `json:"components"`
	ApproverPosition string                 `json:"approver_position,omitempty"`
	// Cutoff is the local time ("15:00") after which a dossier received
	// counts from the next working day; empty means none.
	Cutoff  string        `json:"cutoff,omitempty"`
	Process []ProcessStep `json:"process,omitempty"`
	// Seal is how its results are sealed at issue (SealRule).
	Seal SealRule `json:"seal_rule"`
	// Exchange names the other bodies the procedure needs and whether
	// its result is registered in the agency's document-management
	// system (exchange.go); nil for most procedures.
	Exchange *ExchangePlan `json:"exchange,omitempty"`
	// LegalBasis lists the legal documents the procedure rests on (căn cứ
	// pháp lý), one title each; Forms the forms to download.
	LegalBasis []string       `json:"legal_basis,omitempty"`
	Forms      []FormDownload `json:"forms,omitempty"`
}

// FiveOnSpotAt reports whether p was under "5 tại chỗ" on day (YYYY-MM-DD).
func (p *Procedure) FiveOnSpotAt(day string) bool {
	if !p.FiveOnSpot {
		return false
	}
	if p.FiveOnSpotDecree == nil || p.FiveOnSpotDecree.EffectiveFrom == "" {
		return true
	}
	return p.FiveOnSpotDecree.EffectiveFrom <= day
}

// RequiredMissing returns the required components of p whose codes are not
// in have, in catalog order.
func (p *Procedure) RequiredMissing(have map[string]bool) []Component {
	var out []Component
	for _, c := range p.Components {
		if c.Required && !have[c.Code] {
			out = append(out, c)
		}
	}
	return out
}

// Component returns the component with the given code.
func (p *Procedure) Component(code string) (Component, bool) {
	for _, c := range p.Components {
		if c.Code == code {
			return c, true
		}
	}
	return Component{}, false
}

var codeRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// ValidCode reports whether s is acceptable as a catalog code.
func ValidCode(s string) bool { return codeRE.MatchString(s) }

// Validate checks an agency; it returns EINVALID with the bad fields.
func (a *Agency) Validate() error {
	var fs []FieldError
	if !ValidCode(a.Code) {
		fs = append(fs, FieldError{Field: "code", Message: "Mã cơ quan không hợp lệ"})
	}
	if strings.TrimSpace(a.Name) == "" {
		fs = append(fs, FieldError{Field: "name", Message: "Thiếu tên cơ quan"})
	}
	if !a.Level.Valid() {
		fs = append(fs, FieldError{Field: "level", Message: "Cấp phải là province, district hoặc commune"})
	}
	if a.ParentCode != "" && !ValidCode(a.ParentCode) {
		fs = append(fs, FieldError{Field: "parent_code", Message: "Mã cơ quan cấp trên không hợp lệ"})
	}
	if a.ParentCode == a.Code && a.Code != "" {
		fs = append(fs, FieldError{Field: "parent_code", Message: "Cơ quan không thể là cấp trên của chính nó"})
	}
	if len(fs) > 0 {
		return Invalid("Cơ quan không hợp lệ", fs...)
	}
	return nil
}

// Validate checks a procedure; it returns EINVALID with the bad fields.
func (p *Procedure) Validate() error {
	var fs []FieldError
	add := func(f, m string) { fs = append(fs, FieldError{Field: f, Message: m}) }
	if !ValidCode(p.Code) {
		add("code", "Mã thủ tục không hợp lệ")
	}
	if strings.TrimSpace(p.Name) == "" {
		add("name", "Thiếu tên thủ tục")
	}
	if !ValidCode(p.AgencyCode) {
		add("agency_code", "Mã cơ quan không hợp lệ")
	}
	if !p.Level.Valid() {
		add("level", "Cấp phải là province, district hoặc commune")
	}
	switch {
	case p.ProcessingDays == nil && p.ProcessingHours == nil:
		add("processing_days", "Cần thời hạn giải quyết (ngày hoặc giờ)")
	case p.ProcessingDays != nil && p.ProcessingHours != nil:
		add("processing_hours", "Chỉ ghi một trong số ngày hoặc số giờ")
	case p.ProcessingDays != nil && (*p.ProcessingDays < 0 || *p.ProcessingDays > 365):
		add("processing_days", "Số ngày phải từ 0 đến 365")
	case p.ProcessingHours != nil && (*p.ProcessingHours <= 0 || *p.ProcessingHours > 2000):
		add("processing_hours", "Số giờ phải từ 1 đến 2000")
	}
	if !p.OnlineLevel.Valid() {
		add("online_level", "Mức độ trực tuyến phải là full, partial hoặc none")
	}
	if p.Fee < 0 {
		add("fee", "Lệ phí không được âm")
	}
	if p.Seal.Default != "" && !p.Seal.Default.Valid() {
		add("seal", "Cách đóng dấu phải là electronic, physical hoặc both")
	}
	fs = append(fs, p.Exchange.Validate()...)
	if p.Cutoff != "" {
		if _, err := time.Parse("15:04", p.Cutoff); err != nil {
			add("cutoff", "Giờ chốt phải có dạng HH:MM")
		}
	}
	seen := map[string]bool{}
	for _, c := range p.Components {
		if !ValidCode(c.Code) || strings.TrimSpace(c.Name) == "" {
			add("components", "Thành phần hồ sơ không hợp lệ: "+c.Code)
			continue
		}
		if seen[c.Code] {
			add("components", "Trùng mã thành phần hồ sơ: "+c.Code)
		}
		seen[c.Code] = true
	}
	p.validateDocs(add)
	if len(fs) > 0 {
		return Invalid("Thủ tục không hợp lệ", fs...)
	}
	return nil
}
