// Copyright 2026 motcua. Part of the motcua modifications of the vendored
// package (BSD licence of the package applies).

package pdfsign

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"motcua/sign/internal/pdf"
)

// Stream is one entry of a DSS array: an existing stream object of the
// file (ID non-zero; it is referenced, not copied) or new content (Data,
// written as a new stream object).
type Stream struct {
	ID   uint32
	Gen  uint16
	Data []byte
}

// VRI is the validation-related information of one signature: indexes
// into DSS.Certs, DSS.CRLs and DSS.OCSPs.
type VRI struct {
	// Key is the uppercase hexadecimal SHA-1 of the signature's /Contents.
	Key                string
	Certs, CRLs, OCSPs []int
	// Time is written as /TU when non-zero.
	Time time.Time
}

// DSS is the content of a Document Security Store dictionary (ISO
// 32000-2 §12.8.4.3, ETSI EN 319 142-1 §5.4).
type DSS struct {
	Certs, CRLs, OCSPs []Stream
	VRI                []VRI
}

// AppendDSS returns input with an incremental update that points the
// /DSS entry of the document catalogue to a new DSS dictionary holding d.
// Entries of the previous /VRI dictionary whose key is not in d.VRI are
// kept. The update holds only the new streams, the DSS dictionary, the
// catalogue (unchanged except for /DSS) and the cross-reference section,
// so signatures made before stay valid.
func AppendDSS(input []byte, d DSS) (out []byte, err error) {
	return AppendDSSRead(input, nil, d)
}

// AppendDSSRead is AppendDSS with rdr, when not nil, a reader of input
// (Parse) the caller already opened: the file is not read again.
func AppendDSSRead(input []byte, rdr *pdf.Reader, d DSS) (out []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, fmt.Errorf("pdfsign: malformed PDF: %v", p)
		}
	}()
	for _, v := range d.VRI {
		for _, l := range []struct {
			idx []int
			n   int
		}{{v.Certs, len(d.Certs)}, {v.CRLs, len(d.CRLs)}, {v.OCSPs, len(d.OCSPs)}} {
			for _, i := range l.idx {
				if i < 0 || i >= l.n {
					return nil, fmt.Errorf("pdfsign: VRI %s: index %d out of range", v.Key, i)
				}
			}
		}
	}
	if rdr == nil {
		if rdr, err = pdf.NewReader(bytes.NewReader(input), int64(len(input))); err != nil {
			return nil, fmt.Errorf("pdfsign: open: %w", err)
		}
	}
	if !rdr.Trailer().Key("Encrypt").IsNull() {
		return nil, errEncrypted
	}
	root := rdr.Trailer().Key("Root")
	if root.Kind() != pdf.Dict {
		return nil, errors.New("pdfsign: document catalog not found")
	}
	rootID, rootGen := ref(root)
	if rootID == 0 {
		return nil, errors.New("pdfsign: document catalog is not an indirect object")
	}
	w := &writer{in: input, rdr: rdr, buf: getBuffer()}
	defer putBuffer(w.buf)
	if len(input) == 0 || (input[len(input)-1] != '\n' && input[len(input)-1] != '\r') {
		w.buf.WriteByte('\n')
	}
	w.nextID = w.firstFreeID()

	refs := func(items []Stream) [][2]uint32 {
		out := make([][2]uint32, len(items))
		for i, it := range items {
			if it.ID != 0 {
				out[i] = [2]uint32{it.ID, uint32(it.Gen)}
				continue
			}
			var b bytes.Buffer
			b.WriteString("<<")
			w.writeStream(&b, it.Data)
			id := w.allocID()
			w.writeObject(id, 0, b.Bytes())
			out[i] = [2]uint32{id, 0}
		}
		return out
	}
	certs, crls, ocsps := refs(d.Certs), refs(d.CRLs), refs(d.OCSPs)

	var b bytes.Buffer
	writeRefs := func(key string, all [][2]uint32, idx []int) {
		if len(idx) == 0 {
			return
		}
		b.WriteString("/" + key + " [")
		for i, k := range idx {
			if i > 0 {
				b.WriteByte(' ')
			}
			writeRef(&b, all[k][0], uint16(all[k][1]))
		}
		b.WriteString("]\n")
	}
	all := func(n int) []int {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	b.WriteString("<<\n/Type /DSS\n")
	writeRefs("Certs", certs, all(len(certs)))
	writeRefs("CRLs", crls, all(len(crls)))
	writeRefs("OCSPs", ocsps, all(len(ocsps)))
	b.WriteString("/VRI <<\n")
	keys := map[string]bool{}
	for _, v := range d.VRI {
		keys[v.Key] = true
		b.WriteString("/" + escapeName(v.Key) + " <<\n/Type /VRI\n")
		writeRefs("Cert", certs, v.Certs)
		writeRefs("CRL", crls, v.CRLs)
		writeRefs("OCSP", ocsps, v.OCSPs)
		if !v.Time.IsZero() {
			b.WriteString("/TU " + DateString(v.Time) + "\n")
		}
		b.WriteString(">>\n")
	}
	if oldVRI := root.Key("DSS").Key("VRI"); oldVRI.Kind() == pdf.Dict {
		for _, k := range oldVRI.Keys() {
			if keys[k] {
				continue
			}
			b.WriteString("/" + escapeName(k) + " ")
			if err := writeEntry(&b, oldVRI, k, 0); err != nil {
				return nil, err
			}
			b.WriteString("\n")
		}
	}
	b.WriteString(">>\n>>")
	dssID := w.allocID()
	w.writeObject(dssID, 0, b.Bytes())

	b.Reset()
	b.WriteString("<<")
	if err := writeEntries(&b, "\n", root, "DSS"); err != nil {
		return nil, err
	}
	fmt.Fprintf(&b, "\n/DSS %d 0 R\n>>", dssID)
	w.writeObject(rootID, rootGen, b.Bytes())
	if err := w.writeXrefAndTrailer(rootID); err != nil {
		return nil, err
	}
	return append(input[:len(input):len(input)], w.buf.Bytes()...), nil
}

// EncodeEntry returns the PDF syntax of entry key of the dictionary d.
// Indirect references are written as references, without loading the
// objects they refer to, so entries of two revisions of a file compare
// equal when they are the same.
func EncodeEntry(d pdf.Value, key string) ([]byte, error) {
	var b bytes.Buffer
	if err := writeEntry(&b, d, key, 0); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
