package gui

import (
	"slices"

	"github.com/sockplay/sockplay/netcore"
)

// relayKind is the table's one kind that is neither a server nor a client
// of one transport: a relay listens on any kind and forwards each client
// to a target of any kind of the same sort (streams to streams, datagrams
// to datagrams). The New-session dialog offers it as a third role beside
// Server and Client, its transport being the one it listens on.
var relayKind = sessionKind{
	Name: "Relay",
	Summary: "Listens like a server and forwards each client to a target, both ways, as one peer: " +
		"the log shows what each side sent, rules rewrite or drop messages on the way, and Hold steps through them one at a time.",
	Example: "sockplay relay tcp://127.0.0.1:7000 tcp://127.0.0.1:7001",
	Server:  true,
	Scheme:  netcore.SchemeTCP,
}

// relayFamily is the relay's card on the welcome tab: a family with one
// kind (its second is empty; kinds() leaves it out).
var relayFamily = sessionFamily{
	Title:    "Relay",
	Subtitle: "listen on one socket, forward each client to another",
	Scheme:   netcore.SchemeTCP,
	Kinds:    [2]sessionKind{relayKind},
}

// kinds are the family's kinds, without an empty slot.
func (f sessionFamily) kinds() []sessionKind {
	var out []sessionKind
	for _, k := range f.Kinds {
		if k.Name != "" {
			out = append(out, k)
		}
	}
	return out
}

// cardFamilies are the welcome tab's cards: each transport's server and
// client, then the relay.
func cardFamilies() []sessionFamily {
	return append(slices.Clone(families), relayFamily)
}
