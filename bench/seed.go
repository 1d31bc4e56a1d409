package bench

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"motcua/demo"
	"motcua/dossier"
	"motcua/store"
	"motcua/vntext"
	"motcua/workflow"
)

// SeedOptions shape the synthetic province that Seed writes.
type SeedOptions struct {
	Dossiers int
	// Now is the command's clock reading; receptions are spread over the
	// Years before it (default 5), up to the day before.
	Now   time.Time
	Years int
	Seed  uint64
	// Batch is the number of dossiers per transaction (default 5,000).
	Batch int
	// Progress, if set, is called after each transaction.
	Progress func(done, total int)
}

// SeedReport counts what Seed wrote.
type SeedReport struct {
	Dossiers int `json:"dossiers"`
	History  int `json:"history_rows"`
	Results  int `json:"results"`
	Ratings  int `json:"ratings"`
	// FirstID and LastID bound the ids of the dossiers written: the read
	// mix looks them up with SeedLookupToken.
	FirstID int64 `json:"first_id"`
	LastID  int64 `json:"last_id"`
}

// SeedLookupToken is the lookup token printed on the receipt of seeded
// dossier id (the database keeps only its hash, as for real ones).
func SeedLookupToken(id int64) string { return fmt.Sprintf("seed%028d", id) }

// seedProc is a procedure of the catalog with what generating needs.
type seedProc struct {
	p      dossier.Procedure
	ag     dossier.Agency
	center string
	symbol string
	sealID int64
	seal   string
}

type person struct {
	id   int64
	name string
}

// Seed fills db with a realistic province: the demo catalog (the 83
// agencies, 47 procedures and accounts of Bắc Ninh, loaded if missing)
// and o.Dossiers dossiers received over the years before o.Now at the
// counter, online and by post, on working days and hours, with their
// history rows, deadlines from the working calendar, supplements,
// refusals and withdrawals, register numbers without gap for every issued
// result, and ratings; the ones received in the last weeks are still in
// progress at every status. The report aggregates are recounted at the
// end, exactly as for dossiers received in motcua.
//
// It writes rows directly, in batches of o.Batch dossiers per
// transaction; it is meant for load tests, not for data to keep.
func Seed(ctx context.Context, db *store.DB, svc *workflow.Service, o SeedOptions) (*SeedReport, error) {
	if o.Dossiers < 0 {
		return nil, fmt.Errorf("bench: seed: negative count")
	}
	if o.Years <= 0 {
		o.Years = 5
	}
	if o.Batch <= 0 {
		o.Batch = 5000
	}
	if o.Now.IsZero() {
		return nil, fmt.Errorf("bench: seed: no clock reading")
	}
	if err := demo.Load(ctx, svc, db); err != nil {
		return nil, fmt.Errorf("bench: seed: demo catalog: %w", err)
	}
	g, err := newSeeder(ctx, db, svc, o)
	if err != nil {
		return nil, err
	}
	rep := &SeedReport{FirstID: g.nextID + 1}
	if err := g.load(ctx, rep); err != nil {
		return nil, err
	}
	if _, err := svc.RecountAggregates(ctx, nil); err != nil {
		return nil, fmt.Errorf("bench: seed: aggregates: %w", err)
	}
	if _, err := db.SQL().ExecContext(ctx, `ANALYZE`); err != nil {
		return nil, fmt.Errorf("bench: seed: analyze: %w", err)
	}
	return rep, nil
}

type regKey struct {
	agency, rt string
	year       int
}

type seeder struct {
	db    *store.DB
	svc   *workflow.Service
	o     SeedOptions
	rng   *rand.Rand
	procs []seedProc
	zipf  *rand.Zipf
	// officers of the demo agency; other agencies' dossiers carry the
	// same names (the demo has one set of accounts).
	reception, appraiser, approver, clerk person
	from                                  time.Time
	days                                  int
	nextID, nextHist, nextResult, nextRat int64
	daySeq                                map[string]int // agency|day → last dossier number
	regs                                  map[regKey]*seedRegister
	zone                                  *time.Location
	sched                                 dossier.Schedule // the province's rule sets
}

type seedRegister struct {
	id, last int64
	lastAt   int64
}

