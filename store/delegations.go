package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"motcua/dossier"
	"motcua/vntext"
	"time"
)

// InsertDelegation stores a delegation.
func (tx *Tx) InsertDelegation(d *dossier.Delegation) error {
	procs, _ := json.Marshal(nonNil(d.Procedures))
	return tx.queryRow(`INSERT INTO delegations (agency_code, from_user_id, from_position, to_user_id, procedures, valid_from,
		valid_to, basis_document, capacity, revoked, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		d.AgencyCode, d.FromUserID, vntext.NFC(d.FromPosition), d.ToUserID, string(procs), ms(d.ValidFrom), ms(d.ValidTo),
		vntext.NFC(d.BasisDocument), string(d.Capacity), d.Revoked, ms(tx.now)).Scan(&d.ID)
}

// RevokeDelegation marks a delegation revoked.
func (tx *Tx) RevokeDelegation(id int64) error {
	res, err := tx.exec(`UPDATE delegations SET revoked = $1 WHERE id = $2`, true, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("ủy quyền")
	}
	return nil
}

const delegationCols = `d.id, d.agency_code, d.from_user_id, d.from_position, d.to_user_id, u.name, d.procedures, d.valid_from, d.valid_to,
	d.basis_document, d.capacity, d.revoked`

func scanDelegations(rows *sql.Rows) ([]dossier.Delegation, error) {
	return scanEach(rows, func(rows rowScanner) (dossier.Delegation, error) {
		var d dossier.Delegation
		var procs, capacity string
		var from, to int64
		if err := rows.Scan(&d.ID, &d.AgencyCode, &d.FromUserID, &d.FromPosition, &d.ToUserID, &d.ToName, &procs, &from, &to,
			&d.BasisDocument, &capacity, &d.Revoked); err != nil {
			return d, err
		}
		d.ValidFrom, d.ValidTo, d.Capacity = fromMS(from), fromMS(to), dossier.Capacity(capacity)
		if err := json.Unmarshal([]byte(procs), &d.Procedures); err != nil {
			return d, err
		}
		return d, nil
	})
}

// DelegationsTo returns the delegations given to user id, inside tx.
func (tx *Tx) DelegationsTo(userID int64) ([]dossier.Delegation, error) {
	rows, err := tx.query(`SELECT `+delegationCols+` FROM delegations d JOIN users u ON u.id = d.to_user_id WHERE d.to_user_id = $1`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: delegations: %w", err)
	}
	return scanDelegations(rows)
}

// Delegations lists delegations, optionally of one agency or to one user.
func (db *DB) Delegations(ctx context.Context, agency string, toUser int64) ([]dossier.Delegation, error) {
	q := `SELECT ` + delegationCols + ` FROM delegations d JOIN users u ON u.id = d.to_user_id WHERE 1=1`
	var args []any
	if agency != "" {
		args = append(args, agency)
		q += fmt.Sprintf(` AND d.agency_code = $%d`, len(args))
	}
	if toUser != 0 {
		args = append(args, toUser)
		q += fmt.Sprintf(` AND d.to_user_id = $%d`, len(args))
	}
	// Four texts at most (with or without each filter): kept prepared,
	// as every approval reads the leader's delegations.
	rows, err := db.queryContext(ctx, q+` ORDER BY d.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: delegations: %w", err)
	}
	return scanDelegations(rows)
}

// ActiveDelegation is a delegation in force at some time of a period.
type ActiveDelegation struct {
	Agency     string
	Procedures []string // empty = all of the agency's
	From, To   time.Time
}

// DelegationsDuring returns the delegations not revoked whose validity
// overlaps [from, to).
func (db *DB) DelegationsDuring(ctx context.Context, from, to time.Time) ([]ActiveDelegation, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT agency_code, procedures, valid_from, valid_to FROM delegations
		WHERE revoked = FALSE AND valid_from < $1 AND valid_to > $2`, ms(to), ms(from))
	if err != nil {
		return nil, fmt.Errorf("store: delegations during: %w", err)
	}
	return scanEach(rows, func(rows rowScanner) (ActiveDelegation, error) {
		var d ActiveDelegation
		var procs string
		var vf, vt int64
		if err := rows.Scan(&d.Agency, &procs, &vf, &vt); err != nil {
			return d, err
		}
		d.From, d.To = fromMS(vf), fromMS(vt)
		if err := json.Unmarshal([]byte(procs), &d.Procedures); err != nil {
			return d, fmt.Errorf("store: delegation procedures: %w", err)
		}
		return d, nil
	})
}
