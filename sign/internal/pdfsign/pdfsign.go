// Copyright (c) 2018, Digitorus. All rights reserved.
// Use of this source code is governed by the BSD 2-Clause licence in the
// LICENSE file of this directory.
//
// This package is derived from github.com/digitorus/pdfsign/sign at
// v0.0.0-20250819064552-5f74f69dda1d (files sign.go, pdfsignature.go,
// pdfvisualsignature.go, pdfcatalog.go, pdfxref*.go, pdftrailer.go,
// pdfbyterange.go, helpers.go). The motcua modifications are:
//   - the SubFilter is a parameter (motcua uses ETSI.CAdES.detached);
//   - the CMS container is produced by a caller-supplied function, so the
//     caller controls the signed attributes (PAdES B-B: no signing-time,
//     signing-certificate-v2) and the RFC 3161 timestamp;
//   - the visible appearance is produced by a caller-supplied function;
//   - byte offsets of the ByteRange and Contents placeholders are recorded
//     while writing instead of being searched for afterwards (a search can
//     hit the zero padding of an earlier signature);
//   - the page, catalogue and trailer are re-serialised from parsed values
//     with PDF syntax (the original used Go-quoted strings for some values)
//     and keep every existing AcroForm field and entry;
//   - text strings are written as UTF-16BE hex strings (the original left
//     bytes such as 0x29 unescaped inside literal strings, which breaks
//     Vietnamese text containing U+0129 "ĩ");
//   - no network access, no logging, no certification (DocMDP) or UR3
//     signatures;
//   - for speed: the update is built in a pooled buffer and appended to
//     the input once at the end; Contents receives the two signed byte
//     ranges instead of a copy of them; indirect references in rewritten
//     objects are copied without loading the objects they refer to;
//     streams under 1 KiB (appearance content, xref stream) are stored
//     uncompressed; the xref table is formatted without fmt;
//   - AppendDSS (dss.go) writes a Document Security Store update for
//     PAdES B-LT, and EncodeEntry lets callers compare catalogue entries
//     of two revisions.

// Package pdfsign writes a PDF signature as an incremental update.
//
// It knows the PDF file structure only; it does not know CMS, certificates
// or timestamps. The caller supplies the signature container through
// Request.Contents.
package pdfsign

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf16"

	"motcua/sign/internal/pdf"
)

// Kind selects the kind of signature dictionary.
type Kind int

const (
	// Approval is an approval (recipient) signature: /Type /Sig.
	Approval Kind = iota + 1
	// DocTimeStamp is a document timestamp: /Type /DocTimeStamp with
	// SubFilter ETSI.RFC3161; Contents is a bare TimeStampToken.
	DocTimeStamp
)

// AddObjectFunc appends an indirect object to the update and returns its
// object number. obj is the object body (without "N 0 obj"/"endobj").
type AddObjectFunc func(obj []byte) (uint32, error)

// AppearanceFunc builds the normal appearance of a visible signature for a
// box of w×h points. It may add objects (images, fonts) with add and
// returns the body of the /Resources dictionary (without << >>) and the
// content stream of the appearance form XObject.
type AppearanceFunc func(w, h float64, add AddObjectFunc) (resources, stream []byte, err error)

// Request describes one signature to add.
type Request struct {
	Kind      Kind
	SubFilter string // e.g. "ETSI.CAdES.detached"; required for Approval

	Name        string
	Location    string
	Reason      string
	ContactInfo string
	Time        time.Time // written as /M when non-zero

	// Visible signature: page (1-based) and rectangle in default user
	// space (llx, lly, urx, ury). Appearance must be set when Visible.
	Visible    bool
	Page       int
	Rect       [4]float64
	Appearance AppearanceFunc

	// Contents returns the DER value of /Contents for the signed bytes:
	// the concatenation of the byte ranges in signed (the file before and
	// after the /Contents value). The ranges alias the output and are
	// valid only during the call.
	Contents func(signed [][]byte) ([]byte, error)
	// ContentsSize is the number of bytes reserved for the DER value.
	// If Contents returns more, signing is repeated once with a larger
	// reservation (Contents is called again).
	ContentsSize int

	// AppName is recorded in /Prop_Build /App /Name.
	AppName string
	// ESIC adds the developer extension /ESIC (base version 1.7,
	// extension level 2) to the catalogue unless present, declaring the
	// ETSI PAdES signature formats to PDF 1.7 processors (as iText does).
	ESIC bool
	// Deflate, when set, zlib-compresses streams (lets the caller reuse
	// one compressor); nil means a new compressor per stream. Streams
	// shorter than minDeflate are written uncompressed.
	Deflate func([]byte) []byte
}

