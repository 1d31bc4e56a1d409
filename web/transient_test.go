package web

import (
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"motcua/dossier"
)

type sqlStateErr string

func (e sqlStateErr) Error() string    { return "pg: " + string(e) }
func (e sqlStateErr) SQLState() string { return string(e) }

type safeRetryErr bool

func (e safeRetryErr) Error() string     { return "conn closed" }
func (e safeRetryErr) SafeToRetry() bool { return bool(e) }

// During a failover of the PostgreSQL primary (scripts/ha-drill.sh) the
// requests in flight fail with dropped connections; they must answer 503
// "retry", never 500 (brief: bad input or a passing fault is never a 500).
func TestUnavailable(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"connection failure 08006", fmt.Errorf("store: begin: %w", sqlStateErr("08006")), dossier.EUNAVAILABLE},
		{"admin shutdown 57P01", sqlStateErr("57P01"), dossier.EUNAVAILABLE},
		{"cannot connect now 57P03", sqlStateErr("57P03"), dossier.EUNAVAILABLE},
		{"read-only transaction after demotion 25006", sqlStateErr("25006"), dossier.EUNAVAILABLE},
		{"connection refused", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}, dossier.EUNAVAILABLE},
		{"reset", fmt.Errorf("x: %w", syscall.ECONNRESET), dossier.EUNAVAILABLE},
		{"unexpected EOF", fmt.Errorf("store: commit: %w", io.ErrUnexpectedEOF), dossier.EUNAVAILABLE},
		{"connection closed by the proxy (EOF)", fmt.Errorf("store: begin: %w", io.EOF), dossier.EUNAVAILABLE},
		{"use of closed connection", fmt.Errorf("x: %w", net.ErrClosed), dossier.EUNAVAILABLE},
		{"driver: safe to retry", safeRetryErr(true), dossier.EUNAVAILABLE},
		{"driver: not safe to retry stays internal", safeRetryErr(false), dossier.EINTERNAL},
		{"unique violation stays internal", sqlStateErr("23505"), dossier.EINTERNAL},
		{"syntax error stays internal", sqlStateErr("42601"), dossier.EINTERNAL},
		{"plain bug stays internal", errors.New("nil map"), dossier.EINTERNAL},
		{"domain error unchanged", dossier.Errorf(dossier.ECONFLICT, "x"), dossier.ECONFLICT},
		{"domain error wrapping a dropped connection unchanged", &dossier.Error{Code: dossier.EINVALID, Err: syscall.ECONNRESET}, dossier.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := unavailable(tc.err)
			if c := dossier.ErrorCode(got); c != tc.want {
				t.Fatalf("code %q, want %q (err %v)", c, tc.want, got)
			}
			if tc.want == dossier.EUNAVAILABLE && !errors.Is(got, tc.err) {
				t.Fatalf("cause lost: %v", got)
			}
		})
	}
}
