package web

import "sync"

// KeyLocks is a mutex per key (an order, a customer's address), made on
// first use and dropped once nobody holds it or waits for it, so the set
// does not grow with every order and customer the sidecar has seen.
type KeyLocks struct {
	mu sync.Mutex
	m  map[string]*keyLock
}

type keyLock struct {
	sync.Mutex
	users int // holders and waiters; guarded by KeyLocks.mu
}

// lock locks key and returns its unlock (calling it again does nothing).
func (l *KeyLocks) Lock(key string) (unlock func()) {
	l.mu.Lock()
	if l.m == nil {
		l.m = map[string]*keyLock{}
	}
	k := l.m[key]
	if k == nil {
		k = &keyLock{}
		l.m[key] = k
	}
	k.users++
	l.mu.Unlock()
	k.Lock()
	var once sync.Once
	return func() {
		once.Do(func() {
			k.Unlock()
			l.mu.Lock()
			if k.users--; k.users == 0 {
				delete(l.m, key)
			}
			l.mu.Unlock()
		})
	}
}