// errEncrypted is returned for encrypted input.
var errEncrypted = errors.New("pdfsign: encrypted PDF files are not supported")

// complete checks the fields Sign and Prepare both need and sets the
// defaults of Kind (Approval) and Page (1).
func (req *Request) complete() error {
	if req.Kind == 0 {
		req.Kind = Approval
	}
	if req.Kind == Approval && req.SubFilter == "" {
		return errors.New("pdfsign: SubFilter is required")
	}
	if req.Visible && req.Appearance == nil {
		return errors.New("pdfsign: visible signature without appearance")
	}
	if req.Page <= 0 {
		req.Page = 1
	}
	return nil
}

// Sign returns input with the signature described by req appended as an
// incremental update.
func Sign(input []byte, req Request) (out []byte, err error) {
	if req.Contents == nil {
		return nil, errors.New("pdfsign: Contents function is required")
	}
	if err := req.complete(); err != nil {
		return nil, err
	}
	if req.ContentsSize <= 0 {
		req.ContentsSize = 8192
	}
	for attempt := 0; attempt < 2; attempt++ {
		out, needed, err := signOnce(input, req)
		if err != nil {
			return nil, err
		}
		if needed == 0 {
			return out, nil
		}
		req.ContentsSize = needed + 1024
	}
	return nil, errors.New("pdfsign: signature container does not fit its placeholder")
}

// Parse opens a PDF with the digitorus parser. That parser reports many
// malformations by panicking; Parse turns such panics into errors.
func Parse(data []byte) (r *pdf.Reader, err error) {
	defer func() {
		if p := recover(); p != nil {
			r, err = nil, fmt.Errorf("pdfsign: malformed PDF: %v", p)
		}
	}()
	return pdf.NewReader(bytes.NewReader(data), int64(len(data)))
}

type xrefEntry struct {
	id     uint32
	gen    uint16
	offset int64
}

// writer builds the incremental update. Offsets (xref entries,
// placeholders) are offsets in the output, the input followed by buf.
type writer struct {
	in  []byte
	rdr *pdf.Reader
	req Request
	buf *bytes.Buffer // the update, from a pool

	nextID  uint32
	entries []xrefEntry

	byteRangeAt int // offset of the ByteRange placeholder
	contentsAt  int // offset of '<' of /Contents
	contentsLen int // number of hex digits reserved
}

// signOnce performs one signing attempt. needed > 0 reports that the
// container was larger than the reservation.
func signOnce(input []byte, req Request) (out []byte, needed int, err error) {
	defer func() {
		// The parser resolves objects lazily and panics on malformed
		// input; turn that into an error instead of crashing the caller.
		if p := recover(); p != nil {
			out, needed, err = nil, 0, fmt.Errorf("pdfsign: malformed PDF: %v", p)
		}
	}()
	rdr, err := pdf.NewReader(bytes.NewReader(input), int64(len(input)))
	if err != nil {
		return nil, 0, fmt.Errorf("pdfsign: open: %w", err)
	}
	if !rdr.Trailer().Key("Encrypt").IsNull() {
		return nil, 0, errEncrypted
	}
	w := &writer{in: input, rdr: rdr, req: req, buf: getBuffer()}
	defer putBuffer(w.buf)
	w.buf.Grow(2*req.ContentsSize + 16*1024)
	if len(input) == 0 || (input[len(input)-1] != '\n' && input[len(input)-1] != '\r') {
		w.buf.WriteByte('\n')
	}
	w.nextID = w.firstFreeID()

	if err := w.build(); err != nil {
		return nil, 0, err
	}
	return w.finish()
}

// buffers holds update buffers: an update with the signature images is
// tens of kilobytes, worth reusing between signatures.
var buffers sync.Pool

func getBuffer() *bytes.Buffer {
	if b, ok := buffers.Get().(*bytes.Buffer); ok {
		return b
	}
	return new(bytes.Buffer)
}

// putBuffer returns b to the pool unless it grew large (a big image).
func putBuffer(b *bytes.Buffer) {
	if b.Cap() > 1<<20 {
		return
	}
	b.Reset()
	buffers.Put(b)
}

// pos returns the output offset of the next byte written to w.buf.
func (w *writer) pos() int { return len(w.in) + w.buf.Len() }

