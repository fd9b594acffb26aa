package framing

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

// samplePayloads covers the bytes framings care about: empty, framing bytes
// (NUL, STX/ETX, SLIP's END/ESC, CR/LF), COBS block edges (254, 255 non-zero
// bytes) and something past one-byte lengths.
func samplePayloads() [][]byte {
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.UintN(256))
		}
		return b
	}
	nonzero := func(n int) []byte { return bytes.Repeat([]byte{'x'}, n) }
	return [][]byte{
		{},
		[]byte("a"),
		[]byte("hello, world"),
		{0x00},
		{0x00, 0x00},
		{0x02, 0x03, 0x0d, 0x0a, 0x0a, 0xc0, 0xdb, 0xdc, 0xdd, 0x00},
		nonzero(253), nonzero(254), nonzero(255), nonzero(508),
		append(nonzero(254), 0),
		random(300),
		random(1200),
		[]byte("line one\r"),
	}
}

var roundTripSpecs = []string{
	"line", "line:keep", "crlf", "crlf:keep", "delim:00", "delim:0d0a:keep", "delim:6161", "delim:7e7e7e",
	"len:1", "len:2:be", "len:2:le:incl", "len:4:le", "len:4:be:adj=-2", "len:8:le:incl:adj=3", "len:8:be",
	"len:2:be:off=4", "len:2:strip=0", "len:2:le:strip=1", "len:4:be:off=3:incl:adj=2", "len:1:off=7:adj=-1",
	"fixed:1", "fixed:12", "stx-etx", "slip", "cobs", "jsonhdr", "idle:10ms", "raw", "http",
}

// payloadsFor picks the samples s can carry, adjusted the way a user would
// (fixed sizes, a kept delimiter at the end).
func payloadsFor(t *testing.T, s Spec) [][]byte {
	var out [][]byte
	for _, p := range samplePayloads() {
		switch s.Kind {
		case KindFixed:
			p = append(append([]byte(nil), p...), bytes.Repeat([]byte{'.'}, s.Size)...)[:s.Size]
		case KindLine, KindCRLF, KindDelim:
			if s.Keep {
				p = append(append([]byte(nil), p...), s.delimiter()...)
			}
		case KindHTTP:
			return httpSamples()
		case KindLen:
			// The length field's bytes are in the message: the encoder
			// fills them in, so a user types placeholders and reads back
			// the frame with the right length.
			if wire, err := s.Encode(nil, p); err == nil {
				p = wire[s.StripLen():]
			}
		}
		if _, err := s.Encode(nil, p); err != nil {
			if !errors.Is(err, ErrCannotEncode) {
				t.Fatalf("%s: Encode error %v does not match ErrCannotEncode", s, err)
			}
			continue
		}
		out = append(out, p)
	}
	if len(out) < 3 {
		t.Fatalf("%s: only %d sample payloads encode", s, len(out))
	}
	return out
}

func httpSamples() [][]byte {
	return [][]byte{
		[]byte("GET / HTTP/1.1\r\nHost: a\r\n\r\n"),
		[]byte("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"),
		[]byte("POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n10;ext=1\r\n0123456789abcdef\r\n0\r\nX-Trailer: 1\r\n\r\n"),
		[]byte("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n\r\n\n"),
		[]byte("HTTP/1.1 204 No Content\r\nServer: x\r\n\r\n"),
		[]byte("HTTP/1.1 100 Continue\r\n\r\n"),
		[]byte("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n1\r\nx\r\n0\r\n\r\n"),
		[]byte("GET /bare-lf HTTP/1.1\nHost: b\n\n"),
		[]byte("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"),
	}
}

// encodeAll frames the payloads into one stream.
func encodeAll(t *testing.T, s Spec, payloads [][]byte) []byte {
	var stream []byte
	for _, p := range payloads {
		var err error
		if stream, err = s.Encode(stream, p); err != nil {
			t.Fatalf("%s: Encode(%q): %v", s, p, err)
		}
	}
	return stream
}

