package notify

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode"

	"motcua/dossier"
	"motcua/internal/outhttp"
)

// SMS sends notifications as text messages through an SMS gateway's HTTP
// API (issue 18 item 6): POST URL with {"to", "text", "sender"} and a
// bearer token. The text is the message's subject only — the dossier's
// code and what happened, no name nor other personal data — plus the
// lookup page when Link is set. Applicants without a phone are skipped.
type SMS struct {
	URL    string       // the gateway's send endpoint
	Token  string       // bearer token; never logged
	Sender string       // brand name registered with the carriers, e.g. "TTHCC-BN"
	Link   string       // appended to every text, e.g. "https://hcc.bacninh.gov.vn/tra-cuu"
	HTTP   *http.Client // nil: http.DefaultClient
}

// SMSText is the text sent for a message with this subject.
func SMSText(subject, link string) string {
	t := strings.TrimSpace(subject)
	if link != "" {
		t += ". Tra cứu: " + link
	}
	return t
}

// normalizePhone keeps the digits of a Vietnamese number, as 0xxxxxxxxx.
func normalizePhone(p string) string {
	var b strings.Builder
	for _, r := range p {
		if unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	d := b.String()
	if strings.HasPrefix(d, "84") && len(d) == 11 {
		d = "0" + d[2:]
	}
	return d
}

// Notify sends the text to the applicant's phone.
func (n SMS) Notify(ctx context.Context, to dossier.Applicant, subject, body string) error {
	phone := normalizePhone(to.Phone)
	if phone == "" {
		return nil
	}
	if len(phone) < 9 || len(phone) > 11 {
		return fmt.Errorf("notify: sms: bad phone number")
	}
	req, err := outhttp.JSONRequest(ctx, "POST", n.URL, map[string]string{"to": phone, "text": SMSText(subject, n.Link), "sender": n.Sender}, n.Token)
	if err != nil {
		return err
	}
	hc := n.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	res, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("notify: sms: %w", err)
	}
	defer res.Body.Close()
	io.Copy(io.Discard, io.LimitReader(res.Body, 1<<16))
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("notify: sms: gateway answered HTTP %d", res.StatusCode)
	}
	return nil
}

// Notifier is what workflow.Notifier asks of an adapter.
type Notifier interface {
	Notify(ctx context.Context, to dossier.Applicant, subject, body string) error
}

// ByContact chooses the channel per applicant: e-mail when the applicant
// gave an address, otherwise a text message when a phone number is known.
type ByContact struct {
	Email Notifier
	SMS   Notifier
}

// Notify sends through the chosen channel.
func (n ByContact) Notify(ctx context.Context, to dossier.Applicant, subject, body string) error {
	switch {
	case to.Email != "" && n.Email != nil:
		return n.Email.Notify(ctx, to, subject, body)
	case to.Phone != "" && n.SMS != nil:
		return n.SMS.Notify(ctx, to, subject, body)
	}
	return nil
}
