package gui

import (
	"time"

	"github.com/sockplay/sockplay/gui/uikit"
)

// pump is the window's one refresh mechanism (uikit.Pump) as the session
// and Ping tabs hold it: startPump and stop are the names their code uses.
// The Sockets tab and the kernel's view poll through the same type.
type pump struct{ *uikit.Pump }

// startPump starts a watching pump: refresh runs on the UI goroutine when
// changed() says so, or at least every every (zero: only on change). See
// uikit.Watch.
func startPump(changed func() bool, refresh func(), every time.Duration) *pump {
	return &pump{uikit.Watch(changed, refresh, every)}
}

// stop ends the pump and waits for its goroutine.
func (p *pump) stop() { p.Stop() }

// doFromGoroutine is uikit.Do: fyne.Do for the goroutines the gui starts,
// dropped once the app is shutting down.
func doFromGoroutine(fn func()) { uikit.Do(fn) }
