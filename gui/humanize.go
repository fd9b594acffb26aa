package gui

import (
	"fmt"
	"strings"
)

// humanBytes is a size in the units people read: 512 B, 1.5 KiB, 3.2 MiB.
func humanBytes(n uint64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := uint64(unit), 0
	for m := n / unit; m >= unit && exp < 5; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// humanRate is a rate in bytes per second.
func humanRate(bps float64) string {
	if bps < 1 {
		return "0 B/s"
	}
	return humanBytes(uint64(bps)) + "/s"
}

// oneLineText puts an event's lines (a replay step's reply and diff,
// indented under it) on the one line a log row or a title has.
func oneLineText(text string) string {
	if !strings.Contains(text, "\n") {
		return text
	}
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return strings.Join(lines, "; ")
}