func (w *writer) firstFreeID() uint32 {
	var maxID uint32
	for _, x := range w.rdr.Xref() {
		p := x.Ptr()
		if id := p.GetID(); id > maxID {
			maxID = id
		}
	}
	size := w.rdr.Trailer().Key("Size").Int64()
	if size > int64(maxID)+1 && size < math.MaxUint32 {
		return uint32(size)
	}
	return maxID + 1
}

func (w *writer) build() error {
	root := w.rdr.Trailer().Key("Root")
	if root.Kind() != pdf.Dict {
		return errors.New("pdfsign: document catalog not found")
	}
	if rootID, _ := ref(root); rootID == 0 {
		return errors.New("pdfsign: document catalog is not an indirect object")
	}

	var page pdf.Value
	if w.req.Kind == Approval {
		var err error
		page, err = findPage(root.Key("Pages"), w.req.Page)
		if err != nil {
			return err
		}
	}

	// Signature dictionary.
	sigID, err := w.addSignatureDict()
	if err != nil {
		return err
	}

	// Signature field merged with its widget annotation.
	widgetID, err := w.addWidget(sigID, root, page)
	if err != nil {
		return err
	}

	if w.req.Visible {
		if err := w.updatePage(page, widgetID); err != nil {
			return err
		}
	}
	if err := w.updateCatalog(root, widgetID); err != nil {
		return err
	}
	rootID, _ := ref(root)
	return w.writeXrefAndTrailer(rootID)
}

// id returns the object number through which v was reached.
func id(v pdf.Value) uint32 {
	n, _ := ref(v)
	return n
}

// ref returns the object number and generation through which v was
// reached (0 for a direct value in the trailer).
func ref(v pdf.Value) (uint32, uint16) {
	p := v.GetPtr()
	return p.GetID(), p.GetGen()
}

func (w *writer) allocID() uint32 {
	id := w.nextID
	w.nextID++
	return id
}

// writeObject writes "id gen obj ... endobj" and records its offset.
// It returns the offset of the object body.
func (w *writer) writeObject(id uint32, gen uint16, body []byte) int {
	w.buf.WriteByte('\n')
	w.entries = append(w.entries, xrefEntry{id: id, gen: gen, offset: int64(w.pos())})
	fmt.Fprintf(w.buf, "%d %d obj\n", id, gen)
	start := w.pos()
	w.buf.Write(body)
	w.buf.WriteString("\nendobj\n")
	return start
}

func (w *writer) addObject(body []byte) (uint32, error) {
	id := w.allocID()
	w.writeObject(id, 0, bytes.TrimSpace(body))
	return id, nil
}

// zeros pads the /Contents placeholder.
var zeros = strings.Repeat("0", 4096)

const byteRangePlaceholder = "/ByteRange [0 ********** ********** **********]"

func (w *writer) addSignatureDict() (uint32, error) {
	var b bytes.Buffer
	b.WriteString("<<\n")
	switch w.req.Kind {
	case Approval:
		b.WriteString("/Type /Sig\n/Filter /Adobe.PPKLite\n/SubFilter /")
		b.WriteString(escapeName(w.req.SubFilter))
		b.WriteString("\n")
	case DocTimeStamp:
		b.WriteString("/Type /DocTimeStamp\n/Filter /Adobe.PPKLite\n/SubFilter /ETSI.RFC3161\n")
	default:
		return 0, fmt.Errorf("pdfsign: unknown signature kind %d", w.req.Kind)
	}
	if w.req.AppName != "" {
		b.WriteString("/Prop_Build << /App << /Name /")
		b.WriteString(escapeName(w.req.AppName))
		b.WriteString(" >> >>\n")
	}
	if w.req.Kind == Approval {
		if w.req.Name != "" {
			b.WriteString("/Name " + TextString(w.req.Name) + "\n")
		}
		if w.req.Location != "" {
			b.WriteString("/Location " + TextString(w.req.Location) + "\n")
		}
		if w.req.Reason != "" {
			b.WriteString("/Reason " + TextString(w.req.Reason) + "\n")
		}
		if w.req.ContactInfo != "" {
			b.WriteString("/ContactInfo " + TextString(w.req.ContactInfo) + "\n")
		}
		if !w.req.Time.IsZero() {
			b.WriteString("/M " + DateString(w.req.Time) + "\n")
		}
	}
	brOff := b.Len()
	b.WriteString(byteRangePlaceholder + "\n/Contents ")
	contentsOff := b.Len()
	b.WriteByte('<')
	w.contentsLen = 2 * w.req.ContentsSize
	b.Grow(w.contentsLen + 8)
	for n := w.contentsLen; n > 0; n -= min(n, len(zeros)) {
		b.WriteString(zeros[:min(n, len(zeros))])
	}
	b.WriteString(">\n>>")

	id := w.allocID()
	start := w.writeObject(id, 0, b.Bytes())
	w.byteRangeAt = start + brOff
	w.contentsAt = start + contentsOff
	return id, nil
}

