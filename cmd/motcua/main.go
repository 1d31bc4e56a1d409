// Command motcua runs a Vietnamese Public Administration Center on the
// "5 tại chỗ" electronic process: one binary for the server, migrations,
// accounts, imports, the working calendar, signature verification and
// consistency checks. Run "motcua help" for the commands.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"motcua/calendar"
	"motcua/dossier"
	"motcua/sign"
	"motcua/workflow"
)

const usage = `motcua — Trung tâm Hành chính công "5 tại chỗ"

Cách dùng / Usage:
  motcua serve [--addr 127.0.0.1:8080] [--data DIR] [--db DSN] [--demo]
  motcua migrate [--data DIR] [--db DSN]
  motcua user add --username U --password-stdin --role ROLE --agency CODE [--name N] [--position P] [--center C] [--data DIR] [--db DSN]
  motcua import agencies|procedures|dossiers FILE [--skip-existing] [--data DIR] [--db DSN]
  motcua calendar due --from RFC3339 --days N | --hours H
  motcua calendar holidays YEAR
  motcua verify FILE.pdf [--lang en]
  motcua signing --user U --method server|agent|csc [--cert CERT.pem | --csc ACCOUNT.json] [--data DIR]
  motcua sign-agent --origin https://MOTCUA --module LIB.so --token LABEL --key LABEL [--chain CA.pem] [--addr 127.0.0.1:17870]
  motcua audit verify|anchor [--demo] [--data DIR] [--db DSN]   (MOTCUA_AUDIT_SEAL, MOTCUA_AUDIT_ANCHOR_EVERY)
  motcua check [--data DIR] [--db DSN]
  motcua backup --to DIR [--data DIR] [--db DSN]
  motcua restore --from DIR [--demo] [--data DIR] [--db DSN]
  motcua archive [--every 8760h] [--limit N] [--demo] [--data DIR] [--db DSN]   (MOTCUA_TSA_URL)
  motcua sync check --from RFC3339 --to RFC3339 [--resend=false] [--json] [--data DIR] [--db DSN]   (MOTCUA_DVCQG_URL, MOTCUA_DVCQG_TOKEN)
  motcua payments reconcile [--older-than 1m] [--json] [--data DIR] [--db DSN]   (MOTCUA_PAYMENT_URL, _MERCHANT, _SECRET)
  motcua bench [--base URL | --db DSN] [-c 32] [-d 30s | -n N] [--mode lifecycle|cheap] [--json]

Biến môi trường: MOTCUA_ADDR, MOTCUA_DATA, MOTCUA_DB mirror the flags (README.md, Configuration).
`

// usageError is a malformed command line: exit status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return usageError{err: fmt.Errorf(format, a...)} }

func main() {
	if len(os.Args) == 2 && os.Args[1] == hashWorkerArg {
		if err := runHashWorker(os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "hash worker:", err)
			os.Exit(1)
		}
		return
	}
	selfBinary, _ = os.Executable()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr))
}

// run executes one command and returns the process exit status: 0 success,
// 1 failure, 2 malformed command line.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	err := dispatch(ctx, args, getenv, stdin, stdout, stderr)
	var ue usageError
	var ec exitCode
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ec):
		return int(ec)
	case errors.As(err, &ue):
		fmt.Fprintln(stderr, "lỗi:", err)
		return 2
	case errors.Is(err, flag.ErrHelp):
		return 0
	default:
		msg := err.Error()
		if c := dossier.ErrorCode(err); c != dossier.EINTERNAL {
			msg = dossier.ErrorMessage(err)
			for _, f := range dossier.ErrorFields(err) {
				if f.Line > 0 {
					msg += fmt.Sprintf("\n  dòng %d, cột %s: %s", f.Line, f.Field, f.Message)
				} else {
					msg += fmt.Sprintf("\n  %s: %s", f.Field, f.Message)
				}
			}
		}
		fmt.Fprintln(stderr, "lỗi:", msg)
		return 1
	}
}

// exitCode carries an exit status out of a command (verify: 1 = invalid).
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit %d", int(e)) }

