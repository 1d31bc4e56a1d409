package workflow

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"motcua/dossier"
	"motcua/store"
)

// brandTTL is how long an instance reuses the branding it read: a save on
// another instance shows there within it; a save on this one at once.
const brandTTL = 10 * time.Second

// brandCache holds the branding read last, so that pages do not read it
// on every request.
type brandCache struct {
	mu   sync.Mutex
	b    *dossier.Branding
	at   time.Time
	read bool
}

// Branding returns the installation's branding (issue 19), nil when the
// admin has set none (the layouts' defaults apply). Anyone may read it.
func (s *Service) Branding(ctx context.Context) (*dossier.Branding, error) {
	now := s.now()
	s.brand.mu.Lock()
	if s.brand.read && now.Sub(s.brand.at) < brandTTL && !now.Before(s.brand.at) {
		b := s.brand.b
		s.brand.mu.Unlock()
		return b, nil
	}
	s.brand.mu.Unlock()
	b, err := s.db.Branding(ctx)
	if err != nil {
		return nil, err
	}
	s.brand.mu.Lock()
	s.brand.b, s.brand.at, s.brand.read = b, now, true
	s.brand.mu.Unlock()
	return b, nil
}

// BrandingEmblem returns the emblem image and its type; nil when none.
func (s *Service) BrandingEmblem(ctx context.Context) ([]byte, string, error) {
	return s.db.BrandingEmblem(ctx)
}

// EmblemChange says what a save does to the emblem.
type EmblemChange int

// Emblem changes.
const (
	EmblemKeep    EmblemChange = iota // leave it as it is
	EmblemReplace                     // replace it with the image given
	EmblemRemove                      // remove it
)

// SetBranding validates and saves the branding (admins): the name, the
// colours (each at least 4.5:1 against white text) and the emblem.
func (s *Service) SetBranding(ctx context.Context, u *dossier.User, b dossier.Branding, change EmblemChange, emblem []byte, emblemType string) (*dossier.Branding, error) {
	if err := needAdmin(u); err != nil {
		return nil, err
	}
	if err := b.Validate(); err != nil {
		return nil, err
	}
	if change == EmblemReplace {
		switch {
		case len(emblem) == 0:
			return nil, dossier.Invalid("Biểu trưng không hợp lệ", dossier.FieldError{Field: "emblem", Message: "Tệp ảnh rỗng"})
		case len(emblem) > dossier.MaxEmblemBytes:
			return nil, dossier.Invalid("Biểu trưng quá lớn", dossier.FieldError{Field: "emblem", Message: "Ảnh biểu trưng tối đa 256 KB"})
		case !dossier.EmblemTypes[emblemType]:
			return nil, dossier.Invalid("Biểu trưng không hợp lệ", dossier.FieldError{Field: "emblem", Message: "Chỉ nhận ảnh PNG, JPEG, WebP hoặc SVG"})
		}
		b.EmblemType = emblemType
	}
	if change == EmblemRemove {
		emblem = nil
	}
	err := s.db.InTx(ctx, s.now(), func(tx *store.Tx) error {
		if err := tx.SetBranding(&b, emblem, change == EmblemKeep); err != nil {
			return err
		}
		detail, _ := json.Marshal(map[string]any{"name": b.Name, "primary": b.PrimaryColor, "accent": b.AccentColor, "emblem": change})
		return tx.Audit(u.Username, "save", "branding", "1", string(detail))
	})
	if err != nil {
		return nil, err
	}
	s.brand.mu.Lock()
	s.brand.b, s.brand.at, s.brand.read = &b, s.now(), true
	s.brand.mu.Unlock()
	return &b, nil
}
