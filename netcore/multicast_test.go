package netcore

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestParseJoin(t *testing.T) {
	for _, tt := range []struct{ in, want, err string }{
		{"239.1.2.3", "239.1.2.3", ""},
		{"239.1.2.3@eth0", "239.1.2.3@eth0", ""},
		{"ff05::4242@veth0", "ff05::4242@veth0", ""},
		{"[ff05::4242]@veth0", "ff05::4242@veth0", ""},
		{"10.0.0.5>232.1.2.3@eth0", "10.0.0.5>232.1.2.3@eth0", ""},
		{"[fd00::1]>[ff3e::1]", "fd00::1>ff3e::1", ""},
		{"10.0.0.1", "", "is not a multicast address"},
		{"239.1.2.3@", "", "nothing after '@'"},
		{"ff02::1%eth0", "", "write the interface as @eth0"},
		{"10.0.0.5>239.1.2.3", "", "needs an SSM group"},
		{"239.1.1.1>232.1.2.3", "", "is not a unicast IP address"},
		{"fd00::1>232.1.2.3", "", "different IP versions"},
		{"", "", "is not a multicast address"},
	} {
		j, err := ParseJoin(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) || !errors.Is(err, ErrJoin) {
				t.Errorf("ParseJoin(%q) = %v, want error with %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || j.String() != tt.want {
			t.Errorf("ParseJoin(%q) = %q, %v; want %q", tt.in, j, err, tt.want)
		}
	}
}

func FuzzParseJoin(f *testing.F) {
	for _, s := range []string{"239.1.2.3@eth0", "10.0.0.5>232.1.2.3", "[fd00::1]>[ff3e::1]@x", "@", ">"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		j, err := ParseJoin(s)
		if err != nil {
			return
		}
		again, err := ParseJoin(j.String())
		if err != nil || again != j {
			t.Fatalf("%q -> %q -> %v, %v", s, j, again, err)
		}
	})
}

// TestMulticastOldJSON: workspaces saved before Joins keep their one group.
func TestMulticastOldJSON(t *testing.T) {
	var o Options
	if err := json.Unmarshal([]byte(`{"multicast":{"group":"239.1.2.3","interface":"lo","ttl":2}}`), &o); err != nil {
		t.Fatal(err)
	}
	joins, err := o.Multicast.joins()
	if err != nil || len(joins) != 1 || joins[0].String() != "239.1.2.3@lo" || o.Multicast.TTL != 2 {
		t.Fatalf("joins = %v, %v", joins, err)
	}
	if err := o.Validate(Endpoint{Scheme: SchemeUDP, Port: 1}, true); err != nil {
		t.Fatal(err)
	}
}