func (w *writer) addWidget(sigID uint32, root, page pdf.Value) (uint32, error) {
	var b bytes.Buffer
	b.WriteString("<<\n/Type /Annot\n/Subtype /Widget\n/FT /Sig\n")
	if w.req.Visible {
		r := w.req.Rect
		llx, lly := math.Min(r[0], r[2]), math.Min(r[1], r[3])
		urx, ury := math.Max(r[0], r[2]), math.Max(r[1], r[3])
		fmt.Fprintf(&b, "/Rect [%s %s %s %s]\n", num(llx), num(lly), num(urx), num(ury))
		wd, ht := urx-llx, ury-lly
		if wd < 1 || ht < 1 {
			return 0, fmt.Errorf("pdfsign: signature rectangle %.2f×%.2f is too small", wd, ht)
		}
		apID, err := w.addAppearance(wd, ht)
		if err != nil {
			return 0, err
		}
		fmt.Fprintf(&b, "/AP << /N %d 0 R >>\n", apID)
		id, gen := ref(page)
		fmt.Fprintf(&b, "/P %d %d R\n", id, gen)
	} else {
		b.WriteString("/Rect [0 0 0 0]\n")
	}
	// Print + Locked.
	b.WriteString("/F 132\n")
	b.WriteString("/T " + TextString(w.fieldName(root)) + "\n")
	fmt.Fprintf(&b, "/V %d 0 R\n>>", sigID)
	return w.addObject(b.Bytes())
}

func (w *writer) addAppearance(wd, ht float64) (uint32, error) {
	res, stream, err := w.req.Appearance(wd, ht, w.addObject)
	if err != nil {
		return 0, fmt.Errorf("pdfsign: appearance: %w", err)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "<<\n/Type /XObject\n/Subtype /Form\n/FormType 1\n/BBox [0 0 %s %s]\n/Matrix [1 0 0 1 0 0]\n", num(wd), num(ht))
	b.WriteString("/Resources <<")
	b.Write(res)
	b.WriteString(">>")
	w.writeStream(&b, stream)
	return w.addObject(b.Bytes())
}

// fieldName returns "Signature N" with N one more than the number of
// existing signature fields, skipping names already in use.
func (w *writer) fieldName(root pdf.Value) string {
	names := map[string]bool{}
	n := 0
	fields := root.Key("AcroForm").Key("Fields")
	for i := 0; i < fields.Len() && i < 10000; i++ {
		f := fields.Index(i)
		names[f.Key("T").Text()] = true
		if f.Key("FT").Name() == "Sig" {
			n++
		}
	}
	for {
		n++
		name := "Signature " + strconv.Itoa(n)
		if !names[name] {
			return name
		}
	}
}

// updatePage rewrites page with ids appended to its annotations.
func (w *writer) updatePage(page pdf.Value, ids ...uint32) error {
	var b bytes.Buffer
	b.WriteString("<<")
	pageID, pageGen := ref(page)
	if err := writeEntries(&b, "\n", page, "Annots"); err != nil {
		return err
	}
	b.WriteString("\n/Annots [")
	if err := writeArrayWithRef(&b, page.Key("Annots"), ids...); err != nil {
		return err
	}
	b.WriteString("\n>>")
	w.writeObject(pageID, pageGen, b.Bytes())
	return nil
}

func (w *writer) updateCatalog(root pdf.Value, widgetID uint32) error {
	var b bytes.Buffer
	rootID, rootGen := ref(root)
	b.WriteString("<<")
	skip := []string{"AcroForm"}
	if w.req.ESIC {
		skip = append(skip, "Extensions")
	}
	if err := writeEntries(&b, "\n", root, skip...); err != nil {
		return err
	}
	if w.req.ESIC {
		ext := root.Key("Extensions")
		b.WriteString("\n/Extensions <<")
		if err := writeEntries(&b, " ", ext, "ESIC"); err != nil {
			return err
		}
		if esic := ext.Key("ESIC"); esic.Kind() != pdf.Null {
			b.WriteString(" /ESIC ")
			if err := writeEntry(&b, ext, "ESIC", 0); err != nil {
				return err
			}
		} else {
			b.WriteString(" /ESIC << /Type /DeveloperExtensions /BaseVersion /1.7 /ExtensionLevel 2 >>")
		}
		b.WriteString(" >>")
	}
	acro := root.Key("AcroForm")
	b.WriteString("\n/AcroForm <<")
	if err := writeEntries(&b, "\n", acro, "Fields", "SigFlags"); err != nil {
		return err
	}
	b.WriteString("\n/Fields [")
	if err := writeArrayWithRef(&b, acro.Key("Fields"), widgetID); err != nil {
		return err
	}
	b.WriteString("\n/SigFlags 3\n>>\n>>")
	w.writeObject(rootID, rootGen, b.Bytes())
	return nil
}