// TestRoundTrip encodes the samples, decodes them back, and checks that no
// way of cutting the stream into chunks changes the messages.
func TestRoundTrip(t *testing.T) {
	for _, spec := range roundTripSpecs {
		t.Run(spec, func(t *testing.T) {
			s := mustParse(t, spec)
			payloads := payloadsFor(t, s)
			if s.Kind == KindIdle || s.Kind == KindRaw {
				// One message per gap (idle) or per chunk (raw): the
				// messages concatenate to the stream whatever the cuts.
				stream := encodeAll(t, s, payloads)
				checkConcatenation(t, s, stream)
				return
			}
			stream := encodeAll(t, s, payloads)
			want := make([]Message, len(payloads))
			for i, p := range payloads {
				want[i] = Message{Data: p}
			}
			whole := decodeChunks(s, Options{}, stream)
			if len(whole.errs) > 0 || whole.flushErr != nil {
				t.Fatalf("decode errors %v, flush %v", whole.errs, whole.flushErr)
			}
			if s.Kind == KindJSONHdr {
				for i := range whole.msgs {
					if want := `{"filename": "data.bin", "filesize": `; !strings.HasPrefix(string(whole.msgs[i].Header), want) {
						t.Fatalf("header %q, want prefix %q", whole.msgs[i].Header, want)
					}
					whole.msgs[i].Header = nil
				}
			}
			if !sameMessages(whole.msgs, want) {
				t.Fatalf("decoded %d messages, want %d: %.200s", len(whole.msgs), len(want), msgsText(whole.msgs))
			}
			// Every single cut.
			for cut := 0; cut <= len(stream); cut++ {
				o := decodeChunks(s, Options{}, splitAt(stream, cut)...)
				if !sameData(o.msgs, whole.msgs) || len(o.errs) > 0 || o.flushErr != nil {
					t.Fatalf("cut at %d: %d messages, errors %v, flush %v", cut, len(o.msgs), o.errs, o.flushErr)
				}
			}
			// Random chunk sizes, small ones most often.
			rng := rand.New(rand.NewPCG(uint64(len(spec)), 7))
			for round := 0; round < 200; round++ {
				o := decodeChunks(s, Options{}, randomChunks(rng, stream)...)
				if !sameData(o.msgs, whole.msgs) || len(o.errs) > 0 || o.flushErr != nil {
					t.Fatalf("random chunks round %d: %d messages, errors %v, flush %v", round, len(o.msgs), o.errs, o.flushErr)
				}
			}
			// One byte at a time.
			var bytewise [][]byte
			for i := range stream {
				bytewise = append(bytewise, stream[i:i+1])
			}
			if o := decodeChunks(s, Options{}, bytewise...); !sameData(o.msgs, whole.msgs) {
				t.Fatalf("byte at a time: %d messages", len(o.msgs))
			}
		})
	}
}

func sameData(a, b []Message) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i].Data, b[i].Data) {
			return false
		}
	}
	return true
}

func checkConcatenation(t *testing.T, s Spec, stream []byte) {
	rng := rand.New(rand.NewPCG(3, 4))
	for round := 0; round < 50; round++ {
		o := decodeChunks(s, Options{}, randomChunks(rng, stream)...)
		var got []byte
		for _, m := range o.msgs {
			got = append(got, m.Data...)
		}
		if !bytes.Equal(got, stream) || len(o.errs) > 0 || o.flushErr != nil {
			t.Fatalf("round %d: %d of %d bytes back, errors %v %v", round, len(got), len(stream), o.errs, o.flushErr)
		}
	}
}

// randomChunks cuts b the way reads do: mostly small pieces, sometimes large.
func randomChunks(rng *rand.Rand, b []byte) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		n := 1 + rng.IntN(8)
		if rng.IntN(4) == 0 {
			n = 1 + rng.IntN(2048)
		}
		n = min(n, len(b))
		out = append(out, b[:n])
		b = b[n:]
	}
	return out
}

