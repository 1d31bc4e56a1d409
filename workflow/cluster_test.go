package workflow_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"motcua/blob"
	"motcua/demo"
	"motcua/dossier"
	"motcua/internal/demotest"
	"motcua/internal/testfile"
	"motcua/store"
	"motcua/store/storetest"
	"motcua/workflow"
)

// Several instances on one PostgreSQL database (issue 21): each test
// starts three services, each with its own connection pool as separate
// processes would have, over one database and one shared blob directory,
// and fails on the single-instance behaviour it replaces.

// cluster is n services over one PostgreSQL database.
type cluster struct {
	dsn   string
	dbs   []*store.DB
	svcs  []*workflow.Service
	clock *clock
	users map[string]*dossier.User
	blob  string
}

// notes records the messages of every instance.
type notes struct {
	mu   sync.Mutex
	sent map[string][]int // "email|subject" → the instances that sent it
}

type instanceNotifier struct {
	n  *notes
	id int
}

func (in instanceNotifier) Notify(ctx context.Context, to dossier.Applicant, subject, body string) error {
	time.Sleep(2 * time.Millisecond) // an SMTP round trip: relays overlap
	in.n.mu.Lock()
	defer in.n.mu.Unlock()
	k := to.Email + "|" + subject
	in.n.sent[k] = append(in.n.sent[k], in.id)
	return nil
}

func (n *notes) count() (distinct, total int) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, v := range n.sent {
		total += len(v)
	}
	return len(n.sent), total
}

// newCluster starts n services on a fresh PostgreSQL database. Every
// instance migrates and loads the demo province at the same time, as
// "motcua serve --demo" started three times at once does.
func newCluster(t *testing.T, n int, ports func(i int) workflow.Ports, note *notes) *cluster {
	t.Helper()
	ctx := context.Background()
	c := &cluster{dsn: storetest.CreateDatabase(t), clock: &clock{}, users: map[string]*dossier.User{}}
	c.clock.Set(time.Date(2026, 11, 26, 9, 0, 0, 0, ict))
	blobDir := t.TempDir() // the shared (NFS) blob directory
	c.dbs = make([]*store.DB, n)
	c.svcs = make([]*workflow.Service, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = func() error {
				db, err := store.Open(ctx, store.Options{DSN: c.dsn})
				if err != nil {
					return err
				}
				c.dbs[i] = db
				if err := db.Migrate(ctx); err != nil {
					return fmt.Errorf("migrate: %w", err)
				}
				blobs, err := blob.Open(blobDir)
				if err != nil {
					return err
				}
				var p workflow.Ports
				if ports != nil {
					p = ports(i)
				}
				if note != nil {
					p.Notifier = instanceNotifier{n: note, id: i}
				}
				svc, err := workflow.New(db, blobs, p, nil, workflow.Config{Now: c.clock.Now, BaseURL: "https://hcc.example.vn"})
				if err != nil {
					return err
				}
				c.svcs[i] = svc
				if err := demo.Load(ctx, svc, db); err != nil {
					return fmt.Errorf("demo: %w", err)
				}
				return nil
			}()
		}()
	}
	wg.Wait()
	t.Cleanup(func() {
		for _, db := range c.dbs {
			if db != nil {
				db.Close()
			}
		}
	})
	for i, err := range errs {
		if err != nil {
			t.Fatalf("instance %d: %v", i+1, err)
		}
	}
	c.users = demotest.Users(t, c.dbs[0])
	c.blob = demotest.Upload(t, c.svcs[0], c.users["reception"], "scanned component")
	return c
}

func postgresOnly(t *testing.T) {
	t.Helper()
	for _, e := range storetest.Engines(t) {
		if e == store.Postgres {
			return
		}
	}
	t.Skip("needs PostgreSQL (" + storetest.EnvDSN + ")")
}

// receive files a dossier on instance i for an applicant with e-mail.
func (c *cluster) receive(t *testing.T, i int, email string) *dossier.Dossier {
	t.Helper()
	ctx := context.Background()
	p, err := c.dbs[i].Procedure(ctx, "2.001610")
	if err != nil {
		t.Error(err)
		return nil
	}
	var comps []workflow.ComponentInput
	for _, k := range p.Components {
		if k.Required {
			comps = append(comps, workflow.ComponentInput{Code: k.Code, BlobID: c.blob})
		}
	}
	d, err := c.svcs[i].Receive(ctx, c.users["reception"], workflow.ReceiveInput{ProcedureCode: "2.001610", Channel: dossier.ChannelCounter,
		Components: comps, Applicant: dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: "Nguyễn Văn An", IDNumber: "027190001234",
			Phone: "0912345678", Email: email}})
	if err != nil {
		t.Errorf("instance %d Receive: %v", i+1, err)
		return nil
	}
	return d
}

