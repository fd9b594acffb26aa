package main

import (
	"context"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"github.com/sockplay/sockplay/cmd/sockplay/cli"
)

// terminate are the signals that end sockplay: Ctrl-C in its terminal and
// a plain kill.
var terminate = []os.Signal{os.Interrupt, syscall.SIGTERM}

// signals is the process's one handler of terminate: the first signal
// cancels the command's context with the signal as its cause (a command
// can say "interrupted" and exit 130 or 143); a second one kills the
// process as usual.
type signals struct {
	mu   sync.Mutex
	ch   chan os.Signal
	done bool // the first signal came: the default action is back
}

func listenSignals(cancel context.CancelCauseFunc) *signals {
	s := &signals{ch: make(chan os.Signal, 1)}
	signal.Notify(s.ch, terminate...)
	go func() { // ends with the process: it waits for the one signal that ends it
		sig := <-s.ch
		s.mu.Lock()
		s.done = true
		signal.Stop(s.ch)
		s.mu.Unlock()
		cancel(cli.Interrupted{Signal: sig})
	}()
	return s
}

// reclaim removes every other handler of terminate (Fyne's driver installs
// one when its loop starts, which quits the app on its own and races our
// orderly exit: at times Fyne's teardown then panicked, "send on closed
// channel"), keeping ours.
func (s *signals) reclaim() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return
	}
	signal.Reset(terminate...)
	signal.Notify(s.ch, terminate...)
}
