package workflow

import (
	"testing"
	"time"

	"motcua/internal/clocktest"
)

// Under a sign-in flood a hash slot rests as long as the hash took before
// the next caller gets it; with nobody waiting it is given back at once
// (issue 16, item 5: writes keep their latency during a login flood).
func TestHashSlotRestsOnlyUnderContention(t *testing.T) {
	t0 := clocktest.Now()
	reads := 0
	clock := func() time.Time { reads++; return t0.Add(time.Duration(reads-1) * 40 * time.Millisecond) }
	s := &Service{logins: make(chan struct{}, 1), now: clock}

	// Nobody waiting: back at once.
	s.logins <- struct{}{}
	s.releaseHashSlot(s.now())
	if len(s.logins) != 0 {
		t.Fatal("slot kept although nobody waits for it")
	}

	// A waiter: the slot stays taken for about as long as the hash took
	// (40 ms on this clock), then is given back.
	s.logins <- struct{}{}
	s.hashWaiting.Add(1)
	s.releaseHashSlot(s.now())
	if len(s.logins) != 1 {
		t.Fatal("slot given back at once under contention")
	}
	select {
	case s.logins <- struct{}{}:
		t.Fatal("a second caller got the slot while it rests")
	default:
	}
	deadline := time.After(5 * time.Second)
	for len(s.logins) != 0 {
		select {
		case <-deadline:
			t.Fatal("slot never given back")
		case <-time.After(5 * time.Millisecond):
		}
	}
	s.hashWaiting.Add(-1)

	// A fixed clock (the tests' usual one) rests zero.
	s.now = func() time.Time { return t0 }
	s.logins <- struct{}{}
	s.hashWaiting.Add(1)
	s.releaseHashSlot(s.now())
	if len(s.logins) != 0 {
		t.Fatal("a fixed clock must not make the slot rest")
	}
}
