package gui

import (
	"fmt"

	"fyne.io/fyne/v2"

	"github.com/sockplay/sockplay/sessions"
)

// State colours: green when live, amber while on the way, grey when
// stopped, red when failed. Each is an SVG resource so the tab title
// (DocTabs' icon) can carry it.
var stateDots = map[string]fyne.Resource{}

func dotResource(name, colour string) fyne.Resource {
	if r, ok := stateDots[name]; ok {
		return r
	}
	svg := fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16"><circle cx="8" cy="8" r="5.5" fill="%s"/></svg>`, colour)
	r := fyne.NewStaticResource("dot-"+name+".svg", []byte(svg))
	stateDots[name] = r
	return r
}

// stateDot is the coloured dot for a session state.
func stateDot(s sessions.State) fyne.Resource {
	switch s {
	case sessions.StateListening, sessions.StateConnected:
		return dotResource("live", "#2ea043")
	case sessions.StateStarting, sessions.StateReconnecting:
		return dotResource("busy", "#d29922")
	case sessions.StateFailed:
		return dotResource("failed", "#f85149")
	default:
		return dotResource("idle", "#8b949e")
	}
}

// stateMark is the state as a character before a tab's title: the tabs'
// overflow list is a menu of titles without icons, and a shape tells the
// states apart without colour.
func stateMark(s sessions.State) string {
	switch s {
	case sessions.StateListening, sessions.StateConnected:
		return "●"
	case sessions.StateStarting, sessions.StateReconnecting:
		return "◐"
	case sessions.StateFailed:
		return "!" // not ✕, which reads as the tab's close button
	default:
		return "○"
	}
}
