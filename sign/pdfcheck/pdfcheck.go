// Package pdfcheck decides whether an uploaded file is a PDF that motcua
// may keep: it parses the whole file — header, cross-reference sections,
// every object, the page tree, every content and object stream — with the
// hardened reader of package sign (sign/internal/pdf), and refuses what
// does not parse, and what carries active content: JavaScript, embedded
// files, launch and other executing actions, XFA forms (issue 16, item
// 12; ASVS 5.2.2). A polyglot that only starts like a PDF does not parse.
//
// The work is bounded by the file: the bytes read from it, the bytes
// inflated from its streams and the objects visited have limits, so a
// hostile file costs a bounded amount of CPU and memory.
package pdfcheck

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"motcua/sign/internal/pdf"
)

// Limits of one check.
const (
	// MaxInflated bounds the bytes decompressed from all the streams of a
	// file (decompression bombs).
	MaxInflated = 256 << 20
	// MaxObjects bounds the objects of a file.
	MaxObjects = 500000
	maxDepth   = 64   // nesting of arrays and dictionaries walked
	tailWindow = 2048 // %%EOF must end the file, give or take this much padding
)

// Error is a refused file. Active is set when the file parses but holds
// active content (422), unset when it does not parse (415).
type Error struct {
	Active bool
	Reason string // Vietnamese
}

func (e *Error) Error() string { return e.Reason }

func malformed(format string, a ...any) *Error {
	return &Error{Reason: "Tệp PDF bị hỏng hoặc không đúng cấu trúc PDF: " + fmt.Sprintf(format, a...)}
}

func active(what string) *Error {
	return &Error{Active: true, Reason: "Tệp PDF có " + what + "; vì an toàn, hệ thống không nhận tệp PDF có nội dung chủ động. " +
		"Hãy xuất lại tệp bằng chức năng In ra PDF (Print to PDF) hoặc quét lại giấy tờ rồi tải lên."}
}

// budgetReader counts the bytes read from the file and stops the check
// when they exceed the budget (a cross-reference or object-stream layout
// made to be read many times over).
type budgetReader struct {
	r    io.ReaderAt
	left int64
}

var errBudget = errors.New("pdfcheck: work budget exhausted")

func (b *budgetReader) ReadAt(p []byte, off int64) (int, error) {
	b.left -= int64(len(p))
	if b.left < 0 {
		panic(errBudget)
	}
	return b.r.ReadAt(p, off)
}

// Check parses the PDF of size bytes in r. It returns nil for a
// well-formed PDF without active content, or an *Error.
func Check(r io.ReaderAt, size int64) (err error) {
	if size < 32 {
		return malformed("tệp quá ngắn")
	}
	head := make([]byte, 8)
	if _, err := r.ReadAt(head, 0); err != nil {
		return malformed("không đọc được phần đầu")
	}
	if !bytes.HasPrefix(head, []byte("%PDF-1.")) && !bytes.HasPrefix(head, []byte("%PDF-2.")) {
		return malformed("thiếu phần đầu %%PDF-")
	}
	// The end: "%%EOF" and at most some padding. (The reader looks for
	// it by reading ever larger tails; a file without one would cost
	// quadratic time.)
	n := min(size, tailWindow)
	tail := make([]byte, n)
	if _, err := r.ReadAt(tail, size-n); err != nil && err != io.EOF {
		return malformed("không đọc được phần cuối")
	}
	if !bytes.HasSuffix(bytes.TrimRight(tail, "\r\n\t \x00"), []byte("%%EOF")) {
		return malformed("thiếu dấu kết thúc %%%%EOF ở cuối tệp (tệp bị cắt hoặc có dữ liệu lạ phía sau)")
	}
	c := &checker{inflateLeft: MaxInflated, seen: map[uint32]bool{}}
	defer func() {
		if v := recover(); v != nil {
			if v == errBudget {
				err = malformed("cấu trúc quá phức tạp để kiểm tra")
				return
			}
			if e, ok := v.(*Error); ok {
				err = e
				return
			}
			err = malformed("%v", v)
		}
	}()
	rd, err := pdf.NewReader(&budgetReader{r: r, left: 64*size + 64<<20}, size)
	if err != nil {
		return malformed("%v", err)
	}
	return c.check(rd)
}

