package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"motcua/dossier"
	"motcua/vntext"
)

// NewUser is what CreateUser needs.
type NewUser struct {
	dossier.User
	PasswordHash string
}

// CreateUser inserts a user with roles and centers; a taken username is
// ECONFLICT.
func (tx *Tx) CreateUser(u *NewUser) (int64, error) {
	var id int64
	err := tx.queryRow(`INSERT INTO users (username, password_hash, name, agency_code, position, id_number, phone, email, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		strings.ToLower(u.Username), u.PasswordHash, vntext.NFC(u.Name), u.AgencyCode, vntext.NFC(u.Position),
		u.IDNumber, u.Phone, u.Email, ms(tx.now)).Scan(&id)
	if isUnique(err) {
		return 0, dossier.Errorf(dossier.ECONFLICT, "Tên đăng nhập %q đã được sử dụng", u.Username)
	}
	if err != nil {
		return 0, fmt.Errorf("store: create user: %w", err)
	}
	if err := tx.SetUserAccess(id, u.Roles, u.Centers, u.Counter); err != nil {
		return 0, err
	}
	return id, nil
}

// SetUserAccess replaces the roles and centers of user id.
func (tx *Tx) SetUserAccess(id int64, roles []dossier.Role, centers []string, counter string) error {
	if _, err := tx.exec(`DELETE FROM user_roles WHERE user_id = $1`, id); err != nil {
		return fmt.Errorf("store: user roles: %w", err)
	}
	if _, err := tx.exec(`DELETE FROM user_centers WHERE user_id = $1`, id); err != nil {
		return fmt.Errorf("store: user centers: %w", err)
	}
	for _, r := range roles {
		if _, err := tx.exec(`INSERT INTO user_roles (user_id, role) VALUES ($1, $2) ON CONFLICT DO NOTHING`, id, string(r)); err != nil {
			return fmt.Errorf("store: user role: %w", err)
		}
	}
	for i, c := range centers {
		k := ""
		if i == 0 {
			k = counter
		}
		if _, err := tx.exec(`INSERT INTO user_centers (user_id, center_code, counter_code) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, id, c, k); err != nil {
			return fmt.Errorf("store: user center %s: %w", c, err)
		}
	}
	return nil
}

// Credentials is what sign-in needs to know about a user.
type Credentials struct {
	UserID       int64
	PasswordHash string
	Disabled     bool
	FailedLogins int
	LockedUntil  time.Time
}

// Credentials returns the sign-in data of username, or ENOTFOUND. The
// account's row stays locked until the transaction ends (PostgreSQL), so
// that concurrent sign-ins count their failures one after the other
// instead of each writing the same count + 1: a guesser sending passwords
// in parallel is locked out as one sending them in turn.
func (tx *Tx) Credentials(username string) (*Credentials, error) {
	return credentials(context.Background(), txq{tx.tx}, username, tx.db.dialect.forUpdate(""))
}

// Credentials reads the sign-in data of username outside a transaction
// (sign-in checks the password before it takes the write lock).
func (db *DB) Credentials(ctx context.Context, username string) (*Credentials, error) {
	return credentials(ctx, dbq{db}, username, "")
}

func credentials(ctx context.Context, q queryer, username, lock string) (*Credentials, error) {
	var c Credentials
	var locked int64
	err := q.QueryRowContext(ctx, `SELECT id, password_hash, disabled, failed_logins, locked_until FROM users WHERE username = $1`+lock,
		strings.ToLower(username)).Scan(&c.UserID, &c.PasswordHash, &c.Disabled, &c.FailedLogins, &locked)
	if isNoRows(err) {
		return nil, notFound("tài khoản")
	}
	if err != nil {
		return nil, fmt.Errorf("store: credentials: %w", err)
	}
	c.LockedUntil = fromMS(locked)
	return &c, nil
}

// RecordLogin stores the outcome of a sign-in attempt.
func (tx *Tx) RecordLogin(userID int64, failed int, lockedUntil time.Time, newHash string) error {
	var lu int64
	if !lockedUntil.IsZero() {
		lu = ms(lockedUntil)
	}
	q := `UPDATE users SET failed_logins = $1, locked_until = $2 WHERE id = $3`
	args := []any{failed, lu, userID}
	if newHash != "" {
		q = `UPDATE users SET failed_logins = $1, locked_until = $2, password_hash = $4 WHERE id = $3`
		args = append(args, newHash)
	}
	if _, err := tx.exec(q, args...); err != nil {
		return fmt.Errorf("store: record login: %w", err)
	}
	return nil
}

