// Copyright 2014 The Go Authors.  All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.
//
// Vendored from github.com/digitorus/pdf v0.1.2 and hardened for motcua
// (see doc.go in this directory).

// Reading of PDF tokens and objects from a raw byte stream.

package pdf

import (
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
)

// A token is a PDF token in the input stream, one of the following Go types:
//
//	bool, a PDF boolean
//	int64, a PDF integer
//	float64, a PDF real
//	string, a PDF string literal
//	keyword, a PDF keyword
//	name, a PDF name without the leading slash
type token interface{}

// A name is a PDF name, without the leading slash.
type name string

// A keyword is a PDF keyword.
// Delimiter tokens used in higher-level syntax,
// such as "<<", ">>", "[", "]", "{", "}", are also treated as keywords.
type keyword string

// A buffer holds buffered input bytes from the PDF file.
type buffer struct {
	r           io.Reader // source of data
	buf         []byte    // buffered data
	pos         int       // read index in buf
	realPos     int64     // read index in file
	offset      int64     // offset at end of buf; aka offset of next read
	tmp         []byte    // scratch space for accumulating token
	unread      []token   // queue of read but then unread tokens
	allowEOF    bool
	allowObjptr bool
	allowStream bool
	eof         bool
	eofReads    int // reads attempted after end of input
	depth       int // nesting of arrays and dictionaries being read
	key         []byte
	useAES      bool
	objptr      objptr
}

// newBuffer returns a new buffer reading from r at the given offset.
func newBuffer(r io.Reader, offset int64) *buffer {
	return &buffer{
		r:           r,
		offset:      offset,
		buf:         make([]byte, 0, 4096),
		allowObjptr: true,
		allowStream: true,
	}
}

func (b *buffer) readByte() byte {
	if b.pos >= len(b.buf) {
		b.reload()
		if b.pos >= len(b.buf) {
			// motcua: loops that keep reading past the end of an
			// object stream (unterminated strings, arrays) would spin
			// forever; give up after a few reads.
			b.eofReads++
			if b.eofReads > 64 {
				b.errorf("malformed PDF: unexpected end of data")
			}
			return '\n'
		}
	}
	c := b.buf[b.pos]
	b.pos++
	b.realPos++
	return c
}

func (b *buffer) errorf(format string, args ...interface{}) {
	panic(fmt.Errorf(format, args...))
}

func (b *buffer) reload() bool {
	n := cap(b.buf) - int(b.offset%int64(cap(b.buf)))
	n, err := b.r.Read(b.buf[:n])
	if n == 0 && err != nil {
		b.buf = b.buf[:0]
		b.pos = 0
		b.realPos = 0
		if b.allowEOF && err == io.EOF {
			b.eof = true
			return false
		}
		b.errorf("malformed PDF: reading at offset %d: %v", b.offset, err)
		return false
	}
	b.offset += int64(n)
	b.buf = b.buf[:n]
	b.pos = 0
	return true
}

func (b *buffer) seekForward(offset int64) {
	for b.offset < offset {
		if !b.reload() {
			return
		}
	}
	b.pos = len(b.buf) - int(b.offset-offset)
}

func (b *buffer) readOffset() int64 {
	return b.offset - int64(len(b.buf)) + int64(b.pos)
}

func (b *buffer) unreadByte() {
	if b.pos > 0 {
		b.pos--
		b.realPos--
	}
}

func (b *buffer) unreadToken(t token) {
	b.unread = append(b.unread, t)
}

