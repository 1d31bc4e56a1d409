// Package demo loads the demo province: Bắc Ninh as Decision 299/QĐ-UBND
// (2021) describes it — the provincial Public Administration Center and the
// eight district-level centers, the provincial departments and district
// offices, 47 real procedures (22 under "5 tại chỗ"), the six demo
// accounts of contract §5, a delegation, seals and a leader's schedule.
// Loading is idempotent.
package demo

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/csv"
	"fmt"
	"strings"
	"time"

	"motcua/dossier"
	"motcua/store"
	"motcua/workflow"
)

//go:embed agencies-bacninh.csv
var agenciesCSV []byte

//go:embed procedures-bacninh.csv
var proceduresCSV []byte

// exchangeCSV marks the demo's inter-agency procedures (document
// exchange, issue 18 item 5), in the columns of the procedure import.
//
//go:embed exchange-bacninh.csv
var exchangeCSV []byte

// Password is the password of every demo account (demo mode only).
const Password = "demo"

// Account is a demo account printed at start.
type Account struct {
	Username string
	Role     dossier.Role
	Name     string
	Agency   string
	Center   string
}

// Accounts are the six demo accounts (contract §5).
var Accounts = []Account{
	{"reception", dossier.RoleReception, "Nguyễn Thị Hoa", "BN.TTHCC", "BN.TTHCC"},
	{"appraiser", dossier.RoleAppraiser, "Trần Văn Minh", "BN.SKHDT", "BN.TTHCC"},
	{"approver", dossier.RoleApprover, "Lê Thị Thu Hà", "BN.SKHDT", "BN.TTHCC"},
	{"clerk", dossier.RoleClerk, "Phạm Văn Đức", "BN.SKHDT", "BN.TTHCC"},
	{"supervisor", dossier.RoleSupervisor, "Hoàng Minh Tuấn", "BN.TTHCC", "BN.TTHCC"},
	{"admin", dossier.RoleAdmin, "Quản trị hệ thống", "BN", "BN.TTHCC"},
}

// provinceCode is Bắc Ninh's level-1 identifier (H06, inferred: see
// regulation.md Part B §2; configure the real one on deployment).
const provinceCode = "H06"

// Load creates the demo province in db, the store svc runs on: through
// the use cases where there is one (import, accounts, delegation,
// schedule), and directly in the store for the seed data no use case
// writes (agency identifiers, centers, seals). A second call changes
// nothing. Several instances started together on one database load it
// once: the first takes a cluster-wide lock, the others wait for it and
// find it loaded.
func Load(ctx context.Context, svc *workflow.Service, db *store.DB) error {
	return db.WithLock(ctx, "demo-load", func() error { return load(ctx, svc, db) })
}

