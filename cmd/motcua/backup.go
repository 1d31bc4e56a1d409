package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"motcua/anchor"
	"motcua/blob"
	"motcua/store"
)

// motcua backup --to DIR makes a consistent copy of a running (or
// stopped) installation; motcua restore --from DIR puts one back into an
// empty data directory or database (contract §9; issue 16).
//
// A backup directory holds:
//
//	backup.json          what was copied: engine, time, audit head, counts
//	motcua.db            SQLite: a consistent snapshot (VACUUM INTO)
//	motcua.dump          PostgreSQL: pg_dump --format=custom
//	blobs/ab/abcd…       uploaded files (content-addressed)
//	keys/…               signing keys and the demo CA (PKCS#12, PEM)
//	audit-anchors.jsonl  the audit anchors
//	MANIFEST.sha256      SHA-256 of every file above (sha256sum format)
//
// Order matters while the server runs: the anchors are copied before the
// database (every anchored entry is in the snapshot), the files after it
// (every file the snapshot refers to was written before its row).

// backupInfo is backup.json.
type backupInfo struct {
	Version   int       `json:"version"`
	Engine    string    `json:"engine"`
	CreatedAt time.Time `json:"created_at"`
	AuditSeq  int64     `json:"audit_seq"`
	AuditHash string    `json:"audit_hash"`
	Blobs     int       `json:"blobs"`
	Note      string    `json:"note,omitempty"`
}

const manifestName = "MANIFEST.sha256"

