package bench

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"time"

	"motcua/dossier"
	"motcua/store"
	"motcua/vntext"
)

// The two generators below are older and simpler than Seed; benchmarks of
// single layers (web, workflow, store) use them on databases they build.

// GenerateOptions shape a synthetic data set of dossiers.
type GenerateOptions struct {
	N     int       // number of dossiers
	Seed  uint64    // deterministic when equal
	Start time.Time // first reception instant; spread over Days
	Days  int       // default 365
}

// GenerateDossiers inserts opt.N synthetic dossiers spread over the
// catalog's procedures, their centers, statuses and a year of reception
// dates, for benchmarks of work lists and reports. Rows are written in
// batches of 10,000 per transaction; imported = true marks them as
// synthetic history (no history rows are written).
func GenerateDossiers(ctx context.Context, db *store.DB, opt GenerateOptions) error {
	procs, _, err := db.Procedures(ctx, store.ProcedureFilter{Limit: 500})
	if err != nil || len(procs) == 0 {
		return fmt.Errorf("bench: generate: need a catalog: %v", err)
	}
	centers := map[string]string{}
	if err := db.InTx(ctx, opt.Start, func(tx *store.Tx) error {
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
		tx, err := db.SQL().BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		st, err := tx.PrepareContext(ctx, `INSERT INTO dossiers (code, procedure_code, agency_code, center_code, channel, mode,
			status, version, applicant_kind, applicant_name, applicant_fold, applicant_id, received_at, due_at, original_due_at,
			legal_due_at, measure_due_at, finished_at, outcome, form_set, rule_set, imported, lookup_hash, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, 1, 'citizen', $8, $9, $10, $11, $12, $12, $12, $12, $13, $14, 'TT03/2025', 'ND118/2025',
			$15, $16, $11, $11)`)
		if err != nil {
			tx.Rollback()
			return err
		}
		for i := 0; i < n && err == nil; i++ {
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
			_, err = st.ExecContext(ctx, code, p.Code, p.AgencyCode, centers[p.AgencyCode], ch, string(mode), string(status),
				name, vntext.Fold(name), fmt.Sprintf("0010%08d", k%100000000), ms(rec), ms(due), fin, outcome, true,
				fmt.Sprintf("gen-%d-%d", opt.Seed, k))
		}
		st.Close()
		if err := commitOrRollback(tx, err); err != nil {
			return fmt.Errorf("bench: generate: %w", err)
		}
		done += n
	}
	return nil
}

// GenOptions size a synthetic province for report benchmarks.
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
// o.Dossiers dossiers spread over the span, with their report facts and
// aggregates, as if they had been received and processed in motcua.
//
// It writes rows directly (bulk inserts), so it is fast; it is meant for
// benchmarks, not for data the workflow will keep processing: due dates
// add calendar days (no holidays) and processing times are approximate.
// A workflow.RecountAggregates afterwards rebuilds exact aggregates.
func GenerateReportData(ctx context.Context, db *store.DB, o GenOptions) error {
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
	err := db.InTx(ctx, o.To, func(tx *store.Tx) error {
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
	all := store.Deltas{}
	statuses := []string{"received", "appraising", "awaiting_approval", "approved", "issued", "supplement_requested"}
	var maxID int64
	if err := db.SQL().QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM dossiers`).Scan(&maxID); err != nil {
		return err
	}
	g := &seeder{db: db}
	for done := 0; done < o.Dossiers; {
		n := min(o.Batch, o.Dossiers-done)
		tx, err := db.SQL().BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		dos := g.newBulk(tx, `INSERT INTO dossiers (id, code, procedure_code, agency_code, center_code, channel, mode, status, version,
			applicant_kind, applicant_name, applicant_fold, applicant_id, received_at, submitted_at, due_at, finished_at, outcome,
			supplements, form_set, lookup_hash, created_at, updated_at, measure_due_at, rule_set) VALUES `, 25)
		facts := make([]*store.Facts, 0, n)
		for i := 0; i < n && err == nil; i++ {
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
			code := fmt.Sprintf("GEN-%09d", id)
			err = dos.add(id, code, p.code, p.agency, p.center, ch, "standard", status, int64(1),
				"citizen", "Nguyễn Văn Mẫu", "nguyen van mau", "027190001234", rec, rec, due, fin, outcome,
				supp, "TT01/2018", code, rec, rec, due, "ND61/2018")
			f := &store.Facts{DossierID: id, Center: p.center, Agency: p.agency, Procedure: p.code, Online: online,
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
		}
		if err == nil {
			err = dos.flush()
		}
		if err := commitOrRollback(tx, err); err != nil {
			return fmt.Errorf("bench: generate: %w", err)
		}
		if err := db.InTx(ctx, o.To, func(tx *store.Tx) error {
			for i := 0; i < len(facts); i += 400 {
				if err := tx.PutFacts(facts[i:min(i+400, len(facts))]...); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return err
		}
		done += n
		if o.Progress != nil {
			o.Progress(done, o.Dossiers)
		}
	}
	if db.Engine() == store.Postgres {
		if _, err := db.SQL().ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('dossiers', 'id'), (SELECT MAX(id) FROM dossiers))`); err != nil {
			return fmt.Errorf("bench: generate: sequence: %w", err)
		}
	}
	return db.InTx(ctx, o.To, func(tx *store.Tx) error { return tx.ApplyDeltas(all) })
}

// commitOrRollback ends tx: committed when err (the batch's outcome) is
// nil, rolled back otherwise. It returns err or the commit's error.
func commitOrRollback(tx *sql.Tx, err error) error {
	if err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}
