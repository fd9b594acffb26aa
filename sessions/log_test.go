package sessions

import (
	"bytes"
	"fmt"
	"slices"
	"sync"
	"testing"
)

func TestLogBudgetDropsOldestWithExactCounts(t *testing.T) {
	tests := []struct {
		name           string
		budget         int64
		chunks, size   int
		wantDroppedMin uint64
	}{
		{"small chunks", 64 << 10, 10000, 10, 1},
		{"slab sized chunks", 1 << 20, 400, 16 << 10, 1},
		{"dedicated big chunks", 1 << 20, 40, 200 << 10, 1},
		{"fits", 1 << 20, 10, 100, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := NewLog(tt.budget)
			for i := 0; i < tt.chunks; i++ {
				d := bytes.Repeat([]byte{byte(i)}, tt.size)
				l.Add(Entry{Kind: KindDataIn, Peer: 1, Data: d})
			}
			if u := l.Used(); u > tt.budget && l.Len() > 2 {
				t.Errorf("used %d > budget %d", u, tt.budget)
			}
			db, de := l.Dropped()
			kept := 0
			var keptBytes uint64
			l.Range(0, func(e Entry) bool {
				kept++
				keptBytes += uint64(len(e.Data))
				// Data must be the chunk written with seq-1 as fill byte.
				if len(e.Data) != tt.size || e.Data[0] != byte(e.Seq-1) || e.Data[len(e.Data)-1] != byte(e.Seq-1) {
					t.Fatalf("entry %d holds wrong data (len %d)", e.Seq, len(e.Data))
				}
				return true
			})
			if de+uint64(kept) != uint64(tt.chunks) {
				t.Errorf("dropped %d + kept %d entries != %d", de, kept, tt.chunks)
			}
			if db+keptBytes != uint64(tt.chunks*tt.size) {
				t.Errorf("dropped %d + kept %d bytes != %d", db, keptBytes, tt.chunks*tt.size)
			}
			if de < tt.wantDroppedMin {
				t.Errorf("dropped %d entries, want >= %d", de, tt.wantDroppedMin)
			}
			if de > 0 {
				m, _ := l.At(0)
				if m.Kind != KindInfo || m.Note != NoteViewDropped || m.Bytes != db || m.Count != de || l.Len() != kept+1 {
					t.Errorf("marker %+v len %d kept %d, want %d bytes in %d entries", m, l.Len(), kept, db, de)
				}
				if m.Micros == 0 {
					t.Errorf("marker has no time: %+v", m)
				}
				if m.Seq != l.First()-1 {
					t.Errorf("marker seq %d, first %d", m.Seq, l.First())
				}
			}
		})
	}
}

func TestLogClearKeepsSeqAndTotals(t *testing.T) {
	l := NewLog(8192)
	for i := 0; i < 200; i++ {
		l.Add(Entry{Kind: KindDataIn, Data: []byte("0123456789")})
	}
	tb, te := l.DroppedTotal()
	v := l.Version()
	l.Clear()
	if l.Len() != 0 || l.Used() != 0 || l.Version() == v {
		t.Fatalf("after Clear: len %d used %d", l.Len(), l.Used())
	}
	if b, e := l.DroppedTotal(); b != tb || e != te {
		t.Fatalf("totals changed by Clear")
	}
	if s := l.Add(Entry{Kind: KindInfo}); s != 201 {
		t.Fatalf("seq after clear %d, want 201", s)
	}
	if l.First() != 201 || l.Len() != 1 {
		t.Fatalf("first %d len %d", l.First(), l.Len())
	}
}