func dispatch(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usagef("thiếu lệnh")
	}
	switch args[0] {
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	case "serve":
		return cmdServe(ctx, args[1:], cfg, stdout, stderr)
	case "migrate":
		if err := parseFlags(cfg.storageFlags("migrate"), args[1:], stdout); err != nil {
			return err
		}
		db, err := openStore(ctx, cfg)
		if err != nil {
			return err
		}
		defer db.Close()
		fmt.Fprintf(stdout, "Đã áp dụng migration (%s)\n", db.Engine())
		return nil
	case "user":
		if len(args) < 2 || args[1] != "add" {
			return usagef("cách dùng: motcua user add --username U --password-stdin --role ROLE --agency CODE")
		}
		return cmdUserAdd(ctx, args[2:], cfg, stdin, stdout)
	case "import":
		return cmdImport(ctx, args[1:], cfg, stdout, stderr)
	case "calendar":
		return cmdCalendar(args[1:], stdout, func(data, dsn string) ([]calendar.Override, error) {
			c := cfg
			c.Data, c.DSN = data, dsn
			db, err := openStore(ctx, c)
			if err != nil {
				return nil, err
			}
			defer db.Close()
			os, err := db.Overrides(ctx, 0)
			if err != nil {
				return nil, err
			}
			return workflow.ToCalendarOverrides(os, ""), nil
		})
	case "verify":
		if code := sign.RunVerifyCLI(args[1:], stdout, cfg.Signing.TrustDir, time.Now()); code != 0 {
			return exitCode(code)
		}
		return nil
	case "audit":
		return cmdAudit(ctx, args[1:], cfg, stdout)
	case "check":
		return cmdCheck(ctx, args[1:], cfg, stdout)
	case "backup":
		return cmdBackup(ctx, args[1:], cfg, stdout)
	case "restore":
		return cmdRestore(ctx, args[1:], cfg, stdout)
	case "archive":
		return cmdArchive(ctx, args[1:], cfg, stdout)
	case "bench":
		return cmdBench(ctx, args[1:], cfg, stdout, stderr)
	case "sign-agent":
		return cmdSignAgent(ctx, args[1:], cfg, stdin, stdout)
	case "signing":
		return cmdSigning(args[1:], cfg, stdout)
	case "payments":
		return cmdPayments(ctx, args[1:], cfg, stdout)
	case "sync":
		return cmdSync(ctx, args[1:], cfg, stdout)
	}
	fmt.Fprint(stderr, usage)
	return usagef("lệnh không hợp lệ: %q", args[0])
}

func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	fs.SetOutput(stdout)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err: err}
	}
	if fs.NArg() > 0 && fs.Name() != "import" {
		return usagef("đối số thừa: %v", fs.Args())
	}
	return nil
}

// reportFlags starts a one-shot report command "cmd sub": args must begin
// with sub (else the usage error); it returns the storage flags of
// "cmd sub" with --json, for the caller to add its own and parse args[1:].
func (c *config) reportFlags(args []string, cmd, sub, usage string) (*flag.FlagSet, *bool, error) {
	if len(args) == 0 || args[0] != sub {
		return nil, nil, usagef("%s", usage)
	}
	fs := c.storageFlags(cmd + " " + sub)
	return fs, fs.Bool("json", false, "in kết quả dạng JSON"), nil
}

// printReport writes rep to stdout as JSON when asJSON (indented when
// indent), else as text.
func printReport(stdout io.Writer, asJSON, indent bool, rep any, text func()) error {
	if !asJSON {
		text()
		return nil
	}
	enc := json.NewEncoder(stdout)
	if indent {
		enc.SetIndent("", "  ")
	}
	return enc.Encode(rep)
}

