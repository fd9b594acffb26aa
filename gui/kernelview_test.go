package gui

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/netcore/socktable"
	"github.com/sockplay/sockplay/sessions"
)

// startSession starts an engine session for cfg, closed with the test.
func startSession(t *testing.T, cfg sessions.Config) *sessions.Session {
	t.Helper()
	s, err := sessions.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

// waitKernel refreshes k until its only row is in state want.
func waitKernel(t *testing.T, k *kernelView, want socktable.State) socktable.WatchedConn {
	t.Helper()
	var got []string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		k.refresh()
		got = got[:0]
		for _, r := range k.rows {
			got = append(got, r.TCP.State.Name())
			if r.Found && r.TCP.State == want {
				return r
			}
		}
	}
	t.Fatalf("kernel view shows %v, want %s", got, want.Name())
	return socktable.WatchedConn{}
}

func TestKernelViewFollowsHalfCloseAndTimeWait(t *testing.T) {
	saved := runPumps
	runPumps = false
	t.Cleanup(func() { runPumps = saved })
	ep, _ := netcore.ParseEndpoint("tcp://127.0.0.1:0")
	srv := startSession(t, sessions.Config{Role: sessions.Server, Endpoint: ep, KeepOpenAfterEOF: true})
	cep, _ := netcore.ParseEndpoint("tcp://" + srv.Addr().String())
	cli := startSession(t, sessions.Config{Role: sessions.Client, Endpoint: cep})

	ks := newKernelView(func() *sessions.Session { return srv }, false)
	kc := newKernelView(func() *sessions.Session { return cli }, true)
	defer ks.stop()
	defer kc.stop()
	test := newTestMain(t) // a Fyne app for the widgets
	test.Window.SetContent(container.NewHSplit(ks.root, kc.root))

	r := waitKernel(t, ks, socktable.Established)
	if !r.TCP.HasInfo || r.TCP.RTT <= 0 {
		t.Errorf("established row has no TCP_INFO: %+v", r.TCP)
	}
	if ks.Status.Visible() || ks.More.Text != "" {
		t.Errorf("with one row: %q shown %v, more %q", ks.Status.Text, ks.Status.Visible(), ks.More.Text)
	}
	waitKernel(t, kc, socktable.Established)
	line := kc.Lines.Objects[0].(*fyne.Container).Objects[0].(*widget.Label).Text
	if !strings.Contains(line, "RTT ") || !strings.Contains(line, "Recv-Q 0") {
		t.Errorf("client line = %q, want RTT and queues", line)
	}

	// We half-close the client: FIN_WAIT_2 here, CLOSE_WAIT at the server.
	if err := cli.CloseWrite(cli.Peers()[0].ID); err != nil {
		t.Fatal(err)
	}
	waitKernel(t, kc, socktable.FinWait2)
	waitKernel(t, ks, socktable.CloseWait)
	if ks.List.Length() != 1 {
		t.Errorf("server list rows = %d, want 1", ks.List.Length())
	}

	// The server closes too: the client, which closed first, is left in
	// TIME_WAIT after the session forgot the connection.
	// (The engine's reader may close the half-open peer first, on being
	// woken: then ClosePeer reports the socket closed; either way it is.)
	if err := srv.ClosePeer(srv.Peers()[0].ID); err != nil && !errors.Is(err, net.ErrClosed) {
		t.Fatal(err)
	}
	r = waitKernel(t, kc, socktable.TimeWait)
	// The kernel moves to TIME_WAIT as the FIN arrives; the session's reader
	// sees the EOF a moment later, so its peer list is waited for.
	for deadline := time.Now().Add(5 * time.Second); len(cli.Peers()) != 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("client peers = %v 5 s after TIME_WAIT, want none", cli.Peers())
		}
	}
	if !strings.Contains(kernelInfoText(r, true), "TIME_WAIT") {
		t.Errorf("time-wait text = %q", kernelInfoText(r, true))
	}
}

func TestKernelViewPlacedInTCPTabsOnly(t *testing.T) {
	saved := runPumps
	runPumps = false
	t.Cleanup(func() { runPumps = saved })
	m := newTestMain(t)
	t.Cleanup(m.closeAllSessions)
	for _, tt := range []struct {
		role, url string
		want      bool
	}{
		{"server", "tcp://127.0.0.1:0", true}, {"client", "tcp://127.0.0.1:9", true},
		{"server", "udp://127.0.0.1:0", false},
	} {
		tab, err := m.OpenSession(SessionSpec{Spec: sessions.Spec{Role: tt.role, URL: tt.url}})
		if err != nil {
			t.Fatal(err)
		}
		if (tab.kernel != nil) != tt.want {
			t.Errorf("%s %s: kernel view %v, want %v", tt.role, tt.url, tab.kernel != nil, tt.want)
		}
		if tab.kernel != nil {
			tab.kernel.refresh()
			if !tab.kernel.Status.Visible() || tab.kernel.Status.Text != "no TCP connection" {
				t.Errorf("%s before start: status %q (shown %v)", tt.role, tab.kernel.Status.Text, tab.kernel.Status.Visible())
			}
		}
	}
}
