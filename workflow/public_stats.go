package workflow

import (
	"context"
	"fmt"
	"strconv"

	"motcua/dossier"
)

// PublicStatRow is one agency's (or month's) public figures: the duty to
// publish the results of handling procedures (công khai kết quả giải
// quyết, NĐ 61/2018 Điều 6; seed "công khai"). Counts and rates only —
// no dossier, no person.
type PublicStatRow struct {
	Code             string  `json:"code"`
	Name             string  `json:"name"`
	Received         int64   `json:"received"`
	ReceivedOnline   int64   `json:"received_online"`
	OnlineRate       float64 `json:"online_rate"`
	Resolved         int64   `json:"resolved"`
	ResolvedOnTime   int64   `json:"resolved_on_time"` // early or on time
	OnTimeRate       float64 `json:"on_time_rate"`
	Ratings          int64   `json:"ratings"`
	SatisfactionRate float64 `json:"satisfaction_rate"`
}

// PublicStatistics is the public statistics of one year, to date.
type PublicStatistics struct {
	Year     int             `json:"year"`
	From     string          `json:"from"`
	To       string          `json:"to"`
	Total    PublicStatRow   `json:"total"`
	ByAgency []PublicStatRow `json:"by_agency"`
	ByMonth  []PublicStatRow `json:"by_month"`
}

func publicRow(code, name string, s Summary) PublicStatRow {
	return PublicStatRow{Code: code, Name: name, Received: s.Received, ReceivedOnline: s.ReceivedOnline, OnlineRate: s.OnlineRate,
		Resolved: s.Resolved, ResolvedOnTime: s.ResolvedEarly + s.ResolvedOnTime, OnTimeRate: s.OnTimeRate,
		Ratings: s.Ratings, SatisfactionRate: s.SatisfactionRate}
}

// PublicStatistics returns the figures of year ("" = the current year)
// for everyone, per agency and per month, up to today. Agencies with no
// dossier and no rating in the year are left out.
func (s *Service) PublicStatistics(ctx context.Context, year string) (*PublicStatistics, error) {
	today := s.now().In(s.Location())
	y := today.Year()
	if year != "" {
		n, err := strconv.Atoi(year)
		if err != nil || n < 2000 || n > today.Year() {
			return nil, dossier.Invalid("Năm không hợp lệ", dossier.FieldError{Field: "year", Message: fmt.Sprintf("từ 2000 đến %d", today.Year())})
		}
		y = n
	}
	q := ReportQuery{From: fmt.Sprintf("%04d-01-01", y), To: fmt.Sprintf("%04d-12-31", y)}
	if y == today.Year() {
		q.To = today.Format("2006-01-02")
	}
	// The public reads the aggregates of every center, as an
	// administrator would; they hold counts, never a dossier or a name.
	reader := &dossier.User{Name: "Công khai", Roles: []dossier.Role{dossier.RoleAdmin}}
	ag, err := s.Breakdown(ctx, reader, q, ByAgency)
	if err != nil {
		return nil, err
	}
	mo, err := s.Breakdown(ctx, reader, q, ByMonth)
	if err != nil {
		return nil, err
	}
	out := &PublicStatistics{Year: y, From: q.From, To: q.To, Total: publicRow("", "Toàn tỉnh", ag.Total),
		ByAgency: []PublicStatRow{}, ByMonth: []PublicStatRow{}}
	for _, it := range ag.Items {
		if it.Received == 0 && it.Resolved == 0 && it.Ratings == 0 {
			continue
		}
		out.ByAgency = append(out.ByAgency, publicRow(it.Code, it.Name, it.Summary))
	}
	for _, it := range mo.Items {
		out.ByMonth = append(out.ByMonth, publicRow(it.Code, it.Name, it.Summary))
	}
	return out, nil
}
