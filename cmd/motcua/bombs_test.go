package main

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"motcua/internal/testfile"
)

// peakRSS is the high-water mark of a process's resident memory (Linux).
func peakRSS(t testing.TB, pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	t.Fatal("VmHWM not found")
	return 0
}

// jsonlBomb is a history file of about size bytes of valid, distinct
// dossier lines (the most dossiers a request can carry).
func jsonlBomb(size int) []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, `{"code":"BOMB-%07d","procedure_code":"2.001610","channel":"online","applicant":{"kind":"citizen","name":"Trần Thị Bình","id_number":"027190005678"},"received_at":"2026-11-03T08:00:00+07:00","due_at":"2026-11-06T17:00:00+07:00","status":"returned","finished_at":"2026-11-05T10:00:00+07:00"}`+"\n", i)
	}
	return b.Bytes()
}

// importBomb is one import-bomb request, sent copies times at once.
type importBomb struct {
	name, path, ctype string
	body              []byte
	copies            int
}

// importBombs are the bombs of issue 16, item 6: eight concurrent 10 MB
// CSV files of tiny cells, an XLSX zip bomb inflating to 2 GB (twice at
// once), a 20 MB CSV (over the request limit) and a history file just
// under the request limit (16 MB, about 50,000 dossiers: accepted, the
// largest import there is).
func importBombs() []importBomb {
	xlsxBomb := testfile.XLSXBomb(2 << 30)
	return []importBomb{
		{"8 × 10 MB CSV", "/api/v1/imports/procedures?filename=p.csv", "text/csv", testfile.CSVBomb(10 << 20), 8},
		{fmt.Sprintf("%d KB XLSX zip bomb", len(xlsxBomb)>>10), "/api/v1/imports/agencies?filename=a.xlsx",
			"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsxBomb, 2},
		{"20 MB CSV", "/api/v1/imports/agencies?filename=a.csv", "text/csv", testfile.CSVBomb(20 << 20), 1},
		{"16 MB history", "/api/v1/imports/dossiers", "application/x-ndjson", jsonlBomb(16<<20 - 4<<10), 1},
	}
}

// TestImportBombsStayBounded sends a running server the import bombs of
// issue 16, item 6 (importBombs) and checks every one is answered with a 4xx
// or accepted, the error answers stay small, and the server's peak
// resident memory stays under 300 MB. The figure is logged.
func TestImportBombsStayBounded(t *testing.T) {
	bin := binaryUnlessShort(t)
	srv, _ := startServer(t, bin, t.TempDir(), "--demo")
	tok := srv.login("admin", "demo")
	base := peakRSS(t, srv.cmd.Process.Pid)

	for _, b := range importBombs() {
		var wg sync.WaitGroup
		for i := range b.copies {
			wg.Add(1)
			go func() {
				defer wg.Done()
				st, m := srv.do("POST", b.path, tok, fmt.Sprintf("bomb-%s-%d", b.name, i), b.ctype, b.body)
				raw := fmt.Sprint(m)
				if st == 0 || st >= 500 {
					t.Errorf("%s: status %d %.300s", b.name, st, raw)
				}
				if len(raw) > 64<<10 {
					t.Errorf("%s: a %d KB answer", b.name, len(raw)>>10)
				}
				t.Logf("%s: %d %.160s", b.name, st, raw)
			}()
		}
		wg.Wait()
	}
	peak := peakRSS(t, srv.cmd.Process.Pid)
	t.Logf("server peak RSS: %d MB after start, %d MB after the bombs", base>>20, peak>>20)
	if peak > 300<<20 {
		t.Errorf("peak RSS %d MB; want under 300 MB", peak>>20)
	}
}
