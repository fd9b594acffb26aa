package gui

import (
	"encoding/json"
	"time"

	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/netcore/payload"
	"github.com/sockplay/sockplay/sessions"
)

// Workspace version 1 (before the one session spec) differs from version
// 2 in two places of each tab: socket options were saved under their Go
// names ("SendBuffer", not "send_buffer"), and a fixed reply was raw text
// ("reply_text") where it is now payload syntax ("reply_payload"). A
// version 1 file loads with nothing lost and is saved as version 2.

// tabV1 is what version 1 kept of a tab that version 2 keeps otherwise.
type tabV1 struct {
	Options   optionsV1 `json:"options"`
	Reply     string    `json:"reply"`
	ReplyText string    `json:"reply_text"`
}

// optionsV1 is netcore.Options as version 1 wrote it: no JSON tags. The
// nested KeepAlive and Multicast decode alike either way (their one-word
// names match their tags, and JSON keys match without regard to case).
type optionsV1 struct {
	ReuseAddr      *bool              `json:"ReuseAddr"`
	ReusePort      bool               `json:"ReusePort"`
	NoDelay        *bool              `json:"NoDelay"`
	KeepAlive      *netcore.KeepAlive `json:"KeepAlive"`
	SendBuffer     int                `json:"SendBuffer"`
	RecvBuffer     int                `json:"RecvBuffer"`
	Linger         *int               `json:"Linger"`
	TTL            int                `json:"TTL"`
	Broadcast      bool               `json:"Broadcast"`
	Multicast      *netcore.Multicast `json:"Multicast"`
	LocalAddr      string             `json:"LocalAddr"`
	BindDevice     string             `json:"BindDevice"`
	Backlog        int                `json:"Backlog"`
	ConnectTimeout time.Duration      `json:"ConnectTimeout"`
	IdleTimeout    time.Duration      `json:"IdleTimeout"`
	ResolveTimeout time.Duration      `json:"ResolveTimeout"`
}

// upgradeV1 rewrites the tabs of a version 1 file (already decoded into w
// as far as the names agree) from data, the file's bytes.
func upgradeV1(data []byte, w *Workspace) error {
	var old struct {
		Tabs []tabV1 `json:"tabs"`
	}
	if err := json.Unmarshal(data, &old); err != nil {
		return err
	}
	for i := range w.Tabs {
		if i >= len(old.Tabs) {
			break
		}
		o := old.Tabs[i]
		w.Tabs[i].Options = o.Options.current()
		if o.Reply == sessions.ReplyNameFixed {
			w.Tabs[i].ReplyPayload = &payload.Spec{Mode: payload.Text, Source: payload.EscapeText([]byte(o.ReplyText))}
		}
	}
	return nil
}

// current is the options as the current netcore.Options holds them; new
// fields (which version 1 never had) stay at their zero values.
func (o optionsV1) current() netcore.Options {
	return netcore.Options{ReuseAddr: o.ReuseAddr, ReusePort: o.ReusePort, NoDelay: o.NoDelay, KeepAlive: o.KeepAlive,
		SendBuffer: o.SendBuffer, RecvBuffer: o.RecvBuffer, Linger: o.Linger, TTL: o.TTL, Broadcast: o.Broadcast,
		Multicast: o.Multicast, LocalAddr: o.LocalAddr, BindDevice: o.BindDevice, Backlog: o.Backlog,
		ConnectTimeout: o.ConnectTimeout, IdleTimeout: o.IdleTimeout, ResolveTimeout: o.ResolveTimeout}
}