func newSeeder(ctx context.Context, db *store.DB, svc *workflow.Service, o SeedOptions) (*seeder, error) {
	g := &seeder{db: db, svc: svc, o: o, rng: rand.New(rand.NewPCG(o.Seed, 0x5eed)), daySeq: map[string]int{},
		regs: map[regKey]*seedRegister{}, zone: svc.Location()}
	sched, err := db.RuleSetSchedule(ctx)
	if err != nil {
		return nil, err
	}
	g.sched = sched
	ps, _, err := db.Procedures(ctx, store.ProcedureFilter{Limit: 500})
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, fmt.Errorf("bench: seed: the catalog is empty")
	}
	for _, p := range ps {
		ag, err := db.Agency(ctx, p.AgencyCode)
		if err != nil {
			return nil, err
		}
		sp := seedProc{p: p, ag: *ag, symbol: workflow.RegisterSymbol(&p, ag)}
		if s, err := db.ActiveSeal(ctx, p.AgencyCode); err == nil {
			sp.sealID, sp.seal = s.ID, s.Name
		}
		g.procs = append(g.procs, sp)
	}
	if err := db.InTx(ctx, o.Now, func(tx *store.Tx) error {
		for i := range g.procs {
			c, err := tx.CenterForAgency(g.procs[i].p.AgencyCode)
			if err != nil {
				return err
			}
			g.procs[i].center = c
		}
		return nil
	}); err != nil {
		return nil, err
	}
	// A few procedures take most dossiers, as in a real center.
	g.zipf = rand.NewZipf(g.rng, 1.2, 2, uint64(len(g.procs)-1))
	for _, a := range []struct {
		name string
		p    *person
	}{{"reception", &g.reception}, {"appraiser", &g.appraiser}, {"approver", &g.approver}, {"clerk", &g.clerk}} {
		u, err := db.UserByName(ctx, a.name)
		if err != nil {
			return nil, fmt.Errorf("bench: seed: demo account %s: %w", a.name, err)
		}
		*a.p = person{u.ID, u.Name}
	}
	end := time.Date(o.Now.In(g.zone).Year(), o.Now.In(g.zone).Month(), o.Now.In(g.zone).Day(), 0, 0, 0, 0, g.zone)
	g.from = end.AddDate(-o.Years, 0, 0)
	g.days = int(end.Sub(g.from).Hours() / 24)
	q := db.SQL()
	for i, to := range []*int64{&g.nextID, &g.nextHist, &g.nextResult, &g.nextRat} {
		if err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+seedTables[i]).Scan(to); err != nil {
			return nil, err
		}
	}
	rows, err := q.QueryContext(ctx, `SELECT agency_code, day, last FROM dossier_seq`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var a, d string
		var n int
		if err := rows.Scan(&a, &d, &n); err != nil {
			rows.Close()
			return nil, err
		}
		g.daySeq[a+"|"+d] = n
	}
	rows.Close()
	rows, err = q.QueryContext(ctx, `SELECT g.id, g.agency_code, g.year, g.result_type_code, g.last, COALESCE(MAX(r.issued_at), 0)
		FROM registers g LEFT JOIN results r ON r.register_id = g.id GROUP BY g.id, g.agency_code, g.year, g.result_type_code, g.last`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k regKey
		r := &seedRegister{}
		if err := rows.Scan(&r.id, &k.agency, &k.year, &k.rt, &r.last, &r.lastAt); err != nil {
			return nil, err
		}
		g.regs[k] = r
	}
	return g, rows.Err()
}

var (
	seedFamily = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý"}
	seedMiddle = []string{"Văn", "Thị", "Minh", "Thu", "Đức", "Ngọc", "Quang", "Thanh", "Hữu", "Thị Kim"}
	seedGiven  = []string{"An", "Bình", "Cường", "Dung", "Giang", "Hà", "Hạnh", "Hùng", "Khôi", "Lan", "Linh", "Long", "Mai",
		"Nam", "Ngân", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Việt", "Yến"}
	seedCompanies = []string{"Công ty TNHH Thương mại Kinh Bắc", "Công ty Cổ phần Xây dựng Từ Sơn", "Hợp tác xã Nông nghiệp Yên Phong",
		"Công ty TNHH Điện tử Quế Võ", "Công ty Cổ phần Gốm Phù Lãng"}
	seedPlaces = []string{"Phường Suối Hoa", "Phường Đông Ngàn", "Xã Phật Tích", "Phường Vũ Ninh", "Xã Đông Hồ", "Phường Đình Bảng"}
)

// workTime returns an instant of working hours on day d (a weekday).
func (g *seeder) workTime(d time.Time) time.Time {
	for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		d = d.AddDate(0, 0, 1)
	}
	morning := g.rng.IntN(2) == 0
	start := 7*60 + 30
	span := 4 * 60
	if !morning {
		start, span = 13*60+30, 3*60+30
	}
	return d.Add(time.Duration(start+g.rng.IntN(span)) * time.Minute).Add(time.Duration(g.rng.IntN(60)) * time.Second)
}

