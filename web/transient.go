package web

import (
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"motcua/dossier"
)

// unavailable turns an internal error caused by a database that is out of
// reach for a moment — a failover of the PostgreSQL primary, a dropped
// connection, a server shutting down or still in recovery — into a 503
// with a message to retry: nothing was written (the transaction did not
// commit), so the request may simply be sent again. Any other error is
// returned unchanged.
func unavailable(err error) error {
	if err == nil || dossier.ErrorCode(err) != dossier.EINTERNAL || !transient(err) {
		return err
	}
	return &dossier.Error{Code: dossier.EUNAVAILABLE,
		Message: "Cơ sở dữ liệu tạm thời không sẵn sàng; vui lòng thử lại sau ít giây", Err: err}
}

// transient reports whether err says the database could not be reached or
// dropped the connection, rather than refusing the statement.
func transient(err error) bool {
	var st interface{ SQLState() string }
	if errors.As(err, &st) {
		switch code := st.SQLState(); {
		case strings.HasPrefix(code, "08"): // connection exception
			return true
		case code == "57P01", code == "57P02", code == "57P03": // admin/crash shutdown, cannot connect now
			return true
		case code == "25006": // read-only transaction: the primary was demoted under us
			return true
		}
		return false
	}
	// The driver says the statement never reached the server (a pooled
	// connection found closed), so nothing was done.
	var retry interface{ SafeToRetry() bool }
	if errors.As(err, &retry) && retry.SafeToRetry() {
		return true
	}
	var ne net.Error
	return errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.As(err, &ne)
}
