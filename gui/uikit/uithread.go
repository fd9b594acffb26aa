package uikit

import (
	"bytes"
	"runtime"
	"strconv"

	"fyne.io/fyne/v2"
)

// Do is fyne.Do for the goroutines the window starts (pumps, listers,
// lookups). fyne.Do queues fn for the UI goroutine, except once the app has
// begun to shut down, when Fyne runs fn right away on the caller's
// goroutine: touching a widget there is the very thread error Fyne warns
// about. That happens when Fyne's own SIGINT/SIGTERM handler quits the app
// before our Quit has stopped these goroutines, so a call that would run
// inline is dropped; nothing shown matters at that point. (The test driver
// also runs fyne.Do inline: tests refresh by hand.)
func Do(fn func()) {
	caller := goroutineID()
	fyne.Do(func() {
		if goroutineID() == caller {
			return // inline: shutting down
		}
		fn()
	})
}

// goroutineID is the running goroutine's number, read from its stack
// header ("goroutine 42 [running]:"); about a microsecond.
func goroutineID() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		b = b[:i]
	}
	id, _ := strconv.ParseUint(string(b), 10, 64)
	return id
}
