package framing

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"
)

// fuzzSpecs are the decoders FuzzDecode drives, each variant that changes
// the decoder's code paths once.
var fuzzSpecs = []string{
	"raw", "line", "line:keep", "crlf", "delim:00", "delim:6161:keep", "delim:0d0a",
	"len:1", "len:2:be", "len:2:le:incl", "len:4:le", "len:4:be:adj=-2", "len:8:le:incl:adj=3",
	"fixed:3", "stx-etx", "slip", "cobs", "http", "idle:1s", "jsonhdr",
	// len with a header before the field (added last: seeds index this list).
	"len:2:be:off=4", "len:2:be:off=4:strip=6", "len:2:strip=0", "len:4:le:off=3:incl:adj=-2:strip=1",
	"len:1:off=2:strip=3", "len:8:be:off=1:incl:adj=5", "len:2:le:strip=1",
}

// FuzzDecode feeds arbitrary bytes to every decoder with a small limit: no
// panic, no message over the limit, bounded buffering, and random chunking
// gives the same messages as one Feed.
func FuzzDecode(f *testing.F) {
	for i, spec := range fuzzSpecs {
		f.Add(uint8(i), uint16(0), []byte("hello\nworld\n"), uint64(1))
		s, _ := Parse(spec)
		var stream []byte
		for _, p := range [][]byte{[]byte("a"), []byte("\x00\x02\x03\xc0\xdb\n"), bytes.Repeat([]byte("x"), 300)} {
			stream, _ = s.Encode(stream, p)
		}
		f.Add(uint8(i), uint16(64), stream, uint64(i))
	}
	for _, tt := range decodeCases {
		for i, spec := range fuzzSpecs {
			if spec == tt.spec {
				f.Add(uint8(i), uint16(tt.max), []byte(tt.in), uint64(7))
			}
		}
	}
	for _, p := range httpSamples() {
		f.Add(uint8(17), uint16(200), p, uint64(3))
	}
	for _, p := range []string{ // sizes past an int64
		"POST / HTTP/1.1\r\nContent-Length: 9223372036854775807\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\nbody",
		"HTTP/1.1 204 No Content\r\nContent-Length: 99999999999999999999\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 99999999999999999999\r\n\r\n1\r\nx\r\n0\r\n\r\n",
		"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n8000000000000000\r\n",
		"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff;x\r\n",
	} {
		f.Add(uint8(17), uint16(0), []byte(p), uint64(5))
	}
	f.Fuzz(func(t *testing.T, which uint8, max uint16, in []byte, seed uint64) {
		s, err := Parse(fuzzSpecs[int(which)%len(fuzzSpecs)])
		if err != nil {
			t.Fatal(err)
		}
		opt := Options{MaxFrame: int(max)}
		limit := s.Limit(opt)

		whole := decodeChunks(s, opt, in)
		rng := rand.New(rand.NewPCG(seed, seed>>7))
		var chunks [][]byte
		for rest := in; len(rest) > 0; {
			n := min(len(rest), 1+rng.IntN(16))
			chunks = append(chunks, rest[:n])
			rest = rest[n:]
		}
		d := s.NewDecoder(opt)
		var split outcome
		fed := 0
		for _, c := range chunks {
			wasStuck := d.Stuck()
			msgs, err := d.Feed(c)
			fed += len(c)
			split.msgs = append(split.msgs, msgs...)
			if err != nil {
				split.errs = append(split.errs, err)
				if !errors.Is(err, ErrFrameTooLarge) && !errors.Is(err, ErrBadFrame) && !errors.Is(err, ErrStuck) {
					t.Fatalf("Feed error %v matches none of the sentinels", err)
				}
			}
			// The moment it sticks, what it had not decoded is the end of
			// the stream so far (a front end prints it raw); never after.
			if rest := d.Rest(); d.Stuck() && !wasStuck {
				if !bytes.HasSuffix(in[:fed], rest) {
					t.Fatalf("%s: Rest %q is not the end of the stream %q", s, rest, in[:fed])
				}
			} else if rest != nil {
				t.Fatalf("%s: Rest %q without getting stuck", s, rest)
			}
			if b := d.Buffered(); b > 2*limit+4200 {
				t.Fatalf("%s buffers %d bytes with limit %d", s, b, limit)
			}
			if d.Stuck() {
				break
			}
		}
		msgs, err := d.Flush()
		split.msgs = append(split.msgs, msgs...)
		split.flushErr = err
		split.stuck = d.Stuck()

		for _, o := range []outcome{whole, split} {
			for _, m := range o.msgs {
				if len(m.Data) > limit || len(m.Header) > limit {
					t.Fatalf("%s message of %d+%d bytes over the limit %d", s, len(m.Header), len(m.Data), limit)
				}
			}
			if o.stuck && s.Resyncs() {
				t.Fatalf("%s got stuck though it resyncs: %v", s, o.errs)
			}
		}
		if s.Kind == KindRaw {
			var a, b []byte
			for _, m := range whole.msgs {
				a = append(a, m.Data...)
			}
			for _, m := range split.msgs {
				b = append(b, m.Data...)
			}
			if !bytes.Equal(a, b) || !bytes.Equal(a, in) {
				t.Fatalf("raw lost bytes")
			}
			return
		}
		if !sameMessages(whole.msgs, split.msgs) {
			t.Fatalf("%s: one Feed gave %s, chunks gave %s", s, msgsText(whole.msgs), msgsText(split.msgs))
		}
		if whole.stuck != split.stuck || (whole.flushErr == nil) != (split.flushErr == nil) {
			t.Fatalf("%s: one Feed stuck %v flush %v; chunks stuck %v flush %v", s, whole.stuck, whole.flushErr, split.stuck, split.flushErr)
		}
		if !whole.stuck && errCount(whole.errs) != errCount(split.errs) {
			t.Fatalf("%s: one Feed gave errors %v, chunks %v", s, whole.errs, split.errs)
		}
	})
}