// writeEntries writes every entry of the dictionary d but those named in
// skip, each as sep, its name and its value.
func writeEntries(b *bytes.Buffer, sep string, d pdf.Value, skip ...string) error {
	for _, key := range d.Keys() {
		if slices.Contains(skip, key) {
			continue
		}
		b.WriteString(sep + "/" + escapeName(key) + " ")
		if err := writeEntry(b, d, key, 0); err != nil {
			return err
		}
	}
	return nil
}

// writeArrayWithRef writes the elements of the array a followed by
// references to the objects ids and the closing bracket.
func writeArrayWithRef(b *bytes.Buffer, a pdf.Value, ids ...uint32) error {
	for i := 0; i < a.Len(); i++ {
		if err := writeElement(b, a, i, 0); err != nil {
			return err
		}
		b.WriteByte(' ')
	}
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(b, "%d 0 R", id)
	}
	b.WriteByte(']')
	return nil
}

func (w *writer) writeXrefAndTrailer(rootID uint32) error {
	tr := w.rdr.Trailer()
	prev := w.rdr.XrefInformation.StartPos
	if w.rdr.XrefInformation.Type == "stream" {
		return w.writeXrefStream(rootID, prev)
	}
	w.buf.WriteByte('\n')
	xrefAt := w.pos()
	w.buf.WriteString("xref\n")
	for _, sub := range subsections(w.entries) {
		fmt.Fprintf(w.buf, "%d %d\n", sub[0].id, len(sub))
		for _, e := range sub {
			if e.offset > 9_999_999_999 {
				return errors.New("pdfsign: file too large for a cross-reference table")
			}
			// "%010d %05d n\r\n"
			var line [20]byte
			putDigits(line[0:10], uint64(e.offset))
			line[10] = ' '
			putDigits(line[11:16], uint64(e.gen))
			copy(line[16:], " n\r\n")
			w.buf.Write(line[:])
		}
	}
	w.buf.WriteString("trailer\n<<")
	fmt.Fprintf(w.buf, "\n/Size %d\n/Root %d 0 R\n/Prev %d", w.nextID, rootID, prev)
	if err := writeTrailerExtras(w.buf, tr); err != nil {
		return err
	}
	fmt.Fprintf(w.buf, "\n>>\nstartxref\n%d\n%%%%EOF\n", xrefAt)
	return nil
}

func writeTrailerExtras(b *bytes.Buffer, tr pdf.Value) error {
	if info := tr.Key("Info"); info.Kind() == pdf.Dict && id(info) != id(tr) {
		infoID, infoGen := ref(info)
		fmt.Fprintf(b, "\n/Info %d %d R", infoID, infoGen)
	}
	if id := tr.Key("ID"); id.Kind() == pdf.Array && id.Len() == 2 {
		fmt.Fprintf(b, "\n/ID [<%s> <%s>]", hex.EncodeToString([]byte(id.Index(0).RawString())),
			hex.EncodeToString([]byte(id.Index(1).RawString())))
	}
	return nil
}

func (w *writer) writeXrefStream(rootID uint32, prev int64) error {
	id := w.allocID()
	w.buf.WriteByte('\n')
	offset := int64(w.pos())
	entries := append(append([]xrefEntry(nil), w.entries...), xrefEntry{id: id, offset: offset})
	var data bytes.Buffer
	var index []string
	for _, sub := range subsections(entries) {
		index = append(index, strconv.Itoa(int(sub[0].id)), strconv.Itoa(len(sub)))
		for _, e := range sub {
			data.WriteByte(1)
			var off [4]byte
			binary.BigEndian.PutUint32(off[:], uint32(e.offset))
			data.Write(off[:])
			data.WriteByte(byte(e.gen >> 8))
			data.WriteByte(byte(e.gen))
		}
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "<<\n/Type /XRef\n/W [1 4 2]\n/Index [%s]\n/Size %d\n/Root %d 0 R\n/Prev %d",
		strings.Join(index, " "), w.nextID, rootID, prev)
	if err := writeTrailerExtras(&b, w.rdr.Trailer()); err != nil {
		return err
	}
	w.writeStream(&b, data.Bytes())
	w.entries = entries
	fmt.Fprintf(w.buf, "%d 0 obj\n", id)
	w.buf.Write(b.Bytes())
	fmt.Fprintf(w.buf, "\nendobj\nstartxref\n%d\n%%%%EOF\n", offset)
	return nil
}