func cmdBackup(ctx context.Context, args []string, c config, stdout io.Writer) error {
	fs := c.storageFlags("backup")
	to := fs.String("to", "", "thư mục sao lưu (chưa có hoặc rỗng)")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if *to == "" {
		return usagef("cần --to DIR")
	}
	if err := emptyDir(*to); err != nil {
		return err
	}
	db, err := openStore(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	info := backupInfo{Version: 1, Engine: string(db.Engine()), CreatedAt: time.Now().UTC()}

	// 1. The anchors, before the database.
	if err := copyFileIfExists(filepath.Join(c.Data, anchor.FileName), filepath.Join(*to, anchor.FileName)); err != nil {
		return err
	}
	// 2. The database.
	if info.AuditSeq, info.AuditHash, err = db.AuditHead(ctx); err != nil {
		return err
	}
	switch db.Engine() {
	case store.SQLite:
		if err := db.SnapshotSQLite(ctx, filepath.Join(*to, "motcua.db")); err != nil {
			return err
		}
	case store.Postgres:
		out, err := exec.CommandContext(ctx, "pg_dump", "--format=custom", "--no-owner", "--file", filepath.Join(*to, "motcua.dump"), c.DSN).CombinedOutput()
		if err != nil {
			return fmt.Errorf("pg_dump: %v: %s", err, out)
		}
	}
	// 3. The files: uploads (when kept in a directory) and keys.
	if c.Blobs.S3Endpoint != "" {
		info.Note = "Tệp tải lên nằm trong kho S3 " + c.Blobs.S3Bucket + ": sao lưu bằng tính năng phiên bản/nhân bản của kho, không có trong bản này."
	} else {
		dir := c.Blobs.Dir
		if dir == "" {
			dir = filepath.Join(c.Data, "blobs")
		}
		if info.Blobs, err = copyBlobs(dir, filepath.Join(*to, "blobs")); err != nil {
			return err
		}
	}
	if err := copyTree(filepath.Join(c.Data, "keys"), filepath.Join(*to, "keys")); err != nil {
		return err
	}
	b, _ := json.MarshalIndent(info, "", "  ")
	if err := writeSynced(filepath.Join(*to, "backup.json"), bytes.NewReader(b)); err != nil {
		return err
	}
	n, err := writeManifest(*to)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Đã sao lưu (%s) vào %s: %d tệp, %d tệp tải lên, nhật ký đến mục %d.\n", info.Engine, *to, n, info.Blobs, info.AuditSeq)
	if info.Note != "" {
		fmt.Fprintln(stdout, info.Note)
	}
	return nil
}

func cmdRestore(ctx context.Context, args []string, c config, stdout io.Writer) error {
	fs := c.storageFlags("restore")
	from := fs.String("from", "", "thư mục sao lưu")
	fs.BoolVar(&c.Demo, "demo", c.Demo, "tin cậy CA demo khi kiểm tra mốc neo (bản sao lưu của serve --demo)")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if *from == "" {
		return usagef("cần --from DIR")
	}
	// 1. The backup must be whole and unaltered.
	if err := checkManifest(*from); err != nil {
		return fmt.Errorf("bản sao lưu bị hỏng, không khôi phục: %w", err)
	}
	var info backupInfo
	b, err := os.ReadFile(filepath.Join(*from, "backup.json"))
	if err == nil {
		err = json.Unmarshal(b, &info)
	}
	if err != nil {
		return fmt.Errorf("bản sao lưu bị hỏng (backup.json): %w", err)
	}
	engine := store.SQLite
	if strings.HasPrefix(c.DSN, "postgres") {
		engine = store.Postgres
	}
	if string(engine) != info.Engine {
		return fmt.Errorf("bản sao lưu của %s không khôi phục được vào %s", info.Engine, engine)
	}
	// 2. Never over an installation that holds data.
	for _, p := range []string{filepath.Join(c.Data, "motcua.db"), filepath.Join(c.Data, anchor.FileName)} {
		if _, err := os.Stat(p); err == nil && (engine == store.SQLite || !strings.HasSuffix(p, ".db")) {
			return fmt.Errorf("%s đã có dữ liệu: khôi phục vào thư mục dữ liệu trống", p)
		}
	}
	if err := os.MkdirAll(c.Data, 0o750); err != nil {
		return err
	}
	switch engine {
	case store.SQLite:
		if err := copyFile(filepath.Join(*from, "motcua.db"), filepath.Join(c.Data, "motcua.db")); err != nil {
			return err
		}
	case store.Postgres:
		db, err := store.Open(ctx, store.Options{DSN: c.DSN})
		if err != nil {
			return err
		}
		var tables int
		err = db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'`).Scan(&tables)
		db.Close()
		if err != nil {
			return err
		}
		if tables > 0 {
			return fmt.Errorf("cơ sở dữ liệu đích đã có %d bảng: khôi phục vào cơ sở dữ liệu trống", tables)
		}
		out, err := exec.CommandContext(ctx, "pg_restore", "--no-owner", "--exit-on-error", "--dbname", c.DSN, filepath.Join(*from, "motcua.dump")).CombinedOutput()
		if err != nil {
			return fmt.Errorf("pg_restore: %v: %s", err, out)
		}
	}
	dir := c.Blobs.Dir
	if dir == "" {
		dir = filepath.Join(c.Data, "blobs")
	}
	if err := copyTree(filepath.Join(*from, "blobs"), dir); err != nil {
		return err
	}
	if err := copyTree(filepath.Join(*from, "keys"), filepath.Join(c.Data, "keys")); err != nil {
		return err
	}
	if err := copyFileIfExists(filepath.Join(*from, anchor.FileName), filepath.Join(c.Data, anchor.FileName)); err != nil {
		return err
	}
	// 3. What was restored must check: consistency, audit chain and anchors.
	db, err := openStore(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	seq, hash, err := db.AuditHead(ctx)
	if err != nil {
		return err
	}
	if seq < info.AuditSeq || (seq == info.AuditSeq && hash != info.AuditHash) {
		return fmt.Errorf("nhật ký sau khi khôi phục (mục %d) không khớp bản sao lưu (mục %d)", seq, info.AuditSeq)
	}
	bad, n, err := db.CheckConsistency(ctx)
	if err != nil {
		return err
	}
	for _, x := range bad {
		fmt.Fprintf(stdout, "Không nhất quán: %s\n", x)
	}
	fmt.Fprintf(stdout, "Đã khôi phục bản sao lưu ngày %s: %d hồ sơ, nhật ký đến mục %d.\n", info.CreatedAt.In(store.Zone).Format("02/01/2006 15:04"), n, info.AuditSeq)
	a, err := newAnchorer(c, db, nil, time.Now())
	if err != nil {
		return err
	}
	if err := auditVerify(ctx, db, a.path, a.keys.Roots(), stdout); err != nil {
		return err
	}
	if len(bad) > 0 {
		return exitCode(1)
	}
	return nil
}

// emptyDir creates dir, or accepts it when it exists and is empty.
func emptyDir(dir string) error {
	es, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return os.MkdirAll(dir, 0o750)
	}
	if err != nil {
		return err
	}
	if len(es) > 0 {
		return usagef("%s không rỗng: sao lưu vào một thư mục mới", dir)
	}
	return nil
}

// writeSynced writes what r holds to a new file path, durably.
func writeSynced(path string, r io.Reader) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// copyFile copies src to a new file dst, durably.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return err
	}
	return writeSynced(dst, in)
}

