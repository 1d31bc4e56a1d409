package dvcqg

import (
	"encoding/json"
	"net/http"
	"sort"
	"sync"
	"time"

	"motcua/internal/outhttp"
)

// Fake is a local stand-in for the portal (tests and the demo). It keeps
// the last record of each dossier, drops a message whose Idempotency-Key
// it has seen (counting the duplicate), notes a status update older than
// one it already holds (out of order), and can be made slow, down or
// failing.
type Fake struct {
	mu         sync.Mutex
	records    map[string]Record // by MaHoSo: the last
	events     map[string][]Record
	gate       outhttp.FakeGate
	outOfOrder int
	delay      time.Duration
	down       bool
}

// NewFake returns an empty receiver that accepts everything.
func NewFake() *Fake {
	return &Fake{records: map[string]Record{}, events: map[string][]Record{}}
}

// SetSlow makes every answer wait d.
func (f *Fake) SetSlow(d time.Duration) { f.mu.Lock(); f.delay = d; f.mu.Unlock() }

// SetDown makes the receiver drop every connection (true) or answer again.
func (f *Fake) SetDown(down bool) { f.mu.Lock(); f.down = down; f.mu.Unlock() }

// FailNext makes the next n pushes (n < 0: all, until FailNext(0, 0))
// answer status.
func (f *Fake) FailNext(n, status int) {
	f.mu.Lock()
	f.gate.FailNext(n, status)
	f.mu.Unlock()
}

// Record returns the last record of a dossier.
func (f *Fake) Record(code string) (Record, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.records[code]
	return r, ok
}

// Events returns the records of a dossier in the order received.
func (f *Fake) Events(code string) []Record {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Record(nil), f.events[code]...)
}

// Stats returns how many distinct messages were accepted, how many
// repeats were dropped, and how many came out of order.
func (f *Fake) Stats() (accepted, duplicates, outOfOrder int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.gate.Keys()), f.gate.Duplicates, f.outOfOrder
}

// Forget drops a dossier (as if the portal had lost it).
func (f *Fake) Forget(code string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.records, code)
}

func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	delay, down := f.delay, f.down
	f.mu.Unlock()
	if down {
		outhttp.Drop(w)
		return
	}
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	switch {
	case r.Method == "POST" && r.URL.Path == "/hoso/dongbo":
		f.push(w, r)
	case r.Method == "GET" && r.URL.Path == "/hoso":
		f.list(w, r)
	default:
		http.NotFound(w, r)
	}
}

func (f *Fake) push(w http.ResponseWriter, r *http.Request) {
	var rec Record
	if !outhttp.FakeBody(w, r, 1<<20, &rec, "MaHoSo", func() bool { return rec.MaHoSo != "" }) {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.gate.Admit(w, r.Header.Get("Idempotency-Key")) {
		return
	}
	if last, ok := f.records[rec.MaHoSo]; ok && rec.SuKien != "payment" && rec.ThoiGianSuKien < last.ThoiGianSuKien {
		f.outOfOrder++
	}
	f.events[rec.MaHoSo] = append(f.events[rec.MaHoSo], rec)
	if last, ok := f.records[rec.MaHoSo]; ok {
		if rec.NgayTiepNhan == "" {
			rec.NgayTiepNhan = last.NgayTiepNhan
		}
		if rec.SuKien == "payment" { // a payment changes no status
			last.ThanhToan = rec.ThanhToan
			rec = last
		}
	}
	f.records[rec.MaHoSo] = rec
	w.WriteHeader(http.StatusOK)
	w.Write([]byte(`{"ok":true}`))
}

func (f *Fake) list(w http.ResponseWriter, r *http.Request) {
	from, to := r.URL.Query().Get("tu"), r.URL.Query().Get("den")
	type item struct {
		MaHoSo    string `json:"MaHoSo"`
		TrangThai string `json:"TrangThai"`
	}
	f.mu.Lock()
	items := []item{}
	for code, rec := range f.records {
		if rec.NgayTiepNhan >= from && rec.NgayTiepNhan < to {
			items = append(items, item{code, rec.TrangThai})
		}
	}
	f.mu.Unlock()
	sort.Slice(items, func(i, j int) bool { return items[i].MaHoSo < items[j].MaHoSo })
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"items": items})
}

// Keys returns the idempotency keys of the messages accepted.
func (f *Fake) Keys() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.gate.Keys()
}