// putDigits writes v in decimal into all of b, padded with leading zeros.
func putDigits(b []byte, v uint64) {
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = byte('0' + v%10)
		v /= 10
	}
}

// subsections sorts entries by object number and groups consecutive
// numbers.
func subsections(entries []xrefEntry) [][]xrefEntry {
	sorted := append([]xrefEntry(nil), entries...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].id < sorted[j].id })
	var out [][]xrefEntry
	for i := 0; i < len(sorted); {
		j := i + 1
		for j < len(sorted) && sorted[j].id == sorted[j-1].id+1 {
			j++
		}
		out = append(out, sorted[i:j])
		i = j
	}
	return out
}

// finish assembles the output, fills in the ByteRange and the signature
// container.
func (w *writer) finish() ([]byte, int, error) {
	out, err := w.assemble()
	if err != nil {
		return nil, 0, err
	}
	contentsEnd := w.contentsAt + w.contentsLen + 2
	der, err := w.req.Contents([][]byte{out[:w.contentsAt], out[contentsEnd:]})
	if err != nil {
		return nil, 0, err
	}
	if 2*len(der) > w.contentsLen {
		return nil, len(der), nil
	}
	hex.Encode(out[w.contentsAt+1:], der)
	return out, 0, nil
}

// assemble returns the input followed by the update, with the ByteRange
// filled in and /Contents still zeros.
func (w *writer) assemble() ([]byte, error) {
	// Appending to a full-capacity slice of the input copies it into a
	// new array without zeroing it first.
	out := append(w.in[:len(w.in):len(w.in)], w.buf.Bytes()...)
	contentsEnd := w.contentsAt + w.contentsLen + 2
	br := fmt.Sprintf("/ByteRange [0 %d %d %d]", w.contentsAt, contentsEnd, len(out)-contentsEnd)
	if len(br) > len(byteRangePlaceholder) {
		return nil, errors.New("pdfsign: byte range does not fit its placeholder")
	}
	br += strings.Repeat(" ", len(byteRangePlaceholder)-len(br))
	copy(out[w.byteRangeAt:], br)
	return out, nil
}

// Placeholder is a file with a signature whose /Contents is still zeros:
// the first phase of a signature made outside this process.
type Placeholder struct {
	file        []byte
	contentsAt  int // offset of '<'
	contentsLen int // hex digits reserved
}

// Prepare writes the update described by req (whose Contents is not used)
// with req.ContentsSize bytes reserved for the signature container, and
// returns it for Fill.
func Prepare(input []byte, req Request) (ph *Placeholder, err error) {
	if err := req.complete(); err != nil {
		return nil, err
	}
	if req.ContentsSize <= 0 {
		return nil, errors.New("pdfsign: ContentsSize is required")
	}
	defer func() {
		if p := recover(); p != nil {
			ph, err = nil, fmt.Errorf("pdfsign: malformed PDF: %v", p)
		}
	}()
	rdr, err := pdf.NewReader(bytes.NewReader(input), int64(len(input)))
	if err != nil {
		return nil, fmt.Errorf("pdfsign: open: %w", err)
	}
	if !rdr.Trailer().Key("Encrypt").IsNull() {
		return nil, errEncrypted
	}
	w := &writer{in: input, rdr: rdr, req: req, buf: getBuffer()}
	defer putBuffer(w.buf)
	if len(input) == 0 || (input[len(input)-1] != '\n' && input[len(input)-1] != '\r') {
		w.buf.WriteByte('\n')
	}
	w.nextID = w.firstFreeID()
	if err := w.build(); err != nil {
		return nil, err
	}
	out, err := w.assemble()
	if err != nil {
		return nil, err
	}
	return &Placeholder{file: out, contentsAt: w.contentsAt, contentsLen: w.contentsLen}, nil
}