func TestEncodeErrors(t *testing.T) {
	tests := []struct {
		spec    string
		payload string
		msg     string
	}{
		{"len:1", strings.Repeat("x", 300), "payload of 300 bytes does not fit the 1-byte length field (max 255)"},
		{"len:1:incl", strings.Repeat("x", 255), "payload of 255 bytes does not fit the 1-byte length field (field value 256, max 255)"},
		{"len:2:adj=5", "abc", "payload of 3 bytes does not fit the 2-byte length field (field value -2, max 65535)"},
		{"len:2:be:off=4", "\x00\x01\x00\x00\x00", "payload of 5 bytes is too short for len:2:be:off=4: it must start with the 4 header bytes and 2 bytes for the length field, whose value sockplay writes"},
		{"len:2:be:off=4", "", "payload of 0 bytes is too short for len:2:be:off=4: it must start with the 4 header bytes and 2 bytes for the length field, whose value sockplay writes"},
		{"len:2:strip=0", "x", "payload of 1 byte is too short for len:2:be:strip=0: it must start with 2 bytes for the length field, whose value sockplay writes"},
		{"len:2:be:off=4:strip=6", "\x01\x03\x00\x00\x00\x02", "len:2:be:off=4:strip=6 cannot frame a payload: its messages leave out 4 header bytes before the length field, which a sender cannot know; send with strip=0 or raw"},
		{"len:2:be:off=4:strip=2", "\x00\x00\x00\x06\x01\x03", "len:2:be:off=4:strip=2 cannot frame a payload: its messages leave out 2 header bytes before the length field, which a sender cannot know; send with strip=0 or raw"},
		{"len:1:off=2", "ab\x00" + strings.Repeat("x", 256), "payload of 259 bytes does not fit the 1-byte length field (max 255)"},
		{"line", "a\nb", "payload contains the delimiter 0a at offset 1, which would split it into two messages"},
		{"line:keep", "a\nb\n", "payload contains the delimiter 0a at offset 1, which would split it into two messages"},
		{"delim:6161", "xa", "payload contains the delimiter 6161 at offset 1, which would split it into two messages"},
		{"crlf", "a\r\n", "payload contains the delimiter 0d0a at offset 1, which would split it into two messages"},
		{"fixed:8", "abc", "payload of 3 bytes is not the fixed frame size 8"},
		{"slip", "", "slip cannot carry an empty payload: receivers skip empty frames"},
		{"stx-etx", "a\x03", "payload contains etx (0x03) at offset 1, which the receiver would take as framing"},
	}
	for _, tt := range tests {
		s := mustParse(t, tt.spec)
		dst := []byte("prefix")
		out, err := s.Encode(dst, []byte(tt.payload))
		if err == nil || err.Error() != tt.msg || !errors.Is(err, ErrCannotEncode) {
			t.Errorf("%s Encode error\n got  %v\n want %s", tt.spec, err, tt.msg)
		}
		if string(out) != "prefix" {
			t.Errorf("%s Encode changed dst to %q on error", tt.spec, out)
		}
	}
}

func TestEncodeBytes(t *testing.T) {
	tests := []struct {
		spec, payload, want string
	}{
		{"line", "hi", "hi\n"},
		{"line:keep", "hi\n", "hi\n"},
		{"line:keep", "hi", "hi\n"},
		{"crlf", "hi", "hi\r\n"},
		{"len:2:be", "abc", "\x00\x03abc"},
		{"len:2:le:incl", "abc", "\x05\x00abc"},
		{"len:1:adj=-2", "abc", "\x05abc"},
		{"len:4:le", "hi", "\x02\x00\x00\x00hi"},
		// Modbus/TCP: the person types the frame with 00 00 for the
		// length; the encoder writes 6 at offset 4.
		{"len:2:be:off=4", "\x00\x01\x00\x00\x00\x00\x01\x03\x00\x00\x00\x02", modbusReq1},
		{"len:2:be:off=4", modbusResp, modbusResp}, // a right length stays
		{"len:2:be:off=4", "\x00\x01\x00\x00\xff\xff", "\x00\x01\x00\x00\x00\x00"},
		{"len:2:be:off=4:incl", "\x00\x01\x00\x00\x00\x00\x01\x03", "\x00\x01\x00\x00\x00\x08\x01\x03"},
		{"len:2:le:off=1:adj=2", "\x7e??A\xc1\xc2", "\x7e\x01\x00A\xc1\xc2"},
		{"len:2:strip=0", "??abc", "\x00\x03abc"},
		{"len:2:le:strip=1", "?abc", "\x03\x00abc"},
		{"stx-etx", "ab", "\x02ab\x03"},
		// 00000000  c0 61 db dc db dd c0                              |.a.....|
		{"slip", "a\xc0\xdb", "\xc0a\xdb\xdc\xdb\xdd\xc0"},
		// Wikipedia's COBS examples.
		{"cobs", "\x00", "\x01\x01\x00"},
		{"cobs", "\x11\x22\x00\x33", "\x03\x11\x22\x02\x33\x00"},
		{"cobs", "\x11\x00\x00\x00", "\x02\x11\x01\x01\x01\x00"},
		{"jsonhdr", "hi", "\x27\x00\x00\x00{\"filename\": \"data.bin\", \"filesize\": 2}hi"},
		{"raw", "as is", "as is"},
	}
	for _, tt := range tests {
		got, err := mustParse(t, tt.spec).Encode(nil, []byte(tt.payload))
		if err != nil || string(got) != tt.want {
			t.Errorf("%s Encode(%q) = %q, %v; want %q", tt.spec, tt.payload, got, err, tt.want)
		}
	}
	// COBS of 254 non-zero bytes needs no trailing block.
	p := bytes.Repeat([]byte{1}, 254)
	got, _ := mustParse(t, "cobs").Encode(nil, p)
	if want := append(append([]byte{0xff}, p...), 0); !bytes.Equal(got, want) {
		t.Errorf("cobs of 254 bytes: % x", got[len(got)-4:])
	}
}