func TestClusterStartTogether(t *testing.T) {
	postgresOnly(t)
	c := newCluster(t, 3, nil, nil)
	var users int
	if err := c.dbs[2].SQL().QueryRow(`SELECT COUNT(*) FROM users`).Scan(&users); err != nil {
		t.Fatal(err)
	}
	if users != len(demo.Accounts) {
		t.Errorf("users after three demo loads = %d; want %d", users, len(demo.Accounts))
	}
}

func TestClusterNotifiesOnce(t *testing.T) {
	postgresOnly(t)
	const perInstance = 8
	note := &notes{sent: map[string][]int{}}
	c := newCluster(t, 3, nil, note)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var relays sync.WaitGroup
	for _, svc := range c.svcs {
		relays.Add(1)
		go func() {
			defer relays.Done()
			svc.RelayNotifications(ctx, 5*time.Millisecond)
		}()
	}
	var wg sync.WaitGroup
	for i := range c.svcs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range perInstance {
				c.receive(t, i, fmt.Sprintf("a%d.%d@example.vn", i, k))
			}
		}()
	}
	wg.Wait()
	want := 3 * perInstance
	for deadline := time.After(30 * time.Second); ; {
		if d, _ := note.count(); d >= want {
			break
		}
		select {
		case <-deadline:
			d, n := note.count()
			t.Fatalf("after 30 s: %d distinct messages (%d sent); want %d", d, n, want)
		case <-time.After(20 * time.Millisecond):
		}
	}
	time.Sleep(100 * time.Millisecond) // a few more rounds of every relay
	cancel()
	relays.Wait()
	distinct, total := note.count()
	if distinct != want || total != want {
		var dups []string
		for k, v := range note.sent {
			if len(v) > 1 {
				dups = append(dups, fmt.Sprintf("%s ×%d %v", k, len(v), v))
			}
		}
		sort.Strings(dups)
		t.Errorf("%d messages sent for %d distinct; want %d, each once; repeated: %v", total, distinct, want, dups)
	}
	var pending int
	c.dbs[0].SQL().QueryRow(`SELECT COUNT(*) FROM outbox_deliveries WHERE status <> 'sent'`).Scan(&pending)
	if pending != 0 {
		t.Errorf("%d notification deliveries left unsent", pending)
	}
}

// archiver counts the archive copies made per result file.
type archiver struct {
	mu            sync.Mutex
	made          map[string]int
	running, peak atomic.Int32
}

func (a *archiver) ArchiveResult(ctx context.Context, pdf []byte, at time.Time) ([]byte, error) {
	if n := a.running.Add(1); n > a.peak.Load() {
		a.peak.Store(n)
	}
	defer a.running.Add(-1)
	time.Sleep(10 * time.Millisecond) // a timestamp authority round trip
	a.mu.Lock()
	a.made[string(pdf)]++
	a.mu.Unlock()
	return append([]byte(nil), append(pdf, "\n% archived\n"...)...), nil
}

func TestClusterArchivesOnce(t *testing.T) {
	postgresOnly(t)
	ar := &archiver{made: map[string]int{}}
	c := newCluster(t, 4, func(i int) workflow.Ports {
		if i == 0 {
			return workflow.Ports{} // instance 1 files and issues; 2–4 archive
		}
		return workflow.Ports{Archiver: ar}
	}, nil)
	ctx := context.Background()
	const results = 6
	for k := range results {
		d := c.receive(t, 0, "")
		if d == nil {
			t.FailNow()
		}
		act := func(who string, a dossier.Action, in workflow.ActionInput) {
			in.Version = d.Version
			var err error
			if d, err = c.svcs[0].Act(ctx, c.users[who], d.Code, a, in); err != nil {
				t.Fatalf("%s %s: %v", who, a, err)
			}
		}
		act("appraiser", dossier.ActAssign, workflow.ActionInput{})
		act("appraiser", dossier.ActSubmitAppraisal, workflow.ActionInput{Recommendation: "approve", Report: "Hợp lệ", DraftResult: "Cấp giấy"})
		act("approver", dossier.ActApprove, workflow.ActionInput{})
		act("clerk", dossier.ActIssue, workflow.ActionInput{})
		// Issued without a renderer: give the result a file to archive.
		info, err := c.svcs[0].Upload(ctx, c.users["reception"], bytes.NewReader(testfile.PDF(fmt.Sprintf("result %d", k))))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.dbs[0].SQL().Exec(`UPDATE results SET pdf_blob_id = $1 WHERE dossier_id = (SELECT id FROM dossiers WHERE code = $2)`, info.ID, d.Code); err != nil {
			t.Fatal(err)
		}
	}
	runCtx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, svc := range c.svcs[1:] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			svc.RunArchive(runCtx, 5*time.Millisecond, 365*24*time.Hour)
		}()
	}
	for deadline := time.After(30 * time.Second); ; {
		ar.mu.Lock()
		n := len(ar.made)
		ar.mu.Unlock()
		if n >= results {
			break
		}
		select {
		case <-deadline:
			t.Fatalf("after 30 s %d of %d results archived", n, results)
		case <-time.After(10 * time.Millisecond):
		}
	}
	time.Sleep(100 * time.Millisecond)
	cancel()
	wg.Wait()
	for f, n := range ar.made {
		if n != 1 {
			t.Errorf("result %q archived %d times; want once", f, n)
		}
	}
	if p := ar.peak.Load(); p != 1 {
		t.Errorf("%d archive rounds ran at once; want 1", p)
	}
}