func TestLogAtCopiesAndRangeResumes(t *testing.T) {
	l := NewLog(1 << 20)
	buf := []byte("abc")
	l.Add(Entry{Kind: KindDataIn, Data: buf})
	buf[0] = 'X' // the caller reuses its read buffer
	e, ok := l.At(0)
	if !ok || string(e.Data) != "abc" || e.Micros == 0 || e.Seq != 1 {
		t.Fatalf("At(0) = %+v", e)
	}
	e.Data[0] = 'Y'
	if e2, _ := l.At(0); string(e2.Data) != "abc" {
		t.Fatal("At must return a copy")
	}
	l.Add(Entry{Kind: KindInfo, Text: "two"})
	var seen []uint64
	next := l.Range(2, func(e Entry) bool { seen = append(seen, e.Seq); return true })
	if len(seen) != 1 || seen[0] != 2 || next != 3 {
		t.Fatalf("Range(2) saw %v next %d", seen, next)
	}
	if _, ok := l.At(5); ok {
		t.Fatal("At out of range")
	}
}

// One reader polling while many writers add, under -race; the counts of
// what the view dropped and kept add up exactly.
func TestLogConcurrentReader(t *testing.T) {
	l := NewLog(32 << 10)
	ch, unsub := l.Subscribe()
	defer unsub()
	var wg sync.WaitGroup
	const writers, per = 8, 2000
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := make([]byte, 100)
			for i := 0; i < per; i++ {
				l.Add(Entry{Kind: KindDataIn, Peer: PeerID(w + 1), Data: b})
			}
		}()
	}
	stop := make(chan struct{})
	readerDone := make(chan int)
	go func() {
		var last uint64
		reads := 0
		for {
			select {
			case <-ch:
			case <-stop:
				readerDone <- reads
				return
			}
			last = l.Range(last, func(e Entry) bool { reads++; _ = e.Data[len(e.Data)-1]; return true })
			for i := 0; i < l.Len(); i += 50 {
				l.At(i)
			}
		}
	}()
	wg.Wait()
	close(stop)
	<-readerDone
	db, de := l.Dropped()
	kept := uint64(l.Len() - 1)
	if de+kept != writers*per || db != de*100 {
		t.Fatalf("dropped %d entries (%d bytes), kept %d", de, db, kept)
	}
}

// viewCase is a full view of one of the window's Keep choices (gui's
// budgets) taking chunks of one size: 64 KiB, or the window's largest
// read (DefaultReadBuffer), as a flood brings.
type viewCase struct {
	name   string
	budget int64
	size   int
}

func viewCases() []viewCase {
	var cs []viewCase
	for _, budget := range []int64{4 << 20, 16 << 20, 64 << 20, 256 << 20} {
		for _, size := range []int{64 << 10, DefaultReadBuffer} {
			cs = append(cs, viewCase{fmt.Sprintf("%dMiB/%dK", budget>>20, size>>10), budget, size})
		}
	}
	return cs
}

// TestArenaRecyclesSlabs: once a view is full, adding a chunk reuses the
// memory of the chunks it drops, for every Keep the window offers and
// chunks up to the largest read: a flood into a small view allocates
// nothing, where a fresh allocation per chunk is garbage at the flood's
// rate.
func TestArenaRecyclesSlabs(t *testing.T) {
	for _, vc := range viewCases() {
		t.Run(vc.name, func(t *testing.T) {
			l := NewLog(vc.budget)
			chunk := make([]byte, vc.size)
			for i := int64(0); i < 2*vc.budget/int64(vc.size)+100; i++ {
				l.Add(Entry{Kind: KindDataIn, Data: chunk})
			}
			allocs := testing.AllocsPerRun(200, func() { l.Add(Entry{Kind: KindDataIn, Data: chunk}) })
			if allocs > 0.1 {
				t.Errorf("steady-state Add allocates %.2f times per chunk; the dropped chunks' memory is not reused", allocs)
			}
		})
	}
}

// BenchmarkLogAdd is the view's side of a flood: chunks into a full view
// of each Keep the window offers.
func BenchmarkLogAdd(b *testing.B) {
	for _, vc := range viewCases() {
		b.Run(vc.name, func(b *testing.B) {
			l := NewLog(vc.budget)
			chunk := make([]byte, vc.size)
			b.SetBytes(int64(len(chunk)))
			b.ReportAllocs()
			for b.Loop() {
				l.Add(Entry{Kind: KindDataIn, Peer: 1, Data: chunk})
			}
		})
	}
}

