package main

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"motcua/render"
	"motcua/sign"
	"motcua/sign/agent"
	"motcua/sign/csc"
	"motcua/workflow"
)

// cmdSignAgent runs "motcua sign-agent": the officer's local signing agent
// on their own computer (see package sign/agent). It listens on
// 127.0.0.1 only, serves only the motcua origin given by --origin, and
// asks the PIN of the USB token on this terminal for every signature.
func cmdSignAgent(ctx context.Context, args []string, cfg config, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("sign-agent", flag.ContinueOnError)
	fs.SetOutput(stdout)
	origin := fs.String("origin", cfg.BaseURL, "địa chỉ trang motcua được phép dùng trình ký, vd. https://motcua.bacninh.gov.vn (mặc định MOTCUA_BASE_URL)")
	addr := fs.String("addr", agent.DefaultAddr, "địa chỉ lắng nghe (chỉ 127.0.0.1)")
	module := fs.String("module", cfg.Signing.PKCS11Module, "thư viện PKCS#11 của USB token (.so/.dll; mặc định MOTCUA_PKCS11_MODULE)")
	token := fs.String("token", "", "nhãn (label) của token")
	key := fs.String("key", "", "nhãn của khóa ký trên token")
	chain := fs.String("chain", "", "tệp PEM chuỗi chứng thư của CA (tùy chọn)")
	state := fs.String("state", "", "tệp lưu trạng thái ghép nối (mặc định ~/.config/motcua/sign-agent.json)")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if *origin == "" || *module == "" || *token == "" || *key == "" {
		return usagef("cách dùng: motcua sign-agent --origin https://… --module LIB.so --token NHÃN --key NHÃN [--chain CA.pem] [--addr 127.0.0.1:17870]")
	}
	tok := sign.PKCS11Config{Module: *module, TokenLabel: *token, KeyLabel: *key}
	if *chain != "" {
		pem, err := os.ReadFile(*chain)
		if err != nil {
			return err
		}
		tok.ChainPEM = pem
	}
	if *state == "" {
		dir, err := os.UserConfigDir()
		if err != nil {
			return err
		}
		*state = filepath.Join(dir, "motcua", "sign-agent.json")
	}
	if err := os.MkdirAll(filepath.Dir(*state), 0o700); err != nil {
		return err
	}
	a, err := agent.New(agent.Config{Origin: *origin, StateFile: *state, Token: agent.PKCS11Token(tok),
		Prompter: &terminalPrompter{in: stdin, out: stdout}, Now: time.Now})
	if err != nil {
		return err
	}
	return a.Serve(ctx, *addr, func(ad net.Addr) {
		fmt.Fprintf(stdout, "Trình ký motcua đang chạy tại http://%s cho trang %s.\nGiữ cửa sổ này mở; mã PIN sẽ được hỏi tại đây khi ký.\n", ad, *origin)
	})
}

// terminalPrompter talks to the officer on the terminal that runs the
// agent: the PIN is read without echo when stdin is a terminal.
type terminalPrompter struct {
	mu  sync.Mutex
	in  io.Reader
	out io.Writer
	rd  *bufio.Reader
}

func (p *terminalPrompter) ShowPairingCode(origin, code string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.out, "\nYêu cầu ghép nối từ %s.\nMã ghép nối: %s %s — nhập mã này trên trang motcua nếu chính ông/bà vừa yêu cầu.\n", origin, code[:3], code[3:])
}

func (p *terminalPrompter) PIN(ctx context.Context, doc agent.Document, digest []byte) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.out, "\nYêu cầu ký: %s (hồ sơ %s)\nSHA-256 văn bản: %s\nGiá trị ký: %s\n", doc.Title, doc.Code, doc.SHA256, base64.StdEncoding.EncodeToString(digest))
	fmt.Fprint(p.out, "Nhập mã PIN của USB token để ký (để trống để từ chối): ")
	var pin string
	if f, ok := p.in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(p.out)
		if err != nil {
			return "", err
		}
		pin = string(b)
	} else {
		if p.rd == nil {
			p.rd = bufio.NewReader(p.in)
		}
		line, err := p.rd.ReadString('\n')
		if err != nil && line == "" {
			return "", err
		}
		pin = strings.TrimRight(line, "\r\n")
	}
	if pin == "" {
		fmt.Fprintln(p.out, "Đã từ chối ký.")
		return "", agent.ErrCancelled
	}
	if err := ctx.Err(); err != nil {
		return "", errors.New("trang đã hủy yêu cầu ký")
	}
	return pin, nil
}

// cmdSigning runs "motcua signing --user U --method server|agent|csc": the
// administrator registers how an officer signs. agent takes the
// certificate of the officer's USB token (--cert, PEM, followed by its CA
// chain); csc takes the remote signing account (--csc, a JSON file with
// url, credential_id, username, password, timeout_seconds); server removes
// the registration (the key the server holds signs).
func cmdSigning(args []string, cfg config, stdout io.Writer) error {
	fs := flag.NewFlagSet("signing", flag.ContinueOnError)
	fs.StringVar(&cfg.Data, "data", cfg.Data, "thư mục dữ liệu")
	user := fs.String("user", "", "tên đăng nhập của cán bộ")
	method := fs.String("method", "", "server, agent hoặc csc")
	certFile := fs.String("cert", "", "chứng thư số của USB token (PEM), cho --method agent")
	cscFile := fs.String("csc", "", "tệp JSON tài khoản ký số từ xa, cho --method csc")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	s := render.OfficerSigning{Method: workflow.SigningMethod(*method)}
	switch s.Method {
	case workflow.SignOnServer:
	case workflow.SignWithAgent:
		pem, err := os.ReadFile(*certFile)
		if err != nil {
			return usagef("--cert: %v", err)
		}
		s.Certificates = string(pem)
	case workflow.SignRemotely:
		data, err := os.ReadFile(*cscFile)
		if err != nil {
			return usagef("--csc: %v", err)
		}
		s.CSC = &csc.Config{}
		if err := json.Unmarshal(data, s.CSC); err != nil {
			return usagef("--csc: %v", err)
		}
	default:
		return usagef("cách dùng: motcua signing --user U --method server|agent|csc [--cert CERT.pem | --csc ACCOUNT.json]")
	}
	// The registration is only a file beside the keys: no clock, trust
	// store or demo CA is needed to write it.
	keys, err := render.OpenFileKeys(filepath.Join(cfg.Data, "keys"), cfg.Signing.KeyPassword, "", false, time.Time{})
	if err != nil {
		return err
	}
	if err := keys.SetOfficerSigning(*user, s); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Đã đăng ký cách ký %q cho %s.\n", s.Method, *user)
	return nil
}
