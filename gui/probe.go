package gui

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"time"

	"fyne.io/fyne/v2"
)

// probeEvery is how often the latency probe samples the UI goroutine.
const probeEvery = 50 * time.Millisecond

// StartLatencyProbe measures how long the UI goroutine takes to answer:
// every 50 ms a slot falls due and a fyne.DoAndWait round trip is made,
// and each slot's sample is the time from when it fell due to when the UI
// answered. A round trip that blocks does not hide the slots that fell
// due meanwhile (a ticker would skip them): each of them is a sample too,
// so a 500 ms stall counts as ten samples of 500, 450, ... 50 ms, as a
// person clicking at any moment of it would have waited. Samples (unix ms
// of the slot, then latency ms) are appended to path: the soak script's
// measure of whether the window keeps up under a flood. It returns when
// ctx ends; call it on its own goroutine, never from a Fyne callback.
func StartLatencyProbe(ctx context.Context, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("latency probe: %w", err)
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	defer w.Flush()
	t := time.NewTimer(probeEvery)
	defer t.Stop()
	due := time.Now().Add(probeEvery)
	lastFlush := time.Now()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		fyne.DoAndWait(func() {})
		answered := time.Now()
		for ; !due.After(answered); due = due.Add(probeEvery) {
			fmt.Fprintf(w, "%d %.3f\n", due.UnixMilli(), float64(answered.Sub(due).Microseconds())/1000)
		}
		if answered.Sub(lastFlush) >= time.Second {
			w.Flush() // about once a second, so a killed app leaves its samples
			lastFlush = answered
		}
		t.Reset(time.Until(due))
	}
}
