package exchange

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"motcua/internal/outhttp"
	"motcua/workflow"
)

// Fake is a local stand-in for the integration platform and the bodies
// behind it (tests and the demo). It keeps every package accepted (by
// Idempotency-Key, counting repeats), checks that the document's hash
// matches its content, can be made down or failing, and, when Answer is
// set, answers each new package — accepted, then done — on the package's
// answer URL, signed as Peer with Secret.
type Fake struct {
	// Peer and Secret sign the answers; Now dates them (required to
	// answer: the caller's clock).
	Peer   string
	Secret []byte
	Now    func() time.Time
	// Answer makes the fake answer every new package (in the background).
	Answer bool
	// HTTP posts the answers (nil: a client with a 10 s timeout).
	HTTP *http.Client

	mu       sync.Mutex
	packages []Package
	gate     outhttp.FakeGate
	badHash  int
	down     bool
	answered []error
	wg       sync.WaitGroup
}

// NewFake returns a platform that accepts everything and does not answer.
func NewFake() *Fake { return &Fake{} }

// SetDown makes the platform drop every connection (true) or work again.
func (f *Fake) SetDown(down bool) { f.mu.Lock(); f.down = down; f.mu.Unlock() }

// FailNext makes the next n packages (n < 0: all) answer status.
func (f *Fake) FailNext(n, status int) {
	f.mu.Lock()
	f.gate.FailNext(n, status)
	f.mu.Unlock()
}

// Packages returns the packages accepted, in order.
func (f *Fake) Packages() []Package {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Package(nil), f.packages...)
}

// Stats returns how many packages were accepted, how many repeats were
// dropped and how many carried a document whose hash did not match.
func (f *Fake) Stats() (accepted, duplicates, badHash int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.packages), f.gate.Duplicates, f.badHash
}

// Wait waits for the answers under way and returns their errors.
func (f *Fake) Wait() []error {
	f.wg.Wait()
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]error(nil), f.answered...)
}

func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	down := f.down
	f.mu.Unlock()
	if down {
		outhttp.Drop(w)
		return
	}
	if r.Method != "POST" || r.URL.Path != "/packages" {
		http.NotFound(w, r)
		return
	}
	var p Package
	if !outhttp.FakeBody(w, r, 64<<20, &p, "package_id", func() bool { return p.PackageID != "" }) {
		return
	}
	f.mu.Lock()
	if !f.gate.Admit(w, r.Header.Get("Idempotency-Key")) {
		f.mu.Unlock()
		return
	}
	if d := p.Document; d != nil {
		sum := sha256.Sum256(d.Content)
		if hex.EncodeToString(sum[:]) != d.SHA256 {
			f.badHash++
		}
	}
	f.packages = append(f.packages, p)
	answer := f.Answer && p.AnswerURL != ""
	if answer {
		f.wg.Add(1)
	}
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"ok":true}`))
	if answer {
		go func() {
			defer f.wg.Done()
			err := f.answer(p)
			f.mu.Lock()
			f.answered = append(f.answered, err)
			f.mu.Unlock()
		}()
	}
}

// answerPDF is the document a fake body answers with.
var answerPDF = []byte("%PDF-1.4\n% motcua fake exchange peer: answer\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

// answer posts accepted, then done (with a document), for p.
func (f *Fake) answer(p Package) error {
	if err := f.Post(context.Background(), p.AnswerURL, workflow.ExchangeAnswer{PackageID: p.PackageID, Status: "accepted",
		Note: "Đã tiếp nhận gói liên thông"}); err != nil {
		return err
	}
	sum := sha256.Sum256(answerPDF)
	a := workflow.ExchangeAnswer{PackageID: p.PackageID, Status: "done", Note: "Đã xử lý xong", Reference: "LT-" + p.PackageID[len(p.PackageID)-6:]}
	a.Document = &workflow.ExchangeAnswerDocument{Name: "tra-loi.pdf", SHA256: hex.EncodeToString(sum[:]), Content: answerPDF}
	return f.Post(context.Background(), p.AnswerURL, a)
}

// AnswerError is an answer motcua did not take.
type AnswerError struct {
	Status int
	Body   string
}

func (e *AnswerError) Error() string {
	return "exchange answer: HTTP " + strconv.Itoa(e.Status) + ": " + e.Body
}

// Post sends one signed answer to url (as the peer would).
func (f *Fake) Post(ctx context.Context, url string, a workflow.ExchangeAnswer) error {
	body, err := json.Marshal(a)
	if err != nil {
		return err
	}
	if f.Now == nil {
		return errors.New("exchange: Fake.Now is not set")
	}
	stamp := strconv.FormatInt(f.Now().Unix(), 10)
	req, err := http.NewRequestWithContext(ctx, "POST", url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	SignRequest(req, f.Peer, f.Secret, stamp, body)
	hc := f.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	res, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode/100 != 2 {
		b, _ := io.ReadAll(io.LimitReader(res.Body, 2048))
		return &AnswerError{Status: res.StatusCode, Body: string(b)}
	}
	return nil
}

// Answer headers (docs/exchange.md).
const (
	HeaderPeer      = "X-Exchange-Peer"
	HeaderTimestamp = "X-Exchange-Timestamp"
	HeaderSignature = "X-Exchange-Signature"
)

// SignRequest sets the headers of a signed answer.
func SignRequest(req *http.Request, peer string, secret []byte, stamp string, body []byte) {
	req.Header.Set(HeaderPeer, peer)
	req.Header.Set(HeaderTimestamp, stamp)
	req.Header.Set(HeaderSignature, workflow.ExchangeSignature(secret, stamp, body))
}
