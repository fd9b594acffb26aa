package gui

import (
	"encoding/json"
	"testing"
)

// FuzzDecodeWorkspace: any bytes in workspace.json give a workspace or a
// reason in words, never a panic; a decoded workspace saves and decodes again.
func FuzzDecodeWorkspace(f *testing.F) {
	f.Add([]byte(`{"version":1,"tabs":[{"role":"server","url":"tcp://127.0.0.1:9000","options":{}}],"recent":["tcp://[::1]:80"]}`))
	f.Add([]byte(`{"version":1,"payloads":[{"name":"x","mode":"hex","text":"01 02"}],"window":{"width":900,"height":600}}`))
	f.Add([]byte(`{"version":99}`))
	f.Add([]byte(`[1,2`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, data []byte) {
		var w Workspace
		reason := decodeWorkspace(data, &w)
		if reason != "" {
			return
		}
		for _, spec := range w.Tabs {
			spec.Config() // a bad tab is an error for the person, not a panic
			_ = spec.Title()
		}
		out, err := json.Marshal(&w)
		if err != nil {
			t.Fatalf("a decoded workspace does not encode: %v", err)
		}
		var again Workspace
		if r := decodeWorkspace(out, &again); r != "" {
			t.Fatalf("re-decoding what we wrote: %s\n%s", r, out)
		}
	})
}