func load(ctx context.Context, svc *workflow.Service, db *store.DB) error {
	if _, err := db.UserByName(ctx, "admin"); err == nil {
		return nil
	}
	if _, err := svc.Import(ctx, nil, "agencies", "agencies.csv", bytes.NewReader(agenciesCSV), workflow.ImportOptions{}); err != nil {
		return fmt.Errorf("demo agencies: %w", err)
	}
	procs, err := svc.ParseProcedures("procedures.csv", bytes.NewReader(proceduresCSV))
	if err != nil {
		return fmt.Errorf("demo procedures: %w", err)
	}
	if err := markExchange(procs); err != nil {
		return fmt.Errorf("demo exchange: %w", err)
	}
	as, err := svc.ParseAgencies("agencies.csv", bytes.NewReader(agenciesCSV))
	if err != nil {
		return err
	}
	now := svc.Now()
	err = db.InTx(ctx, now, func(tx *store.Tx) error {
		// National agency identifiers in the QCVN 102 shape: departments
		// 000.00.NN.H06, districts 000.00.NN.H06 at level 2 and their
		// offices 000.MM.NN.H06.
		dept, dist := 0, 0
		distIdx := map[string]int{}
		for i := range as {
			a := &as[i]
			switch {
			case a.Code == "BN":
				a.Identifier = "000.00.00." + provinceCode
			case a.ParentCode == "BN" && a.Level == dossier.LevelProvince:
				dept++
				a.Identifier = fmt.Sprintf("000.00.%02d.%s", dept, provinceCode)
			case a.ParentCode == "BN":
				dist++
				distIdx[a.Code] = 50 + dist
				a.Identifier = fmt.Sprintf("000.00.%02d.%s", 50+dist, provinceCode)
			}
		}
		office := map[string]int{}
		for i := range as {
			a := &as[i]
			if n, ok := distIdx[a.ParentCode]; ok {
				office[a.ParentCode]++
				a.Identifier = fmt.Sprintf("000.%02d.%02d.%s", office[a.ParentCode], n, provinceCode)
			}
			if err := tx.UpsertAgency(a); err != nil {
				return err
			}
		}
		for i := range as {
			a := as[i]
			if !strings.HasSuffix(a.Code, ".TTHCC") {
				continue
			}
			c := &dossier.Center{Code: a.Code, Name: a.Name, Level: a.Level, AgencyCode: a.Code,
				Counters: []dossier.Counter{{Code: "Q01", Name: "Quầy 01"}, {Code: "Q02", Name: "Quầy 02"}, {Code: "Q03", Name: "Quầy 03"}}}
			switch a.Code {
			case "BN.TTHCC":
				c.Address = "Số 11 đường Lý Thái Tổ, phường Suối Hoa, thành phố Bắc Ninh"
			case "BN.TPBACNINH.TTHCC":
				// Receives on Saturday mornings (a per-center working week).
				c.SaturdayHours = "07:30-11:30"
			}
			if err := tx.UpsertCenter(c); err != nil {
				return err
			}
		}
		for i := range procs {
			p := &procs[i]
			if p.Level == dossier.LevelProvince {
				p.ApproverPosition = "Giám đốc"
			} else {
				p.ApproverPosition = "Trưởng phòng"
			}
			if p.FiveOnSpot {
				p.FiveOnSpotDecree = &dossier.FiveOnSpotDesignation{Decision: "299/QĐ-UBND", DecisionDate: "2021-03-30", EffectiveFrom: "2021-04-01"}
				// Printed results of "5 tại chỗ" procedures are stamped at
				// the center with the agency's second seal kept there.
				p.Seal.SecondSeal = true
			}
			p.Process = defaultProcess(p)
			if err := tx.UpsertProcedure(p); err != nil {
				return err
			}
		}
		for _, a := range as {
			if a.Code == "BN" || strings.HasSuffix(a.Code, ".TTHCC") || (a.ParentCode != "BN" && !strings.Contains(a.Code, ".P")) {
				continue
			}
			if err := tx.UpsertSeal(&dossier.Seal{AgencyCode: a.Code, Kind: dossier.SealElectronic, Name: "Dấu điện tử " + a.Name,
				KeyRef: "demo:" + a.Code, Active: true}); err != nil {
				return err
			}
		}
		return tx.UpsertSeal(&dossier.Seal{AgencyCode: "BN.SKHDT", Kind: dossier.SealPhysical, Name: "Dấu thứ hai Sở Kế hoạch và Đầu tư (đặt tại Trung tâm HCC)",
			CenterCode: "BN.TTHCC", Active: true})
	})
	if err != nil {
		return err
	}
	// The centers' own working weeks take effect now.
	if err := svc.ReloadCalendar(ctx); err != nil {
		return err
	}
	ids := map[string]int64{}
	hash := workflow.HashPassword(Password)
	for _, a := range Accounts {
		in := workflow.NewUserInput{Username: a.Username, Password: Password, PasswordHash: hash, Name: a.Name, Agency: a.Agency,
			Roles: []dossier.Role{a.Role}, Centers: []string{a.Center}}
		switch a.Role {
		case dossier.RoleReception:
			in.Counter = "Q01"
		case dossier.RoleApprover:
			in.Position = "Phó Giám đốc"
		case dossier.RoleAppraiser:
			in.Position = "Chuyên viên"
		case dossier.RoleClerk:
			in.Position = "Văn thư"
		}
		u, err := svc.CreateUser(ctx, nil, in)
		if err != nil {
			return fmt.Errorf("demo user %s: %w", a.Username, err)
		}
		ids[a.Username] = u.ID
	}
	admin, err := db.User(ctx, ids["admin"])
	if err != nil {
		return err
	}
	// The director delegates approval of the department's "5 tại chỗ"
	// procedures to the deputy working at the center (seed IV.2).
	if _, err := svc.CreateDelegation(ctx, admin, dossier.Delegation{AgencyCode: "BN.SKHDT", FromPosition: "Giám đốc",
		ToUserID: ids["approver"], ValidFrom: now.AddDate(0, -1, 0), ValidTo: now.AddDate(2, 0, 0),
		BasisDocument: "Quyết định số 15/QĐ-SKHĐT ngày 05/4/2021 về ủy quyền phê duyệt tại Trung tâm HCC", Capacity: dossier.CapacityKT}); err != nil {
		return fmt.Errorf("demo delegation: %w", err)
	}
	loc := svc.Location()
	day := now.In(loc)
	for i := 0; i < 14; i++ {
		d := time.Date(day.Year(), day.Month(), day.Day()+i, 0, 0, 0, 0, loc)
		if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			continue
		}
		if _, err := svc.CreateShift(ctx, admin, dossier.LeaderShift{UserID: ids["approver"], CenterCode: "BN.TTHCC",
			StartsAt: d.Add(7*time.Hour + 30*time.Minute), EndsAt: d.Add(17 * time.Hour)}); err != nil {
			return fmt.Errorf("demo schedule: %w", err)
		}
	}
	return nil
}

// defaultProcess splits a procedure's time into the internal steps of the
// "5 tại chỗ" process: appraisal 60 %, approval 20 %, numbering and sealing
// 10 %, return 10 % of the working hours (7.5 per working day).
func defaultProcess(p *dossier.Procedure) []dossier.ProcessStep {
	total := 7.5
	switch {
	case p.ProcessingHours != nil:
		total = float64(*p.ProcessingHours)
		if *p.ProcessingHours == 8 {
			total = 7.5
		}
	case p.ProcessingDays != nil && *p.ProcessingDays > 0:
		total = 7.5 * float64(*p.ProcessingDays)
	}
	return []dossier.ProcessStep{
		{Code: "TD", Name: "Thẩm định", Role: dossier.RoleAppraiser, Hours: total * 0.6},
		{Code: "PD", Name: "Phê duyệt", Role: dossier.RoleApprover, Hours: total * 0.2},
		{Code: "DD", Name: "Lấy số, đóng dấu", Role: dossier.RoleClerk, Hours: total * 0.1},
		{Code: "TKQ", Name: "Trả kết quả", Role: dossier.RoleReception, Hours: total * 0.1},
	}
}

// markExchange sets the exchange plans of exchangeCSV on procs.
func markExchange(procs []dossier.Procedure) error {
	rows, err := csv.NewReader(bytes.NewReader(exchangeCSV)).ReadAll()
	if err != nil {
		return err
	}
	for _, row := range rows[1:] {
		plan, err := workflow.ParseExchangeColumns(row[1], row[2])
		if err != nil {
			return fmt.Errorf("%s: %w", row[0], err)
		}
		for i := range procs {
			if procs[i].Code == row[0] {
				procs[i].Exchange = plan
			}
		}
	}
	return nil
}