// watcher collects the queue calls one instance hears.
type watcher struct {
	mu    sync.Mutex
	got   map[int64]bool
	order []int64
	ch    chan int64
}

func watch(ctx context.Context, svc *workflow.Service) *watcher {
	w := &watcher{got: map[int64]bool{}, ch: make(chan int64, 64)}
	go svc.WatchQueueCalls(ctx, 20*time.Millisecond, func(id int64, payload []byte) {
		var call workflow.QueueCall
		if json.Unmarshal(payload, &call) != nil || call.CenterCode == "" {
			return
		}
		w.mu.Lock()
		_, seen := w.got[id]
		if !seen {
			w.got[id] = true
			w.order = append(w.order, id)
		}
		w.mu.Unlock()
		if !seen {
			w.ch <- id
		}
	})
	return w
}

func TestClusterQueueCallsReachEveryInstance(t *testing.T) {
	postgresOnly(t)
	c := newCluster(t, 3, nil, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ss, err := c.svcs[0].QueueServices(ctx, "BN.TTHCC")
	if err != nil || len(ss) == 0 {
		t.Fatalf("queue services: %v", err)
	}
	for range 4 {
		if _, err := c.svcs[1].IssueTicket(ctx, "BN.TTHCC", ss[0].ServiceCode); err != nil {
			t.Fatal(err)
		}
	}
	w := watch(ctx, c.svcs[0]) // the display's instance
	time.Sleep(200 * time.Millisecond)
	in := workflow.QueueCallInput{CenterCode: "BN.TTHCC", CounterCode: "Q01"}

	// A call made on instance 2 reaches instance 1.
	call, err := c.svcs[1].CallNext(ctx, c.users["reception"], in)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case id := <-w.ch:
		if id != call.EventID {
			t.Errorf("instance 1 heard event %d; want %d", id, call.EventID)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("instance 1 never heard the call made on instance 2")
	}

	// Two calls whose outbox ids commit out of order: the call holding the
	// lower id commits last, after the other has been relayed. A relay that
	// reads the outbox past the highest id it has seen misses it.
	hold, release := make(chan struct{}), make(chan struct{})
	slow := make(chan int64, 1)
	go func() {
		c.dbs[2].InTx(ctx, c.clock.Now(), func(tx *store.Tx) error {
			id, err := tx.OutboxWithID(workflow.TopicQueueCall, []byte(`{"center_code":"BN.TTHCC","number":99,"counter":"Q02"}`))
			if err != nil {
				return err
			}
			close(hold)
			<-release
			slow <- id
			return tx.Notify("motcua_queue_call", strconv.FormatInt(id, 10)+` {"center_code":"BN.TTHCC","number":99,"counter":"Q02"}`)
		})
	}()
	<-hold
	in.CounterCode = "Q03"
	fast, err := c.svcs[1].CallNext(ctx, c.users["reception"], in)
	if err != nil {
		t.Fatal(err)
	}
	heard := func(want int64) {
		t.Helper()
		select {
		case id := <-w.ch:
			if id != want {
				t.Errorf("heard event %d; want %d", id, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("event %d never heard", want)
		}
	}
	heard(fast.EventID)
	close(release)
	slowID := <-slow
	if slowID >= fast.EventID {
		t.Fatalf("ids %d, %d: the test needs the slow call to hold the lower id", slowID, fast.EventID)
	}
	heard(slowID)
}