func (b *buffer) readToken() token {
	if n := len(b.unread); n > 0 {
		t := b.unread[n-1]
		b.unread = b.unread[:n-1]
		return t
	}

	// Find first non-space, non-comment byte.
	c := b.readByte()
	for {
		if isSpace(c) {
			if b.eof {
				return io.EOF
			}
			c = b.readByte()
		} else if c == '%' {
			for c != '\r' && c != '\n' {
				c = b.readByte()
			}
		} else {
			break
		}
	}

	switch c {
	case '<':
		if b.readByte() == '<' {
			return keyword("<<")
		}
		b.unreadByte()
		return b.readHexString()

	case '(':
		return b.readLiteralString()

	case '[', ']', '{', '}':
		return keyword(string(c))

	case '/':
		return b.readName()

	case '>':
		if b.readByte() == '>' {
			return keyword(">>")
		}
		b.unreadByte()
		fallthrough

	default:
		if isDelim(c) {
			b.errorf("unexpected delimiter %#q", rune(c))
			return nil
		}
		b.unreadByte()
		return b.readKeyword()
	}
}

func (b *buffer) readHexString() token {
	tmp := b.tmp[:0]
	for {
		// motcua: decode the pairs of hex digits already in the buffer
		// at once (a signature's /Contents is tens of kilobytes of them);
		// whitespace, the end and the buffer's edge take the byte-wise
		// path below.
		if run := hexPairs(b.buf[b.pos:]); len(run) > 0 {
			tmp, _ = hex.AppendDecode(tmp, run) // run holds hex digits only
			b.pos += len(run)
			b.realPos += int64(len(run))
		}
	Loop:
		c := b.readByte()
		if c == '>' {
			break
		}
		if isSpace(c) {
			goto Loop
		}
	Loop2:
		c2 := b.readByte()
		if isSpace(c2) {
			goto Loop2
		}
		x := unhex(c)<<4 | unhex(c2)
		if x < 0 {
			b.errorf("malformed hex string %c %c %s", c, c2, b.buf[b.pos:])
			break
		}
		tmp = append(tmp, byte(x))
	}
	b.tmp = tmp
	return string(tmp)
}

// xrefEntry reads a cross-reference table entry in its standard form
// ("0000012345 00000 n", ISO 32000-1 7.5.4) straight from the buffer:
// the three tokens readToken would return. ok is false, and nothing is
// read, for anything else (other spacing, a token already unread, an
// entry across the buffer's edge), which the caller reads token by
// token. (motcua)
func (b *buffer) xrefEntry() (off, gen int64, alloc keyword, ok bool) {
	if len(b.unread) > 0 {
		return 0, 0, "", false
	}
	p := b.pos
	for p < len(b.buf) && isSpace(b.buf[p]) {
		p++
	}
	const n = len("0000012345 00000 n")
	if len(b.buf)-p <= n {
		return 0, 0, "", false
	}
	e := b.buf[p : p+n+1]
	if e[10] != ' ' || e[16] != ' ' || (e[17] != 'n' && e[17] != 'f') || !isSpace(e[18]) {
		return 0, 0, "", false
	}
	for i, c := range e[:16] {
		switch {
		case i == 10:
		case c < '0' || c > '9':
			return 0, 0, "", false
		case i < 10:
			off = off*10 + int64(c-'0')
		default:
			gen = gen*10 + int64(c-'0')
		}
	}
	alloc = keyword("n")
	if e[17] == 'f' {
		alloc = keyword("f")
	}
	b.realPos += int64(p + n - b.pos)
	b.pos = p + n
	return off, gen, alloc, true
}

// hexPairs returns the longest prefix of p made of pairs of hex digits.
// (motcua)
func hexPairs(p []byte) []byte {
	n := 0
	for n+1 < len(p) && isHex[p[n]] && isHex[p[n+1]] {
		n += 2
	}
	return p[:n]
}

// isHex tells the hex digits. (motcua)
var isHex = func() (t [256]bool) {
	for c := range t {
		t[c] = unhex(byte(c)) >= 0
	}
	return t
}()

func unhex(b byte) int {
	switch {
	case '0' <= b && b <= '9':
		return int(b) - '0'
	case 'a' <= b && b <= 'f':
		return int(b) - 'a' + 10
	case 'A' <= b && b <= 'F':
		return int(b) - 'A' + 10
	}
	return -1
}

