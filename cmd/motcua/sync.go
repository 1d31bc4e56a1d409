package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
)

// cmdSync runs "motcua sync check": it compares the dossiers received in
// [--from, --to) with what the national portal holds (MOTCUA_DVCQG_URL)
// and queues a resync of each missing or stale dossier (unless
// --resend=false); the running servers' outbox relay sends them. Exit
// status 1 when something was missing or stale.
func cmdSync(ctx context.Context, args []string, c config, stdout io.Writer) error {
	fs, asJSON, err := c.reportFlags(args, "sync", "check", "cách dùng: motcua sync check --from RFC3339 --to RFC3339 [--resend=false] [--json]")
	if err != nil {
		return err
	}
	from := fs.String("from", "", "từ thời điểm (RFC 3339, ví dụ 2026-11-01T00:00:00+07:00)")
	to := fs.String("to", "", "đến thời điểm (không kể), RFC 3339")
	resend := fs.Bool("resend", true, "gửi lại hồ sơ thiếu hoặc lệch trạng thái")
	if err := parseFlags(fs, args[1:], stdout); err != nil {
		return err
	}
	f, err1 := time.Parse(time.RFC3339, *from)
	t, err2 := time.Parse(time.RFC3339, *to)
	if err1 != nil || err2 != nil {
		return usagef("--from và --to phải theo RFC 3339, ví dụ 2026-11-01T00:00:00+07:00")
	}
	if c.DVCQG.URL == "" {
		return usagef("chưa cấu hình MOTCUA_DVCQG_URL (địa chỉ đồng bộ của Cổng Dịch vụ công quốc gia)")
	}
	db, svc, err := openService(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := svc.SyncCheck(ctx, f, t, *resend)
	if err != nil {
		return err
	}
	if err := printReport(stdout, *asJSON, true, rep, func() {
		fmt.Fprintf(stdout, "Hồ sơ tiếp nhận từ %s đến %s: %d tại hệ thống, %d trên Cổng DVCQG.\n",
			f.Format(time.RFC3339), t.Format(time.RFC3339), rep.Local, rep.Remote)
		if len(rep.Missing) > 0 {
			fmt.Fprintf(stdout, "Chưa có trên Cổng: %d (%s)\n", len(rep.Missing), strings.Join(rep.Missing, ", "))
		}
		if len(rep.Stale) > 0 {
			fmt.Fprintf(stdout, "Lệch trạng thái: %d (%s)\n", len(rep.Stale), strings.Join(rep.Stale, ", "))
		}
		if len(rep.Unknown) > 0 {
			fmt.Fprintf(stdout, "Có trên Cổng nhưng không có tại hệ thống: %d (%s)\n", len(rep.Unknown), strings.Join(rep.Unknown, ", "))
		}
		if rep.Waiting > 0 {
			fmt.Fprintf(stdout, "Tin nhắn tới Cổng đang chờ gửi hoặc đã dừng: %d (xem /quan-tri/hop-thu-di)\n", rep.Waiting)
		}
		if rep.Resent > 0 {
			fmt.Fprintf(stdout, "Đã xếp %d hồ sơ vào hàng gửi lại.\n", rep.Resent)
		}
		if rep.Verified {
			fmt.Fprintln(stdout, "Khớp: mọi hồ sơ đã có trên Cổng với trạng thái đúng.")
		}
	}); err != nil {
		return err
	}
	if !rep.Verified {
		return exitCode(1)
	}
	return nil
}