// hist is one history row to write.
type hist struct {
	action         dossier.Action
	from, to       dossier.Status
	actor          person
	note, behalfOf string
	at             time.Time
}

// load writes the dossiers, batch by batch, and the registers and
// sequences at the end, on one connection tuned for a bulk load (see
// loadMode); the secondary indexes of the tables it fills are dropped
// first and built again at the end when the seed at least doubles the
// dossiers (loadIndexes).
func (g *seeder) load(ctx context.Context, rep *SeedReport) (err error) {
	conn, err := g.db.SQL().Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	// Set up and put back even when ctx is cancelled.
	restore, err := g.loadMode(context.WithoutCancel(ctx), conn)
	if err != nil {
		return err
	}
	defer func() {
		if rerr := restore(); err == nil {
			err = rerr
		}
	}()
	if g.o.Dossiers >= int(g.nextID) {
		rebuild, lerr := loadIndexes(context.WithoutCancel(ctx), conn, g.db.SQL(), g.db.Engine() == store.Postgres)
		if lerr != nil {
			return lerr
		}
		defer func() {
			if rerr := rebuild(); err == nil {
				err = rerr
			}
		}()
	}
	for done := 0; done < g.o.Dossiers; {
		n := min(g.o.Batch, g.o.Dossiers-done)
		if err := g.batch(ctx, conn, done, n, rep); err != nil {
			return err
		}
		done += n
		if g.o.Progress != nil {
			g.o.Progress(done, g.o.Dossiers)
		}
	}
	rep.LastID = g.nextID
	return g.finish(ctx, conn)
}

// loadMode sets the connection up for the load and returns what puts it
// back: on SQLite a 1 GB page cache (random inserts into the unique
// indexes thrash the default 2 MB) and no fsync (a seed that dies is
// started over, it has nothing to keep); on PostgreSQL commits that do
// not wait for the WAL flush.
func (g *seeder) loadMode(ctx context.Context, conn *sql.Conn) (func() error, error) {
	set := func(stmts ...string) error {
		for _, q := range stmts {
			if _, err := conn.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("bench: seed: %s: %w", q, err)
			}
		}
		return nil
	}
	if g.db.Engine() == store.Postgres {
		if err := set(`SET synchronous_commit = off`); err != nil {
			return nil, err
		}
		return func() error { return set(`RESET synchronous_commit`) }, nil
	}
	var sync int
	var cache int64
	if err := conn.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&sync); err != nil {
		return nil, err
	}
	if err := conn.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&cache); err != nil {
		return nil, err
	}
	if err := set(`PRAGMA synchronous = OFF`, `PRAGMA cache_size = -1048576`); err != nil {
		return nil, err
	}
	return func() error {
		return set(fmt.Sprintf(`PRAGMA synchronous = %d`, sync), fmt.Sprintf(`PRAGMA cache_size = %d`, cache))
	}, nil
}

// seedTables are the tables the load fills row by row.
var seedTables = []string{"dossiers", "dossier_history", "results", "ratings"}

