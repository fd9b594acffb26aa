package model

import (
	"strings"
	"testing"

	"github.com/sockplay/sockplay/netcore/socktable"
)

func TestKey(t *testing.T) {
	est := tcp(socktable.Established, "127.0.0.1:40000", "127.0.0.1:22")
	tw := est
	tw.State, tw.Inode = socktable.TimeWait, 99
	if Key(&est) != Key(&tw) {
		t.Errorf("a connection changes key from ESTAB (%q) to TIME-WAIT (%q)", Key(&est), Key(&tw))
	}
	a, b := unixSock(socktable.UnixStream, socktable.Established, "", 1), unixSock(socktable.UnixStream, socktable.Established, "", 2)
	if Key(&a) == Key(&b) {
		t.Errorf("two unnamed Unix sockets share the key %q", Key(&a))
	}
}

func TestRowCells(t *testing.T) {
	s := owned(tcp(socktable.Established, "127.0.0.1:40000", "127.0.0.1:22"),
		socktable.Owner{PID: 7, FD: 3, Name: "ssh"}, socktable.Owner{PID: 7, FD: 4, Name: "ssh"}, socktable.Owner{PID: 9, Name: "tmux"})
	s.RecvQ, s.SendQ = 12, 0
	r := NewRow(s, 3)
	want := [NumCols]string{"tcp", "ESTAB", "12", "0", "127.0.0.1:40000", "127.0.0.1:22", "ssh (pid 7), tmux (pid 9)"}
	if r.Cells != want || r.Order != 3 || r.Key != Key(&s) {
		t.Errorf("row = %q (order %d)\nwant %q", r.Cells, r.Order, want)
	}
	if got := r.Text(); !strings.HasPrefix(got, "tcp   ESTAB          12      0 127.0.0.1:40000") || !strings.HasSuffix(got, "ssh (pid 7), tmux (pid 9)") {
		t.Errorf("row text = %q", got)
	}
	bare := NewRow(tcp(socktable.Listen, "0.0.0.0:80", ""), 0)
	if got := bare.Text(); strings.HasSuffix(got, " ") {
		t.Errorf("row text %q ends in spaces", got)
	}
}

func TestListingMarksNewAndGone(t *testing.T) {
	a := tcp(socktable.Listen, "127.0.0.1:1000", "")
	b := tcp(socktable.Listen, "127.0.0.1:2000", "")
	c := tcp(socktable.Listen, "127.0.0.1:3000", "")
	marks := func(l *Listing) string {
		var out []string
		for _, r := range l.Rows() {
			out = append(out, r.Cells[ColLocal][len("127.0.0.1:"):]+"="+[]string{"", "new", "gone"}[r.Mark])
		}
		return strings.Join(out, " ")
	}
	var l Listing
	if l.Listed() {
		t.Fatal("a new listing says it has listed")
	}
	steps := []struct {
		socks []socktable.Socket
		want  string
	}{
		{[]socktable.Socket{a, b}, "1000= 2000="},               // the first listing marks nothing
		{[]socktable.Socket{a, b, c}, "1000= 2000= 3000=new"},   // c appeared
		{[]socktable.Socket{c, a}, "3000= 1000= 2000=gone"},     // b vanished: kept, last
		{[]socktable.Socket{c, a}, "3000= 1000="},               // and gone after one more
		{[]socktable.Socket{b}, "2000=new 3000=gone 1000=gone"}, // back again is new
		{nil, "2000=gone"}, // an empty table
	}
	for i, st := range steps {
		l.Apply(st.socks)
		if got := marks(&l); got != st.want || !l.Listed() {
			t.Errorf("step %d: %s, want %s", i, got, st.want)
		}
		for j, r := range l.Rows() {
			if r.Order != j {
				t.Errorf("step %d: row %d has order %d", i, j, r.Order)
			}
		}
	}
}

func TestListingView(t *testing.T) {
	var l Listing
	l.Apply([]socktable.Socket{
		tcp(socktable.Listen, "127.0.0.1:10", ""), udp("127.0.0.1:53"), tcp(socktable.Listen, "127.0.0.1:9", ""),
		tcp(socktable.Established, "127.0.0.1:40000", "127.0.0.1:10"),
	})
	v, err := FilterBar{TCP: true, ListeningOnly: true}.View()
	if err != nil {
		t.Fatal(err)
	}
	rows := l.View(nil, &v, ColLocal, false)
	var got []string
	for _, r := range rows {
		got = append(got, r.Cells[ColLocal])
	}
	if strings.Join(got, " ") != "127.0.0.1:9 127.0.0.1:10" {
		t.Errorf("TCP listeners by local end: %q", got)
	}
	again := l.View(rows, &v, NoSort, false)
	if len(again) != 2 || again[0].Cells[ColLocal] != "127.0.0.1:10" {
		t.Errorf("kernel's order reusing the slice: %v", again)
	}
}
