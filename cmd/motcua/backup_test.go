package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"motcua/store"
	"motcua/store/storetest"
)

// copyDir copies a backup directory for one damage.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	if err := copyTree(src, dst); err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestBackupRestore backs up a running demo server between signed
// lifecycles, refuses every damaged copy of the backup, restores it into
// an empty installation where check and audit verify pass, and issues one
// more result there: the register continues without a gap (contract §9;
// issue 16). On SQLite, and on PostgreSQL (pg_dump/pg_restore) when the
// test server is configured.
func TestBackupRestore(t *testing.T) {
	bin := binaryUnlessShort(t)
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			if e == store.Postgres {
				if _, err := exec.LookPath("pg_dump"); err != nil {
					t.Skip("pg_dump not installed")
				}
			}
			dbArgs := func() []string {
				if e == store.Postgres {
					return []string{"--db", storetest.CreateDatabase(t)}
				}
				return nil
			}
			motcua := func(args ...string) (int, string) {
				out, err := exec.Command(bin, args...).CombinedOutput()
				code := 0
				if ee, ok := err.(*exec.ExitError); ok {
					code = ee.ExitCode()
				} else if err != nil {
					t.Fatal(err)
				}
				return code, string(out)
			}
			bench := func(base string, n string) {
				if code, out := motcua("bench", "--base", base, "-n", n, "-c", "1", "--raw", "0"); code != 0 || strings.Contains(out, "errors by kind") {
					t.Fatalf("bench: %d %s", code, out)
				}
			}
			srcDB := dbArgs()
			data := t.TempDir()
			srv, _ := startServer(t, bin, data, append([]string{"--demo"}, srcDB...)...)
			bench(srv.base, "3")
			if code, out := motcua(append([]string{"audit", "anchor", "--demo", "--data", data}, srcDB...)...); code != 0 {
				t.Fatalf("audit anchor = %d: %s", code, out)
			}
			backup := filepath.Join(t.TempDir(), "sao-luu")
			code, out := motcua(append([]string{"backup", "--to", backup, "--data", data}, srcDB...)...)
			if code != 0 || !strings.Contains(out, "Đã sao lưu") {
				t.Fatalf("backup = %d: %s", code, out)
			}
			t.Log(strings.TrimSpace(out))
			bench(srv.base, "1") // after the backup: not in it
			srv.stop()

			// Damaged backups are refused before anything is written.
			damages := map[string]func(dir string){
				"a file changed": func(dir string) {
					p := filepath.Join(dir, "backup.json")
					b, _ := os.ReadFile(p)
					os.WriteFile(p, bytes.Replace(b, []byte(`"version": 1`), []byte(`"version": 2`), 1), 0o640)
				},
				"a key missing": func(dir string) {
					matches, _ := filepath.Glob(filepath.Join(dir, "keys", "*.pem"))
					os.Remove(matches[0])
				},
				"a file added":     func(dir string) { os.WriteFile(filepath.Join(dir, "keys", "extra.p12"), []byte("x"), 0o640) },
				"manifest missing": func(dir string) { os.Remove(filepath.Join(dir, manifestName)) },
			}
			for name, damage := range damages {
				dir := copyDir(t, backup)
				damage(dir)
				target := t.TempDir()
				code, out := motcua(append([]string{"restore", "--from", dir, "--demo", "--data", target}, dbArgs()...)...)
				if code == 0 || !strings.Contains(out, "bản sao lưu bị hỏng") {
					t.Errorf("restore with %s = %d: %s", name, code, out)
				}
				if es, _ := os.ReadDir(target); len(es) != 0 {
					t.Errorf("restore with %s wrote into the target", name)
				}
			}

			restored := t.TempDir()
			dstDB := dbArgs()
			code, out = motcua(append([]string{"restore", "--from", backup, "--demo", "--data", restored}, dstDB...)...)
			if code != 0 || !strings.Contains(out, "Nhật ký toàn vẹn") || !strings.Contains(out, "1 có chữ ký hợp lệ") {
				t.Fatalf("restore = %d: %s", code, out)
			}
			t.Log(strings.TrimSpace(out))
			if code, out := motcua(append([]string{"restore", "--from", backup, "--demo", "--data", restored}, dstDB...)...); code == 0 {
				t.Errorf("a second restore over restored data succeeded: %s", out)
			}
			srv2, _ := startServer(t, bin, restored, append([]string{"--demo"}, dstDB...)...)
			bench(srv2.base, "1")
			srv2.stop()
			for _, args := range [][]string{{"check"}, {"audit", "verify", "--demo"}} {
				code, out := motcua(append(append(args, "--data", restored), dstDB...)...)
				if code != 0 {
					t.Errorf("motcua %v after restore and one more result: %d %s", args, code, out)
				}
			}
		})
	}
}