// loadIndexes drops the secondary indexes of the seeded tables (those a
// migration created by CREATE INDEX; the primary keys and UNIQUE
// constraints stay, they check what is written) and returns what creates
// them again, from their own definitions: a sort at the end instead of
// millions of random inserts into a dozen B-trees. On PostgreSQL they are
// created through db, not conn: a cancelled query closes the connection.
func loadIndexes(ctx context.Context, conn *sql.Conn, db *sql.DB, pg bool) (func() error, error) {
	tables := "'" + strings.Join(seedTables, "', '") + "'" // constant names, quoted
	q := `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
		AND tbl_name IN (` + tables + `) ORDER BY name`
	if pg {
		q = `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()
			AND tablename IN (` + tables + `)
			AND indexname NOT IN (SELECT conname FROM pg_constraint) ORDER BY indexname`
	}
	rows, err := conn.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("bench: seed: indexes: %w", err)
	}
	var names, defs []string
	for rows.Next() {
		var n, d string
		if err := rows.Scan(&n, &d); err != nil {
			rows.Close()
			return nil, err
		}
		names, defs = append(names, n), append(defs, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i, n := range names {
		if _, err := conn.ExecContext(ctx, `DROP INDEX `+n); err != nil {
			// Put back the ones already dropped.
			for _, d := range defs[:i] {
				conn.ExecContext(ctx, d)
			}
			return nil, fmt.Errorf("bench: seed: drop index %s: %w", n, err)
		}
	}
	return func() error {
		exec := conn.ExecContext
		if pg {
			exec = db.ExecContext
		}
		for i, d := range defs {
			if _, err := exec(ctx, d); err != nil {
				return fmt.Errorf("bench: seed: create index %s: %w", names[i], err)
			}
		}
		return nil
	}, nil
}

// batch generates and writes dossiers [done, done+n) in one transaction.
func (g *seeder) batch(ctx context.Context, conn *sql.Conn, done, n int, rep *SeedReport) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	dos := g.newBulk(tx, `INSERT INTO dossiers (id, code, procedure_code, agency_code, center_code, channel, mode, status, version,
		applicant_kind, applicant_name, applicant_fold, applicant_id, applicant_phone, applicant_address, submitted_at, received_at,
		due_at, original_due_at, legal_due_at, finished_at, paused_at, supplements, paused_seconds, outcome, assignee_id, recommendation,
		report, draft_result, reason, form_set, imported, lookup_hash, approver_id, approver_name, approver_position, approved_at,
		verify_hash, created_at, updated_at, rule_set, measure_due_at) VALUES `, 42)
	his := g.newBulk(tx, `INSERT INTO dossier_history (id, dossier_id, action, from_status, to_status, actor_id, actor, on_behalf_of,
		note, step_due_at, at) VALUES `, 11)
	res := g.newBulk(tx, `INSERT INTO results (id, dossier_id, register_id, seq, number, document_code, applicant_id, applicant_name,
		result_type_code, agency_code, issued_at, issued_by, seal_id, seal_name, pdf_blob_id, pdf_sha256, verify_hash, seal_pending,
		issued_by_id) VALUES `, 19)
	rat := g.newBulk(tx, `INSERT INTO ratings (id, dossier_id, dossier_code, procedure_code, agency_code, center_code, level, comment,
		criteria, scale_version, channel, created_at) VALUES `, 12)
	his.parent, res.parent, rat.parent = dos, dos, dos
	now := g.o.Now
	for i := 0; i < n; i++ {
		k := done + i
		g.nextID++
		id := g.nextID
		sp := &g.procs[g.zipf.Uint64()]
		p := &sp.p
		day := g.from.AddDate(0, 0, int(int64(g.days)*int64(k)/int64(max(g.o.Dossiers, 1))))
		rec := g.workTime(day)
		if !rec.Before(now) {
			rec = now.Add(-time.Minute)
		}
		channel := "counter"
		switch r := g.rng.IntN(100); {
		case r < 17:
			channel = "online"
		case r < 20:
			channel = "postal"
		}
		kind, name, idn := "citizen", "", fmt.Sprintf("0%02d%09d", 1+g.rng.IntN(96), g.rng.IntN(1000000000))
		if g.rng.IntN(10) == 0 {
			kind, name, idn = "organization", seedCompanies[g.rng.IntN(len(seedCompanies))], fmt.Sprintf("23%08d", g.rng.IntN(100000000))
		} else {
			name = seedFamily[g.rng.IntN(len(seedFamily))] + " " + seedMiddle[g.rng.IntN(len(seedMiddle))] + " " + seedGiven[g.rng.IntN(len(seedGiven))]
		}
		dayKey := sp.ag.Code + "|" + rec.In(g.zone).Format("2006-01-02")
		g.daySeq[dayKey]++
		ident := sp.ag.Identifier
		if ident == "" {
			ident = strings.ToUpper(sp.ag.Code)
		}
		code := dossier.DossierCode(ident, rec.In(g.zone), g.daySeq[dayKey])
		due := g.svc.DueFor(p, sp.center, rec)
		span := due.Sub(rec)
		// What became of it: the older, the likelier finished.
		age := now.Sub(rec)
		finished := age > 45*24*time.Hour || (age > span && g.rng.IntN(4) > 0)
		supplement := g.rng.IntN(10) == 0
		end := dossier.StatusReturned
		if finished {
			switch r := g.rng.IntN(100); {
			case r < 5:
				end = dossier.StatusRefused
			case r < 8:
				end = dossier.StatusWithdrawn
			}
		} else {
			end = []dossier.Status{dossier.StatusReceived, dossier.StatusAppraising, dossier.StatusAppraising, dossier.StatusAwaitingApproval,
				dossier.StatusApproved, dossier.StatusIssued, dossier.StatusSupplementRequested}[g.rng.IntN(7)]
			if channel == "online" && g.rng.IntN(3) == 0 {
				end = dossier.StatusSubmitted
			}
		}
		var fin time.Time
		if finished {
			fin = rec.Add(time.Duration(float64(span) * (0.25 + 0.9*g.rng.Float64())))
		} else {
			fin = rec.Add(time.Duration(g.rng.Float64() * float64(min(age, span))))
		}
		if !fin.Before(now) {
			fin = now.Add(-time.Second)
		}
		at := func(f float64) time.Time { return rec.Add(time.Duration(f * float64(fin.Sub(rec)))) }
		// The path through the statuses, cut where the dossier stands.
		var hs []hist
		status := dossier.StatusReceived
		add := func(a dossier.Action, to dossier.Status, who person, note string, t time.Time) bool {
			hs = append(hs, hist{action: a, from: status, to: to, actor: who, note: note, at: t})
			status = to
			return status == end
		}
		var submitted *time.Time
		var paused time.Duration
		var pausedAt any
		func() {
			if channel == "online" {
				st := rec.Add(-time.Duration(1+g.rng.IntN(20)) * time.Hour)
				submitted = &st
				status = dossier.StatusSubmitted
				hs = append(hs, hist{action: dossier.ActSubmit, from: "", to: dossier.StatusSubmitted, actor: person{0, name}, at: st})
				if end == dossier.StatusSubmitted {
					return
				}
				add(dossier.ActAccept, dossier.StatusReceived, g.reception, "", rec)
			} else {
				hs = append(hs, hist{action: dossier.ActReceive, from: "", to: dossier.StatusReceived, actor: g.reception, at: rec})
			}
			if end == dossier.StatusReceived || add(dossier.ActAssign, dossier.StatusAppraising, g.appraiser, "", at(0.1)) {
				return
			}
			if supplement || end == dossier.StatusSupplementRequested {
				if add(dossier.ActRequestSupplement, dossier.StatusSupplementRequested, g.appraiser, "Cần bổ sung: Bản sao chứng thực giấy tờ pháp lý", at(0.2)) {
					pausedAt = ms(at(0.2))
					return
				}
				paused = at(0.3).Sub(at(0.2))
				add(dossier.ActSupplement, dossier.StatusAppraising, g.reception, "", at(0.3))
			}
			if end == dossier.StatusAppraising {
				return
			}
			if end == dossier.StatusWithdrawn {
				add(dossier.ActWithdraw, dossier.StatusWithdrawn, g.reception, "Công dân đề nghị rút hồ sơ", fin)
				return
			}
			if add(dossier.ActSubmitAppraisal, dossier.StatusAwaitingApproval, g.appraiser, "", at(0.5)) {
				return
			}
			if end == dossier.StatusRefused {
				add(dossier.ActRefuse, dossier.StatusRefused, g.approver, "Không đủ điều kiện theo quy định", fin)
				return
			}
			if add(dossier.ActApprove, dossier.StatusApproved, g.approver, "", at(0.7)) || add(dossier.ActIssue, dossier.StatusIssued, g.clerk, "", at(0.85)) {
				return
			}
			add(dossier.ActReturn, dossier.StatusReturned, g.reception, "", fin)
		}()
		var finishedAt any
		outcome := ""
		if end.Terminal() {
			finishedAt = ms(fin)
			if end != dossier.StatusWithdrawn {
				outcome = string(g.svc.CalendarFor(sp.center).Classify(fin, due))
			}
		}
		var receivedAt, dueAt any
		if status != dossier.StatusSubmitted {
			receivedAt, dueAt = ms(rec), ms(due)
		}
		var approvedAt any
		approverID, approverName, approverPos := int64(0), "", ""
		var issuedAt time.Time
		for _, h := range hs {
			switch h.action {
			case dossier.ActApprove:
				approvedAt, approverID, approverName, approverPos = ms(h.at), g.approver.id, g.approver.name, "Phó Giám đốc"
			case dossier.ActIssue:
				issuedAt = h.at
			}
		}
		mode := dossier.ModeStandard
		if p.FiveOnSpot {
			mode = dossier.ModeFiveOnSpot
		}
		recommendation, report, draft, reason := "", "", "", ""
		if len(hs) > 0 && status != dossier.StatusSubmitted && status != dossier.StatusReceived && status != dossier.StatusAppraising &&
			status != dossier.StatusSupplementRequested && status != dossier.StatusWithdrawn {
			recommendation, report, draft = "approve", "Hồ sơ đầy đủ, hợp lệ; đủ điều kiện giải quyết.", "Cấp "+p.Name+"."
			if end == dossier.StatusRefused {
				recommendation, draft, reason = "refuse", "", "Không đủ điều kiện theo quy định"
			}
		}
		verify := ""
		if approvedAt != nil {
			verify = store.HashToken("seedverify" + code)
		}
		var submittedAt any
		if submitted != nil {
			submittedAt = ms(*submitted)
		}
		// The rule set in force at the receipt; the measure date is the
		// appointment (the seed does not move it for the pause).
		rs := g.sched.At(rec, g.zone)
		assignee, supplements := int64(0), int64(0)
		for _, h := range hs {
			switch h.action {
			case dossier.ActAssign:
				assignee = g.appraiser.id
			case dossier.ActRequestSupplement:
				supplements++
			}
		}
		if err := dos.add(id, code, p.Code, p.AgencyCode, sp.center, channel, string(mode), string(status), int64(len(hs)),
			kind, name, vntext.Fold(name), idn, fmt.Sprintf("09%08d", g.rng.IntN(100000000)), seedPlaces[g.rng.IntN(len(seedPlaces))]+", tỉnh Bắc Ninh",
			submittedAt, receivedAt, dueAt, dueAt, dueAt, finishedAt, pausedAt, supplements, int64(paused/time.Second),
			outcome, assignee, recommendation, report, draft, reason, rs.FormSet, false,
			store.HashToken(SeedLookupToken(id)), approverID, approverName, approverPos, approvedAt, verify,
			ms(hs[0].at), ms(hs[len(hs)-1].at), string(rs.ID), dueAt); err != nil {
			return err
		}
		rep.Dossiers++
		for _, h := range hs {
			g.nextHist++
			if err := his.add(g.nextHist, id, string(h.action), string(h.from), string(h.to), h.actor.id, h.actor.name, h.behalfOf,
				h.note, nil, ms(h.at)); err != nil {
				return err
			}
			rep.History++
		}
		if !issuedAt.IsZero() {
			year := issuedAt.In(g.zone).Year()
			k := regKey{p.AgencyCode, p.ResultTypeCode, year}
			r := g.regs[k]
			if r == nil {
				r = &seedRegister{}
				if err := tx.QueryRowContext(ctx, `INSERT INTO registers (agency_code, year, result_type_code, symbol, last)
					VALUES ($1, $2, $3, $4, 0) RETURNING id`, p.AgencyCode, year, p.ResultTypeCode, sp.symbol).Scan(&r.id); err != nil {
					return fmt.Errorf("bench: seed: register: %w", err)
				}
				g.regs[k] = r
			}
			r.last++
			// Issue times follow the numbers within a register.
			r.lastAt = max(r.lastAt, ms(issuedAt))
			g.nextResult++
			if err := res.add(g.nextResult, id, r.id, r.last, dossier.FormatNumber(r.last, sp.symbol),
				dossier.DocumentCode(idn, p.ResultTypeCode, year, r.last), idn, name, p.ResultTypeCode, p.AgencyCode, r.lastAt,
				g.clerk.name, sp.sealID, sp.seal, "", "", store.HashToken("seedresult"+code), false, g.clerk.id); err != nil {
				return err
			}
			rep.Results++
		}
		if status == dossier.StatusReturned && g.rng.IntN(10) < 3 {
			level := store.RatingVerySatisfied
			switch r := g.rng.IntN(100); {
			case r < 3:
				level = store.RatingUnsatisfied
			case r < 20:
				level = store.RatingSatisfied
			}
			ch := "online"
			if g.rng.IntN(2) == 0 {
				ch = "kiosk"
			}
			g.nextRat++
			if err := rat.add(g.nextRat, id, code, p.Code, p.AgencyCode, sp.center, level, "", "{}", workflow.RatingScaleVersion, ch,
				ms(fin.Add(time.Hour))); err != nil {
				return err
			}
			rep.Ratings++
		}
	}
	for _, b := range []*bulk{dos, his, res, rat} {
		if err := b.flush(); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// finish records the registers' last numbers and the day sequences of
// dossier codes, and moves PostgreSQL's id sequences past the ids written.
func (g *seeder) finish(ctx context.Context, conn *sql.Conn) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, r := range g.regs {
		if _, err := tx.ExecContext(ctx, `UPDATE registers SET last = $1 WHERE id = $2`, r.last, r.id); err != nil {
			return err
		}
	}
	seq := g.newBulk(tx, `INSERT INTO dossier_seq (agency_code, day, last) VALUES `, 3)
	seq.suffix = ` ON CONFLICT (agency_code, day) DO UPDATE SET last = CASE WHEN excluded.last > dossier_seq.last
		THEN excluded.last ELSE dossier_seq.last END`
	for k, n := range g.daySeq {
		a, d, _ := strings.Cut(k, "|")
		if err := seq.add(a, d, n); err != nil {
			return err
		}
	}
	if err := seq.flush(); err != nil {
		return err
	}
	if g.db.Engine() == store.Postgres {
		for _, t := range seedTables {
			if _, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'), (SELECT MAX(id) FROM `+t+`))`); err != nil {
				return fmt.Errorf("bench: seed: sequence of %s: %w", t, err)
			}
		}
	}
	return tx.Commit()
}

