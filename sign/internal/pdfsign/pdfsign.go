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
//     signatures.

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
	"sort"
	"strconv"
	"strings"
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

	// Contents returns the DER value of /Contents for the signed bytes
	// (the concatenation of both byte ranges).
	Contents func(signed []byte) ([]byte, error)
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
	// one compressor); nil means a new compressor per stream.
	Deflate func([]byte) []byte
}

// errEncrypted is returned for encrypted input.
var errEncrypted = errors.New("pdfsign: encrypted PDF files are not supported")

// Sign returns input with the signature described by req appended as an
// incremental update.
func Sign(input []byte, req Request) (out []byte, err error) {
	if req.Contents == nil {
		return nil, errors.New("pdfsign: Contents function is required")
	}
	if req.Kind == 0 {
		req.Kind = Approval
	}
	if req.Kind == Approval && req.SubFilter == "" {
		return nil, errors.New("pdfsign: SubFilter is required")
	}
	if req.Visible && req.Appearance == nil {
		return nil, errors.New("pdfsign: visible signature without appearance")
	}
	if req.Page <= 0 {
		req.Page = 1
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

type writer struct {
	in  []byte
	rdr *pdf.Reader
	req Request
	buf bytes.Buffer

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
	w := &writer{in: input, rdr: rdr, req: req}
	w.buf.Grow(len(input) + 2*req.ContentsSize + 64*1024)
	w.buf.Write(input)
	if len(input) == 0 || (input[len(input)-1] != '\n' && input[len(input)-1] != '\r') {
		w.buf.WriteByte('\n')
	}
	w.nextID = w.firstFreeID()

	if err := w.build(); err != nil {
		return nil, 0, err
	}
	return w.finish()
}

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
	widgetID, err := w.addWidget(sigID, page)
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
	w.entries = append(w.entries, xrefEntry{id: id, gen: gen, offset: int64(w.buf.Len())})
	fmt.Fprintf(&w.buf, "%d %d obj\n", id, gen)
	start := w.buf.Len()
	w.buf.Write(body)
	w.buf.WriteString("\nendobj\n")
	return start
}

func (w *writer) addObject(body []byte) (uint32, error) {
	id := w.allocID()
	w.writeObject(id, 0, bytes.TrimSpace(body))
	return id, nil
}

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
	b.Write(bytes.Repeat([]byte{'0'}, w.contentsLen))
	b.WriteString(">\n>>")

	id := w.allocID()
	start := w.writeObject(id, 0, b.Bytes())
	w.byteRangeAt = start + brOff
	w.contentsAt = start + contentsOff
	return id, nil
}

func (w *writer) addWidget(sigID uint32, page pdf.Value) (uint32, error) {
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
	b.WriteString("/T " + TextString(w.fieldName()) + "\n")
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
	b.WriteString(">>\n")
	compressed := w.deflate(stream)
	fmt.Fprintf(&b, "/Filter /FlateDecode\n/Length %d\n>>\nstream\n", len(compressed))
	b.Write(compressed)
	b.WriteString("\nendstream")
	return w.addObject(b.Bytes())
}

