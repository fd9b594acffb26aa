package gui

import (
	"strings"

	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/netcore/decode"
)

// Default shares of a session tab's dividers: most of the height for the
// log (ten rows or more at 1200x760), a narrow peers pane.
const (
	defaultLogSplit   = 0.76
	defaultPeersSplit = 0.2
)

func orDefault(v, def float64) float64 {
	if v <= 0.05 || v >= 0.95 {
		return def
	}
	return v
}

// applyView restores how the person arranged the tab.
func (t *SessionTab) applyView(v ViewState) {
	if v.Messages {
		t.ViewMode.SetSelected("Messages")
	}
	switch v.Preview {
	case previewText, previewHex, previewHexText:
		t.Preview.SetSelected(v.Preview)
	}
	if v.Layout != "" && t.Detail.Fields.Layout.Text != v.Layout {
		t.Detail.Fields.Layout.SetText(v.Layout)
	}
	switch {
	case v.Decode == "layout":
		t.Detail.Fields.setProtocol("")
	case v.Decode != "":
		t.Detail.Fields.setProtocol(v.Decode)
	case v.Layout == "":
		// Never chosen: a well-known port says what the session speaks.
		if ep, err := netcore.ParseEndpoint(t.spec.URL); err == nil && !ep.IsUnix() {
			t.Detail.Fields.setProtocol(decode.ByPort(ep.Port))
		}
	}
}

// view is the tab's arrangement now, for the workspace.
func (t *SessionTab) view() ViewState {
	v := ViewState{Messages: t.ViewMode.Selected == "Messages", LogSplit: t.logSplit.Offset, Layout: strings.TrimSpace(t.Detail.Fields.Layout.Text)}
	if p := t.Detail.Fields.protocol(); p != "" {
		v.Decode = p
	} else if v.Layout == "" {
		v.Decode = ""
	} else {
		v.Decode = "layout"
	}
	if t.Preview.Selected != previewHexText {
		v.Preview = t.Preview.Selected
	}
	if t.peersSplit != nil {
		v.PeersSplit = t.peersSplit.Offset
	}
	if v.LogSplit == defaultLogSplit {
		v.LogSplit = 0
	}
	if v.PeersSplit == defaultPeersSplit {
		v.PeersSplit = 0
	}
	return v
}
