package workflow

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"motcua/calendar"
	"motcua/dossier"
	"motcua/store"
	"motcua/vntext"
)

func needAdmin(u *dossier.User) error {
	if !u.Has(dossier.RoleAdmin) {
		return forbidden("Chỉ quản trị viên được thực hiện thao tác này")
	}
	return nil
}

// CreateDelegation records a delegation of approval authority (admins).
func (s *Service) CreateDelegation(ctx context.Context, u *dossier.User, d dossier.Delegation) (*dossier.Delegation, error) {
	if err := needAdmin(u); err != nil {
		return nil, err
	}
	d = d.AsNew()
	d.FromPosition, d.BasisDocument = vntext.NFC(d.FromPosition), vntext.NFC(d.BasisDocument)
	if err := d.Validate(); err != nil {
		return nil, err
	}
	err := s.db.InTx(ctx, s.now(), func(tx *store.Tx) error {
		to, err := tx.User(d.ToUserID)
		if err != nil {
			return dossier.Invalid("Người được ủy quyền không tồn tại", dossier.FieldError{Field: "to_user_id", Message: "không tồn tại"})
		}
		if !to.Has(dossier.RoleApprover) {
			return dossier.Errorf(dossier.EUNPROCESSABLE, "Người được ủy quyền phải có vai trò lãnh đạo phê duyệt (approver)")
		}
		if d.AgencyCode == "" {
			d.AgencyCode = to.AgencyCode
		}
		if _, err := tx.Agency(d.AgencyCode); err != nil {
			return dossier.Invalid("Cơ quan không tồn tại", dossier.FieldError{Field: "agency_code", Message: "không tồn tại"})
		}
		for _, pc := range d.Procedures {
			p, err := tx.Procedure(pc)
			if err != nil || p.AgencyCode != d.AgencyCode {
				return dossier.Invalid("Thủ tục không thuộc cơ quan", dossier.FieldError{Field: "procedures", Message: pc})
			}
		}
		d.ToName = to.Name
		if err := tx.InsertDelegation(&d); err != nil {
			return err
		}
		sum, _ := json.Marshal(d)
		return tx.Audit(u.Username, "create", "delegation", fmt.Sprint(d.ID), string(sum))
	})
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// RevokeDelegation ends a delegation at once (admins).
func (s *Service) RevokeDelegation(ctx context.Context, u *dossier.User, id int64) error {
	if err := needAdmin(u); err != nil {
		return err
	}
	return s.db.InTx(ctx, s.now(), func(tx *store.Tx) error {
		if err := tx.RevokeDelegation(id); err != nil {
			return err
		}
		return tx.Audit(u.Username, "revoke", "delegation", fmt.Sprint(id), "{}")
	})
}

// CreateShift records a leader's on-site shift at a center (admins).
func (s *Service) CreateShift(ctx context.Context, u *dossier.User, sh dossier.LeaderShift) (*dossier.LeaderShift, error) {
	if err := needAdmin(u); err != nil {
		return nil, err
	}
	sh = sh.AsNew()
	if err := sh.Validate(); err != nil {
		return nil, err
	}
	err := s.db.InTx(ctx, s.now(), func(tx *store.Tx) error {
		if _, err := tx.Center(sh.CenterCode); err != nil {
			return dossier.Invalid("Trung tâm không tồn tại", dossier.FieldError{Field: "center_code", Message: "không tồn tại"})
		}
		l, err := tx.User(sh.UserID)
		if err != nil || !l.Has(dossier.RoleApprover) {
			return dossier.Invalid("Người trực phải là lãnh đạo phê duyệt", dossier.FieldError{Field: "user_id", Message: "không hợp lệ"})
		}
		sh.UserName = l.Name
		if err := tx.InsertShift(&sh); err != nil {
			return err
		}
		return tx.Audit(u.Username, "create", "leader_shift", fmt.Sprint(sh.ID), fmt.Sprintf(`{"user":%d,"center":%q}`, sh.UserID, sh.CenterCode))
	})
	if err != nil {
		return nil, err
	}
	return &sh, nil
}

// SaveSeal registers or updates an agency's seal (admins).
func (s *Service) SaveSeal(ctx context.Context, u *dossier.User, seal dossier.Seal) (*dossier.Seal, error) {
	if err := needAdmin(u); err != nil {
		return nil, err
	}
	if seal.Kind != dossier.SealPhysical && seal.Kind != dossier.SealElectronic {
		return nil, dossier.Invalid("Loại dấu không hợp lệ", dossier.FieldError{Field: "kind", Message: "physical hoặc electronic"})
	}
	if seal.Name == "" {
		return nil, dossier.Invalid("Cần tên con dấu", dossier.FieldError{Field: "name", Message: "bắt buộc"})
	}
	err := s.db.InTx(ctx, s.now(), func(tx *store.Tx) error {
		if _, err := tx.Agency(seal.AgencyCode); err != nil {
			return dossier.Invalid("Cơ quan không tồn tại", dossier.FieldError{Field: "agency_code", Message: "không tồn tại"})
		}
		if err := tx.UpsertSeal(&seal); err != nil {
			return err
		}
		return tx.Audit(u.Username, "save", "seal", fmt.Sprint(seal.ID), fmt.Sprintf(`{"agency":%q,"kind":%q}`, seal.AgencyCode, seal.Kind))
	})
	if err != nil {
		return nil, err
	}
	return &seal, nil
}

// SaveCenter creates or updates a center with its counters and working
// hours, and reloads the calendars (admins).
func (s *Service) SaveCenter(ctx context.Context, u *dossier.User, c dossier.Center) (*dossier.Center, error) {
	if err := needAdmin(u); err != nil {
		return nil, err
	}
	var fs []dossier.FieldError
	if !dossier.ValidCode(c.Code) {
		fs = append(fs, dossier.FieldError{Field: "code", Message: "Mã trung tâm không hợp lệ"})
	}
	if vntext.NFC(c.Name) == "" {
		fs = append(fs, dossier.FieldError{Field: "name", Message: "Thiếu tên trung tâm"})
	}
	if !c.Level.Valid() {
		fs = append(fs, dossier.FieldError{Field: "level", Message: "Cấp phải là province, district hoặc commune"})
	}
	for _, f := range []struct{ name, v string }{{"working_hours", c.WorkingHours}, {"saturday_hours", c.SaturdayHours}} {
		if _, err := ParseSpans(f.v); err != nil {
			fs = append(fs, dossier.FieldError{Field: f.name, Message: err.Error()})
		}
	}
	if len(fs) > 0 {
		return nil, dossier.Invalid("Trung tâm không hợp lệ", fs...)
	}
	err := s.db.InTx(ctx, s.now(), func(tx *store.Tx) error {
		if _, err := tx.Agency(c.AgencyCode); err != nil {
			return dossier.Invalid("Cơ quan của trung tâm không tồn tại", dossier.FieldError{Field: "agency_code", Message: "không tồn tại"})
		}
		if err := tx.UpsertCenter(&c); err != nil {
			return err
		}
		return tx.Audit(u.Username, "save", "center", c.Code, fmt.Sprintf(`{"working_hours":%q,"saturday_hours":%q}`, c.WorkingHours, c.SaturdayHours))
	})
	if err != nil {
		return nil, err
	}
	if err := s.ReloadCalendar(ctx); err != nil {
		return nil, err
	}
	return &c, nil
}

// PutOverride stores an official calendar override and reloads the
// calendar (admins). An override with a center code applies to that
// center only.
func (s *Service) PutOverride(ctx context.Context, u *dossier.User, o store.Override) error {
	if err := needAdmin(u); err != nil {
		return err
	}
	if _, err := calendar.ParseDate(o.Day); err != nil {
		return dossier.Invalid("Ngày không hợp lệ", dossier.FieldError{Field: "date", Message: "cần YYYY-MM-DD"})
	}
	if !calendar.OverrideKind(o.Kind).Valid() {
		return dossier.Invalid("Loại ngày không hợp lệ", dossier.FieldError{Field: "kind", Message: "holiday, compensatory, extra_off hoặc swap_workday"})
	}
	o.Name, o.Source = vntext.NFC(o.Name), vntext.NFC(o.Source)
	if o.Name == "" {
		return dossier.Invalid("Cần tên ngày", dossier.FieldError{Field: "name", Message: "bắt buộc"})
	}
	if err := s.db.InTx(ctx, s.now(), func(tx *store.Tx) error {
		if o.Center != "" {
			if _, err := tx.Center(o.Center); err != nil {
				return dossier.Invalid("Trung tâm không tồn tại", dossier.FieldError{Field: "center_code", Message: "không tồn tại"})
			}
		}
		if err := tx.PutOverride(o); err != nil {
			return err
		}
		return tx.Audit(u.Username, "put", "calendar_override", o.Day, fmt.Sprintf(`{"kind":%q,"name":%q}`, o.Kind, o.Name))
	}); err != nil {
		return err
	}
	return s.ReloadCalendar(ctx)
}

// DeleteOverride removes an override (admins).
func (s *Service) DeleteOverride(ctx context.Context, u *dossier.User, day, center string) error {
	if err := needAdmin(u); err != nil {
		return err
	}
	if err := s.db.InTx(ctx, s.now(), func(tx *store.Tx) error {
		if err := tx.DeleteOverride(day, center); err != nil {
			return err
		}
		return tx.Audit(u.Username, "delete", "calendar_override", day, "{}")
	}); err != nil {
		return err
	}
	return s.ReloadCalendar(ctx)
}

// ImportOverridesCSV loads overrides from CSV (date,kind,name,source), all
// or nothing.
func (s *Service) ImportOverridesCSV(ctx context.Context, u *dossier.User, r io.Reader) (int, error) {
	if u != nil {
		if err := needAdmin(u); err != nil {
			return 0, err
		}
	}
	os, err := calendar.ParseOverridesCSV(r)
	if err != nil {
		return 0, dossier.Invalid(err.Error())
	}
	if err := s.db.InTx(ctx, s.now(), func(tx *store.Tx) error {
		for _, o := range os {
			if err := tx.PutOverride(store.Override{Day: o.Date.String(), Kind: string(o.Kind), Name: o.Name, Source: o.Source}); err != nil {
				return err
			}
		}
		return tx.Audit(actorName(u), "import", "calendar_override", "", fmt.Sprintf(`{"rows":%d}`, len(os)))
	}); err != nil {
		return 0, err
	}
	return len(os), s.ReloadCalendar(ctx)
}

// Upload stores an uploaded file (PDF, JPEG or PNG by its bytes).
func (s *Service) Upload(ctx context.Context, u *dossier.User, r io.Reader) (*BlobInfo, error) {
	if !u.HasAny(dossier.RoleReception, dossier.RoleAppraiser, dossier.RoleCitizen, dossier.RoleAdmin) {
		return nil, forbidden("Ông/bà không được tải tệp lên")
	}
	info, err := s.blobs.Put(r, s.cfg.MaxUpload)
	if err != nil {
		return nil, err
	}
	if err := s.db.InTx(ctx, s.now(), func(tx *store.Tx) error {
		if err := tx.InsertBlob(info.ID, info.Size, info.ContentType, u.ID); err != nil {
			return err
		}
		return tx.AddUpload(info.ID, u.ID) // the uploader may attach it (attachable)
	}); err != nil {
		return nil, err
	}
	return &BlobInfo{ID: info.ID, SHA256: info.SHA256, Size: info.Size, ContentType: info.ContentType}, nil
}

// BlobInfo describes an uploaded file.
type BlobInfo struct {
	ID          string `json:"id"`
	SHA256      string `json:"sha256"`
	Size        int64  `json:"size"`
	ContentType string `json:"content_type"`
}

// KeyInfo describes a stored signing identity.
type KeyInfo struct {
	Kind         string    `json:"kind"` // officers or seals
	Name         string    `json:"name"` // username or agency code
	Subject      string    `json:"subject,omitempty"`
	Organization string    `json:"organization,omitempty"`
	Issuer       string    `json:"issuer,omitempty"`
	NotBefore    time.Time `json:"not_before"`
	NotAfter     time.Time `json:"not_after"`
	Demo         bool      `json:"demo"`
	Error        string    `json:"error,omitempty"`
}

// KeyStore lists and installs signing identities (package render).
type KeyStore interface {
	ListKeys() ([]KeyInfo, error)
	InstallKey(kind, name string, p12 []byte, password string, now time.Time) (*KeyInfo, error)
}

func (s *Service) keyStore() (KeyStore, error) {
	ks := s.ports.Keys
	if ks == nil {
		return nil, dossier.Errorf(dossier.ENOTFOUND, "Máy chủ chưa cấu hình kho khóa ký số")
	}
	return ks, nil
}

// Keys lists the signing identities (admins).
func (s *Service) Keys(ctx context.Context, u *dossier.User) ([]KeyInfo, error) {
	if err := needAdmin(u); err != nil {
		return nil, err
	}
	ks, err := s.keyStore()
	if err != nil {
		return nil, err
	}
	return ks.ListKeys()
}

// InstallKey stores a PKCS#12 identity for an officer or an agency seal
// (admins); the certificate must be valid now.
func (s *Service) InstallKey(ctx context.Context, u *dossier.User, kind, name string, p12 []byte, password string) (*KeyInfo, error) {
	if err := needAdmin(u); err != nil {
		return nil, err
	}
	ks, err := s.keyStore()
	if err != nil {
		return nil, err
	}
	now := s.now()
	k, err := ks.InstallKey(kind, name, p12, password, now)
	if err != nil {
		return nil, err
	}
	return k, s.db.InTx(ctx, now, func(tx *store.Tx) error {
		return tx.Audit(u.Username, "install_key", kind, name, fmt.Sprintf(`{"subject":%q,"not_after":%q}`, k.Subject, k.NotAfter.Format(time.RFC3339)))
	})
}
