package workflow

import (
	"context"
	"fmt"
	"log/slog"

	"motcua/dossier"
)

// RedactLogs wraps a log handler so that no record it writes carries an
// identity number, tax code, phone number or e-mail address in clear
// (issue 16, security.md ASVS 16.2.5): the message and every string,
// error and Stringer value pass through dossier.RedactText. Wrapping twice
// changes nothing.
func RedactLogs(h slog.Handler) slog.Handler {
	if _, ok := h.(redactHandler); ok {
		return h
	}
	return redactHandler{h}
}

type redactHandler struct{ next slog.Handler }

func (h redactHandler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h redactHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, dossier.RedactText(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redactAttr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h redactHandler) WithAttrs(as []slog.Attr) slog.Handler {
	rs := make([]slog.Attr, len(as))
	for i, a := range as {
		rs[i] = redactAttr(a)
	}
	return redactHandler{h.next.WithAttrs(rs)}
}

func (h redactHandler) WithGroup(name string) slog.Handler {
	return redactHandler{h.next.WithGroup(name)}
}

func redactAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, dossier.RedactText(v.String()))
	case slog.KindGroup:
		gs := v.Group()
		rs := make([]any, len(gs))
		for i, g := range gs {
			rs[i] = redactAttr(g)
		}
		return slog.Group(a.Key, rs...)
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			return slog.String(a.Key, dossier.RedactText(x.Error()))
		case fmt.Stringer:
			return slog.String(a.Key, dossier.RedactText(x.String()))
		case []byte:
			return slog.String(a.Key, dossier.RedactText(string(x)))
		default:
			return slog.String(a.Key, dossier.RedactText(fmt.Sprint(x)))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}