type checker struct {
	rd          *pdf.Reader
	inflateLeft int64
	objStreams  map[uint32]bool
	seen        map[uint32]bool
}

func (c *checker) check(rd *pdf.Reader) error {
	c.rd = rd
	tr := rd.Trailer()
	if tr.Key("Encrypt").Kind() != pdf.Null {
		return &Error{Reason: "Tệp PDF được đặt mật khẩu hoặc mã hóa; hãy gỡ mật khẩu rồi tải lên lại"}
	}
	root := tr.Key("Root")
	if root.Kind() != pdf.Dict {
		return malformed("không có danh mục gốc (Root)")
	}
	for _, k := range []string{"Names", "AcroForm", "OpenAction", "AA"} {
		if err := c.walk(root.Key(k), 0); err != nil {
			return err
		}
	}
	if root.Key("AcroForm").Key("XFA").Kind() != pdf.Null {
		return active("biểu mẫu XFA (có thể chứa mã)")
	}
	pages, err := c.pages(root.Key("Pages"), 0, map[string]bool{})
	if err != nil {
		return err
	}
	if pages == 0 {
		return malformed("không có trang nào")
	}
	// Every object of every revision: active content may hide in an
	// object no page refers to.
	xref := rd.Xref()
	if len(xref) > MaxObjects {
		return malformed("quá nhiều đối tượng (%d)", len(xref))
	}
	for i := range xref {
		ptr := xref[i].Ptr()
		if ptr.GetID() == 0 && ptr.GetGen() == 65535 {
			continue // the free list head
		}
		if s := xref[i].Stream(); s.GetID() != 0 {
			if err := c.objStream(s); err != nil {
				return err
			}
		}
		v := rd.Resolve(ptr, ptr)
		if err := c.walk(v, 0); err != nil {
			return err
		}
		if err := c.inflate(v); err != nil {
			return err
		}
	}
	return nil
}

// pages walks the page tree and returns the number of pages.
func (c *checker) pages(node pdf.Value, depth int, seen map[string]bool) (int, error) {
	if depth > maxDepth {
		return 0, malformed("cây trang quá sâu")
	}
	if node.Kind() != pdf.Dict {
		return 0, malformed("cây trang không hợp lệ")
	}
	key := fmt.Sprint(node.GetPtr())
	if seen[key] {
		return 0, malformed("cây trang có vòng lặp")
	}
	seen[key] = true
	switch node.Key("Type").Name() {
	case "Page":
		return 1, c.contents(node.Key("Contents"))
	case "Pages", "":
		kids := node.Key("Kids")
		if kids.Kind() != pdf.Array {
			if node.Key("Type").Name() == "" {
				return 0, malformed("nút của cây trang không có loại")
			}
			return 0, malformed("danh sách trang (Kids) không hợp lệ")
		}
		total := 0
		for i := range kids.Len() {
			n, err := c.pages(kids.Index(i), depth+1, seen)
			if err != nil {
				return 0, err
			}
			total += n
		}
		return total, nil
	}
	return 0, malformed("nút của cây trang có loại lạ %q", node.Key("Type").Name())
}

// contents reads a page's content streams in full.
func (c *checker) contents(v pdf.Value) error {
	switch v.Kind() {
	case pdf.Null:
		return nil // an empty page
	case pdf.Stream:
		return c.inflate(v)
	case pdf.Array:
		for i := range v.Len() {
			if v.Index(i).Kind() != pdf.Stream {
				return malformed("nội dung trang không phải luồng dữ liệu")
			}
			if err := c.inflate(v.Index(i)); err != nil {
				return err
			}
		}
		return nil
	}
	return malformed("nội dung trang không hợp lệ")
}

// objStream checks an object stream once: it must inflate within the
// budget and its offsets must lie inside it.
func (c *checker) objStream(ptr any) error {
	if c.objStreams == nil {
		c.objStreams = map[uint32]bool{}
	}
	p := c.rd.Resolve(c.rd.Trailer().GetPtr(), ptr)
	id := p.GetPtr()
	if c.objStreams[id.GetID()] {
		return nil
	}
	c.objStreams[id.GetID()] = true
	if p.Kind() != pdf.Stream || p.Key("Type").Name() != "ObjStm" {
		return malformed("luồng đối tượng không hợp lệ")
	}
	size, err := c.inflatedSize(p)
	if err != nil {
		return err
	}
	first, n := p.Key("First").Int64(), p.Key("N").Int64()
	if first <= 0 || first > size || n < 0 || n > size {
		return malformed("luồng đối tượng có chỉ số sai")
	}
	return nil
}