func (b *buffer) readLiteralString() token {
	tmp := b.tmp[:0]
	depth := 1
Loop:
	for {
		c := b.readByte()
		switch c {
		default:
			tmp = append(tmp, c)
		case '(':
			depth++
			tmp = append(tmp, c)
		case ')':
			if depth--; depth == 0 {
				break Loop
			}
			tmp = append(tmp, c)
		case '\\':
			switch c = b.readByte(); c {
			default:
				b.errorf("invalid escape sequence \\%c", c)
				tmp = append(tmp, '\\', c)
			case 'n':
				tmp = append(tmp, '\n')
			case 'r':
				tmp = append(tmp, '\r')
			case 'b':
				tmp = append(tmp, '\b')
			case 't':
				tmp = append(tmp, '\t')
			case 'f':
				tmp = append(tmp, '\f')
			case '(', ')', '\\':
				tmp = append(tmp, c)
			case '\r':
				if b.readByte() != '\n' {
					b.unreadByte()
				}
				fallthrough
			case '\n':
				// no append
			case '0', '1', '2', '3', '4', '5', '6', '7':
				x := int(c - '0')
				for i := 0; i < 2; i++ {
					c = b.readByte()
					if c < '0' || c > '7' {
						b.unreadByte()
						break
					}
					x = x*8 + int(c-'0')
				}
				if x > 255 {
					b.errorf("invalid octal escape \\%03o", x)
				}
				tmp = append(tmp, byte(x))
			}
		}
	}
	b.tmp = tmp
	return string(tmp)
}

// readRegular reads the regular characters up to the next delimiter or
// white space into b.tmp and returns them; in a name (isName), #xx stands
// for the byte of hex code xx.
func (b *buffer) readRegular(isName bool) []byte {
	tmp := b.tmp[:0]
	for {
		c := b.readByte()
		if isDelim(c) || isSpace(c) {
			b.unreadByte()
			break
		}
		if isName && c == '#' {
			x := unhex(b.readByte())<<4 | unhex(b.readByte())
			if x < 0 {
				b.errorf("malformed name")
			}
			tmp = append(tmp, byte(x))
			continue
		}
		tmp = append(tmp, c)
	}
	b.tmp = tmp
	return tmp
}

func (b *buffer) readName() token {
	return name(string(b.readRegular(true)))
}

func (b *buffer) readKeyword() token {
	tmp := b.readRegular(false)
	// motcua: tmp is converted only where the compiler needs no copy
	// (comparisons, non-escaping short arguments); a token per xref
	// entry made the copy a visible cost.
	switch {
	case string(tmp) == "true":
		return true
	case string(tmp) == "false":
		return false
	case isInteger(tmp):
		x, err := strconv.ParseInt(string(tmp), 10, 64)
		if err != nil {
			b.errorf("invalid integer %s", tmp)
		}
		return x
	case isReal(tmp):
		x, err := strconv.ParseFloat(string(tmp), 64)
		if err != nil {
			b.errorf("invalid real %s", tmp)
		}
		return x
	}
	return keyword(string(tmp))
}

func isInteger(s []byte) bool {
	if len(s) > 0 && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	if len(s) == 0 {
		return false
	}
	for _, c := range s {
		if c < '0' || '9' < c {
			return false
		}
	}
	return true
}

func isReal(s []byte) bool {
	if len(s) > 0 && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	if len(s) == 0 {
		return false
	}
	ndot := 0
	for _, c := range s {
		if c == '.' {
			ndot++
			continue
		}
		if c < '0' || '9' < c {
			return false
		}
	}
	return ndot == 1
}

// An object is a PDF syntax object, one of the following Go types:
//
//	bool, a PDF boolean
//	int64, a PDF integer
//	float64, a PDF real
//	string, a PDF string literal
//	name, a PDF name without the leading slash
//	dict, a PDF dictionary
//	array, a PDF array
//	stream, a PDF stream
//	objptr, a PDF object reference
//	objdef, a PDF object definition
//
// An object may also be nil, to represent the PDF null.
type object interface{}

type dict map[name]object

