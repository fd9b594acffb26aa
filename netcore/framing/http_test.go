package framing

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestHTTPDecode(t *testing.T) {
	tests := []struct {
		name  string
		max   int
		in    string
		want  []string
		errs  []string
		flush string
		stuck bool
	}{
		{
			name: "response without length runs to the end of the stream",
			in:   "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxHTTP/1.0 200 OK\r\n\r\nbody until close",
			want: []string{"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx", "HTTP/1.0 200 OK\r\n\r\nbody until close"},
		},
		{
			name: "HTTP/1.0 ignores Transfer-Encoding, as net/http does",
			in:   "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n",
			want: []string{"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n"},
		},
		{
			name: "blank lines between pipelined requests",
			in:   "\r\nGET /a HTTP/1.1\r\n\r\n\r\n\r\nGET /b HTTP/1.1\r\n\r\n\r\n",
			want: []string{"GET /a HTTP/1.1\r\n\r\n", "GET /b HTTP/1.1\r\n\r\n"},
		},
		{
			name:  "garbage is stuck",
			in:    "GET / HTTP/1.1\r\n\r\nHELLO\r\n\r\n",
			want:  []string{"GET / HTTP/1.1\r\n\r\n"},
			errs:  []string{`http message not understood: malformed HTTP request "HELLO"`},
			flush: `http message not understood: malformed HTTP request "HELLO"`,
			stuck: true,
		},
		{
			name:  "Content-Length over the limit",
			max:   100,
			in:    "POST / HTTP/1.1\r\nContent-Length: 1000000\r\n\r\nabc",
			errs:  []string{"http message of at least 1000044 bytes (Content-Length 1000000) exceeds the 100 bytes limit"},
			flush: "http message of at least 1000044 bytes (Content-Length 1000000) exceeds the 100 bytes limit",
			stuck: true,
		},
		{
			name:  "header without end",
			max:   10,
			in:    "GET / HTTP/1.1\r\nHost:",
			errs:  []string{"http header runs past the 10 bytes limit"},
			flush: "http header runs past the 10 bytes limit",
			stuck: true,
		},
		{
			name:  "chunk over the limit",
			max:   100,
			in:    "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffff\r\n",
			errs:  []string{"http message of at least 4294967295 bytes (a chunk) exceeds the 100 bytes limit"},
			flush: "http message of at least 4294967295 bytes (a chunk) exceeds the 100 bytes limit",
			stuck: true,
		},
		{
			name:  "bad chunk size",
			in:    "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
			errs:  []string{`http message not understood: bad chunk size "zz"`},
			flush: `http message not understood: bad chunk size "zz"`,
			stuck: true,
		},
		{
			name:  "truncated body",
			in:    "POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc",
			flush: "truncated frame at end of stream: 42 of 49 bytes",
		},
		{
			name:  "truncated header",
			in:    "GET / HTTP/1.1\r\nHost: x\r\n",
			flush: "truncated frame at end of stream: 25 bytes of an http header without its blank line",
		},
		{
			name:  "truncated chunked body",
			in:    "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nab",
			flush: "truncated frame at end of stream: 52 bytes of an http message whose chunked body did not end",
		},
	}
	s := mustParse(t, "http")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := []byte(tt.in)
			o := decodeChunks(s, Options{MaxFrame: tt.max}, in)
			var got, errs []string
			for _, m := range o.msgs {
				got = append(got, string(m.Data))
			}
			for _, err := range o.errs {
				errs = append(errs, err.Error())
			}
			flush := ""
			if o.flushErr != nil {
				flush = o.flushErr.Error()
			}
			if fmt.Sprintf("%q|%q|%q|%v", got, errs, flush, o.stuck) != fmt.Sprintf("%q|%q|%q|%v", tt.want, tt.errs, tt.flush, tt.stuck) {
				t.Fatalf("got  %q %q flush %q stuck %v\nwant %q %q flush %q stuck %v", got, errs, flush, o.stuck, tt.want, tt.errs, tt.flush, tt.stuck)
			}
			for cut := 0; cut <= len(in); cut++ {
				so := decodeChunks(s, Options{MaxFrame: tt.max}, splitAt(in, cut)...)
				if !sameData(so.msgs, o.msgs) || so.stuck != o.stuck || (so.flushErr == nil) != (o.flushErr == nil) {
					t.Fatalf("cut at %d: %s errors %v flush %v", cut, msgsText(so.msgs), so.errs, so.flushErr)
				}
			}
		})
	}
}

// A big chunked body arriving in small reads is scanned once, not re-parsed
// per read: 4 MiB in 1 KiB chunks would take minutes if it were.
func TestHTTPChunkedLargeBodyIncremental(t *testing.T) {
	var msg bytes.Buffer
	msg.WriteString("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
	chunk := strings.Repeat("0123456789abcdef", 64) // 1 KiB, with no blank lines inside
	for i := 0; i < 4096; i++ {
		fmt.Fprintf(&msg, "%x\r\n%s\r\n", len(chunk), chunk)
	}
	msg.WriteString("0\r\n\r\n")
	stream := msg.Bytes()
	d := mustParse(t, "http").NewDecoder(Options{})
	var got []Message
	for len(stream) > 0 {
		n := min(1000, len(stream))
		msgs, err := d.Feed(stream[:n])
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, msgs...)
		stream = stream[n:]
	}
	if len(got) != 1 || !bytes.Equal(got[0].Data, msg.Bytes()) {
		t.Fatalf("got %d messages", len(got))
	}
}

