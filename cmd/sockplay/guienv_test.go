//go:build !windows

package main

import (
	"reflect"
	"testing"
)

func TestGUIEnvAdditions(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		bus  bool
		want []string
	}{
		{"fresh desktop", nil, true, []string{"FYNE_CACHE=5s"}},
		{"all set", map[string]string{"FYNE_CACHE": "1m"}, true, nil},
		{"no session bus", map[string]string{"FYNE_CACHE": "1m"}, false, []string{"FYNE_THEME=dark"}},
		{"no bus, nothing set", nil, false, []string{"FYNE_CACHE=5s", "FYNE_THEME=dark"}},
		{"no bus, theme chosen", map[string]string{"FYNE_CACHE": "1m", "FYNE_THEME": "light"}, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := guiEnvAdditions(func(k string) string { return tt.env[k] }, func() bool { return tt.bus })
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNoDisplay(t *testing.T) {
	tests := []struct {
		goos, display, wayland string
		none                   bool
	}{
		{"linux", "", "", true},
		{"linux", ":0", "", false},
		{"linux", "", "wayland-0", false},
		{"freebsd", "", "", true},
		{"darwin", "", "", false},
	}
	for _, tt := range tests {
		env := map[string]string{"DISPLAY": tt.display, "WAYLAND_DISPLAY": tt.wayland}
		got := noDisplay(tt.goos, func(k string) string { return env[k] })
		if (got != "") != tt.none {
			t.Errorf("%s DISPLAY=%q WAYLAND_DISPLAY=%q: %q", tt.goos, tt.display, tt.wayland, got)
		}
	}
}