// FuzzRoundTrip: whatever payload a framing accepts comes back unchanged.
func FuzzRoundTrip(f *testing.F) {
	for i := range fuzzSpecs {
		f.Add(uint8(i), []byte("payload\x00\x02\x03\xc0\xdb\r\n"), []byte("second"))
	}
	f.Fuzz(func(t *testing.T, which uint8, p1, p2 []byte) {
		s, err := Parse(fuzzSpecs[int(which)%len(fuzzSpecs)])
		if err != nil {
			t.Fatal(err)
		}
		if s.Kind == KindRaw || s.Kind == KindIdle || s.Kind == KindHTTP {
			return // messages are not delimited by the encoder
		}
		var stream []byte
		var want []Message
		for _, p := range [][]byte{p1, p2} {
			out, err := s.Encode(stream, p)
			if err != nil {
				if !errors.Is(err, ErrCannotEncode) {
					t.Fatalf("Encode error %v does not match ErrCannotEncode", err)
				}
				continue
			}
			if s.Kind == KindLen {
				// The field's bytes that are in the message are the
				// encoder's to write; every other byte is the payload's.
				got := out[len(stream)+s.StripLen():]
				field := max(s.Off+s.Width-s.StripLen(), 0)
				if len(got) != len(p) || !bytes.Equal(got[field:], p[field:]) || !bytes.Equal(got[:s.Off], p[:s.Off]) {
					t.Fatalf("%s: Encode(%q) framed %q", s, p, out[len(stream):])
				}
				p = got
			}
			stream = out
			want = append(want, Message{Data: p})
		}
		o := decodeChunks(s, Options{}, stream)
		if s.Kind == KindJSONHdr {
			for i := range o.msgs {
				o.msgs[i].Header = nil
			}
		}
		if s.Keep {
			for i, m := range want {
				if !bytes.HasSuffix(m.Data, []byte(s.delimiter())) {
					want[i].Data = append(append([]byte(nil), m.Data...), s.delimiter()...)
				}
			}
		}
		if !sameData(o.msgs, want) || len(o.errs) > 0 || o.flushErr != nil {
			t.Fatalf("%s: encoded %s, decoded %s, errors %v %v", s, msgsText(want), msgsText(o.msgs), o.errs, o.flushErr)
		}
	})
}