// inflatable reports whether the reader can decode the stream: no filter
// or Flate without a predictor other than PNG-Up. Image data in other
// codecs (DCT, JBIG2, CCITT…) is not decoded here.
func inflatable(v pdf.Value) bool {
	f := v.Key("Filter")
	p := v.Key("DecodeParms")
	switch f.Kind() {
	case pdf.Null:
		return true
	case pdf.Name:
	case pdf.Array:
		if f.Len() != 1 {
			return false
		}
		f, p = f.Index(0), p.Index(0)
	default:
		return false
	}
	if f.Name() != "FlateDecode" {
		return false
	}
	pred := p.Key("Predictor")
	return pred.Kind() == pdf.Null || pred.Int64() == 12
}

// inflate reads a stream to its end, within the budget.
func (c *checker) inflate(v pdf.Value) error {
	if v.Kind() != pdf.Stream || !inflatable(v) {
		return nil
	}
	_, err := c.inflatedSize(v)
	return err
}

func (c *checker) inflatedSize(v pdf.Value) (int64, error) {
	if !inflatable(v) {
		return 0, malformed("luồng dữ liệu mã hóa theo cách không hỗ trợ")
	}
	rc := v.Reader()
	defer rc.Close()
	n, err := io.Copy(io.Discard, io.LimitReader(rc, c.inflateLeft+1))
	if n > c.inflateLeft {
		return 0, malformed("dữ liệu nén giải ra quá lớn (trên %d MB)", MaxInflated>>20)
	}
	c.inflateLeft -= n
	if err != nil {
		return 0, malformed("luồng dữ liệu hỏng: %v", err)
	}
	return n, nil
}

// Action types that run something or reach outside the document.
var activeActions = map[string]string{
	"JavaScript":       "mã JavaScript",
	"Launch":           "lệnh mở chương trình (Launch)",
	"ImportData":       "lệnh nhập dữ liệu ngoài (ImportData)",
	"SubmitForm":       "lệnh gửi biểu mẫu ra ngoài (SubmitForm)",
	"RichMediaExecute": "lệnh chạy nội dung đa phương tiện",
	"GoToE":            "liên kết tới tệp nhúng",
	"Rendition":        "lệnh trình chiếu đa phương tiện",
}

// walk looks for active content in v, without following references
// (every object is walked on its own from the cross-reference table).
func (c *checker) walk(v pdf.Value, depth int) error {
	if depth > maxDepth {
		return malformed("lồng nhau quá sâu")
	}
	switch v.Kind() {
	case pdf.Dict, pdf.Stream:
		if what, ok := activeActions[v.Key("S").Name()]; ok {
			return active(what)
		}
		switch v.Key("Type").Name() {
		case "EmbeddedFile":
			return active("tệp đính kèm nhúng bên trong")
		case "Filespec":
			if v.Key("EF").Kind() != pdf.Null {
				return active("tệp đính kèm nhúng bên trong")
			}
		}
		switch v.Key("Subtype").Name() {
		case "FileAttachment":
			return active("tệp đính kèm nhúng bên trong")
		case "RichMedia", "Movie", "Sound", "Screen", "3D":
			return active("nội dung đa phương tiện")
		}
		for _, k := range v.Keys() {
			switch k {
			case "JS", "JavaScript":
				return active("mã JavaScript")
			case "EmbeddedFiles":
				return active("tệp đính kèm nhúng bên trong")
			case "XFA":
				return active("biểu mẫu XFA (có thể chứa mã)")
			}
			if err := c.walkDirect(v, k, depth); err != nil {
				return err
			}
		}
	case pdf.Array:
		for i := range v.Len() {
			if _, _, ref := v.IndexRef(i); ref {
				continue
			}
			if err := c.walk(v.Index(i), depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *checker) walkDirect(v pdf.Value, k string, depth int) error {
	if _, _, ref := v.KeyRef(k); ref {
		return nil
	}
	return c.walk(v.Key(k), depth+1)
}
