package workflow

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"motcua/dossier"
	"motcua/store"
	"motcua/vntext"
)

// VerifiedIdentity is a person an identity provider vouched for (VNeID
// through the national portal's single sign-on; package sso checks the
// token, web passes the result here).
type VerifiedIdentity struct {
	IDNumber string // the verified personal ID number
	Name     string
	Level    dossier.IdentityLevel
}

// SignInVerified opens a citizen session for a verified identity (issue 18
// item 3). The account is the citizen account holding the personal ID
// number, created on first sign-in; linking an account registered with a
// password ends that password (see store.VerifyIdentity). The session
// carries the identity level, and so do the dossiers it submits (QĐ 766
// indicator 4.5). The audit entry names the account, not the number.
func (s *Service) SignInVerified(ctx context.Context, id VerifiedIdentity) (string, *dossier.User, error) {
	if !dossier.ValidPersonalID(id.IDNumber) {
		return "", nil, dossier.Errorf(dossier.EUNAUTHORIZED, "Tài khoản định danh không có số định danh cá nhân hợp lệ")
	}
	id.Level = min(max(id.Level, dossier.IdentityLevel1), dossier.IdentityLevel2)
	token := newToken() + newToken()
	var userID int64
	err := s.signInVerified(ctx, id, token, &userID)
	if dossier.ErrorCode(err) == dossier.ECONFLICT {
		// A concurrent first sign-in of the same number created the
		// account after this one looked for it (PostgreSQL): the account
		// now exists, and this attempt finds it.
		err = s.signInVerified(ctx, id, token, &userID)
	}
	if err != nil {
		return "", nil, err
	}
	s.forgetUser(userID)
	u, err := s.db.User(ctx, userID)
	if err != nil {
		return "", nil, err
	}
	u.IdentityLevel = id.Level
	return token, u, nil
}

// signInVerified is the transaction of SignInVerified: it finds or creates
// the account, links it and opens the session token, setting *userID. A
// username taken meanwhile is ECONFLICT (store.CreateUser).
func (s *Service) signInVerified(ctx context.Context, id VerifiedIdentity, token string, userID *int64) error {
	return s.db.InTx(ctx, s.now(), func(tx *store.Tx) error {
		uid, hadPassword, err := tx.CitizenByIDNumber(id.IDNumber)
		created := false
		if dossier.ErrorCode(err) == dossier.ENOTFOUND {
			name := strings.TrimSpace(vntext.NFC(id.Name))
			if name == "" {
				name = "Công dân"
			}
			uid, err = tx.CreateUser(&store.NewUser{User: dossier.User{Username: verifiedUsername(id.IDNumber), Name: name,
				Roles: []dossier.Role{dossier.RoleCitizen}, IDNumber: id.IDNumber}})
			created = true
		}
		if err != nil {
			return err
		}
		u, err := tx.User(uid)
		if err != nil {
			return err
		}
		if u.Disabled {
			return dossier.Errorf(dossier.EUNAUTHORIZED, "Tài khoản đã bị khóa; vui lòng liên hệ Trung tâm Phục vụ hành chính công")
		}
		if err := tx.VerifyIdentity(uid, id.Level); err != nil {
			return err
		}
		if err := tx.CreateSession(token, uid, tx.Now().Add(dossier.SessionLifetime), id.Level); err != nil {
			return err
		}
		*userID = uid
		return tx.Audit(u.Username, "login_verified", "user", fmt.Sprint(uid),
			fmt.Sprintf(`{"level":%d,"created":%t,"password_ended":%t}`, id.Level, created, hadPassword))
	})
}

// verifiedUsername names an account created at a verified sign-in without
// showing the personal ID number.
func verifiedUsername(idNumber string) string {
	h := sha256.Sum256([]byte("motcua-vneid:" + idNumber))
	return "vneid-" + hex.EncodeToString(h[:6])
}
