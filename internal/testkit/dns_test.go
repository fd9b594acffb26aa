package testkit

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"
)

// The resolver asks the loopback server, which says no such name, but
// gives localhost (and names under it, which no hosts file lists) the
// loopback addresses; and the process's resolver is given back at the end.
func TestNoSuchNames(t *testing.T) {
	saved := net.DefaultResolver
	t.Run("answers", func(t *testing.T) {
		answered := NoSuchNames(t)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, err := net.DefaultResolver.LookupNetIP(ctx, "ip", "sockplay-nosuch.invalid")
		var dnsErr *net.DNSError
		if !errors.As(err, &dnsErr) || !dnsErr.IsNotFound {
			t.Errorf("lookup of an unknown name: %v, want a DNS error that is IsNotFound", err)
		}
		if answered.Load() == 0 {
			t.Error("the loopback server answered no question: the lookup went elsewhere")
		}
		// localhost itself may come from the hosts file, with or without
		// ::1; a name under it comes from the server, both families.
		for _, q := range []struct{ network, name string }{
			{"ip4", "localhost"}, {"ip4", "sockplay.localhost"}, {"ip6", "sockplay.localhost"},
		} {
			ips, err := net.DefaultResolver.LookupNetIP(ctx, q.network, q.name)
			if err != nil || len(ips) == 0 || !ips[0].IsLoopback() {
				t.Errorf("%s %s = %v, %v; want a loopback address", q.network, q.name, ips, err)
			}
		}
	})
	if net.DefaultResolver != saved {
		t.Error("the process's resolver was not given back")
	}
}
