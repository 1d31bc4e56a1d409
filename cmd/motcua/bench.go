package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"motcua/bench"
)

const benchUsage = `motcua bench — công cụ đo tải / load tool

  motcua bench [--base URL | --db DSN] [-c 32] [-d 30s | -n N] [--mode lifecycle|cheap|read]
               [--online 0.1] [--supplement 0.1] [--clarify 0.05] [--refuse 0.05] [--json]
  motcua bench seed --dossiers N [--data DIR | --db DSN] [--years 5] [--json]

Without --base it starts "motcua serve --demo" on a temporary data directory
(SQLite, or --db postgres://…) and stops it at the end.
`

// cmdBench runs the load tool (contract §9).
func cmdBench(ctx context.Context, args []string, c config, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "seed" {
		return cmdBenchSeed(ctx, args[1:], c, stdout, stderr)
	}
	var cfg bench.Config
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.Usage = func() {
		io.WriteString(fs.Output(), benchUsage)
		fs.PrintDefaults()
	}
	fs.StringVar(&cfg.Base, "base", "", "URL của máy chủ đang chạy với --demo (bỏ trống: tự khởi động một máy chủ tạm)")
	fs.StringVar(&cfg.DB, "db", c.DSN, "postgres://… cho máy chủ tự khởi động (bỏ trống: SQLite)")
	fs.StringVar(&cfg.Data, "data", "", "thư mục dữ liệu của máy chủ tự khởi động (mặc định: thư mục tạm, xóa khi xong)")
	fs.StringVar(&cfg.Binary, "binary", "", "tệp motcua để khởi động (mặc định: chính tệp này)")
	fs.StringVar(&cfg.Synchronous, "sqlite-synchronous", "", "FULL (mặc định) hoặc NORMAL, cho máy chủ tự khởi động")
	fs.IntVar(&cfg.PID, "pid", 0, "tiến trình máy chủ (--base) để đọc CPU và RSS từ /proc")
	fs.StringVar(&cfg.Mode, "mode", bench.ModeLifecycle, "lifecycle (trọn vòng đời có ký số), cheap (yêu cầu bổ sung ↔ bổ sung) hoặc read (đọc: danh sách, hồ sơ, tra cứu, báo cáo)")
	fs.IntVar(&cfg.Clients, "c", 32, "số cán bộ đồng thời")
	fs.DurationVar(&cfg.Duration, "d", 0, "thời gian chạy (mặc định 30s nếu không có -n)")
	fs.IntVar(&cfg.Count, "n", 0, "số vòng đời (cheap: số chuyển trạng thái; read: số yêu cầu) rồi dừng")
	fs.DurationVar(&cfg.Warmup, "warmup", 0, "chạy khởi động trước khi đo (không tính)")
	fs.StringVar(&cfg.Procedure, "procedure", "2.001610", "mã thủ tục")
	fs.Float64Var(&cfg.Online, "online", 0, "tỷ lệ hồ sơ nộp trực tuyến rồi được tiếp nhận")
	fs.Float64Var(&cfg.Supplement, "supplement", 0, "tỷ lệ hồ sơ phải bổ sung")
	fs.Float64Var(&cfg.Clarify, "clarify", 0, "tỷ lệ hồ sơ lãnh đạo yêu cầu giải trình")
	fs.Float64Var(&cfg.Refuse, "refuse", 0, "tỷ lệ hồ sơ bị từ chối")
	fs.IntVar(&cfg.BlobKB, "blob-kb", 32, "kích thước mỗi tệp thành phần (KB)")
	fs.IntVar(&cfg.PerClient, "per-client", 4, "số hồ sơ mỗi cán bộ (cheap)")
	fs.StringVar(&cfg.CheapLoop, "cheap-loop", bench.LoopClarify, "vòng cheap: clarify (yêu cầu giải trình ↔ trình lại, không tạo giấy tờ) hoặc supplement (yêu cầu bổ sung ↔ bổ sung, có Mẫu 02 ký số)")
	fs.BoolVar(&cfg.Idempotent, "idempotency-keys", false, "gửi Idempotency-Key với mọi yêu cầu ghi")
	fs.IntVar(&cfg.Users, "users", 1000, "số người dùng mô phỏng (read)")
	fs.DurationVar(&cfg.Think, "think", time.Second, "thời gian nghỉ trung bình giữa hai yêu cầu của một người dùng (read)")
	fs.Int64Var(&cfg.Seeded, "seeded", 0, "số hồ sơ do bench seed tạo (id 1..N, để tra cứu công khai; read)")
	fs.StringVar(&cfg.Password, "password", "demo", "mật khẩu các tài khoản demo")
	fs.StringVar(&cfg.RawDir, "raw-dir", "", "thư mục đo tốc độ commit thô (mặc định: thư mục dữ liệu của máy chủ)")
	fs.DurationVar(&cfg.RawDuration, "raw", 2*time.Second, "thời gian đo tốc độ commit thô (0: bỏ qua)")
	fs.StringVar(&cfg.ProfileDir, "profile", "", "ghi hồ sơ CPU và mutex (pprof) của máy chủ tự khởi động vào thư mục này")
	ackLog := fs.String("ack-log", "", "ghi mỗi thao tác ghi đã được xác nhận (JSON mỗi dòng) vào tệp này")
	fs.BoolVar(&cfg.JSON, "json", false, "in kết quả dạng JSON")
	fs.Uint64Var(&cfg.Seed, "seed", 0, "hạt giống ngẫu nhiên (0: theo thời gian)")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if cfg.Clients <= 0 || cfg.Count < 0 || cfg.Duration < 0 || cfg.BlobKB < 0 {
		return usagef("-c phải dương; -n, -d, --blob-kb không âm")
	}
	if cfg.RawDuration == 0 {
		cfg.RawDuration = -1
	}
	cfg.Progress = stderr
	if *ackLog != "" {
		f, err := os.Create(*ackLog)
		if err != nil {
			return err
		}
		defer f.Close()
		cfg.AckLog = f
	}
	rep, err := bench.Run(ctx, cfg)
	if err != nil {
		return err
	}
	if err := rep.Print(stdout, cfg.JSON); err != nil {
		return err
	}
	if rep.ErrorCount > 0 {
		return exitCode(1)
	}
	return nil
}

