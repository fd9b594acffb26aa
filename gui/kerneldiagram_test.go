package gui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/sockplay/sockplay/sessions"
)

// The diagram on a session tab: a TCP server (kept open after the
// peer's FIN) and a client on loopback, the client half-closes; the
// client's diagram shows FIN-WAIT-2 for it and CLOSE-WAIT for the server,
// the server's the same from its side.
func TestSessionTabStateDiagram(t *testing.T) {
	noPumps(t)
	m := newTestMain(t)
	t.Cleanup(m.closeAllSessions)
	m.Window.Resize(defaultSize)
	srv, err := m.OpenSession(SessionSpec{Spec: sessions.Spec{Role: "server", URL: "tcp://127.0.0.1:0", KeepOpen: true}, StartOnOpen: true})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the server to listen", func() bool { return srv.Session().State() == sessions.StateListening }, srv)
	cli, err := m.OpenSession(SessionSpec{Spec: sessions.Spec{Role: "client", URL: "tcp://" + srv.Session().Addr().String()}, StartOnOpen: true})
	if err != nil {
		t.Fatal(err)
	}
	// until refreshes k until its diagram's ends are in ours and theirs,
	// whether the diagram is open or not (it follows them either way).
	until := func(k *kernelView, ours, theirs tcpNode) {
		t.Helper()
		d := k.diagram
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			k.refresh()
			if d.ours.Now() == ours && d.theirsSeen && d.theirs.Now() == theirs {
				return
			}
		}
		t.Fatalf("the diagram's ends are in %v and %v, want %v and %v", d.ours.Now(), d.theirs.Now(), ours, theirs)
	}
	d := cli.kernel.diagram
	if d.Open() {
		t.Fatal("the diagram is open before it is asked for")
	}
	// Followed while closed: opened after the half-close, it shows the way
	// the connection came.
	until(cli.kernel, nodeEstab, nodeEstab)
	waitFor(t, "the client to connect", func() bool { return cli.clientPeer() != 0 }, cli)
	test.Tap(cli.HalfClose)
	until(cli.kernel, nodeFinWait2, nodeCloseWait)
	test.Tap(d.Button)
	if !d.Open() || *d.slot() != d.split {
		t.Fatal("State diagram did not open the diagram beside the traffic")
	}
	s := d.Diagram.Sides()
	if len(s) != 2 || s[0].Name != "client (this tab)" || s[1].Name != "server" ||
		s[0].Lights.Now != nodeFinWait2 || s[1].Lights.Now != nodeCloseWait {
		t.Fatalf("sides %+v", s)
	}
	if got := strings.Join(edgeNames(s[0].Lights.Fresh), " "); !strings.Contains(got, "FIN-WAIT-1>FIN-WAIT-2") {
		t.Errorf("client's latest arrows %q", got)
	}
	if got := edgeNames(s[1].Lights.Fresh); len(got) != 1 || got[0] != "ESTABLISHED>CLOSE-WAIT" {
		t.Errorf("server's latest arrows %q", got)
	}
	if !strings.Contains(d.Info.Text, "From 127.0.0.1:") {
		t.Errorf("info %q", d.Info.Text)
	}

	// The server's tab: its kernel list's connection, from its side.
	ds := srv.kernel.diagram
	test.Tap(ds.Button)
	srv.kernel.refresh()
	srv.kernel.List.Select(0)
	until(srv.kernel, nodeCloseWait, nodeFinWait2)
	if s := ds.Diagram.Sides(); len(s) != 2 || s[0].Name != "server (this tab)" || s[0].Lights.Now != nodeCloseWait {
		t.Errorf("server tab's diagram %+v", s)
	}

	test.Tap(d.Button) // closes it again
	if d.Open() || *d.slot() != d.middle {
		t.Error("State diagram did not close the diagram")
	}
}
