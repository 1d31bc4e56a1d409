package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"motcua/dossier"
	"motcua/vntext"
)

// Branding returns the installation's branding, or nil when none is set.
func (db *DB) Branding(ctx context.Context) (*dossier.Branding, error) {
	var b dossier.Branding
	err := db.queryRowContext(ctx, `SELECT name, primary_color, accent_color, emblem_type, updated_at FROM branding WHERE id = 1`).
		Scan(&b.Name, &b.PrimaryColor, &b.AccentColor, &b.EmblemType, &b.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: branding: %w", err)
	}
	return &b, nil
}

// BrandingEmblem returns the emblem image and its type; nil when none.
func (db *DB) BrandingEmblem(ctx context.Context) ([]byte, string, error) {
	var img []byte
	var typ string
	err := db.queryRowContext(ctx, `SELECT emblem, emblem_type FROM branding WHERE id = 1`).Scan(&img, &typ)
	if errors.Is(err, sql.ErrNoRows) || len(img) == 0 {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("store: branding emblem: %w", err)
	}
	return img, typ, nil
}

// SetBranding saves b; emblem replaces the emblem when keep is false (nil
// removes it).
func (tx *Tx) SetBranding(b *dossier.Branding, emblem []byte, keep bool) error {
	b.Name = vntext.NFC(b.Name)
	b.Version = ms(tx.now)
	if keep {
		var typ string
		err := tx.queryRow(`SELECT emblem_type FROM branding WHERE id = 1`).Scan(&typ)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: branding: %w", err)
		}
		b.EmblemType = typ
		_, err = tx.exec(`INSERT INTO branding (id, name, primary_color, accent_color, emblem_type, updated_at) VALUES (1, $1, $2, $3, $4, $5)
			ON CONFLICT (id) DO UPDATE SET name = excluded.name, primary_color = excluded.primary_color,
			accent_color = excluded.accent_color, updated_at = excluded.updated_at`,
			b.Name, b.PrimaryColor, b.AccentColor, b.EmblemType, b.Version)
		if err != nil {
			return fmt.Errorf("store: set branding: %w", err)
		}
		return nil
	}
	if emblem == nil {
		b.EmblemType = ""
	}
	_, err := tx.exec(`INSERT INTO branding (id, name, primary_color, accent_color, emblem, emblem_type, updated_at) VALUES (1, $1, $2, $3, $4, $5, $6)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, primary_color = excluded.primary_color,
		accent_color = excluded.accent_color, emblem = excluded.emblem, emblem_type = excluded.emblem_type, updated_at = excluded.updated_at`,
		b.Name, b.PrimaryColor, b.AccentColor, emblem, b.EmblemType, b.Version)
	if err != nil {
		return fmt.Errorf("store: set branding: %w", err)
	}
	return nil
}
