package experiment

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/testkit"
)

func TestListAndLookup(t *testing.T) {
	seen := map[string]bool{}
	for _, in := range List() {
		if in.Name == "" || in.Title == "" || len(in.Explain) < 100 {
			t.Errorf("experiment %+v lacks a name, title or explanation", in)
		}
		if seen[in.Name] {
			t.Errorf("experiment %q listed twice", in.Name)
		}
		seen[in.Name] = true
		if got, ok := Lookup(in.Name); !ok || got != in {
			t.Errorf("Lookup(%q) = %+v, %v", in.Name, got, ok)
		}
	}
	for _, want := range []string{"sticky", "time-wait", "half-close", "reset", "buffers", "backlog", "udp", "refused"} {
		if !seen[want] {
			t.Errorf("no experiment %q", want)
		}
	}
	if _, ok := Lookup("nope"); ok {
		t.Error("Lookup found nope")
	}
}

func TestRunUnknown(t *testing.T) {
	err := Run(context.Background(), "nope", Options{}, nil)
	if !errors.Is(err, ErrUnknown) || !strings.Contains(err.Error(), "time-wait") {
		t.Fatalf("Run(nope) = %v, want ErrUnknown naming the experiments", err)
	}
}

// TestStepping runs half-close one step at a time: nothing happens while
// the run waits, each value runs one step, closing the channel runs the
// rest.
func TestStepping(t *testing.T) {
	testkit.NoLeaks(t)
	step := make(chan struct{})
	events := make(chan Event, 256)
	done := make(chan error, 1)
	go func() {
		done <- Run(context.Background(), "half-close", Options{Step: step}, func(e Event) { events <- e })
	}()
	next := func() Event {
		t.Helper()
		select {
		case e := <-events:
			return e
		case <-time.After(10 * time.Second):
			t.Fatal("no event within 10 s")
		}
		return Event{}
	}
	e := next()
	if e.Kind != KindWait || e.Step != 1 || e.Title == "" {
		t.Fatalf("first event %+v, want a wait for step 1", e)
	}
	select {
	case e := <-events:
		t.Fatalf("an event before the go-ahead: %+v", e)
	case <-time.After(100 * time.Millisecond):
	}
	step <- struct{}{}
	for {
		e = next()
		if e.Kind == KindWait {
			break
		}
		if e.Step != 1 {
			t.Fatalf("event of step %d before step 2 was allowed: %+v", e.Step, e)
		}
	}
	if e.Step != 2 {
		t.Fatalf("second wait is for step %d", e.Step)
	}
	close(step)
	var last Event
	for last.Kind != KindDone {
		last = next()
		if last.Kind == KindWait {
			t.Fatalf("waited after the channel was closed: %+v", last)
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestCancelWhileWaiting: cancelling ctx ends a stepped run that waits,
// with every socket and goroutine gone.
func TestCancelWhileWaiting(t *testing.T) {
	testkit.NoLeaks(t)
	ctx, cancel := context.WithCancel(context.Background())
	step := make(chan struct{}, 1)
	step <- struct{}{} // step 1 runs at once, then the run waits for step 2
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, "time-wait", Options{Step: step}, func(e Event) {
			if e.Kind == KindWait {
				if e.Step != 2 {
					t.Errorf("waits for step %d, want 2", e.Step)
				}
				cancel()
			}
		})
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Run = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not end within 10 s of the cancel")
	}
}
