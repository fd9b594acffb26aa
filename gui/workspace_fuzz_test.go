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
	f.Add([]byte(`{"version":1,"tabs":[],"tools":[{"kind":"ping","at":0,"ping":{"target":"::1","family":"ipv6","count":"5","interval":"0.2","size":"100","ttl":"32","timeout":"2s","source":"::1"}},` +
		`{"kind":"sockets","at":1,"sockets":{"protocols":["tcp","unix"],"family":"ipv4","state":"listening","listening_only":true,"address":":8080","process":"sshd","text":"x","refresh":"5s","paused":true,"sort":"local","sort_descending":true}}]}`))
	f.Add([]byte(`{"version":1,"tools":[{"kind":"ping","at":-5,"ping":{"interval":"-5","family":"ipv5","count":5,"ttl":"999"}},{"kind":"sockets","at":1e3,"sockets":{"protocols":"tcp","refresh":"-5","sort":"x"}}]}`))
	f.Add([]byte(`{"version":1,"tools":[5,null,"ping",{"kind":"trace"},{"kind":"sockets","sockets":{"protocols":[],"address":"[::1"}}]}`))
	f.Add([]byte(`{"version":1,"tools":{"kind":"ping"}}`))
	f.Add([]byte(`{"version":1,"tools":null}`))
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
		// Every saved tab has one place in the restored order, and the tool
		// tabs' settings come back checked: checking again finds nothing.
		if got, want := len(restorePlan(w.Tabs, w.Tools)), len(w.Tabs)+len(w.Tools); got != want {
			t.Fatalf("restore plan has %d steps for %d tabs", got, want)
		}
		for i := range w.Tools {
			tt := &w.Tools[i]
			_ = tt.title(i)
			if tt.Ping != nil {
				fixed, _ := tt.Ping.checked()
				if _, notes := fixed.checked(); len(notes) > 0 {
					t.Fatalf("ping settings %+v still bad after checking: %q", fixed, notes)
				}
			}
			if tt.Sockets != nil {
				fixed, _ := tt.Sockets.Checked()
				if _, notes := fixed.Checked(); len(notes) > 0 {
					t.Fatalf("sockets settings %+v still bad after checking: %q", fixed, notes)
				}
			}
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