// fieldName returns "Signature N" with N one more than the number of
// existing signature fields, skipping names already in use.
func (w *writer) fieldName() string {
	names := map[string]bool{}
	n := 0
	fields := w.rdr.Trailer().Key("Root").Key("AcroForm").Key("Fields")
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

func (w *writer) updatePage(page pdf.Value, widgetID uint32) error {
	var b bytes.Buffer
	b.WriteString("<<")
	pageID, pageGen := ref(page)
	for _, key := range page.Keys() {
		if key == "Annots" {
			continue
		}
		b.WriteString("\n/" + escapeName(key) + " ")
		if err := writeValue(&b, page.Key(key), pageID, 0); err != nil {
			return err
		}
	}
	b.WriteString("\n/Annots [")
	annots := page.Key("Annots")
	for i := 0; i < annots.Len(); i++ {
		if err := writeValue(&b, annots.Index(i), id(annots), 0); err != nil {
			return err
		}
		b.WriteByte(' ')
	}
	fmt.Fprintf(&b, "%d 0 R]\n>>", widgetID)
	w.writeObject(pageID, pageGen, b.Bytes())
	return nil
}

func (w *writer) updateCatalog(root pdf.Value, widgetID uint32) error {
	var b bytes.Buffer
	rootID, rootGen := ref(root)
	b.WriteString("<<")
	for _, key := range root.Keys() {
		if key == "AcroForm" || (key == "Extensions" && w.req.ESIC) {
			continue
		}
		b.WriteString("\n/" + escapeName(key) + " ")
		if err := writeValue(&b, root.Key(key), rootID, 0); err != nil {
			return err
		}
	}
	if w.req.ESIC {
		ext := root.Key("Extensions")
		b.WriteString("\n/Extensions <<")
		for _, key := range ext.Keys() {
			if key == "ESIC" {
				continue
			}
			b.WriteString(" /" + escapeName(key) + " ")
			if err := writeValue(&b, ext.Key(key), id(ext), 0); err != nil {
				return err
			}
		}
		if esic := ext.Key("ESIC"); esic.Kind() != pdf.Null {
			b.WriteString(" /ESIC ")
			if err := writeValue(&b, esic, id(ext), 0); err != nil {
				return err
			}
		} else {
			b.WriteString(" /ESIC << /Type /DeveloperExtensions /BaseVersion /1.7 /ExtensionLevel 2 >>")
		}
		b.WriteString(" >>")
	}
	acro := root.Key("AcroForm")
	b.WriteString("\n/AcroForm <<")
	for _, key := range acro.Keys() {
		if key == "Fields" || key == "SigFlags" {
			continue
		}
		b.WriteString("\n/" + escapeName(key) + " ")
		if err := writeValue(&b, acro.Key(key), id(acro), 0); err != nil {
			return err
		}
	}
	b.WriteString("\n/Fields [")
	fields := acro.Key("Fields")
	for i := 0; i < fields.Len(); i++ {
		if err := writeValue(&b, fields.Index(i), id(fields), 0); err != nil {
			return err
		}
		b.WriteByte(' ')
	}
	fmt.Fprintf(&b, "%d 0 R]\n/SigFlags 3\n>>\n>>", widgetID)
	w.writeObject(rootID, rootGen, b.Bytes())
	return nil
}

func (w *writer) writeXrefAndTrailer(rootID uint32) error {
	tr := w.rdr.Trailer()
	prev := w.rdr.XrefInformation.StartPos
	if w.rdr.XrefInformation.Type == "stream" {
		return w.writeXrefStream(rootID, prev)
	}
	w.buf.WriteByte('\n')
	xrefAt := w.buf.Len()
	w.buf.WriteString("xref\n")
	for _, sub := range subsections(w.entries) {
		fmt.Fprintf(&w.buf, "%d %d\n", sub[0].id, len(sub))
		for _, e := range sub {
			fmt.Fprintf(&w.buf, "%010d %05d n\r\n", e.offset, e.gen)
		}
	}
	w.buf.WriteString("trailer\n<<")
	fmt.Fprintf(&w.buf, "\n/Size %d\n/Root %d 0 R\n/Prev %d", w.nextID, rootID, prev)
	if err := writeTrailerExtras(&w.buf, tr); err != nil {
		return err
	}
	fmt.Fprintf(&w.buf, "\n>>\nstartxref\n%d\n%%%%EOF\n", xrefAt)
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
	offset := int64(w.buf.Len())
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
	compressed := w.deflate(data.Bytes())
	var b bytes.Buffer
	fmt.Fprintf(&b, "<<\n/Type /XRef\n/W [1 4 2]\n/Index [%s]\n/Size %d\n/Root %d 0 R\n/Prev %d",
		strings.Join(index, " "), w.nextID, rootID, prev)
	if err := writeTrailerExtras(&b, w.rdr.Trailer()); err != nil {
		return err
	}
	fmt.Fprintf(&b, "\n/Filter /FlateDecode\n/Length %d\n>>\nstream\n", len(compressed))
	b.Write(compressed)
	b.WriteString("\nendstream")
	w.entries = entries
	fmt.Fprintf(&w.buf, "%d 0 obj\n", id)
	w.buf.Write(b.Bytes())
	fmt.Fprintf(&w.buf, "\nendobj\nstartxref\n%d\n%%%%EOF\n", offset)
	return nil
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

// finish fills in the ByteRange and the signature container.
func (w *writer) finish() ([]byte, int, error) {
	out := w.buf.Bytes()
	contentsEnd := w.contentsAt + w.contentsLen + 2
	br := fmt.Sprintf("/ByteRange [0 %d %d %d]", w.contentsAt, contentsEnd, len(out)-contentsEnd)
	if len(br) > len(byteRangePlaceholder) {
		return nil, 0, errors.New("pdfsign: byte range does not fit its placeholder")
	}
	br += strings.Repeat(" ", len(byteRangePlaceholder)-len(br))
	copy(out[w.byteRangeAt:], br)

	signed := make([]byte, 0, len(out)-w.contentsLen-2)
	signed = append(signed, out[:w.contentsAt]...)
	signed = append(signed, out[contentsEnd:]...)
	der, err := w.req.Contents(signed)
	if err != nil {
		return nil, 0, err
	}
	if 2*len(der) > w.contentsLen {
		return nil, len(der), nil
	}
	hex.Encode(out[w.contentsAt+1:], der)
	return out, 0, nil
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

// writeValue serialises v. A value whose object pointer differs from
// parent was reached through an indirect reference and is written as one.
func writeValue(b *bytes.Buffer, v pdf.Value, parent uint32, depth int) error {
	if depth > 32 {
		return errors.New("pdfsign: object nesting too deep")
	}
	if v.Kind() == pdf.Null {
		b.WriteString("null")
		return nil
	}
	if vid, vgen := ref(v); vid != 0 && vid != parent {
		fmt.Fprintf(b, "%d %d R", vid, vgen)
		return nil
	}
	switch v.Kind() {
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
			if err := writeValue(b, v.Key(k), id(v), depth+1); err != nil {
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
			if err := writeValue(b, v.Index(i), id(v), depth+1); err != nil {
				return err
			}
		}
		b.WriteString("]")
	default:
		return errors.New("pdfsign: unexpected direct stream object")
	}
	return nil
}

// num formats a real number the way PDF expects (no exponent).
func num(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "0"
	}
	s := strconv.FormatFloat(f, 'f', 4, 64)
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
