package gui

import (
	"testing"
	"time"
)

// Refreshes every 500 ms with a millisecond of jitter either way take a
// sample at each one, not at every other one; refreshes every 16 ms (a
// flood) take one each 500 ms on average.
func TestSampleDueKeepsToItsGrid(t *testing.T) {
	start := time.Unix(1000, 0)
	last := start
	samples := 0
	for i := 1; i <= 20; i++ {
		jitter := time.Millisecond
		if i%2 == 0 {
			jitter = -jitter
		}
		var due bool
		last, due = sampleDue(last, start.Add(time.Duration(i)*headerEvery+jitter), headerEvery)
		if due {
			samples++
		}
	}
	if samples != 20 {
		t.Errorf("%d samples in 20 refreshes half a second apart, want 20", samples)
	}
	last, samples = start, 0
	for i := 1; i <= 625; i++ { // 10 s
		var due bool
		if last, due = sampleDue(last, start.Add(time.Duration(i)*16*time.Millisecond), headerEvery); due {
			samples++
		}
	}
	if samples != 20 {
		t.Errorf("%d samples in 10 s of refreshes every 16 ms, want 20", samples)
	}
}

func TestSampleDue(t *testing.T) {
	last := time.Unix(1000, 0)
	every := 500 * time.Millisecond
	tests := []struct {
		name     string
		after    time.Duration
		wantDue  bool
		wantNext time.Duration // from last
	}{
		{"too soon", 374 * time.Millisecond, false, 0},
		{"a hair early", 499 * time.Millisecond, true, 500 * time.Millisecond},
		{"on time", 500 * time.Millisecond, true, 500 * time.Millisecond},
		{"late keeps the grid", 900 * time.Millisecond, true, 500 * time.Millisecond},
		{"two steps behind starts again", 1200 * time.Millisecond, true, 1200 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			next, due := sampleDue(last, last.Add(tt.after), every)
			if due != tt.wantDue || next.Sub(last) != tt.wantNext {
				t.Errorf("sampleDue(+%v) = +%v, %v; want +%v, %v", tt.after, next.Sub(last), due, tt.wantNext, tt.wantDue)
			}
		})
	}
}