func ms(t time.Time) int64 { return t.UnixMilli() }

// bulk writes rows with multi-row INSERT statements of at most
// maxParams parameters.
type bulk struct {
	tx     *sql.Tx
	pg     bool  // $N parameters; SQLite takes ? (its $N lookup is linear)
	parent *bulk // flushed first: its rows are referenced by these
	head   string
	suffix string
	cols   int
	rows   int
	args   []any
	b      strings.Builder
	// full is the statement of a full flush, prepared once per
	// transaction: parsing a statement of 30,000 parameters costs about
	// as much as running it.
	full *sql.Stmt
}

const maxParams = 30000

func (g *seeder) newBulk(tx *sql.Tx, head string, cols int) *bulk {
	return &bulk{tx: tx, head: head, cols: cols, pg: g.db.Engine() == store.Postgres}
}

func (bk *bulk) add(vals ...any) error {
	if len(vals) != bk.cols {
		return fmt.Errorf("bench: seed: %d values for %d columns", len(vals), bk.cols)
	}
	if bk.rows == 0 {
		bk.b.WriteString(bk.head)
	} else {
		bk.b.WriteByte(',')
	}
	bk.b.WriteByte('(')
	for i := range vals {
		if i > 0 {
			bk.b.WriteByte(',')
		}
		if bk.pg {
			fmt.Fprintf(&bk.b, "$%d", len(bk.args)+i+1)
		} else {
			bk.b.WriteByte('?')
		}
	}
	bk.b.WriteByte(')')
	bk.args = append(bk.args, vals...)
	bk.rows++
	if len(bk.args)+bk.cols > maxParams {
		return bk.flush()
	}
	return nil
}

func (bk *bulk) flush() error {
	if bk.rows == 0 {
		return nil
	}
	if bk.parent != nil {
		if err := bk.parent.flush(); err != nil {
			return err
		}
	}
	bk.b.WriteString(bk.suffix)
	var err error
	if bk.rows == maxParams/bk.cols {
		if bk.full == nil {
			bk.full, err = bk.tx.Prepare(bk.b.String())
		}
		if err == nil {
			_, err = bk.full.Exec(bk.args...)
		}
	} else {
		_, err = bk.tx.Exec(bk.b.String(), bk.args...)
	}
	if err != nil {
		return fmt.Errorf("bench: seed: %.40s…: %w", strings.TrimSpace(bk.head), err)
	}
	bk.b.Reset()
	bk.args, bk.rows = bk.args[:0], 0
	return nil
}
