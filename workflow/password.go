package workflow

import (
	"bufio"
	"bytes"
	_ "embed"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"motcua/dossier"
	"motcua/vntext"
)

// Password policy (security.md: ASVS 6.2.1–6.2.12 at L2, TCVN 14423
// level 3 for officers).
//
//   - Officers (every role but citizen): at least OfficerMinLength
//     characters, or a passphrase of at least PassphraseWords distinct words
//     of two or more letters and at least PassphraseMinLength characters
//     (Vietnamese words are short: "mèo đen ăn cá" is four words).
//   - Citizens: at least CitizenMinLength characters.
//   - Everyone: at most MaxPasswordLength characters; not a common password
//     (the list in passwords/common.txt, shipped in the binary), not a
//     common password with digits or symbols around it ("Matkhau@2026"),
//     not one character repeated or a run of a keyboard or digit sequence,
//     and not containing the username.
//
// Passwords are compared without case and diacritics. Nothing else is
// demanded (no composition rules, ASVS 6.2.5), and spaces are allowed.
const (
	OfficerMinLength    = 12
	CitizenMinLength    = 8
	PassphraseWords     = 4
	PassphraseMinLength = 10
	MaxPasswordLength   = 256
)

//go:embed passwords/common.txt
var commonPasswordsText []byte

var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	m := make(map[string]struct{}, 10100)
	sc := bufio.NewScanner(bytes.NewReader(commonPasswordsText))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m[vntext.Fold(line)] = struct{}{}
	}
	return m
})

// CommonPassword reports whether pw is on the list of common passwords,
// alone or with only digits, spaces and symbols around it.
func CommonPassword(pw string) bool {
	f := vntext.Fold(pw)
	list := commonPasswords()
	if _, ok := list[f]; ok {
		return true
	}
	if _, ok := list[strings.ReplaceAll(f, " ", "")]; ok {
		return true
	}
	core := strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) })
	if utf8.RuneCountInString(core) >= 4 {
		if _, ok := list[core]; ok {
			return true
		}
		if _, ok := list[strings.ReplaceAll(core, " ", "")]; ok {
			return true
		}
	}
	return false
}

// sequences are runs a password must not merely follow.
var sequences = []string{"0123456789012345678901234567890", "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
	"qwertyuiopasdfghjklzxcvbnmqwertyuiopasdfghjklzxcvbnm", "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p"}

// trivial reports one character repeated, or a run of (or back along) a
// digit, alphabet or keyboard sequence, such as "123456789012".
func trivial(f string) bool {
	f = strings.ReplaceAll(f, " ", "")
	if f == "" {
		return true
	}
	first, _ := utf8.DecodeRuneInString(f)
	if strings.Count(f, string(first)) == utf8.RuneCountInString(f) {
		return true
	}
	rev := []rune(f)
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	for _, s := range sequences {
		if strings.Contains(s, f) || strings.Contains(s, string(rev)) {
			return true
		}
	}
	return false
}

// passphrase reports at least PassphraseWords distinct words of two or
// more letters, separated by spaces, hyphens, dots or underscores.
func passphrase(pw string) bool {
	words := strings.FieldsFunc(vntext.Fold(pw), func(r rune) bool { return r == ' ' || r == '-' || r == '.' || r == '_' })
	seen := map[string]bool{}
	for _, w := range words {
		n := 0
		for _, r := range w {
			if unicode.IsLetter(r) {
				n++
			}
		}
		if n >= 2 {
			seen[w] = true
		}
	}
	return len(seen) >= PassphraseWords
}

// CheckPasswordPolicy returns the reason pw is refused for an account of
// username (an officer, or a citizen), or "" when it is acceptable.
func CheckPasswordPolicy(pw, username string, officer bool) string {
	n := utf8.RuneCountInString(pw)
	switch {
	case n > MaxPasswordLength:
		return "Mật khẩu dài quá 256 ký tự"
	case officer && n < OfficerMinLength && !(n >= PassphraseMinLength && passphrase(pw)):
		return "Mật khẩu của cán bộ cần ít nhất 12 ký tự, hoặc là một cụm từ gồm ít nhất 4 từ khác nhau (ví dụ: “mèo đen ăn cá”)"
	case !officer && n < CitizenMinLength:
		return "Mật khẩu cần ít nhất 8 ký tự"
	}
	f := vntext.Fold(pw)
	if trivial(f) {
		return "Mật khẩu là một ký tự lặp lại hoặc một dãy liên tiếp (như 123456789…); vui lòng chọn mật khẩu khác"
	}
	if CommonPassword(pw) {
		return "Mật khẩu này quá phổ biến, dễ bị đoán; vui lòng chọn mật khẩu khác"
	}
	if u := vntext.Fold(username); len(u) >= 3 && strings.Contains(strings.ReplaceAll(f, " ", ""), u) {
		return "Mật khẩu không được chứa tên đăng nhập"
	}
	return ""
}

// passwordError is CheckPasswordPolicy as a field error, or nil.
func passwordError(pw, username string, officer bool) *dossier.FieldError {
	if m := CheckPasswordPolicy(pw, username, officer); m != "" {
		return &dossier.FieldError{Field: "password", Message: m}
	}
	return nil
}
