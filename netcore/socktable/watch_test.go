package socktable

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"testing"
)

// fakeKernel answers lookups from a table of states; a missing connection
// is ErrNotFound.
type fakeKernel struct {
	has   map[Conn4]State
	asked []Conn4
}

func (k *fakeKernel) lookup(_ context.Context, local, peer netip.AddrPort) (TCPConn, error) {
	c4 := Conn4{local, peer}
	k.asked = append(k.asked, c4)
	st, ok := k.has[c4]
	if !ok {
		return TCPConn{}, fmt.Errorf("look up tcp %s -> %s: %w", local, peer, ErrNotFound)
	}
	return TCPConn{Socket: Socket{Proto: TCP, State: st, Local: local, Peer: peer}, HasInfo: st != TimeWait}, nil
}

func conn4(local, peer string) Conn4 {
	return Conn4{netip.MustParseAddrPort(local), netip.MustParseAddrPort(peer)}
}

func TestConnWatchFollowsUntilTheKernelForgets(t *testing.T) {
	a := conn4("127.0.0.1:9000", "127.0.0.1:50002")
	b := conn4("127.0.0.1:9000", "127.0.0.1:50001")
	c := conn4("127.0.0.1:9000", "127.0.0.1:50003")
	k := &fakeKernel{has: map[Conn4]State{a: Established, b: Established, c: Established}}
	w := NewConnWatch(2)
	w.lookup = k.lookup
	show := func(conns []WatchedConn) string {
		s := ""
		for _, x := range conns {
			st := "gone"
			if x.Found {
				st = x.TCP.State.Name()
			}
			s += fmt.Sprintf("#%d:%d=%s ", x.ID, x.Peer.Port(), st)
		}
		return s
	}
	steps := []struct {
		name string
		live []LiveConn
		edit func()
		want string
		more int
	}{
		{"two followed, one counted", []LiveConn{{2, a}, {1, b}, {3, c}}, nil, "#1:50001=ESTABLISHED #2:50002=ESTABLISHED ", 1},
		{"forgotten by its owner, still in the kernel", []LiveConn{{1, b}, {3, c}}, func() { k.has[a] = TimeWait }, "#1:50001=ESTABLISHED #2:50002=TIME_WAIT ", 1},
		{"forgotten by the kernel too: dropped", []LiveConn{{1, b}, {3, c}}, func() { delete(k.has, a) }, "#1:50001=ESTABLISHED ", 1},
		{"room again: the third is followed", []LiveConn{{1, b}, {3, c}}, nil, "#1:50001=ESTABLISHED #3:50003=ESTABLISHED ", 0},
		{"live but not in the kernel yet: shown gone", []LiveConn{{1, b}, {3, c}}, func() { delete(k.has, c) }, "#1:50001=ESTABLISHED #3:50003=gone ", 0},
	}
	w.Look(context.Background(), nil) // nothing to follow yet
	for _, st := range steps {
		if st.edit != nil {
			st.edit()
		}
		conns, more := w.Look(context.Background(), st.live)
		if got := show(conns); got != st.want || more != st.more {
			t.Errorf("%s: %s(%d more), want %s(%d more)", st.name, got, more, st.want, st.more)
		}
		for _, x := range conns {
			if !x.Found && !errors.Is(x.Err, ErrNotFound) {
				t.Errorf("%s: #%d not found with %v", st.name, x.ID, x.Err)
			}
		}
	}
}

func TestConnWatchStopsWithItsContext(t *testing.T) {
	w := NewConnWatch(4)
	ctx, cancel := context.WithCancel(context.Background())
	w.lookup = func(context.Context, netip.AddrPort, netip.AddrPort) (TCPConn, error) {
		cancel()
		return TCPConn{}, context.Canceled
	}
	conns, more := w.Look(ctx, []LiveConn{{1, conn4("127.0.0.1:1", "127.0.0.1:2")}})
	if conns != nil || more != 0 {
		t.Errorf("after cancel: %v, %d more", conns, more)
	}
}