// NewPlaceholder restores a Placeholder from its file and the offset and
// length (in hex digits) of its /Contents value, as ContentsAt and
// ContentsLen report them: a prepared signature kept outside this
// process. The value must be a zero-filled hex string at that place.
func NewPlaceholder(file []byte, contentsAt, contentsLen int) (*Placeholder, error) {
	if contentsAt <= 0 || contentsLen <= 0 || contentsLen%2 != 0 || contentsAt+contentsLen+2 > len(file) {
		return nil, errors.New("pdfsign: signature placeholder out of the file")
	}
	if file[contentsAt] != '<' || file[contentsAt+contentsLen+1] != '>' {
		return nil, errors.New("pdfsign: no signature placeholder at the given offset")
	}
	for _, c := range file[contentsAt+1 : contentsAt+1+contentsLen] {
		if c != '0' {
			return nil, errors.New("pdfsign: the signature placeholder is not empty")
		}
	}
	return &Placeholder{file: file, contentsAt: contentsAt, contentsLen: contentsLen}, nil
}

// ContentsAt is the offset of the '<' that opens the /Contents value.
func (p *Placeholder) ContentsAt() int { return p.contentsAt }

// ContentsLen is the number of hex digits reserved in /Contents.
func (p *Placeholder) ContentsLen() int { return p.contentsLen }

// File returns the prepared file, /Contents zero-filled. It must not be
// modified.
func (p *Placeholder) File() []byte { return p.file }

// Signed returns the signed byte ranges of the prepared file.
func (p *Placeholder) Signed() [][]byte {
	end := p.contentsAt + p.contentsLen + 2
	return [][]byte{p.file[:p.contentsAt], p.file[end:]}
}

// Capacity is the number of bytes reserved for the signature container.
func (p *Placeholder) Capacity() int { return p.contentsLen / 2 }

// Fill returns a copy of the prepared file with der as the signature
// container.
func (p *Placeholder) Fill(der []byte) ([]byte, error) {
	if 2*len(der) > p.contentsLen {
		return nil, fmt.Errorf("pdfsign: signature container of %d bytes does not fit the %d reserved", len(der), p.contentsLen/2)
	}
	out := bytes.Clone(p.file)
	hex.Encode(out[p.contentsAt+1:], der)
	return out, nil
}

// findPage returns page number n (1-based) of the page tree.
func findPage(pages pdf.Value, n int) (pdf.Value, error) {
	seen := map[uint32]bool{}
	var walk func(node pdf.Value, depth int) (pdf.Value, bool, error)
	walk = func(node pdf.Value, depth int) (pdf.Value, bool, error) {
		if depth > 64 {
			return pdf.Value{}, false, errors.New("pdfsign: page tree too deep")
		}
		nodeID := id(node)
		if seen[nodeID] {
			return pdf.Value{}, false, errors.New("pdfsign: page tree has a cycle")
		}
		seen[nodeID] = true
		switch node.Key("Type").Name() {
		case "Pages":
			kids := node.Key("Kids")
			for i := 0; i < kids.Len(); i++ {
				p, ok, err := walk(kids.Index(i), depth+1)
				if err != nil || ok {
					return p, ok, err
				}
			}
			return pdf.Value{}, false, nil
		case "Page":
			n--
			if n == 0 {
				return node, true, nil
			}
			return pdf.Value{}, false, nil
		}
		return pdf.Value{}, false, errors.New("pdfsign: malformed page tree")
	}
	p, ok, err := walk(pages, 0)
	if err != nil {
		return pdf.Value{}, err
	}
	if !ok {
		return pdf.Value{}, fmt.Errorf("pdfsign: page %d not found", n)
	}
	if id(p) == 0 {
		return pdf.Value{}, errors.New("pdfsign: page is not an indirect object")
	}
	return p, nil
}

// writeEntry serialises entry key of the dictionary d. An indirect
// reference is written as it is, without loading the object.
func writeEntry(b *bytes.Buffer, d pdf.Value, key string, depth int) error {
	if id, gen, ok := d.KeyRef(key); ok {
		writeRef(b, id, gen)
		return nil
	}
	return writeValue(b, d.Key(key), depth)
}

// writeElement serialises element i of the array a like writeEntry.
func writeElement(b *bytes.Buffer, a pdf.Value, i int, depth int) error {
	if id, gen, ok := a.IndexRef(i); ok {
		writeRef(b, id, gen)
		return nil
	}
	return writeValue(b, a.Index(i), depth)
}

