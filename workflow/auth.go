package workflow

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"

	"motcua/dossier"
	"motcua/store"
	"motcua/vntext"
)

// Argon2id parameters: OWASP's first configuration (m=19 MiB, t=2, one
// lane). One lane keeps each hash on one CPU, so that hashSlots really
// leaves half the CPUs to the requests being served (with p=2 every hash
// took two, and on a two-core server a sign-in flood took them all); 19
// MiB instead of 64 MiB per hash keeps a flood from driving the garbage
// collector against the server's memory limit (issue 16, item 5). Hashes
// stored with other parameters still verify: CheckPassword reads them
// from the hash.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// HashPassword returns an argon2id hash in the PHC string format.
func HashPassword(pw string) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s", argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// CheckPassword reports whether pw matches a HashPassword hash.
func CheckPassword(hash, pw string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is compared against when the account does not exist, so a
// missing account takes as long as a wrong password. Its parameters are
// those of HashPassword; the salt and key are fixed and match no password.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$bW90Y3VhLWR1bW15LXNhbHQ$MDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDA"

// Lockout policy: after MaxFailedLogins failures in a row the account is
// locked for LockDuration (TCVN 14423 x.5.2.2). The answer never tells a
// locked or missing account from a wrong password.
const (
	MaxFailedLogins = 5
	LockDuration    = 15 * time.Minute
)

// Login checks a username and password and opens a session. Any failure is
// EUNAUTHORIZED with the same message.
func (s *Service) Login(ctx context.Context, username, password string) (string, *dossier.User, error) {
	bad := dossier.Errorf(dossier.EUNAUTHORIZED, "Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản tạm khóa")
	username = strings.ToLower(vntext.NFC(username))
	if username == "" || password == "" || len(password) > 256 {
		return "", nil, bad
	}
	// The password is checked before any transaction: argon2id takes
	// ~100 ms of CPU and 64 MiB, and inside the single SQLite writer it
	// would hold every other write for as long (issue 16, item 5). The
	// transaction then re-reads the account and records the outcome only
	// if the hash it was checked against is still the account's.
	seen, err := s.db.Credentials(ctx, username)
	if err != nil && dossier.ErrorCode(err) != dossier.ENOTFOUND {
		return "", nil, err
	}
	hash := dummyHash
	if seen != nil {
		hash = seen.PasswordHash
	}
	ok, err := s.checkPassword(ctx, hash, password)
	if err != nil {
		return "", nil, err
	}
	if seen == nil {
		return "", nil, bad
	}
	token := newToken() + newToken()
	var userID int64
	refused := false
	err = s.db.InTx(ctx, s.now(), func(tx *store.Tx) error {
		c, err := tx.Credentials(username)
		if dossier.ErrorCode(err) == dossier.ENOTFOUND {
			return bad
		}
		if err != nil {
			return err
		}
		now := tx.Now()
		switch {
		case c.UserID != seen.UserID || c.PasswordHash != seen.PasswordHash:
			return bad // the password changed meanwhile: sign in again
		case c.Disabled || now.Before(c.LockedUntil):
			return bad
		case !ok:
			failed := c.FailedLogins + 1
			var until time.Time
			if failed >= MaxFailedLogins {
				until, failed = now.Add(LockDuration), 0
			}
			if err := tx.RecordLogin(c.UserID, failed, until, ""); err != nil {
				return err
			}
			if err := tx.Audit(username, "login_failed", "user", fmt.Sprint(c.UserID), fmt.Sprintf(`{"failed":%d}`, failed)); err != nil {
				return err
			}
			refused = true // commit the failure count, then refuse
			return nil
		}
		if err := tx.RecordLogin(c.UserID, 0, time.Time{}, ""); err != nil {
			return err
		}
		if err := tx.CreateSession(token, c.UserID, now.Add(dossier.SessionLifetime), dossier.IdentityNone); err != nil {
			return err
		}
		userID = c.UserID
		return tx.Audit(username, "login", "user", fmt.Sprint(c.UserID), "{}")
	})
	if err == nil && refused {
		err = bad
	}
	if err != nil {
		return "", nil, err
	}
	u, err := s.db.User(ctx, userID)
	if err != nil {
		return "", nil, err
	}
	return token, u, nil
}

// Hasher computes and checks argon2id password hashes away from the
// requests being served: cmd/motcua runs them in a child process at the
// lowest scheduling priority, so that a sign-in flood only takes the CPU
// time the requests leave (issue 16, item 5). Within this process that is
// not possible: x/crypto/argon2 computes each segment on a goroutine of
// its own, which runs on any thread at the server's priority.
type Hasher interface {
	HashPassword(ctx context.Context, pw string) (string, error)
	CheckPassword(ctx context.Context, hash, pw string) (bool, error)
}

// inProcess is the Hasher used when the configuration names none: the
// hash is computed on the calling goroutine.
type inProcess struct{}

func (inProcess) HashPassword(_ context.Context, pw string) (string, error) {
	return HashPassword(pw), nil
}

func (inProcess) CheckPassword(_ context.Context, hash, pw string) (bool, error) {
	return CheckPassword(hash, pw), nil
}

// checkPassword is CheckPassword through cfg.Hasher with at most
// hashSlots hashes at a time, so a sign-in flood queues here instead of
// taking every CPU from the requests being served.
func (s *Service) checkPassword(ctx context.Context, hash, pw string) (bool, error) {
	return underHashSlot(s, ctx, func() (bool, error) { return s.cfg.Hasher.CheckPassword(ctx, hash, pw) })
}

// hashPassword is HashPassword under the same bound.
func (s *Service) hashPassword(ctx context.Context, pw string) (string, error) {
	return underHashSlot(s, ctx, func() (string, error) { return s.cfg.Hasher.HashPassword(ctx, pw) })
}

// underHashSlot runs hash holding one of the hashSlots.
func underHashSlot[T any](s *Service, ctx context.Context, hash func() (T, error)) (T, error) {
	if err := s.hashSlot(ctx); err != nil {
		var zero T
		return zero, err
	}
	defer s.releaseHashSlot(s.now())
	return hash()
}

// releaseHashSlot gives the slot taken at start back. When others wait
// for it (a sign-in flood) it first rests as long as the hash took: the
// answer goes out at once, but each slot then hashes at most half the
// time, so hashing takes at most a quarter of the CPUs and the writes
// being served keep their latency (issue 16, item 5: write p50 near idle
// during a login flood). Sign-ins one after another never wait; with a
// fixed test clock the rest is zero.
func (s *Service) releaseHashSlot(start time.Time) {
	rest := s.now().Sub(start)
	if rest <= 0 || s.hashWaiting.Load() == 0 {
		<-s.logins
		return
	}
	time.AfterFunc(min(rest, time.Second), func() { <-s.logins })
}

func (s *Service) hashSlot(ctx context.Context) error {
	s.hashWaiting.Add(1)
	defer s.hashWaiting.Add(-1)
	select {
	case s.logins <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// hashSlots bounds concurrent argon2id hashing: half the CPUs (at least
// one), leaving the rest to the requests being served.
func hashSlots() int { return max(1, runtime.GOMAXPROCS(0)/2) }

// Logout ends the session of token.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.db.DeleteSession(ctx, token)
}

// Authenticate returns the user of a session token, enforcing the idle
// timeout (15 minutes for officers) and the absolute lifetime. Activity is
// written at most once a minute to keep reads cheap.
func (s *Service) Authenticate(ctx context.Context, token string) (*dossier.User, error) {
	if token == "" || len(token) > 200 {
		return nil, unauthorized()
	}
	now := s.now()
	sess, err := s.db.Session(ctx, token)
	var u *dossier.User
	if err == nil {
		u, err = s.cachedUser(ctx, sess.UserID, now)
	}
	if dossier.ErrorCode(err) == dossier.ENOTFOUND {
		return nil, dossier.Errorf(dossier.EUNAUTHORIZED, "Phiên làm việc đã hết hạn, vui lòng đăng nhập lại")
	}
	if err != nil {
		return nil, err
	}
	idle := dossier.CitizenIdleTimeout
	if u.IsOfficer() {
		idle = dossier.OfficerIdleTimeout
	}
	if u.Disabled || now.After(sess.ExpiresAt) || now.Sub(sess.LastSeen) > idle {
		s.db.DeleteSession(ctx, token)
		return nil, dossier.Errorf(dossier.EUNAUTHORIZED, "Phiên làm việc đã hết hạn, vui lòng đăng nhập lại")
	}
	if now.Sub(sess.LastSeen) > time.Minute {
		if err := s.db.TouchSession(ctx, token, now); err != nil {
			return nil, err
		}
	}
	if sess.IdentityLevel != u.IdentityLevel {
		uu := *u // the cached user is shared: the session's level goes on a copy
		uu.IdentityLevel = sess.IdentityLevel
		u = &uu
	}
	return u, nil
}

// userTTL bounds how long a user's roles and centers are reused between
// requests. Disabling an account still ends its sessions at once: the
// session row is deleted and every request reads it.
const userTTL = 30 * time.Second

type cachedUser struct {
	u  *dossier.User
	at time.Time
}

func (s *Service) cachedUser(ctx context.Context, id int64, now time.Time) (*dossier.User, error) {
	if v, ok := s.users.Load(id); ok {
		if c := v.(cachedUser); now.Sub(c.at) < userTTL {
			return c.u, nil
		}
	}
	u, err := s.db.User(ctx, id)
	if err != nil {
		return nil, err
	}
	s.users.Store(id, cachedUser{u: u, at: now})
	return u, nil
}

// forgetUser drops a user from the request cache after a change.
func (s *Service) forgetUser(id int64) { s.users.Delete(id) }

// NewUserInput describes an account to create.
type NewUserInput struct {
	Username string
	Password string
	Name     string
	Agency   string
	Position string
	Roles    []dossier.Role
	Centers  []string
	Counter  string
	IDNumber string
	Phone    string
	Email    string
	// PasswordHash, when set, is stored instead of hashing Password (the
	// demo hashes its shared password once).
	PasswordHash string
}

func (in *NewUserInput) validate(citizen bool) error {
	var fs []dossier.FieldError
	add := func(f, m string) { fs = append(fs, dossier.FieldError{Field: f, Message: m}) }
	if len(in.Username) < 3 || len(in.Username) > 64 || !dossier.ValidCode(in.Username) {
		add("username", "Tên đăng nhập từ 3 đến 64 ký tự: chữ, số, dấu chấm, gạch")
	}
	if in.PasswordHash == "" {
		// Officers (any role but citizen) meet the officer policy.
		officer := !citizen && slices.ContainsFunc(in.Roles, func(r dossier.Role) bool { return r != dossier.RoleCitizen })
		if fe := passwordError(in.Password, in.Username, officer); fe != nil {
			fs = append(fs, *fe)
		}
	}
	if strings.TrimSpace(in.Name) == "" {
		in.Name = in.Username
	}
	for _, r := range in.Roles {
		if !r.Valid() {
			add("role", "Vai trò không hợp lệ: "+string(r))
		}
	}
	if len(in.Roles) == 0 {
		add("role", "Cần ít nhất một vai trò")
	}
	if citizen && !dossier.ValidPersonalID(in.IDNumber) {
		add("id_number", "Số định danh cá nhân phải gồm 12 chữ số hợp lệ")
	}
	if len(fs) > 0 {
		return dossier.Invalid("Thông tin tài khoản không hợp lệ", fs...)
	}
	return nil
}

// CreateUser creates an officer account. Only admins (or the CLI, with a
// nil actor) may call it.
func (s *Service) CreateUser(ctx context.Context, actor *dossier.User, in NewUserInput) (*dossier.User, error) {
	if actor != nil && !actor.Has(dossier.RoleAdmin) {
		return nil, forbidden("Chỉ quản trị viên được tạo tài khoản")
	}
	if err := in.validate(false); err != nil {
		return nil, err
	}
	hash, err := s.hashOf(ctx, &in)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.db.InTx(ctx, s.now(), func(tx *store.Tx) error {
		if in.Agency != "" {
			if _, err := tx.Agency(in.Agency); err != nil {
				return dossier.Invalid("Cơ quan không tồn tại", dossier.FieldError{Field: "agency", Message: "Không có cơ quan " + in.Agency})
			}
		}
		var err error
		id, err = tx.CreateUser(&store.NewUser{User: dossier.User{Username: in.Username, Name: in.Name, AgencyCode: in.Agency,
			Position: in.Position, Roles: in.Roles, Centers: in.Centers, Counter: in.Counter, Phone: in.Phone, Email: in.Email},
			PasswordHash: hash})
		if err != nil {
			return err
		}
		return tx.Audit(actorName(actor), "create", "user", in.Username, fmt.Sprintf(`{"roles":%q,"agency":%q}`, fmt.Sprint(in.Roles), in.Agency))
	})
	if err != nil {
		return nil, err
	}
	return s.db.User(ctx, id)
}

// Registration is the public answer to a registration: the same whether
// or not the username was free (issue 16), so it names no account id.
type Registration struct {
	Username string         `json:"username"`
	Name     string         `json:"name"`
	Roles    []dossier.Role `json:"roles"`
	Message  string         `json:"message"`
	// User is the account created, or nil when the username was taken
	// (never sent to the registrant).
	User *dossier.User `json:"-"`
}

// registrationMessage is the one answer to every valid registration.
const registrationMessage = "Đã ghi nhận đăng ký. Hãy đăng nhập bằng tên và mật khẩu vừa đặt; nếu không đăng nhập được, tên đăng nhập này đã có người dùng — vui lòng đăng ký với tên khác."

// RegisterCitizen creates a citizen account (contract §5). It does not
// reveal which usernames exist: a valid registration of a taken username
// gets the same answer, after the same work (the password is hashed and
// one transaction commits an audit entry), and creates nothing. Invalid
// input is refused before any account is looked at.
func (s *Service) RegisterCitizen(ctx context.Context, in NewUserInput) (*Registration, error) {
	in.Roles, in.Agency, in.Centers, in.Position = []dossier.Role{dossier.RoleCitizen}, "", nil, ""
	in.Name = vntext.NFC(in.Name)
	in.Username = strings.ToLower(in.Username)
	if err := in.validate(true); err != nil {
		return nil, err
	}
	hash, err := s.hashPassword(ctx, in.Password) // outside the transaction (see Login)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.db.InTx(ctx, s.now(), func(tx *store.Tx) error {
		_, err := tx.Credentials(in.Username)
		switch {
		case err == nil:
			return tx.Audit(in.Username, "register_refused", "user", in.Username, `{"reason":"username taken"}`)
		case dossier.ErrorCode(err) != dossier.ENOTFOUND:
			return err
		}
		id, err = tx.CreateUser(&store.NewUser{User: dossier.User{Username: in.Username, Name: in.Name, Roles: in.Roles,
			IDNumber: in.IDNumber, Phone: in.Phone, Email: in.Email}, PasswordHash: hash})
		if err != nil {
			return err
		}
		return tx.Audit(in.Username, "register", "user", in.Username, "{}")
	})
	if dossier.ErrorCode(err) == dossier.ECONFLICT {
		// Taken by a concurrent registration: the same answer.
		err, id = nil, 0
	}
	if err != nil {
		return nil, err
	}
	reg := &Registration{Username: in.Username, Name: in.Name, Roles: in.Roles, Message: registrationMessage}
	if id != 0 {
		if reg.User, err = s.db.User(ctx, id); err != nil {
			return nil, err
		}
	}
	return reg, nil
}

// SetUserDisabled disables (ending every session at once) or re-enables a user.
func (s *Service) SetUserDisabled(ctx context.Context, actor *dossier.User, id int64, disabled bool) error {
	if !actor.Has(dossier.RoleAdmin) {
		return forbidden("Chỉ quản trị viên được khóa tài khoản")
	}
	defer s.forgetUser(id)
	return s.db.InTx(ctx, s.now(), func(tx *store.Tx) error {
		if err := tx.SetDisabled(id, disabled); err != nil {
			return err
		}
		return tx.Audit(actor.Username, map[bool]string{true: "disable", false: "enable"}[disabled], "user", fmt.Sprint(id), "{}")
	})
}

func actorName(u *dossier.User) string {
	if u == nil {
		return "system"
	}
	return u.Username
}

// hashOf returns the hash to store for in, computed before (outside) the
// transaction that stores it.
func (s *Service) hashOf(ctx context.Context, in *NewUserInput) (string, error) {
	if in.PasswordHash != "" {
		return in.PasswordHash, nil
	}
	return s.hashPassword(ctx, in.Password)
}