func TestHTTPErrorsMatch(t *testing.T) {
	o := decodeChunks(mustParse(t, "http"), Options{}, []byte("NOT HTTP\r\n\r\n"))
	if len(o.errs) != 1 || !errors.Is(o.errs[0], ErrBadFrame) || !errors.Is(o.errs[0], ErrStuck) {
		t.Fatalf("errors %v", o.errs)
	}
}

// Sizes past what an int64 holds, in Content-Length or a chunk size, are
// frames over the limit (ErrFrameTooLarge, stuck), never a negative size
// and never "not understood".
func TestHTTPHugeSizes(t *testing.T) {
	tests := []struct {
		name string
		in   string
		err  string // "" when the message is fine
		want string // the message, when err is ""
	}{
		{
			name: "Content-Length 2^63-1",
			in:   "POST / HTTP/1.1\r\nContent-Length: 9223372036854775807\r\n\r\nabc",
			err:  "http message of at least 9223372036854775863 bytes (Content-Length 9223372036854775807) exceeds the 16 MiB limit",
		},
		{
			name: "Content-Length 2^63",
			in:   "POST / HTTP/1.1\r\nContent-Length: 9223372036854775808\r\n\r\nabc",
			err:  "http message of at least 9223372036854775864 bytes (Content-Length 9223372036854775808) exceeds the 16 MiB limit",
		},
		{
			name: "Content-Length 2^64 in a response, with spaces",
			in:   "HTTP/1.1 200 OK\r\nContent-Length:  18446744073709551616 \r\n\r\n",
			err:  "http message of at least 18446744073709551675 bytes (Content-Length 18446744073709551616) exceeds the 16 MiB limit",
		},
		{
			name: "Content-Length of twenty nines, lower-case name",
			in:   "PUT /f HTTP/1.1\r\nHost: a\r\ncontent-length: 99999999999999999999\r\n\r\n",
			err:  "http message of at least 100000000000000000065 bytes (Content-Length 99999999999999999999) exceeds the 16 MiB limit",
		},
		{
			name: "chunk size 2^63-1",
			in:   "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n7fffffffffffffff\r\n",
			err:  "http message of at least 9223372036854775807 bytes (a chunk) exceeds the 16 MiB limit",
		},
		{
			name: "chunk size 2^63",
			in:   "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n8000000000000000\r\n",
			err:  "http message of at least 9223372036854775808 bytes (a chunk) exceeds the 16 MiB limit",
		},
		{
			name: "chunk size of twenty f, with an extension",
			in:   "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nFFFFFFFFFFFFFFFFFFFF;x=1\r\n",
			err:  "http message of at least 1208925819614629174706175 bytes (a chunk) exceeds the 16 MiB limit",
		},
		{
			name: "the same huge Content-Length twice",
			in:   "POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\nContent-Length: 99999999999999999999\r\n\r\n",
			err:  "http message of at least 100000000000000000094 bytes (Content-Length 99999999999999999999) exceeds the 16 MiB limit",
		},
		{
			name: "a Content-Length of 2^63-1 with leading zeros",
			in:   "POST / HTTP/1.1\r\nContent-Length: 00009223372036854775807\r\n\r\n",
			err:  "http message of at least 9223372036854775867 bytes (Content-Length 9223372036854775807) exceeds the 16 MiB limit",
		},
		{
			name: "a negative Content-Length is malformed, not large",
			in:   "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
			err:  `http message not understood: bad Content-Length "-1"`,
		},
		{
			name: "a 204 has no body whatever its Content-Length says",
			in:   "HTTP/1.1 204 No Content\r\nContent-Length: 99999999999999999999\r\n\r\n",
			want: "HTTP/1.1 204 No Content\r\nContent-Length: 99999999999999999999\r\n\r\n",
		},
		{
			name: "chunked wins over a huge Content-Length",
			in:   "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 99999999999999999999\r\n\r\n1\r\nx\r\n0\r\n\r\n",
			want: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 99999999999999999999\r\n\r\n1\r\nx\r\n0\r\n\r\n",
		},
	}
	s := mustParse(t, "http")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := []byte(tt.in)
			for cut := 0; cut <= len(in); cut++ {
				o := decodeChunks(s, Options{}, splitAt(in, cut)...)
				if tt.err == "" {
					if len(o.errs) != 0 || o.flushErr != nil || len(o.msgs) != 1 || string(o.msgs[0].Data) != tt.want {
						t.Fatalf("cut %d: %s errors %v flush %v", cut, msgsText(o.msgs), o.errs, o.flushErr)
					}
					continue
				}
				if len(o.errs) != 1 || o.errs[0].Error() != tt.err || !o.stuck {
					t.Fatalf("cut %d: errors %q stuck %v, want %q", cut, o.errs, o.stuck, tt.err)
				}
				large := strings.HasPrefix(tt.err, "http message of")
				if errors.Is(o.errs[0], ErrFrameTooLarge) != large || errors.Is(o.errs[0], ErrBadFrame) == large {
					t.Fatalf("%v: ErrFrameTooLarge %v, ErrBadFrame %v", o.errs[0], errors.Is(o.errs[0], ErrFrameTooLarge), errors.Is(o.errs[0], ErrBadFrame))
				}
			}
		})
	}
}
