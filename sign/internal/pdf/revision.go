// Copyright 2026 motcua. Added to the vendored reader (BSD licence of the
// package applies).

package pdf

// ChangedSince compares the cross-reference table of r with that of old,
// a reader of an earlier revision of the same file (a prefix of it, as
// signed by a signature's byte range). It returns the object numbers that
// r defines and old did not (added), and those whose definition differs
// (modified: replaced or freed). An object stored in an object stream
// whose own definition changed counts as modified. (motcua)
func (r *Reader) ChangedSince(old *Reader) (added, modified []uint32) {
	n := max(len(r.xref), len(old.xref))
	dirty := make(map[uint32]bool)
	for i := 0; i < n; i++ {
		a, aLive := entry(old.xref, i)
		b, bLive := entry(r.xref, i)
		switch {
		case !aLive && !bLive:
		case !aLive:
			added = append(added, uint32(i))
		case !bLive || a != b:
			modified = append(modified, uint32(i))
			dirty[uint32(i)] = true
		}
	}
	if len(dirty) == 0 {
		return added, modified
	}
	for i, x := range r.xref {
		if x.inStream && dirty[x.stream.id] && !dirty[uint32(i)] {
			if _, live := entry(old.xref, i); live {
				modified = append(modified, uint32(i))
			}
		}
	}
	return added, modified
}

// XrefSections returns the offsets of the cross-reference sections of
// the file, from the newest (startxref) through the /Prev chain. (motcua)
func (r *Reader) XrefSections() []int64 { return r.sections }

// entry returns entry i of table and whether it defines an object.
func entry(table []xref, i int) (xref, bool) {
	if i <= 0 || i >= len(table) {
		return xref{}, false
	}
	x := table[i]
	return x, x.ptr.id == uint32(i) && (x.inStream || x.offset != 0)
}