type array []object

type stream struct {
	hdr    dict
	ptr    objptr
	offset int64
}

type objptr struct {
	id  uint32
	gen uint16
}

func (o *objptr) GetID() uint32 {
	return o.id
}

func (o *objptr) GetGen() uint16 {
	return o.gen
}

type objdef struct {
	ptr objptr
	obj object
}

func (b *buffer) readObject() object {
	tok := b.readToken()
	if kw, ok := tok.(keyword); ok {
		switch kw {
		case "null":
			return nil
		case "endobj":
			b.unreadToken(tok)
			return nil
		case "<<":
			return b.readDict()
		case "[":
			return b.readArray()
		}

		b.errorf("unexpected keyword %q parsing object", kw)
		return nil
	}

	if str, ok := tok.(string); ok && b.key != nil && b.objptr.id != 0 {
		tok = decryptString(b.key, b.useAES, b.objptr, str)
	}

	if !b.allowObjptr {
		return tok
	}

	if t1, ok := tok.(int64); ok && int64(uint32(t1)) == t1 {
		tok2 := b.readToken()
		if t2, ok := tok2.(int64); ok && int64(uint16(t2)) == t2 {
			tok3 := b.readToken()
			switch tok3 {
			case keyword("R"):
				return objptr{uint32(t1), uint16(t2)}
			case keyword("obj"):
				b.enter()
				defer func() { b.depth-- }()
				old := b.objptr
				b.objptr = objptr{uint32(t1), uint16(t2)}
				obj := b.readObject()
				if _, ok := obj.(stream); !ok {
					tok4 := b.readToken()
					if tok4 != keyword("endobj") {
						b.errorf("missing endobj after indirect object definition")
						b.unreadToken(tok4)
					}
				}
				b.objptr = old
				return objdef{objptr{uint32(t1), uint16(t2)}, obj}
			}
			b.unreadToken(tok3)
		}
		b.unreadToken(tok2)
	}
	return tok
}

// maxDepth bounds the nesting of arrays and dictionaries, so that hostile
// input cannot exhaust the goroutine stack (a fatal, unrecoverable error).
const maxDepth = 100

func (b *buffer) enter() {
	b.depth++
	if b.depth > maxDepth {
		b.errorf("malformed PDF: objects nested too deeply")
	}
}

func (b *buffer) readArray() object {
	b.enter()
	defer func() { b.depth-- }()
	var x array
	for {
		tok := b.readToken()
		// motcua: readObject leaves endobj unread, so an array holding
		// it looped forever.
		if tok == io.EOF || tok == keyword("endobj") {
			b.errorf("malformed PDF: unterminated array")
		}
		if tok == nil || tok == keyword("]") {
			break
		}
		b.unreadToken(tok)
		x = append(x, b.readObject())
	}
	return x
}

func (b *buffer) readDict() object {
	b.enter()
	x := make(dict)
	for {
		tok := b.readToken()
		if tok == io.EOF {
			b.errorf("malformed PDF: unterminated dictionary")
		}
		if tok == nil || tok == keyword(">>") {
			break
		}
		n, ok := tok.(name)
		if !ok {
			b.errorf("unexpected non-name key %T(%v) parsing dictionary", tok, tok)
			continue
		}
		x[n] = b.readObject()
	}
	b.depth--

	if !b.allowStream {
		return x
	}

	tok := b.readToken()
	if tok != keyword("stream") {
		b.unreadToken(tok)
		return x
	}

	switch b.readByte() {
	case '\r':
		if b.readByte() != '\n' {
			b.unreadByte()
		}
	case '\n':
		// ok
	default:
		b.errorf("stream keyword not followed by newline")
	}

	return stream{x, b.objptr, b.readOffset()}
}

func isSpace(b byte) bool {
	switch b {
	case '\x00', '\t', '\n', '\f', '\r', ' ':
		return true
	}
	return false
}

func isDelim(b byte) bool {
	switch b {
	case '<', '>', '(', ')', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}