func writeRef(b *bytes.Buffer, id uint32, gen uint16) {
	var t [32]byte
	n := strconv.AppendUint(t[:0], uint64(id), 10)
	n = append(n, ' ')
	n = strconv.AppendUint(n, uint64(gen), 10)
	n = append(n, " R"...)
	b.Write(n)
}

// writeValue serialises the direct value v (see writeEntry).
func writeValue(b *bytes.Buffer, v pdf.Value, depth int) error {
	if depth > 32 {
		return errors.New("pdfsign: object nesting too deep")
	}
	switch v.Kind() {
	case pdf.Null:
		b.WriteString("null")
	case pdf.Bool:
		if v.Bool() {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case pdf.Integer:
		b.WriteString(strconv.FormatInt(v.Int64(), 10))
	case pdf.Real:
		b.WriteString(num(v.Float64()))
	case pdf.String:
		b.WriteString("<" + hex.EncodeToString([]byte(v.RawString())) + ">")
	case pdf.Name:
		b.WriteString("/" + escapeName(v.Name()))
	case pdf.Dict:
		b.WriteString("<<")
		for _, k := range v.Keys() {
			b.WriteString(" /" + escapeName(k) + " ")
			if err := writeEntry(b, v, k, depth+1); err != nil {
				return err
			}
		}
		b.WriteString(" >>")
	case pdf.Array:
		b.WriteString("[")
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				b.WriteByte(' ')
			}
			if err := writeElement(b, v, i, depth+1); err != nil {
				return err
			}
		}
		b.WriteString("]")
	default:
		return errors.New("pdfsign: unexpected direct stream object")
	}
	return nil
}

// num formats a real number the way PDF expects (no exponent), to four
// decimals.
func num(f float64) string { return Num(f, 4) }

// Num formats a real number the way PDF expects: no exponent, at most
// prec decimals, no trailing zeros; "0" for NaN, infinities and -0.
func Num(f float64, prec int) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "0"
	}
	s := strconv.FormatFloat(f, 'f', prec, 64)
	s = strings.TrimRight(s, "0")
	s = strings.TrimSuffix(s, ".")
	if s == "-0" || s == "" {
		return "0"
	}
	return s
}

// escapeName escapes a PDF name body (ISO 32000-1, 7.3.5).
func escapeName(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '!' || c > '~' || strings.IndexByte("#()<>[]{}/%", c) >= 0 {
			fmt.Fprintf(&b, "#%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// TextString encodes s as a PDF text string: a literal string for plain
// ASCII, UTF-16BE with BOM as a hex string otherwise.
func TextString(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 || s[i] < 0x20 {
			ascii = false
			break
		}
	}
	if ascii {
		r := strings.NewReplacer(`\`, `\\`, `(`, `\(`, `)`, `\)`)
		return "(" + r.Replace(s) + ")"
	}
	u := utf16.Encode([]rune(s))
	buf := make([]byte, 2+2*len(u))
	buf[0], buf[1] = 0xFE, 0xFF
	for i, c := range u {
		binary.BigEndian.PutUint16(buf[2+2*i:], c)
	}
	return "<" + strings.ToUpper(hex.EncodeToString(buf)) + ">"
}

// DateString formats t as a PDF date string, e.g. (D:20260520093000+07'00').
func DateString(t time.Time) string {
	_, off := t.Zone()
	sign := '+'
	if off < 0 {
		sign = '-'
		off = -off
	}
	return fmt.Sprintf("(D:%s%c%02d'%02d')", t.Format("20060102150405"), sign, off/3600, (off%3600)/60)
}

// minDeflate is the length below which streams are written uncompressed:
// deflating costs several microseconds per stream, mostly in building the
// Huffman tables, and saves only a few hundred bytes on a short stream.
const minDeflate = 1024

// writeStream ends the stream dictionary in b (open, without its /Filter
// and /Length) and appends the stream data, compressed unless short.
func (w *writer) writeStream(b *bytes.Buffer, data []byte) {
	if len(data) >= minDeflate {
		data = w.deflate(data)
		b.WriteString("\n/Filter /FlateDecode")
	}
	fmt.Fprintf(b, "\n/Length %d\n>>\nstream\n", len(data))
	b.Write(data)
	b.WriteString("\nendstream")
}

func (w *writer) deflate(data []byte) []byte {
	if w.req.Deflate != nil {
		return w.req.Deflate(data)
	}
	return deflate(data)
}

func deflate(data []byte) []byte {
	var b bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&b, zlib.BestSpeed)
	_, _ = zw.Write(data)
	_ = zw.Close()
	return b.Bytes()
}
