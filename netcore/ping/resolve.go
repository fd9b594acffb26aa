package ping

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
)

// Resolve turns host into the one address ping uses: a literal as it is, a
// name through the system resolver (A for IPv4, AAAA for IPv6, the
// resolver's first choice for FamilyAny, as getaddrinfo gives iputils).
func Resolve(ctx context.Context, host string, fam Family) (netip.Addr, error) {
	if a, err := netip.ParseAddr(host); err == nil {
		a = a.Unmap()
		if fam == IPv4 && !a.Is4() || fam == IPv6 && !a.Is6() {
			return netip.Addr{}, &FamilyError{Host: host, Asked: fam}
		}
		return a, nil
	}
	network := [...]string{"ip", "ip4", "ip6"}[fam]
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, network, host)
	if err != nil {
		noFamily := fmt.Errorf("%s: %w: no %s address", host, ErrUnknownHost, [...]string{"", "IPv4", "IPv6"}[fam])
		var dnsErr *net.DNSError
		if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
			// Windows' resolver is asked for the one family (GetAddrInfoW
			// with AF_INET6) and says only "not found" when the name has
			// addresses of the other: asking for any tells the two apart,
			// as Go's own resolver does on Linux (the AddrError below).
			if fam != FamilyAny {
				if _, aerr := net.DefaultResolver.LookupNetIP(ctx, "ip", host); aerr == nil {
					return netip.Addr{}, noFamily
				}
			}
			return netip.Addr{}, fmt.Errorf("%s: %w", host, ErrUnknownHost)
		}
		var addrErr *net.AddrError // the name has addresses, none of the family asked for
		if errors.As(err, &addrErr) {
			return netip.Addr{}, noFamily
		}
		return netip.Addr{}, fmt.Errorf("%s: %w", host, err)
	}
	for _, a := range addrs {
		a = a.Unmap()
		if fam == IPv4 && !a.Is4() || fam == IPv6 && !a.Is6() {
			continue
		}
		return a, nil
	}
	return netip.Addr{}, fmt.Errorf("%s: %w", host, ErrUnknownHost)
}

// FamilyError is a host written as an address of the other IP version than
// the one asked for (IPv4 asked for, "::1" given): nothing to look up, and
// nothing unknown about it. It matches ErrInvalidConfig.
type FamilyError struct {
	Host  string // as given
	Asked Family // IPv4 or IPv6
}

func (e *FamilyError) Error() string {
	asked, is := "IPv4", "IPv6"
	if e.Asked == IPv6 {
		asked, is = is, asked
	}
	return fmt.Sprintf("%s was asked for, but %s is an %s address", asked, e.Host, is)
}

func (e *FamilyError) Is(target error) bool { return target == ErrInvalidConfig }
