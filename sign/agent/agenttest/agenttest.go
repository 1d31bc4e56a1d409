// Package agenttest holds the fake officer that the tests of the signing
// agent (sign/agent, web) put at the agent's window.
package agenttest

import (
	"context"
	"sync"

	"motcua/sign/agent"
)

// Officer plays the officer at the agent's window: it reads the pairing
// code and types the PIN (or declines). It is an agent.Prompter.
type Officer struct {
	mu      sync.Mutex
	code    string
	pin     string
	decline bool
	asked   []agent.Document
}

var _ agent.Prompter = (*Officer)(nil)

// NewOfficer returns an officer who types pin.
func NewOfficer(pin string) *Officer { return &Officer{pin: pin} }

// ShowPairingCode notes the code the agent shows.
func (o *Officer) ShowPairingCode(_, code string) { o.mu.Lock(); o.code = code; o.mu.Unlock() }

// PIN notes the document the agent shows and types the PIN, or declines.
func (o *Officer) PIN(_ context.Context, doc agent.Document, _ []byte) (string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.asked = append(o.asked, doc)
	if o.decline {
		return "", agent.ErrCancelled
	}
	return o.pin, nil
}

// Answer sets the PIN the officer types from now on, or whether it declines.
func (o *Officer) Answer(pin string, decline bool) {
	o.mu.Lock()
	o.pin, o.decline = pin, decline
	o.mu.Unlock()
}

// Code returns the last pairing code shown.
func (o *Officer) Code() string { o.mu.Lock(); defer o.mu.Unlock(); return o.code }

// Asked returns the documents shown with the PIN prompts so far.
func (o *Officer) Asked() []agent.Document {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]agent.Document(nil), o.asked...)
}
