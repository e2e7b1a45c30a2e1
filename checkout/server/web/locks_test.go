package web

import (
	"sync"
	"testing"
)

// TestKeyLocks: one holder per key at a time, other keys independent, and
// nothing kept once everyone is done.
func TestKeyLocks(t *testing.T) {
	var l KeyLocks
	var wg sync.WaitGroup
	inside := map[string]int{}
	var mu sync.Mutex
	for i := 0; i < 50; i++ {
		for _, key := range []string{"SF-1", "SF-2", "eva@example.nl"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				unlock := l.Lock(key)
				defer unlock()
				mu.Lock()
				inside[key]++
				n := inside[key]
				mu.Unlock()
				if n != 1 {
					t.Errorf("%d holders of %s at once", n, key)
				}
				mu.Lock()
				inside[key]--
				mu.Unlock()
			}()
		}
	}
	wg.Wait()
	if n := l.held(); n != 0 {
		t.Errorf("%d locks kept after every holder is done", n)
	}
	unlock := l.Lock("SF-1")
	unlock()
	unlock() // a second call does nothing
	if n := l.held(); n != 0 {
		t.Errorf("after a double unlock: %d locks kept", n)
	}
}

// held is how many keys are locked or waited for.
func (l *KeyLocks) held() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.m)
}
