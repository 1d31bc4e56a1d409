package main

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"motcua/anchor"
	"motcua/dossier"
	"motcua/render"
	"motcua/sign"
	"motcua/store"
)

// Audit anchors (package anchor): serve makes one every
// MOTCUA_AUDIT_ANCHOR_EVERY (default 10 minutes) and when it stops,
// `motcua audit anchor` makes one now, and `motcua audit verify` checks
// the chain, the rows it covers and the anchors. The anchors are signed
// by the seal named by MOTCUA_AUDIT_SEAL: the PKCS#12 file
// DATA/keys/seals/<name>.p12 (default name "audit"; issued by the demo CA
// in demo mode) or an HSM key "pkcs11:token=…;object=…".

// anchorer makes anchors of db's audit chain.
type anchorer struct {
	db    *store.DB
	path  string
	keys  *render.FileKeys
	seal  string
	tsa   *sign.TSAClient
	log   *slog.Logger
	mu    sync.Mutex
	id    *sign.Identity
	idErr error
}

func newAnchorer(c config, db *store.DB, log *slog.Logger, now time.Time) (*anchorer, error) {
	keys, err := render.OpenFileKeys(filepath.Join(c.Data, "keys"), c.Signing.KeyPassword, c.Signing.TrustDir, c.Demo, now)
	if err != nil {
		return nil, err
	}
	keys.PKCS11Module, keys.PKCS11PIN = c.Signing.PKCS11Module, c.Signing.PKCS11PIN
	a := &anchorer{db: db, path: filepath.Join(c.Data, anchor.FileName), keys: keys, seal: c.AuditSeal, log: log}
	if a.seal == "" {
		a.seal = "audit"
	}
	if c.Signing.TSAURL != "" {
		a.tsa = &sign.TSAClient{URL: c.Signing.TSAURL}
	}
	return a, nil
}

// identity loads the seal once.
func (a *anchorer) identity() (*sign.Identity, error) {
	if a.id == nil && a.idErr == nil {
		s := &dossier.Seal{}
		if strings.HasPrefix(a.seal, "pkcs11:") {
			s.KeyRef = a.seal
		}
		a.id, a.idErr = a.keys.Seal(&dossier.Agency{Code: a.seal, Name: "Nhật ký hệ thống motcua"}, s)
	}
	return a.id, a.idErr
}

// once anchors the entries added since the last anchor of the file; it
// returns anchor.ErrNothing when there are none.
func (a *anchorer) once(ctx context.Context, now time.Time) (l *anchor.Line, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	// Several instances on one PostgreSQL anchor the same chain: one at a
	// time, each starting after the newest anchor any of them made (the
	// file may be shared by all of them, or be each instance's own).
	err = a.db.WithLock(ctx, "audit-anchor", func() error {
		l, err = a.onceLocked(ctx, now)
		return err
	})
	return l, err
}

func (a *anchorer) onceLocked(ctx context.Context, now time.Time) (*anchor.Line, error) {
	id, err := a.identity()
	if err != nil {
		return nil, fmt.Errorf("khóa ký mốc neo nhật ký (%s): %w", a.seal, err)
	}
	lines, err := anchor.ReadFile(a.path)
	if err != nil {
		return nil, err
	}
	var prevRaw []byte
	from := int64(1)
	if len(lines) > 0 {
		prevRaw = lines[len(lines)-1]
		var last anchor.Line
		if err := json.Unmarshal(prevRaw, &last); err != nil {
			return nil, fmt.Errorf("anchor: last line of %s: %w", a.path, err)
		}
		from = last.Seq + 1
	}
	inDB, err := a.db.LastAnchor(ctx)
	if err != nil {
		return nil, err
	}
	from = max(from, inDB+1)
	head, _, err := a.db.AuditHead(ctx)
	if err != nil {
		return nil, err
	}
	if head < from {
		return nil, anchor.ErrNothing
	}
	got, err := a.db.AuditHashes(ctx, from, head)
	if err != nil {
		return nil, err
	}
	hashes := make([]string, 0, head-from+1)
	for seq := from; seq <= head; seq++ {
		h, ok := got[seq]
		if !ok {
			return nil, fmt.Errorf("anchor: audit entry %d is missing; run motcua audit verify", seq)
		}
		hashes = append(hashes, h)
	}
	l := anchor.New(prevRaw, from, hashes, now)
	if err := l.Sign(ctx, id, a.tsa); err != nil {
		return nil, err
	}
	raw := l.Marshal()
	if err := anchor.Append(a.path, raw); err != nil {
		return nil, err
	}
	if err := a.db.InsertAnchor(ctx, l.Seq, l.Hash, l.At, raw); err != nil {
		return l, err
	}
	return l, nil
}

// run anchors every period until ctx ends, then once more.
func (a *anchorer) run(ctx context.Context, every time.Duration) {
	try := func(c context.Context) {
		l, err := a.once(c, time.Now())
		switch {
		case errors.Is(err, anchor.ErrNothing):
		case err != nil:
			a.log.Warn("audit anchor", slog.Any("err", err))
		default:
			a.log.Info("audit anchored", slog.Int64("seq", l.Seq), slog.Bool("timestamped", len(l.TST) > 0))
		}
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			c, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			try(c)
			cancel()
			return
		case <-t.C:
			try(ctx)
		}
	}
}

