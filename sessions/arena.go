package sessions

// slab is a block of log data shared by consecutive small entries.
type slab struct {
	buf  []byte
	off  int
	refs int
	back func([]byte) // a reader's lent buffer: given back, not recycled
}

// arena hands out log data space from slabs and recycles a slab once every
// entry in it has been dropped, so a long stream reuses the same memory
// instead of leaving garbage for the collector (that keeps RSS near the
// budget). Big chunks get their own allocation. Guarded by Log.mu.
type arena struct {
	size int
	keep int // free slabs kept for reuse; maxFreeSlabs if 0
	cur  *slab
	free []*slab
}

const maxFreeSlabs = 4

// alloc returns n bytes of space and the slab that owns it (nil if dedicated).
func (a *arena) alloc(n int) ([]byte, *slab) {
	if n > a.size/4 {
		return make([]byte, n), nil
	}
	if a.cur == nil || a.cur.off+n > len(a.cur.buf) {
		if old := a.cur; old != nil {
			a.cur = nil
			if old.refs == 0 {
				a.recycle(old)
			}
		}
		if k := len(a.free); k > 0 {
			a.cur = a.free[k-1]
			a.free = a.free[:k-1]
		} else {
			a.cur = &slab{buf: make([]byte, a.size)}
		}
	}
	s := a.cur
	b := s.buf[s.off : s.off+n : s.off+n]
	s.off += n
	s.refs++
	return b, s
}

// release drops one entry's claim on s.
func (a *arena) release(s *slab) {
	if s == nil {
		return
	}
	s.refs--
	switch {
	case s.refs > 0:
	case s.back != nil:
		s.back(s.buf)
	case s != a.cur:
		a.recycle(s)
	}
}

func (a *arena) recycle(s *slab) {
	keep := a.keep
	if keep == 0 {
		keep = maxFreeSlabs
	}
	if len(a.free) < keep {
		s.off = 0
		a.free = append(a.free, s)
	}
}
