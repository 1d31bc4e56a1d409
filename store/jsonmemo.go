package store

import (
	"encoding/json"
	"slices"
	"sync"
	"sync/atomic"
)

// jsonMemo remembers what the JSON arrays of the catalogue (a procedure's
// components and process) decode to, keyed by their text: a procedure is
// read in every transition and its columns change only by import, so the
// same few texts were decoded by reflection again and again. The key is
// the text itself, so an imported change is a new key and never stale.
// Each caller gets its own copy (the element types hold no references).
// At most jsonMemoMax texts are kept; past that, texts are decoded each
// time.
type jsonMemo[T any] struct {
	m sync.Map // string → []T
	n atomic.Int32
}

const jsonMemoMax = 4096

func (c *jsonMemo[T]) decode(text string) ([]T, error) {
	if v, ok := c.m.Load(text); ok {
		return slices.Clone(v.([]T)), nil
	}
	var out []T
	if err := json.Unmarshal([]byte(text), &out); err != nil {
		return nil, err
	}
	if c.n.Load() < jsonMemoMax {
		if _, loaded := c.m.LoadOrStore(text, out); !loaded {
			c.n.Add(1)
		}
	}
	return slices.Clone(out), nil
}
