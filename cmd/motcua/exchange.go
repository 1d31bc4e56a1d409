package main

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"motcua/exchange"
	"motcua/workflow"
)

// exchangeConfig connects document exchange (package exchange,
// docs/exchange.md); off without a URL, except that serve --demo runs a
// local fake peer in-process that answers every package.
type exchangeConfig struct {
	URL   string // MOTCUA_EXCHANGE_URL: the integration platform's (LGSP) exchange endpoint
	Token string // MOTCUA_EXCHANGE_TOKEN: its bearer token (never logged)
	// Peers are who may answer and their HMAC secrets
	// (MOTCUA_EXCHANGE_PEERS: "name=secret,name2=secret2"; never logged).
	Peers map[string][]byte
}

// loadExchangeConfig reads the MOTCUA_EXCHANGE_* variables.
func loadExchangeConfig(getenv func(string) string) (exchangeConfig, error) {
	c := exchangeConfig{URL: getenv("MOTCUA_EXCHANGE_URL"), Token: getenv("MOTCUA_EXCHANGE_TOKEN"), Peers: map[string][]byte{}}
	for _, v := range strings.Split(getenv("MOTCUA_EXCHANGE_PEERS"), ",") {
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		name, secret, ok := strings.Cut(v, "=")
		if name = strings.TrimSpace(name); !ok || name == "" || len(secret) < 16 {
			return c, usagef("MOTCUA_EXCHANGE_PEERS phải có dạng tên=bí_mật,… (bí mật ít nhất 16 ký tự)")
		}
		c.Peers[name] = []byte(secret)
	}
	if c.URL != "" && len(c.Peers) == 0 {
		return c, usagef("MOTCUA_EXCHANGE_URL cần MOTCUA_EXCHANGE_PEERS (bên nào được gửi trả lời, với khóa HMAC)")
	}
	return c, nil
}

// answerURL is where peers post their answers.
func answerURL(c config) string {
	return strings.TrimRight(c.BaseURL, "/") + "/api/v1/exchange/answers"
}

// addExchange connects the configured platform (newService).
func addExchange(c config, svc *workflow.Service) {
	if c.Exchange.URL == "" {
		return
	}
	svc.AddExchange(&exchange.Client{BaseURL: c.Exchange.URL, Token: c.Exchange.Token},
		workflow.ExchangeOptions{Peers: c.Exchange.Peers, AnswerURL: answerURL(c)}, workflow.DestinationOptions{})
}

// startDemoExchange runs a fake integration platform on 127.0.0.1 (serve
// --demo without MOTCUA_EXCHANGE_URL): it takes every package and answers
// it (accepted, then done) on this server, signed with a secret drawn
// now, so that packages and answers can be seen flowing.
func startDemoExchange(ctx context.Context, c config, svc *workflow.Service, log *slog.Logger) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	secret := []byte(rand.Text())
	fake := exchange.NewFake()
	fake.Peer, fake.Secret, fake.Answer, fake.Now = "demo-lgsp", secret, true, time.Now
	srv := &http.Server{Handler: fake, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	go func() { <-ctx.Done(); srv.Close() }()
	svc.AddExchange(&exchange.Client{BaseURL: "http://" + ln.Addr().String()},
		workflow.ExchangeOptions{Peers: map[string][]byte{"demo-lgsp": secret}, AnswerURL: answerURL(c)}, workflow.DestinationOptions{})
	log.Info("demo: fake integration platform (document exchange)", slog.String("addr", ln.Addr().String()))
	return nil
}
