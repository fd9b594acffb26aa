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