// SetDisabled disables or enables a user; disabling deletes every session.
func (tx *Tx) SetDisabled(userID int64, disabled bool) error {
	res, err := tx.exec(`UPDATE users SET disabled = $1 WHERE id = $2`, disabled, userID)
	if err != nil {
		return fmt.Errorf("store: disable user: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("tài khoản")
	}
	if disabled {
		if _, err := tx.exec(`DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
			return fmt.Errorf("store: end sessions: %w", err)
		}
	}
	return nil
}

const userCols = `id, username, name, agency_code, position, id_number, phone, email, disabled`

func loadUser(ctx context.Context, q queryer, where string, arg any) (*dossier.User, error) {
	var u dossier.User
	err := q.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE `+where, arg).Scan(
		&u.ID, &u.Username, &u.Name, &u.AgencyCode, &u.Position, &u.IDNumber, &u.Phone, &u.Email, &u.Disabled)
	if isNoRows(err) {
		return nil, notFound("tài khoản")
	}
	if err != nil {
		return nil, fmt.Errorf("store: user: %w", err)
	}
	rows, err := q.QueryContext(ctx, `SELECT role FROM user_roles WHERE user_id = $1`, u.ID)
	if err != nil {
		return nil, fmt.Errorf("store: user roles: %w", err)
	}
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			rows.Close()
			return nil, err
		}
		u.Roles = append(u.Roles, dossier.Role(r))
	}
	rows.Close()
	slices.Sort(u.Roles)
	rows, err = q.QueryContext(ctx, `SELECT center_code, counter_code FROM user_centers WHERE user_id = $1 ORDER BY center_code`, u.ID)
	if err != nil {
		return nil, fmt.Errorf("store: user centers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c, k string
		if err := rows.Scan(&c, &k); err != nil {
			return nil, err
		}
		u.Centers = append(u.Centers, c)
		if k != "" {
			u.Counter = k
		}
	}
	return &u, rows.Err()
}

// User returns the user with the given id.
func (db *DB) User(ctx context.Context, id int64) (*dossier.User, error) {
	return loadUser(ctx, dbq{db}, "id = $1", id)
}

// UserByName returns the user with the given username.
func (db *DB) UserByName(ctx context.Context, username string) (*dossier.User, error) {
	return loadUser(ctx, dbq{db}, "username = $1", strings.ToLower(username))
}

// User returns the user with the given id inside tx.
func (tx *Tx) User(id int64) (*dossier.User, error) {
	return loadUser(context.Background(), txq{tx.tx}, "id = $1", id)
}

// Users lists users, optionally of one agency.
func (db *DB) Users(ctx context.Context, agency string) ([]dossier.User, error) {
	q := `SELECT id FROM users`
	var args []any
	if agency != "" {
		q += ` WHERE agency_code = $1`
		args = append(args, agency)
	}
	rows, err := db.sql.QueryContext(ctx, q+` ORDER BY username`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: users: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	out := make([]dossier.User, 0, len(ids))
	for _, id := range ids {
		u, err := db.User(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, *u)
	}
	return out, nil
}

// CitizenByIDNumber returns the citizen account holding personal ID number
// id — one already verified first, then the oldest — with whether it still
// signs in with a password, or ENOTFOUND.
func (tx *Tx) CitizenByIDNumber(id string) (userID int64, hasPassword bool, err error) {
	var hash string
	err = tx.queryRow(`SELECT u.id, u.password_hash FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'citizen'
		WHERE u.id_number = $1 ORDER BY u.identity_level DESC, u.id LIMIT 1`, id).Scan(&userID, &hash)
	if isNoRows(err) {
		return 0, false, notFound("tài khoản")
	}
	if err != nil {
		return 0, false, fmt.Errorf("store: citizen by id number: %w", err)
	}
	return userID, hash != "", nil
}

// VerifyIdentity records that an identity provider vouched for user id's
// personal ID number at level. It also ends the account's password
// sign-in and its other sessions: the password was chosen when the number
// was only declared, by whoever declared it.
func (tx *Tx) VerifyIdentity(userID int64, level dossier.IdentityLevel) error {
	if _, err := tx.exec(`UPDATE users SET identity_level = $1, password_hash = '', failed_logins = 0, locked_until = 0 WHERE id = $2`,
		int(level), userID); err != nil {
		return fmt.Errorf("store: verify identity: %w", err)
	}
	if _, err := tx.exec(`DELETE FROM sessions WHERE user_id = $1 AND identity_level = 0`, userID); err != nil {
		return fmt.Errorf("store: end password sessions: %w", err)
	}
	return nil
}
