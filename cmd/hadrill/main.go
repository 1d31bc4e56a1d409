// Command hadrill is the measuring half of scripts/ha-drill.sh: it checks
// after a database failover that no acknowledged write was lost and
// reports the unavailability window, and it measures how long a queue call
// made on one motcua instance takes to reach a counter display connected
// to another.
//
//	hadrill acks -acks FILE -dsn DSN -kill-ms MS
//	hadrill display -display URL -caller URL [-n 10]
package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: hadrill acks|display …")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "acks":
		err = cmdAcks(os.Args[2:])
	case "display":
		err = cmdDisplay(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "hadrill:", err)
		os.Exit(1)
	}
}

type ack struct {
	T       int64  `json:"t"`
	Step    string `json:"step"`
	Code    string `json:"code"`
	Version int64  `json:"version"`
}

// cmdAcks reads the acknowledged writes logged by `motcua bench
// --ack-log`, checks that the database holds each (the dossier exists at
// that version or later), and prints the longest time without an
// acknowledged write around the kill.
func cmdAcks(args []string) error {
	fs := flag.NewFlagSet("acks", flag.ExitOnError)
	file := fs.String("acks", "", "ack log of motcua bench")
	dsn := fs.String("dsn", "", "database (through the current primary)")
	killMS := fs.Int64("kill-ms", 0, "when the primary was killed (Unix ms)")
	fs.Parse(args)
	f, err := os.Open(*file)
	if err != nil {
		return err
	}
	defer f.Close()
	var acks []ack
	latest := map[string]int64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var a ack
		if json.Unmarshal(sc.Bytes(), &a) != nil || a.Code == "" {
			continue
		}
		acks = append(acks, a)
		latest[a.Code] = max(latest[a.Code], a.Version)
	}
	if len(acks) == 0 {
		return errors.New("no acknowledged write in the log")
	}
	sort.Slice(acks, func(i, j int) bool { return acks[i].T < acks[j].T })
	db, err := sql.Open("pgx", *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	lost := 0
	for code, v := range latest {
		var have int64
		err := db.QueryRowContext(ctx, `SELECT version FROM dossiers WHERE code = $1`, code).Scan(&have)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			fmt.Printf("LOST: dossier %s acknowledged at version %d is missing\n", code, v)
			lost++
		case err != nil:
			return err
		case have < v:
			fmt.Printf("LOST: dossier %s acknowledged at version %d is at version %d\n", code, v, have)
			lost++
		}
	}
	before, after := 0, 0
	// The window: the longest time without an acknowledged write that ends
	// after the kill (a request committed just before the kill may still
	// be acknowledged just after it).
	var gapFrom, gapTo int64
	for i, a := range acks {
		if a.T < *killMS {
			before++
			continue
		}
		after++
		if i > 0 && a.T-acks[i-1].T > gapTo-gapFrom {
			gapFrom, gapTo = acks[i-1].T, a.T
		}
	}
	fmt.Printf("acknowledged writes: %d on %d dossiers (%d before the kill, %d after); lost: %d\n", len(acks), len(latest), before, after, lost)
	if *killMS > 0 && after > 0 && before > 0 {
		fmt.Printf("no acknowledged write for %.2f s (from %+.2f s to %+.2f s around the kill)\n",
			float64(gapTo-gapFrom)/1000, float64(gapFrom-*killMS)/1000, float64(gapTo-*killMS)/1000)
		fmt.Printf("window_s=%.2f\n", float64(gapTo-gapFrom)/1000)
	}
	if lost > 0 {
		return fmt.Errorf("%d acknowledged writes lost", lost)
	}
	if *killMS > 0 && after == 0 {
		return errors.New("no acknowledged write after the kill: motcua did not carry on")
	}
	return nil
}

// cmdDisplay opens the queue display stream of the center on one instance
// and calls tickets at a counter through another, n times, printing how
// long each call took to appear on the display.
func cmdDisplay(args []string) error {
	fs := flag.NewFlagSet("display", flag.ExitOnError)
	display := fs.String("display", "", "instance the display is connected to")
	caller := fs.String("caller", "", "instance the counter calls through")
	center := fs.String("center", "BN.TTHCC", "center code")
	n := fs.Int("n", 10, "calls")
	fs.Parse(args)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c := &http.Client{Timeout: 30 * time.Second}
	post := func(path, tok, body string, out any) error {
		req, _ := http.NewRequestWithContext(ctx, "POST", *caller+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		res, err := c.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode/100 != 2 {
			return fmt.Errorf("%s: %d %s", path, res.StatusCode, b)
		}
		if out != nil {
			return json.Unmarshal(b, out)
		}
		return nil
	}
	var sess struct {
		Token string `json:"token"`
	}
	if err := post("/api/v1/session", "", `{"username":"reception","password":"demo"}`, &sess); err != nil {
		return err
	}
	res, err := c.Get(*caller + "/api/v1/queue/services?center=" + *center)
	if err != nil {
		return err
	}
	var svcs []struct {
		ServiceCode string `json:"service_code"`
	}
	json.NewDecoder(res.Body).Decode(&svcs)
	res.Body.Close()
	if len(svcs) == 0 {
		return errors.New("no queue service")
	}
	for range *n {
		if err := post("/api/v1/queue/tickets", "", `{"center_code":"`+*center+`","service_code":"`+svcs[0].ServiceCode+`"}`, nil); err != nil {
			return err
		}
	}
	req, _ := http.NewRequestWithContext(ctx, "GET", *display+"/api/v1/queue/events?center="+*center, nil)
	stream, err := (&http.Client{}).Do(req)
	if err != nil {
		return err
	}
	defer stream.Body.Close()
	events := make(chan string, 64)
	go func() {
		br := bufio.NewReader(stream.Body)
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				close(events)
				return
			}
			if strings.HasPrefix(line, "data: ") {
				events <- line
			}
		}
	}()
	time.Sleep(300 * time.Millisecond)
	var lat []time.Duration
	for i := range *n {
		var call struct {
			Number int64 `json:"number"`
		}
		t0 := time.Now()
		if err := post("/api/v1/queue/call-next", sess.Token, `{"center_code":"`+*center+`","counter_code":"Q01"}`, &call); err != nil {
			return err
		}
		want := fmt.Sprintf(`"number":%d,`, call.Number)
		for {
			select {
			case line, ok := <-events:
				if !ok {
					return errors.New("display stream closed")
				}
				if !strings.Contains(line, want) {
					continue
				}
			case <-time.After(5 * time.Second):
				return fmt.Errorf("call %d: not on the display after 5 s", i+1)
			}
			break
		}
		lat = append(lat, time.Since(t0))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	fmt.Printf("display latency across instances (call-next request start → event on the other instance), %d calls: p50 %v, max %v\n",
		len(lat), lat[len(lat)/2].Round(time.Millisecond), lat[len(lat)-1].Round(time.Millisecond))
	return nil
}
