package main

import "testing"

// TestExchangeConfig: document exchange is off by default; a URL needs
// the peers allowed to answer, each with a secret long enough.
func TestExchangeConfig(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	c, err := loadConfig(env(nil))
	if err != nil || c.Exchange.URL != "" || len(c.Exchange.Peers) != 0 {
		t.Fatalf("default: %+v %v", c.Exchange, err)
	}
	c, err = loadConfig(env(map[string]string{"MOTCUA_EXCHANGE_URL": "https://lgsp.example/lienthong", "MOTCUA_EXCHANGE_TOKEN": "t",
		"MOTCUA_EXCHANGE_PEERS": "lgsp=0123456789abcdef0123, qlvb=fedcba9876543210fedc"}))
	if err != nil || string(c.Exchange.Peers["lgsp"]) != "0123456789abcdef0123" || string(c.Exchange.Peers["qlvb"]) != "fedcba9876543210fedc" {
		t.Fatalf("peers: %+v %v", c.Exchange, err)
	}
	for _, bad := range []map[string]string{
		{"MOTCUA_EXCHANGE_URL": "https://lgsp.example"},
		{"MOTCUA_EXCHANGE_PEERS": "lgsp=short"},
		{"MOTCUA_EXCHANGE_PEERS": "=0123456789abcdef0123"},
		{"MOTCUA_EXCHANGE_PEERS": "lgsp"},
	} {
		if _, err := loadConfig(env(bad)); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}
