package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"motcua/dossier"
)

// GenOptions sizes a synthetic province for benchmarks and load tests.
type GenOptions struct {
	Dossiers   int       // dossiers to generate
	Centers    int       // one-stop centers (default 10)
	Agencies   int       // agencies per center (default 10)
	Procedures int       // procedures per agency (default 10)
	From, To   time.Time // reception span (default 2021-01-01 → 2026-01-01)
	Seed       uint64
	Batch      int // dossiers per transaction (default 50,000)
	// Progress, if set, is called after each transaction.
	Progress func(done, total int)
}

var genZone = time.FixedZone("ICT", 7*3600) // Vietnam has no DST

// GenerateReportData fills db with a synthetic catalog (agencies GEN.*,
// centers, procedures, a third of them under "5 tại chỗ") and
// opts.Dossiers dossiers spread over the span, with their report facts and
// aggregates, as if they had been received and processed in motcua.
//
// It writes rows directly (bulk inserts), so it is fast; it is meant for
// benchmarks, not for data the workflow will keep processing: due dates
// add calendar days (no holidays) and processing times are approximate.
// A workflow.RecountAggregates afterwards rebuilds exact aggregates.
func (db *DB) GenerateReportData(ctx context.Context, o GenOptions) error {
	if o.Centers <= 0 {
		o.Centers = 10
	}
	if o.Agencies <= 0 {
		o.Agencies = 10
	}
	if o.Procedures <= 0 {
		o.Procedures = 10
	}
	if o.From.IsZero() {
		o.From = time.Date(2021, 1, 1, 0, 0, 0, 0, genZone)
	}
	if o.To.IsZero() {
		o.To = time.Date(2026, 1, 1, 0, 0, 0, 0, genZone)
	}
	if o.Batch <= 0 {
		o.Batch = 50000
	}
	rng := rand.New(rand.NewPCG(o.Seed, 299))
	type proc struct {
		code, agency, center string
		days                 int
	}
	var procs []proc
	err := db.InTx(ctx, o.To, func(tx *Tx) error {
		root := &dossier.Agency{Code: "GEN", Name: "Ủy ban nhân dân tỉnh Mẫu", Level: dossier.LevelProvince}
		if err := tx.UpsertAgency(root); err != nil {
			return err
		}
		for c := 0; c < o.Centers; c++ {
			level := dossier.LevelDistrict
			if c == 0 {
				level = dossier.LevelProvince
			}
			parent := fmt.Sprintf("GEN.P%02d", c)
			if err := tx.UpsertAgency(&dossier.Agency{Code: parent, Name: fmt.Sprintf("Ủy ban nhân dân số %d", c), Level: level, ParentCode: "GEN"}); err != nil {
				return err
			}
			cc := fmt.Sprintf("GEN.C%02d", c)
			if err := tx.UpsertAgency(&dossier.Agency{Code: cc, Name: fmt.Sprintf("Trung tâm Phục vụ hành chính công số %d", c), Level: level, ParentCode: parent}); err != nil {
				return err
			}
			if err := tx.UpsertCenter(&dossier.Center{Code: cc, Name: fmt.Sprintf("Trung tâm Phục vụ hành chính công số %d", c), Level: level, AgencyCode: cc}); err != nil {
				return err
			}
			for a := 0; a < o.Agencies; a++ {
				ac := fmt.Sprintf("GEN.C%02d.A%02d", c, a)
				if err := tx.UpsertAgency(&dossier.Agency{Code: ac, Name: fmt.Sprintf("Cơ quan %d.%d", c, a), Level: level, ParentCode: parent}); err != nil {
					return err
				}
				for p := 0; p < o.Procedures; p++ {
					days := 1 + rng.IntN(20)
					pr := &dossier.Procedure{Code: fmt.Sprintf("GEN.%02d.%02d.%03d", c, a, p), Name: fmt.Sprintf("Thủ tục mẫu %d.%d.%d", c, a, p),
						AgencyCode: ac, Level: level, ProcessingDays: &days, FiveOnSpot: p%3 == 0, OnlineLevel: dossier.OnlinePartial,
						Fee: int64(p%2) * 50000, ResultTypeCode: "KQ"}
					if err := tx.UpsertProcedure(pr); err != nil {
						return err
					}
					procs = append(procs, proc{pr.Code, ac, cc, days})
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	span := o.To.Sub(o.From)
	day := func(ms int64) string { return time.UnixMilli(ms).In(genZone).Format("2006-01-02") }
	all := Deltas{}
	statuses := []string{"received", "appraising", "awaiting_approval", "approved", "issued", "supplement_requested"}
	var maxID int64
	if err := db.sql.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM dossiers`).Scan(&maxID); err != nil {
		return err
	}
	for done := 0; done < o.Dossiers; {
		n := min(o.Batch, o.Dossiers-done)
		err := db.InTx(ctx, o.To, func(tx *Tx) error {
			const per = 23
			var b strings.Builder
			args := make([]any, 0, 400*per)
			facts := make([]*Facts, 0, 400)
			flush := func() error {
				if len(facts) == 0 {
					return nil
				}
				if _, err := tx.tx.Exec(b.String(), args...); err != nil {
					return fmt.Errorf("store: generate: %w", err)
				}
				if err := tx.PutFacts(facts...); err != nil {
					return err
				}
				b.Reset()
				args, facts = args[:0], facts[:0]
				return nil
			}
			for i := 0; i < n; i++ {
				k := done + i
				id := maxID + int64(k) + 1
				p := procs[rng.IntN(len(procs))]
				rec := o.From.Add(time.Duration(float64(span) * (float64(k) + rng.Float64()) / float64(o.Dossiers))).UnixMilli()
				due := rec + int64(p.days)*24*3600*1000*7/5
				online := rng.IntN(100) < 17
				ch := "counter"
				if online {
					ch = "online"
				}
				status, outcome := "returned", ""
				var fin any
				var finMS int64
				supp := int64(0)
				if rng.IntN(10) == 0 {
					supp = int64(1 + rng.IntN(2))
				}
				if rec < o.To.UnixMilli()-30*24*3600*1000 || rng.IntN(3) > 0 {
					switch r := rng.IntN(100); {
					case r < 5:
						status = "refused"
					case r < 8:
						status = "withdrawn"
					}
					finMS = rec + int64(float64(due-rec)*(0.2+1.1*rng.Float64()))
					fin = finMS
					if status != "withdrawn" {
						switch {
						case finMS > due:
							outcome = "late"
						case day(finMS) == day(due):
							outcome = "on_time"
						default:
							outcome = "early"
						}
					}
				} else {
					status = statuses[rng.IntN(len(statuses))]
				}
				mode := "standard"
				code := fmt.Sprintf("GEN-%09d", id)
				if len(facts) > 0 {
					b.WriteByte(',')
				} else {
					b.WriteString(`INSERT INTO dossiers (id, code, procedure_code, agency_code, center_code, channel, mode, status, version,
						applicant_kind, applicant_name, applicant_fold, applicant_id, received_at, submitted_at, due_at, finished_at, outcome,
						supplements, form_set, lookup_hash, created_at, updated_at) VALUES `)
				}
				tx.placeholders(&b, len(args), per)
				args = append(args, id, code, p.code, p.agency, p.center, ch, mode, status, int64(1),
					"citizen", "Nguyễn Văn Mẫu", "nguyen van mau", "027190001234", rec, rec, due, fin, outcome,
					supp, "TT01/2018", code, rec, rec)
				f := &Facts{DossierID: id, Center: p.center, Agency: p.agency, Procedure: p.code, Online: online,
					ReceivedDay: day(rec), DueDay: day(due), Multi: supp > 1}
				if fin != nil {
					f.FinishedDay = day(finMS)
					if status != "withdrawn" {
						f.Resolved, f.Outcome = true, outcome
						f.ProcSeconds = (finMS - rec) / 1000 * 5 / 24 / 7 * 5 // ≈ working seconds
					}
				}
				all.Add(f, +1)
				facts = append(facts, f)
				if len(facts) == 400 {
					if err := flush(); err != nil {
						return err
					}
				}
			}
			return flush()
		})
		if err != nil {
			return err
		}
		done += n
		if o.Progress != nil {
			o.Progress(done, o.Dossiers)
		}
	}
	return db.InTx(ctx, o.To, func(tx *Tx) error {
		if err := db.dialect.syncSequence(tx.tx, "dossiers"); err != nil {
			return fmt.Errorf("store: generate: sequence: %w", err)
		}
		return tx.ApplyDeltas(all)
	})
}