func copyFileIfExists(src, dst string) error {
	if _, err := os.Stat(src); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return copyFile(src, dst)
}

// copyTree copies the regular files under src (missing: nothing) to dst.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && p == src {
			return nil
		}
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, _ := filepath.Rel(src, p)
		return copyFile(p, filepath.Join(dst, rel))
	})
}

// copyBlobs copies the stored uploads (not the temporary files of uploads
// in progress), checking that each file's content is its name.
func copyBlobs(src, dst string) (int, error) {
	n := 0
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && p == src {
			return nil
		}
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "tmp" {
			return filepath.SkipDir
		}
		if !d.Type().IsRegular() || !blob.ValidID(d.Name()) {
			return nil
		}
		sum, err := fileSHA256(p)
		if err != nil {
			return err
		}
		if sum != d.Name() {
			return fmt.Errorf("tệp %s đã bị thay đổi (SHA-256 %s): không sao lưu một kho tệp hỏng", p, sum)
		}
		rel, _ := filepath.Rel(src, p)
		n++
		return copyFile(p, filepath.Join(dst, rel))
	})
	return n, err
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// backupFiles lists the files of a backup directory (relative, slash
// separated, sorted), the manifest excluded.
func backupFiles(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		if rel = filepath.ToSlash(rel); rel != manifestName {
			out = append(out, rel)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

// writeManifest writes MANIFEST.sha256 (sha256sum format) for every file
// of dir and returns how many.
func writeManifest(dir string) (int, error) {
	files, err := backupFiles(dir)
	if err != nil {
		return 0, err
	}
	var b strings.Builder
	for _, f := range files {
		sum, err := fileSHA256(filepath.Join(dir, filepath.FromSlash(f)))
		if err != nil {
			return 0, err
		}
		fmt.Fprintf(&b, "%s  %s\n", sum, f)
	}
	return len(files), writeSynced(filepath.Join(dir, manifestName), strings.NewReader(b.String()))
}

// checkManifest reports a backup whose files are missing, altered or not
// listed.
func checkManifest(dir string) error {
	f, err := os.Open(filepath.Join(dir, manifestName))
	if err != nil {
		return fmt.Errorf("không có %s", manifestName)
	}
	defer f.Close()
	listed := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok || len(sum) != 64 {
			return fmt.Errorf("%s: dòng không hợp lệ %q", manifestName, sc.Text())
		}
		listed[name] = sum
	}
	if err := sc.Err(); err != nil {
		return err
	}
	files, err := backupFiles(dir)
	if err != nil {
		return err
	}
	for _, name := range files {
		want, ok := listed[name]
		if !ok {
			return fmt.Errorf("tệp %s không có trong %s", name, manifestName)
		}
		got, err := fileSHA256(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			return err
		}
		if got != want {
			return fmt.Errorf("tệp %s đã bị thay đổi (SHA-256 khác)", name)
		}
		delete(listed, name)
	}
	for name := range listed {
		return fmt.Errorf("thiếu tệp %s", name)
	}
	return nil
}
