package web

import (
	"encoding/json"
	"strconv"
	"sync"
)

// hub fans queue calls out to the counter displays connected to this
// instance, per center. Each call is formatted once as an SSE frame and
// the same bytes go to every subscriber; a display too slow to keep up
// (its buffer full) misses that frame rather than slowing the others.
type hub struct {
	mu   sync.Mutex
	subs map[string]map[chan []byte]struct{}
	// seen remembers recent event ids so that a call relayed from the
	// outbox is not shown twice on the instance that made it.
	seen  map[int64]struct{}
	order []int64
	// done is closed by closeAll: every stream ends (server shutdown).
	done chan struct{}
	once sync.Once
}

func newHub() *hub {
	return &hub{subs: map[string]map[chan []byte]struct{}{}, seen: map[int64]struct{}{}, done: make(chan struct{})}
}

// closeAll ends every stream; later streams end at once.
func (h *hub) closeAll() { h.once.Do(func() { close(h.done) }) }

// subscribe returns a channel of SSE frames for center and its cancel.
func (h *hub) subscribe(center string) (<-chan []byte, func()) {
	ch := make(chan []byte, 16)
	h.mu.Lock()
	if h.subs[center] == nil {
		h.subs[center] = map[chan []byte]struct{}{}
	}
	h.subs[center][ch] = struct{}{}
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		delete(h.subs[center], ch)
		if len(h.subs[center]) == 0 {
			delete(h.subs, center)
		}
		h.mu.Unlock()
	}
}

// publishRaw sends an event whose data is the JSON payload (with a
// "center_code" field) to the center's displays, once per id.
func (h *hub) publishRaw(id int64, payload []byte) {
	var p struct {
		CenterCode string `json:"center_code"`
	}
	if json.Unmarshal(payload, &p) != nil || p.CenterCode == "" {
		return
	}
	h.publish(p.CenterCode, id, payload)
}

// publish sends one `event: call` frame to every display of center.
func (h *hub) publish(center string, id int64, data []byte) {
	frame := make([]byte, 0, len(data)+48)
	frame = append(frame, "id: "...)
	frame = strconv.AppendInt(frame, id, 10)
	frame = append(frame, "\nevent: call\ndata: "...)
	frame = append(frame, data...)
	frame = append(frame, "\n\n"...)
	h.mu.Lock()
	defer h.mu.Unlock()
	if id != 0 {
		if _, dup := h.seen[id]; dup {
			return
		}
		h.seen[id] = struct{}{}
		h.order = append(h.order, id)
		if len(h.order) > 4096 {
			for _, old := range h.order[:2048] {
				delete(h.seen, old)
			}
			h.order = append(h.order[:0], h.order[2048:]...)
		}
	}
	for ch := range h.subs[center] {
		select {
		case ch <- frame:
		default:
		}
	}
}