// cmdBenchSeed fills a database with a synthetic province for the read
// mix (bench.Seed).
func cmdBenchSeed(ctx context.Context, args []string, c config, stdout, stderr io.Writer) error {
	fs := c.storageFlags("bench seed")
	var o bench.SeedOptions
	fs.IntVar(&o.Dossiers, "dossiers", 100000, "số hồ sơ tạo ra")
	fs.IntVar(&o.Years, "years", 5, "trải đều trong số năm trước hôm nay")
	fs.Uint64Var(&o.Seed, "seed", 1, "hạt giống ngẫu nhiên")
	fs.IntVar(&o.Batch, "batch", 5000, "số hồ sơ mỗi giao dịch")
	asJSON := fs.Bool("json", false, "in kết quả dạng JSON")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if o.Dossiers < 0 || o.Years <= 0 || o.Batch <= 0 {
		return usagef("--dossiers không âm; --years, --batch dương")
	}
	start := time.Now()
	db, err := openStore(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	c.Demo = true // the demo catalog and accounts
	svc, err := newService(c, db, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	o.Now = time.Now()
	o.Progress = func(done, total int) {
		fmt.Fprintf(stderr, "\rĐang tạo: %d/%d hồ sơ (%.0f/s)   ", done, total, float64(done)/time.Since(start).Seconds())
	}
	rep, err := bench.Seed(ctx, db, svc, o)
	fmt.Fprintln(stderr)
	if err != nil {
		return err
	}
	took := time.Since(start)
	if *asJSON {
		return json.NewEncoder(stdout).Encode(map[string]any{"seed": rep, "seconds": took.Seconds(), "engine": db.Engine()})
	}
	fmt.Fprintf(stdout, "Đã tạo %d hồ sơ (%d dòng lịch sử, %d kết quả, %d đánh giá) trên %s trong %.1f s (%.0f hồ sơ/s); id %d–%d\n",
		rep.Dossiers, rep.History, rep.Results, rep.Ratings, db.Engine(), took.Seconds(), float64(rep.Dossiers)/took.Seconds(), rep.FirstID, rep.LastID)
	return nil
}