// A flood of traffic never pushes out the story of the session: events
// have their own budget, and the view still reads in seq order.
func TestEventsSurviveAFlood(t *testing.T) {
	l := NewLog(64 << 10)
	l.Add(Entry{Kind: KindListening, Addr: "127.0.0.1:9000"})
	l.Add(Entry{Kind: KindAccepted, Peer: 1, Addr: "127.0.0.1:5000"})
	chunk := make([]byte, 1000)
	for i := 0; i < 10000; i++ {
		l.Add(Entry{Kind: KindDataIn, Peer: 1, Data: chunk})
	}
	l.Add(Entry{Kind: KindClosed, Peer: 1, Text: "peer closed"})
	var kinds []EntryKind
	var last uint64
	l.Range(0, func(e Entry) bool {
		if e.Seq <= last {
			t.Fatalf("seq %d after %d", e.Seq, last)
		}
		last = e.Seq
		if !e.Kind.Data() {
			kinds = append(kinds, e.Kind)
		}
		return true
	})
	if want := []EntryKind{KindListening, KindAccepted, KindClosed}; !slices.Equal(kinds, want) {
		t.Fatalf("events kept %v, want %v", kinds, want)
	}
	m, ok := l.Marker()
	db, de := l.Dropped()
	if !ok || m.Bytes != db || m.Count != de || de < 9000 || m.Micros == 0 {
		t.Fatalf("marker %+v (dropped %d bytes in %d)", m, db, de)
	}
	if first, _ := l.At(1); first.Kind != KindListening {
		t.Fatalf("row 1 is %v, want the listening event", first.Kind)
	}
	data, events := l.Firsts()
	if events != 1 || data <= 3 {
		t.Fatalf("firsts %d %d", data, events)
	}
	// A smaller budget drops traffic at once.
	l.SetBudget(16 << 10)
	if l.Used() > 16<<10 || l.Budget() != 16<<10 {
		t.Fatalf("used %d of %d", l.Used(), l.Budget())
	}
}

// A log that keeps sizes only (the command line's) keeps every traffic
// entry's size and no bytes, counts what it drops by those sizes, and
// keeps events as they are; an output still gets every byte.
func TestLogSizesOnly(t *testing.T) {
	l := NewLog(64 << 10)
	l.SetSizesOnly(true)
	l.Add(Entry{Kind: KindAccepted, Peer: 1, Text: "hello"})
	chunk := make([]byte, 1000)
	const n = 5000
	for i := 0; i < n; i++ {
		l.Add(Entry{Kind: KindDataIn, Peer: 1, Data: chunk})
	}
	l.Add(Entry{Kind: KindDataIn, Peer: 1, Data: []byte{}}) // an empty datagram
	var kept, keptBytes uint64
	var events int
	l.Range(0, func(e Entry) bool {
		if !e.Kind.Data() {
			events++
			return true
		}
		if e.Data == nil || len(e.Data) != 0 {
			t.Fatalf("entry %d keeps %d bytes of data (nil %v)", e.Seq, len(e.Data), e.Data == nil)
		}
		kept++
		keptBytes += e.Bytes
		return true
	})
	if events != 1 {
		t.Errorf("%d events kept, want 1", events)
	}
	db, de := l.Dropped()
	if kept+de != n+1 || keptBytes+db != n*1000 {
		t.Errorf("kept %d entries (%d bytes) and dropped %d (%d bytes); want %d entries, %d bytes in all", kept, keptBytes, de, db, n+1, n*1000)
	}
	if u := l.Used(); u > 64<<10 {
		t.Errorf("used %d of a 64 KiB budget", u)
	}
}

func BenchmarkLogAddSizesOnly(b *testing.B) {
	l := NewLog(headlessBudgetForBench)
	l.SetSizesOnly(true)
	chunk := make([]byte, 64<<10)
	b.SetBytes(int64(len(chunk)))
	b.ReportAllocs()
	for b.Loop() {
		l.Add(Entry{Kind: KindDataIn, Peer: 1, Data: chunk})
	}
}

// headlessBudgetForBench is the command line's view budget (cli's headlessViewBudget).
const headlessBudgetForBench = 4 << 20