func cmdAudit(ctx context.Context, args []string, c config, stdout io.Writer) error {
	if len(args) < 1 || (args[0] != "verify" && args[0] != "anchor") {
		return usagef("cách dùng: motcua audit verify|anchor [--demo] [--data DIR] [--db DSN]")
	}
	fs := c.storageFlags("audit " + args[0])
	fs.BoolVar(&c.Demo, "demo", c.Demo, "khóa và CA demo (như serve --demo)")
	if err := parseFlags(fs, args[1:], stdout); err != nil {
		return err
	}
	db, err := openStore(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	a, err := newAnchorer(c, db, slog.New(slog.DiscardHandler), time.Now())
	if err != nil {
		return err
	}
	if args[0] == "anchor" {
		l, err := a.once(ctx, time.Now())
		if errors.Is(err, anchor.ErrNothing) {
			fmt.Fprintln(stdout, "Không có mục nhật ký mới để neo.")
			return nil
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Đã neo nhật ký đến mục %d (%d mục mới)%s.\n", l.Seq, len(l.Hashes), map[bool]string{true: ", có dấu thời gian", false: ""}[len(l.TST) > 0])
		return nil
	}
	return auditVerify(ctx, db, a.path, a.keys.Roots(), stdout)
}

// auditVerify checks the chain, the rows it covers and the anchors (of the
// file and of the database), and names the first bad entry.
func auditVerify(ctx context.Context, db *store.DB, path string, roots *x509.CertPool, stdout io.Writer) error {
	n, prob, err := db.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	type problem struct {
		seq    int64
		reason string
	}
	var probs []problem
	if prob != nil {
		probs = append(probs, problem{prob.Seq, prob.Reason})
	}
	cov, err := db.VerifyCoverage(ctx)
	if err != nil {
		return err
	}
	if cov != nil {
		probs = append(probs, problem{cov.Seq, cov.Reason})
	}
	head, _, err := db.AuditHead(ctx)
	if err != nil {
		return err
	}
	hashes, err := db.AuditHashes(ctx, 1, max(head, n))
	if err != nil {
		return err
	}
	hashAt := func(seq int64) (string, bool, error) { h, ok := hashes[seq]; return h, ok, nil }
	fileLines, err := anchor.ReadFile(path)
	if err != nil {
		return err
	}
	dbLines, err := db.AnchorLines(ctx)
	if err != nil {
		return err
	}
	var reps []*anchor.Report
	for _, src := range []struct {
		lines  [][]byte
		linked bool
		where  string
	}{{fileLines, true, "tệp " + filepath.Base(path)}, {dbLines, false, "bản trong CSDL"}} {
		rep, err := anchor.Verify(src.lines, src.linked, roots, hashAt)
		if err != nil {
			return err
		}
		for _, p := range rep.Problems {
			probs = append(probs, problem{p.Seq, "mốc neo (" + src.where + "): " + p.Reason})
		}
		reps = append(reps, rep)
	}
	// The file's anchors must also be in the database, with the same head.
	inDB := map[int64]string{}
	for _, raw := range dbLines {
		var l anchor.Line
		if json.Unmarshal(raw, &l) == nil {
			inDB[l.Seq] = l.Hash
		}
	}
	for _, raw := range fileLines {
		var l anchor.Line
		if json.Unmarshal(raw, &l) == nil {
			if h, ok := inDB[l.Seq]; ok && h != l.Hash {
				probs = append(probs, problem{l.Seq, fmt.Sprintf("mốc neo của mục %d trong tệp và trong CSDL khác nhau", l.Seq)})
			}
		}
	}
	if len(probs) > 0 {
		first := probs[0]
		for _, p := range probs {
			if p.seq > 0 && (first.seq == 0 || p.seq < first.seq) {
				first = p
			}
		}
		if first.seq > 0 {
			fmt.Fprintf(stdout, "Nhật ký KHÔNG toàn vẹn: mục đầu tiên bị sai là số %d — %s\n", first.seq, first.reason)
		} else {
			fmt.Fprintf(stdout, "Nhật ký KHÔNG toàn vẹn: %s\n", first.reason)
		}
		for _, p := range probs {
			if p != first {
				fmt.Fprintf(stdout, "  %s\n", p.reason)
			}
		}
		return exitCode(1)
	}
	fr := reps[0]
	fmt.Fprintf(stdout, "Nhật ký toàn vẹn: %d mục, chuỗi băm khớp; lịch sử hồ sơ và kết quả khớp với nhật ký.\n", n)
	switch {
	case fr.Anchors == 0 && reps[1].Anchors == 0:
		fmt.Fprintln(stdout, "Chưa có mốc neo: nhật ký chưa được ký và neo ra ngoài CSDL (xem motcua audit anchor).")
	default:
		fmt.Fprintf(stdout, "Mốc neo: %d trong tệp (%d có chữ ký hợp lệ, %d có dấu thời gian), %d trong CSDL; mốc mới nhất đến mục %d.\n",
			fr.Anchors, fr.Signed, fr.Stamped, reps[1].Anchors, max(lastSeq(fr), lastSeq(reps[1])))
		if head > max(lastSeq(fr), lastSeq(reps[1])) {
			fmt.Fprintf(stdout, "Các mục %d–%d chưa được neo.\n", max(lastSeq(fr), lastSeq(reps[1]))+1, head)
		}
	}
	return nil
}

func lastSeq(r *anchor.Report) int64 {
	if r.Last == nil {
		return 0
	}
	return r.Last.Seq
}
