// Package dossier is the domain core of motcua: dossiers (hồ sơ), the
// procedure catalog (TTHC), agencies and centers, users and roles,
// delegations, registers and seals — pure types and rules, no I/O.
//
// The state machine is data (Rules, decided by Decide and applied by
// Apply); authority and delegation (Authority, Sign), deadlines and pauses
// (clock.go, given the center's calendar), work queues (access.go) and the
// texts with legal meaning live here. Every other package of motcua
// imports this one; it imports only the standard library and calendar,
// reads no clock and does no I/O.
package dossier

import (
	"errors"
	"fmt"
)

// Error codes. Each maps to one HTTP status in package web.
const (
	EINVALID       = "invalid"       // Malformed input (400).
	EUNAUTHORIZED  = "unauthorized"  // Not signed in or bad credentials (401).
	EFORBIDDEN     = "forbidden"     // Signed in but not allowed (403).
	ENOTFOUND      = "not_found"     // Missing, or not visible to the caller (404).
	ECONFLICT      = "conflict"      // Stale version or transition not allowed now (409).
	ETOOLARGE      = "too_large"     // Upload or body over the limit (413).
	EUNSUPPORTED   = "unsupported"   // Wrong media type (415).
	EUNPROCESSABLE = "unprocessable" // Valid input that breaks a business rule (422).
	ERATELIMIT     = "rate_limited"  // Too many requests (429).
	EUNAVAILABLE   = "unavailable"   // An outside service did not answer; retry later (503).
	EINTERNAL      = "internal"      // A bug or an unavailable dependency (500).
)

// FieldError names one bad field of a request or a row.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	Line    int    `json:"line,omitempty"`
}

// Error is a domain error: a code for the machine, a message for the user
// (Vietnamese), and optional field errors.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
	Err     error // wrapped cause, may be nil
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error listing the bad fields.
func Invalid(message string, fields ...FieldError) *Error {
	return &Error{Code: EINVALID, Message: message, Fields: fields}
}

// ErrorCode returns the code of err: the Code of the first *Error in its
// chain, EINTERNAL for any other non-nil error, "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err, or a generic one for
// internal errors.
func ErrorMessage(err error) string {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Message
	}
	return "Lỗi hệ thống, vui lòng thử lại sau."
}

// ErrorFields returns the field errors of err, if any.
func ErrorFields(err error) []FieldError {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Fields
	}
	return nil
}
