package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"motcua/dossier"
	"motcua/vntext"
)

// GenerateOptions shape a synthetic data set of dossiers.
type GenerateOptions struct {
	N     int       // number of dossiers
	Seed  uint64    // deterministic when equal
	Start time.Time // first reception instant; spread over Days
	Days  int       // default 365
}

// GenerateDossiers inserts N synthetic dossiers spread over the catalog's
// procedures, their centers, statuses and a year of reception dates, for
// benchmarks of work lists and reports. Rows are written in batches of
// 10,000 per transaction; imported = true marks them as synthetic history
// (history rows are not generated).
func (db *DB) GenerateDossiers(ctx context.Context, opt GenerateOptions) error {
	procs, _, err := db.Procedures(ctx, ProcedureFilter{Limit: 500})
	if err != nil || len(procs) == 0 {
		return fmt.Errorf("store: generate: need a catalog: %v", err)
	}
	centers := map[string]string{}
	if err := db.InTx(ctx, opt.Start, func(tx *Tx) error {
		for _, p := range procs {
			c, err := tx.CenterForAgency(p.AgencyCode)
			if err != nil {
				return err
			}
			centers[p.AgencyCode] = c
		}
		return nil
	}); err != nil {
		return err
	}
	if opt.Days <= 0 {
		opt.Days = 365
	}
	rng := rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15))
	statuses := []dossier.Status{dossier.StatusReceived, dossier.StatusAppraising, dossier.StatusAwaitingApproval,
		dossier.StatusApproved, dossier.StatusIssued, dossier.StatusSupplementRequested}
	names := []string{"Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thị Dung", "Đặng Văn Đức", "Vũ Thị Hạnh", "Bùi Minh Khôi"}
	const batch = 10000
	for done := 0; done < opt.N; {
		n := min(batch, opt.N-done)
		err := db.InTx(ctx, opt.Start, func(tx *Tx) error {
			st, err := tx.tx.PrepareContext(ctx, `INSERT INTO dossiers (code, procedure_code, agency_code, center_code, channel, mode,
				status, version, applicant_kind, applicant_name, applicant_fold, applicant_id, received_at, due_at, original_due_at,
				legal_due_at, finished_at, outcome, form_set, imported, lookup_hash, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, 1, 'citizen', $8, $9, $10, $11, $12, $12, $12, $13, $14, 'TT03/2025', $15, $16, $11, $11)`)
			if err != nil {
				return err
			}
			defer st.Close()
			for i := 0; i < n; i++ {
				k := done + i
				p := procs[rng.IntN(len(procs))]
				rec := opt.Start.Add(time.Duration(rng.Int64N(int64(opt.Days) * 24 * int64(time.Hour))))
				due := rec.Add(time.Duration(1+rng.IntN(15)) * 24 * time.Hour)
				status := statuses[rng.IntN(len(statuses))]
				var fin any
				outcome := ""
				if rng.IntN(10) < 7 {
					status = dossier.StatusReturned
					f := rec.Add(time.Duration(rng.Int64N(int64(due.Sub(rec)) * 5 / 4)))
					fin = ms(f)
					switch {
					case f.After(due):
						outcome = dossier.OutcomeLate
					case f.Format("2006-01-02") == due.Format("2006-01-02"):
						outcome = dossier.OutcomeOnTime
					default:
						outcome = dossier.OutcomeEarly
					}
				}
				ch := "counter"
				if rng.IntN(5) == 0 {
					ch = "online"
				}
				mode := dossier.ModeStandard
				if p.FiveOnSpot {
					mode = dossier.ModeFiveOnSpot
				}
				name := names[rng.IntN(len(names))]
				code := fmt.Sprintf("GEN.%d.%s-%09d", opt.Seed, rec.Format("060102"), k)
				if _, err := st.ExecContext(ctx, code, p.Code, p.AgencyCode, centers[p.AgencyCode], ch, string(mode), string(status),
					name, vntext.Fold(name), fmt.Sprintf("0010%08d", k%100000000), ms(rec), ms(due), fin, outcome, true,
					fmt.Sprintf("gen-%d-%d", opt.Seed, k)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("store: generate: %w", err)
		}
		done += n
	}
	return nil
}
