// Package rules is reply rules as data: the rule types (shared as JSON by
// saved workspaces), the one-line text format the command line and the
// window's rules files use, and the compiled matcher that turns a received
// message into the replies it earned. It holds no session state: hit
// counts, delays and sending belong to the session that applies a Set
// (package sessions), so one grammar serves the window's test box too.
//
// A rules file has one item a line; blank lines and lines starting with #
// are ignored:
//
//	mode first|all               first: the first matching rule answers (default);
//	                             all: every matching rule answers, in order
//	KIND:PATTERN => REPLY [OPTIONS]
//	default => REPLY [OPTIONS]   answers what no rule matched (else: no answer)
//
// KIND is how PATTERN matches a whole message (after framing):
//
//	text:PING\r\n      exactly these bytes (payload text syntax: \r \n \t \0 \xNN \\ \{)
//	prefix:GET         the message starts with them
//	contains:ERR       the message contains them
//	re:^GET (\S+)      a Go regular expression over the message (unanchored;
//	                   (?P<name>...) names a group); for text, not binary
//	hex:(.. ..) 00 00 00 06 (unit: ..) 03 *
//	                   a hex pattern over the whole message: pairs of hex digits,
//	                   ".." any byte, "*" any number of bytes, "(...)" a group,
//	                   "(name: ...)" a named group
//
// REPLY is in the payload syntax, text unless prefixed hex: or base64:; it
// may use the macros ({{counter}}, {{time}}, ...) and the captures: {{0}}
// the whole message, {{N}} group N (numbered by their "(" from 1), {{name}}
// a named group, each the captured bytes as they came, in text and hex
// replies alike. A capture the match does not have is an error. An empty
// REPLY sends nothing (useful with close). Replies are rendered when the
// message arrives and go out through the session's framing.
//
// OPTIONS, in brackets at the end of the line, separated by spaces:
//
//	delay=100ms   send the reply this long after the message arrived (up to 1h)
//	close         close the connection after the reply (a datagram peer is forgotten)
//	off           keep the rule, disabled
//	end=lf|crlf   append a line ending to the reply
//	sum=NAME      append a checksum over the reply (sum8, xor8, crc16-modbus, ...)
//	from=client   on a relay: only what its clients send (from=target: only
//	              what the target sends back); without it, both directions
//	drop          on a relay: forward nothing in place of the message
//
// On a relay (a session that forwards between a client and a target) a
// rule does not answer: its REPLY replaces the message it matched in the
// stream forwarded to the other side (rendered the same way, and framed
// with the relay's framing), and drop, or an empty REPLY, forwards
// nothing; delay holds that direction back, close ends both connections
// after it. ApplyFrom picks the rules of one direction. A session that
// is not a relay refuses a rule with from= or drop (Set.RelayOnly says
// which, in one sentence), rather than ignore what it cannot do.
//
// The first " => " (spaces around) ends the match, so a match that needs
// it writes =\x3e (text) or [=]> (re); spaces at the ends of a text match
// or reply are written \x20. A reply that itself ends in "[...]" is
// followed by "[]" (no options). Example, a Modbus/TCP device answering
// "read 2 holding registers" with 42 and 500 (with framing len:2:be:off=4):
//
//	hex:(tid: .. ..) 00 00 00 06 (unit: ..) 03 00 00 00 02 => hex:{{tid}} 00 00 00 07 {{unit}} 03 04 00 2a 01 f4
//
// A bad rule is one sentence naming the rule and the part that is wrong:
//
//	line 3, rule 2 "re:(x => y": match: missing closing ) in "(x"
package rules
