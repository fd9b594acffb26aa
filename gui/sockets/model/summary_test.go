package model

import (
	"errors"
	"fmt"
	"testing"

	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/netcore/socktable"
)

func TestSummary(t *testing.T) {
	var fresh Listing
	for _, tt := range []struct {
		paused, failed bool
		want           string
	}{
		{false, false, "Listing…"},
		{true, false, "Paused: nothing listed yet. Resume, or the refresh button, lists the sockets."},
		{false, true, "TCP 0 (estab 0, listen 0) · UDP 0 · Unix 0 · showing 0"},
	} {
		if got := fresh.Summary(0, tt.paused, tt.failed); got != tt.want {
			t.Errorf("before a listing (paused %v, failed %v): %q, want %q", tt.paused, tt.failed, got, tt.want)
		}
	}

	var l Listing
	gone := tcp(socktable.Established, "127.0.0.1:5", "127.0.0.1:6")
	l.Apply([]socktable.Socket{gone})
	l.Apply([]socktable.Socket{
		tcp(socktable.Listen, "127.0.0.1:1", ""), tcp(socktable.Established, "127.0.0.1:2", "127.0.0.1:3"),
		tcp(socktable.TimeWait, "127.0.0.1:4", "127.0.0.1:3"), tcp(socktable.TimeWait, "127.0.0.1:7", "127.0.0.1:3"),
		tcp(socktable.CloseWait, "127.0.0.1:8", "127.0.0.1:3"),
		udp("0.0.0.0:53"), unixSock(socktable.UnixDgram, socktable.Close, "/dev/log", 1),
	})
	want := "TCP 5 (estab 1, listen 1, time-wait 2, close-wait 1) · UDP 1 · Unix 1 · showing 3 (1 just closed)"
	if got := l.Summary(3, false, false); got != want {
		t.Errorf("summary %q\nwant    %q", got, want)
	}
	if got := l.Summary(3, true, false); got != want+" · paused" {
		t.Errorf("paused summary %q", got)
	}
}

func TestListErrorText(t *testing.T) {
	if got := ListErrorText(fmt.Errorf("list sockets: %w", netcore.ErrUnsupported)); got != "The socket browser cannot list sockets here: list sockets: "+netcore.ErrUnsupported.Error()+"." {
		t.Errorf("unsupported: %q", got)
	}
	if got := ListErrorText(errors.New("netlink: permission denied")); got != "Listing sockets failed: netlink: permission denied" {
		t.Errorf("failure: %q", got)
	}
}
