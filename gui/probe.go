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

// StartLatencyProbe measures how long a fyne.DoAndWait round trip takes,
// every 50 ms, and appends each sample (unix ms, then latency ms) to path:
// the soak script's measure of whether the window keeps up under a flood.
// It returns when ctx ends; call it on its own goroutine, never from a
// Fyne callback.
func StartLatencyProbe(ctx context.Context, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("latency probe: %w", err)
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	defer w.Flush()
	t := time.NewTicker(probeEvery)
	defer t.Stop()
	for n := 0; ; n++ {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		start := time.Now()
		fyne.DoAndWait(func() {})
		fmt.Fprintf(w, "%d %.3f\n", start.UnixMilli(), float64(time.Since(start).Microseconds())/1000)
		if n%20 == 0 {
			w.Flush() // about once a second, so a killed app leaves its samples
		}
	}
}