func cmdUserAdd(ctx context.Context, args []string, c config, stdin io.Reader, stdout io.Writer) error {
	fs := c.storageFlags("user add")
	var username, role, agency, name, position, center string
	var pwStdin bool
	fs.StringVar(&username, "username", "", "tên đăng nhập")
	fs.BoolVar(&pwStdin, "password-stdin", false, "đọc mật khẩu từ stdin")
	fs.StringVar(&role, "role", "", "vai trò: reception, appraiser, approver, clerk, supervisor, admin (nhiều vai trò cách nhau dấu phẩy)")
	fs.StringVar(&agency, "agency", "", "mã cơ quan")
	fs.StringVar(&name, "name", "", "họ tên")
	fs.StringVar(&position, "position", "", "chức vụ (ví dụ Giám đốc)")
	fs.StringVar(&center, "center", "", "mã trung tâm làm việc")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if username == "" || role == "" || !pwStdin {
		return usagef("cần --username, --role và --password-stdin")
	}
	pw, err := io.ReadAll(io.LimitReader(stdin, 1024))
	if err != nil {
		return err
	}
	var roles []dossier.Role
	for _, r := range strings.Split(role, ",") {
		roles = append(roles, dossier.Role(strings.TrimSpace(r)))
	}
	db, svc, err := openService(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	in := workflow.NewUserInput{Username: username, Password: strings.TrimRight(string(pw), "\r\n"), Name: name, Agency: agency,
		Position: position, Roles: roles}
	if center != "" {
		in.Centers = []string{center}
	}
	u, err := svc.CreateUser(ctx, nil, in)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Đã tạo tài khoản %s (id %d, vai trò %v)\n", u.Username, u.ID, u.Roles)
	return nil
}

func cmdImport(ctx context.Context, args []string, c config, stdout, stderr io.Writer) error {
	if len(args) < 2 {
		return usagef("cách dùng: motcua import agencies|procedures|dossiers FILE")
	}
	kind, file := args[0], args[1]
	fs := c.storageFlags("import")
	skip := fs.Bool("skip-existing", false, "bỏ qua hồ sơ đã có (import dossiers)")
	if err := parseFlags(fs, args[2:], stdout); err != nil {
		return err
	}
	switch kind {
	case "agencies", "procedures", "dossiers":
	default:
		return usagef("loại dữ liệu phải là agencies, procedures hoặc dossiers")
	}
	f, err := os.Open(file)
	if err != nil {
		return usagef("không mở được tệp: %v", err)
	}
	defer f.Close()
	db, svc, err := openService(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	progress := func(done, total int) {
		fmt.Fprintf(stderr, "\rĐang ghi: %d/%d (%d%%)", done, total, done*100/max(total, 1))
		if done == total {
			fmt.Fprintln(stderr)
		}
	}
	res, err := svc.Import(ctx, nil, kind, file, f, workflow.ImportOptions{SkipExisting: *skip, Progress: progress})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Đã nhập %s: %d dòng, %d mới, %d cập nhật, %d bỏ qua\n", res.Kind, res.Rows, res.Created, res.Updated, res.Skipped)
	return nil
}

func cmdCheck(ctx context.Context, args []string, c config, stdout io.Writer) error {
	db, err := openStoreWithFlags(ctx, "check", args, c, stdout)
	if err != nil {
		return err
	}
	defer db.Close()
	bad, n, err := db.CheckConsistency(ctx)
	if err != nil {
		return err
	}
	for _, b := range bad {
		fmt.Fprintf(stdout, "Không nhất quán: %s\n", b)
	}
	if len(bad) > 0 {
		return exitCode(1)
	}
	fmt.Fprintf(stdout, "Nhất quán: %d hồ sơ, trạng thái khớp lịch sử.\n", n)
	return nil
}

// cmdArchive makes or renews the archive copies (PAdES B-LTA) of issued
// results: fresh revocation data and a document timestamp from
// MOTCUA_TSA_URL. Run it from cron; --every is how often a copy is renewed.
func cmdArchive(ctx context.Context, args []string, c config, stdout io.Writer) error {
	fs := c.storageFlags("archive")
	every := fs.Duration("every", 365*24*time.Hour, "làm mới bản lưu trữ sau khoảng thời gian này")
	limit := fs.Int("limit", 1000, "số kết quả tối đa mỗi lần chạy")
	fs.BoolVar(&c.Demo, "demo", c.Demo, "khóa và CA demo (như serve --demo)")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if *every < 0 || *limit <= 0 {
		return usagef("--every phải không âm và --limit phải dương")
	}
	db, svc, err := openService(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	// One archiving run at a time across the instances of a cluster.
	release, ok, err := db.TryLock(ctx, "archive")
	if err != nil {
		return err
	}
	if !ok {
		fmt.Fprintln(stdout, "Một máy chủ khác đang lưu trữ kết quả; bỏ qua lần chạy này.")
		return nil
	}
	defer release()
	n, err := svc.ArchiveResults(ctx, *every, *limit)
	fmt.Fprintf(stdout, "Đã lưu trữ dài hạn (PAdES B-LTA) %d kết quả.\n", n)
	return err
}
