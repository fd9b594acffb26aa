package framing

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// Each case feeds in one chunk and then split at every position: the
// messages, the number of errors and the stuck state must not change.
var decodeCases = []struct {
	name  string
	spec  string
	max   int // Options.MaxFrame, 0 = default
	in    string
	want  []string // message Data
	errs  []string // Feed errors (exact sentences, when one chunk)
	flush string   // Flush error
	stuck bool
}{
	{
		name: "line: two lines and an empty one",
		spec: "line",
		// 00000000  61 62 0a 0a 63 0a                                 |ab..c.|
		in:   "ab\n\nc\n",
		want: []string{"ab", "", "c"},
	},
	{
		name: "line keep",
		spec: "line:keep",
		// 00000000  61 0a 62 0a                                       |a.b.|
		in:   "a\nb\n",
		want: []string{"a\n", "b\n"},
	},
	{
		name: "line: trailing bytes without newline are truncated",
		spec: "line",
		// 00000000  61 0a 62 63 64                                    |a.bcd|
		in:    "a\nbcd",
		want:  []string{"a"},
		flush: "truncated frame at end of stream: 3 bytes without delimiter 0a",
	},
	{
		name: "crlf: a lone \\n is data",
		spec: "crlf",
		// 00000000  61 0a 62 0d 0a 0d 0a                              |a.b....|
		in:   "a\nb\r\n\r\n",
		want: []string{"a\nb", ""},
	},
	{
		name: "delim: NUL",
		spec: "delim:00",
		// 00000000  68 69 00 00 78 00                                 |hi..x.|
		in:   "hi\x00\x00x\x00",
		want: []string{"hi", "", "x"},
	},
	{
		name: "delim: overlapping delimiter takes the first match",
		spec: "delim:6161",
		// 00000000  78 61 61 61 79 61 61                              |xaaayaa|
		in:   "xaaayaa",
		want: []string{"x", "ay"},
	},
	{
		name: "line: runaway line is skipped up to the next newline",
		spec: "line",
		max:  4,
		// 00000000  61 62 0a 31 32 33 34 35 36 0a 63 0a              |ab.123456.c.|
		in:   "ab\n123456\nc\n",
		want: []string{"ab", "c"},
		errs: []string{"frame runs past the 4 bytes limit before delimiter 0a; skipping to the next one"},
	},
	{
		name: "line: a line of exactly the limit is fine",
		spec: "line",
		max:  4,
		in:   "1234\n",
		want: []string{"1234"},
	},
	{
		name: "line: two runaway lines in one chunk",
		spec: "line:max=2",
		in:   "abc\ndef\nok\n",
		want: []string{"ok"},
		errs: []string{"frame runs past the 2 bytes limit before delimiter 0a; skipping to the next one (and 1 more in this chunk)"},
	},
	{
		name: "delim keep: a limit smaller than the delimiter fits nothing",
		spec: "delim:6161:keep",
		max:  1,
		in:   "aaxaa",
		errs: []string{"frame runs past the 1 byte limit before delimiter 6161; skipping to the next one (and 1 more in this chunk)"},
	},
	{
		name: "len:2:be",
		spec: "len:2:be",
		// 00000000  00 03 61 62 63 00 00 00 01 7a                    |..abc....z|
		in:   "\x00\x03abc\x00\x00\x00\x01z",
		want: []string{"abc", "", "z"},
	},
	{
		name: "len:4:le",
		spec: "len:4:le",
		// 00000000  02 00 00 00 68 69                                 |....hi|
		in:   "\x02\x00\x00\x00hi",
		want: []string{"hi"},
	},
	{
		name: "len:1 incl counts the header",
		spec: "len:1:incl",
		// 00000000  04 61 62 63 01                                    |.abc.|
		in:   "\x04abc\x01",
		want: []string{"abc", ""},
	},
	{
		name: "len adj=2: a trailing CRC the field leaves out",
		spec: "len:1:adj=2",
		// 00000000  01 41 c1 c2                                       |.A..|
		in:   "\x01A\xc1\xc2",
		want: []string{"A\xc1\xc2"},
	},
	{
		name: "len adj=-1",
		spec: "len:1:adj=-1",
		in:   "\x03ab",
		want: []string{"ab"},
	},
	{
		name: "len: huge length is an error, not an allocation",
		spec: "len:4:be",
		// 00000000  00 01 61 ff ff ff ff 61                           |..a....a|
		in:    "\x00\x00\x00\x01a\xff\xff\xff\xffa",
		want:  []string{"a"},
		errs:  []string{"frame length 4294967295 exceeds the 16 MiB limit"},
		flush: "frame length 4294967295 exceeds the 16 MiB limit",
		stuck: true,
	},
	{
		name:  "len:8 max uint64",
		spec:  "len:8:le:adj=5",
		in:    "\xff\xff\xff\xff\xff\xff\xff\xff",
		errs:  []string{"frame length 18446744073709551615 exceeds the 16 MiB limit"},
		flush: "frame length 18446744073709551615 exceeds the 16 MiB limit",
		stuck: true,
	},
	{
		name:  "len incl smaller than the header",
		spec:  "len:2:incl",
		in:    "\x00\x01",
		errs:  []string{"frame length 1 is smaller than the 2-byte header it counts"},
		flush: "frame length 1 is smaller than the 2-byte header it counts",
		stuck: true,
	},
	{
		name:  "len adj makes it negative",
		spec:  "len:1:adj=-2",
		in:    "\x01",
		errs:  []string{"frame length 1 with adj=-2 leaves a negative message length"},
		flush: "frame length 1 with adj=-2 leaves a negative message length",
		stuck: true,
	},
	{
		name: "len: truncated body",
		spec: "len:2",
		// 00000000  00 0a 61 62 63                                    |..abc|
		in:    "\x00\x0aabc",
		flush: "truncated frame at end of stream: 5 of 12 bytes",
	},
	{
		name:  "len: truncated header",
		spec:  "len:4:le",
		in:    "\x05",
		flush: "truncated frame at end of stream: 1 of 4 header bytes",
	},
	{
		// Three Modbus/TCP frames glued: two "read holding registers"
		// requests and a response. The header stays with the message.
		name: "len off=4: Modbus/TCP frames whole",
		spec: "len:2:be:off=4",
		// 00000000  00 01 00 00 00 06 01 03 00 00 00 02 00 02 00 00  |................|
		// 00000010  00 06 11 03 00 6b 00 03 00 01 00 00 00 07 01 03  |.....k..........|
		// 00000020  04 00 2a 01 f4                                    |..*..|
		in:   modbusReq1 + modbusReq2 + modbusResp,
		want: []string{modbusReq1, modbusReq2, modbusResp},
	},
	{
		name: "len off=4 strip=6: the PDU alone",
		spec: "len:2:be:off=4:strip=6",
		in:   modbusReq1 + modbusResp,
		want: []string{modbusReq1[6:], modbusResp[6:]},
	},
	{
		name: "len off=4 strip=4: from the length field on",
		spec: "len:2:be:off=4:strip=4",
		in:   modbusReq1,
		want: []string{modbusReq1[4:]},
	},
	{
		name: "len off=0 strip=0 keeps the field",
		spec: "len:2:strip=0",
		in:   "\x00\x03abc\x00\x00",
		want: []string{"\x00\x03abc", "\x00\x00"},
	},
	{
		name: "len strip=1 drops part of the field",
		spec: "len:2:le:strip=1",
		in:   "\x02\x00hi",
		want: []string{"\x00hi"},
	},
	{
		name: "len off incl: the field counts the whole frame",
		spec: "len:1:off=2:incl",
		// 00000000  aa bb 05 68 69 cc dd 03                           |...hi...|
		in:   "\xaa\xbb\x05hi\xcc\xdd\x03",
		want: []string{"\xaa\xbb\x05hi", "\xcc\xdd\x03"},
	},
	{
		name: "len off adj: a CRC after the counted body",
		spec: "len:2:le:off=1:adj=2",
		in:   "\x7e\x01\x00A\xc1\xc2",
		want: []string{"\x7e\x01\x00A\xc1\xc2"},
	},
	{
		name:  "len off incl smaller than the header",
		spec:  "len:2:be:off=4:incl",
		in:    "\x00\x01\x00\x00\x00\x05",
		errs:  []string{"frame length 5 is smaller than the 6-byte header it counts"},
		flush: "frame length 5 is smaller than the 6-byte header it counts",
		stuck: true,
	},
	{
		name:  "len off: truncated header",
		spec:  "len:2:be:off=4",
		in:    "\x00\x01\x00\x00\x00",
		flush: "truncated frame at end of stream: 5 of 6 header bytes",
	},
	{
		name:  "len off: truncated body",
		spec:  "len:2:be:off=4",
		in:    modbusReq1[:9],
		flush: "truncated frame at end of stream: 9 of 12 bytes",
	},
	{
		// The limit is on the message, which here is the whole frame:
		// a 12-byte Modbus frame is over max=11 though its body is 6.
		name:  "len off: the limit counts the header kept",
		spec:  "len:2:be:off=4:max=11",
		in:    modbusReq1,
		errs:  []string{"frame length 6 exceeds the 11 bytes limit"},
		flush: "frame length 6 exceeds the 11 bytes limit",
		stuck: true,
	},
	{
		name: "len off strip: the limit counts only what is kept",
		spec: "len:2:be:off=4:strip=6:max=6",
		in:   modbusReq1,
		want: []string{modbusReq1[6:]},
	},
	{
		name:  "fixed:3",
		spec:  "fixed:3",
		in:    "abcdefgh",
		want:  []string{"abc", "def"},
		flush: "truncated frame at end of stream: 2 of 3 bytes",
	},
	{
		name:  "fixed larger than the limit",
		spec:  "fixed:10",
		max:   5,
		in:    "x",
		errs:  []string{"fixed frame size 10 exceeds the 5 bytes limit"},
		flush: "fixed frame size 10 exceeds the 5 bytes limit",
		stuck: true,
	},
	{
		name: "stx-etx with noise and a BCC between frames",
		spec: "stx-etx",
		// 00000000  0d 0a 02 61 62 03 7f 02 63 03                    |...ab...c.|
		in:   "\r\n\x02ab\x03\x7f\x02c\x03",
		want: []string{"ab", "c"},
	},
	{
		name: "stx-etx: lost etx, new stx restarts",
		spec: "stx-etx",
		// 00000000  02 61 62 02 63 03                                 |.ab.c.|
		in:   "\x02ab\x02c\x03",
		want: []string{"c"},
		errs: []string{"stx after 2 bytes without etx; the partial frame is dropped"},
	},
	{
		name: "stx-etx: runaway frame",
		spec: "stx-etx:max=3",
		// 00000000  02 31 32 33 34 35 03 02 6f 6b 03                 |.12345..ok.|
		in:   "\x0212345\x03\x02ok\x03",
		want: []string{"ok"},
		errs: []string{"frame runs past the 3 bytes limit before etx; skipping to the next frame"},
	},
	{
		name: "stx-etx: runaway frame ended by stx",
		spec: "stx-etx:max=3",
		in:   "\x0212345\x02ok\x03",
		want: []string{"ok"},
		errs: []string{"frame runs past the 3 bytes limit before etx; skipping to the next frame"},
	},
	{
		name:  "stx-etx truncated",
		spec:  "stx-etx",
		in:    "\x02abc",
		flush: "truncated frame at end of stream: 3 bytes after stx without etx",
	},
	{
		name: "slip with escapes and empty frames",
		spec: "slip",
		// 00000000  c0 61 db dc 62 db dd c0 c0 c0 63 c0              |.a..b......c.|
		in:   "\xc0a\xdb\xdcb\xdb\xdd\xc0\xc0\xc0c\xc0",
		want: []string{"a\xc0b\xdb", "c"},
	},
	{
		name: "slip bad escape resyncs at the next end",
		spec: "slip",
		// 00000000  c0 61 db 41 62 c0 6f 6b c0                       |.a.Ab.ok.|
		in:   "\xc0a\xdbAb\xc0ok\xc0",
		want: []string{"ok"},
		errs: []string{"slip escape 0xdb followed by 0x41, not 0xdc or 0xdd; frame dropped"},
	},
	{
		name: "slip esc end",
		spec: "slip",
		in:   "a\xdb\xc0ok\xc0",
		want: []string{"ok"},
		errs: []string{"slip escape 0xdb followed by 0xc0, not 0xdc or 0xdd; frame dropped"},
	},
	{
		name: "slip runaway",
		spec: "slip:max=2",
		in:   "abc\xc0ok\xc0",
		want: []string{"ok"},
		errs: []string{"slip frame runs past the 2 bytes limit before an end byte; skipping to the next one"},
	},
	{
		name:  "slip truncated",
		spec:  "slip",
		in:    "\xc0abc",
		flush: "truncated frame at end of stream: 3 bytes without a slip end byte",
	},
	{
		name: "cobs",
		spec: "cobs",
		// 00000000  03 11 22 02 33 00 01 00 00 01 01 00              |.."3...... |
		// "11 22 00 33", "" , (empty segment skipped), "00"
		in:   "\x03\x11\x22\x02\x33\x00\x01\x00\x00\x01\x01\x00",
		want: []string{"\x11\x22\x00\x33", "", "\x00"},
	},
	{
		name: "cobs bad code resyncs",
		spec: "cobs",
		// 00000000  05 61 00 02 62 00                                 |.a..b.|
		in:   "\x05a\x00\x02b\x00",
		want: []string{"b"},
		errs: []string{"cobs code 0x05 at offset 0 runs past the frame's 2 bytes; skipped"},
	},
	{
		name:  "cobs truncated",
		spec:  "cobs",
		in:    "\x02b",
		flush: "truncated frame at end of stream: 2 bytes without delimiter 00",
	},
	{
		name: "idle: everything until Flush",
		spec: "idle:10ms",
		in:   "ab\ncd",
		want: []string{"ab\ncd"},
	},
	{
		name: "idle over the limit is dropped up to the gap",
		spec: "idle:10ms:max=3",
		in:   "abcd",
		errs: []string{"message runs past the 3 bytes limit before an idle gap; skipping to the next gap"},
	},
	{
		name: "jsonhdr",
		spec: "jsonhdr",
		// 00000000  0e 00 00 00 7b 22 66 69  6c 65 73 69 7a 65 22 3a  |....{"filesize":|
		// 00000010  32 7d 68 69                                       |2}hi|
		in:   "\x0e\x00\x00\x00{\"filesize\":2}hi",
		want: []string{"hi"},
	},
	{
		name:  "jsonhdr negative header length",
		spec:  "jsonhdr",
		in:    "\xfb\xff\xff\xff{}",
		errs:  []string{"jsonhdr header length -5 is negative"},
		flush: "jsonhdr header length -5 is negative",
		stuck: true,
	},
	{
		name:  "jsonhdr without size",
		spec:  "jsonhdr",
		in:    "\x0c\x00\x00\x00{\"name\":\"x\"}",
		errs:  []string{`jsonhdr header "{\"name\":\"x\"}" has no filesize or size`},
		flush: `jsonhdr header "{\"name\":\"x\"}" has no filesize or size`,
		stuck: true,
	},
	{
		name:  "jsonhdr huge filesize",
		spec:  "jsonhdr",
		in:    "\x15\x00\x00\x00{\"filesize\":99999999}",
		errs:  []string{"jsonhdr filesize 99999999 exceeds the 16 MiB limit"},
		flush: "jsonhdr filesize 99999999 exceeds the 16 MiB limit",
		stuck: true,
	},
	{
		name:  "jsonhdr not json",
		spec:  "jsonhdr",
		in:    "\x02\x00\x00\x00[]",
		errs:  []string{`jsonhdr header "[]" is not a JSON object`},
		flush: `jsonhdr header "[]" is not a JSON object`,
		stuck: true,
	},
	{
		name:  "jsonhdr truncated body",
		spec:  "jsonhdr",
		in:    "\x0b\x00\x00\x00{\"size\":10}abc",
		flush: "truncated frame at end of stream: 3 of 10 body bytes",
	},
	{
		name: "raw",
		spec: "raw",
		in:   "abc",
		want: []string{"abc"},
	},
}

// Modbus/TCP frames (MBAP header: transaction id, protocol id, length of
// what follows, then unit id and PDU), as mbpoll sends and a device answers.
const (
	modbusReq1 = "\x00\x01\x00\x00\x00\x06\x01\x03\x00\x00\x00\x02"     // read 2 holding registers at 0
	modbusReq2 = "\x00\x02\x00\x00\x00\x06\x11\x03\x00\x6b\x00\x03"     // read 3 at 107, unit 17
	modbusResp = "\x00\x01\x00\x00\x00\x07\x01\x03\x04\x00\x2a\x01\xf4" // 42 and 500
)

func TestDecode(t *testing.T) {
	for _, tt := range decodeCases {
		t.Run(tt.name, func(t *testing.T) {
			s := mustParse(t, tt.spec)
			opt := Options{MaxFrame: tt.max}
			in := []byte(tt.in)
			o := decodeChunks(s, opt, in)
			var got []string
			for _, m := range o.msgs {
				got = append(got, string(m.Data))
			}
			if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tt.want) {
				t.Errorf("messages %q, want %q", got, tt.want)
			}
			var errTexts []string
			for _, err := range o.errs {
				errTexts = append(errTexts, err.Error())
			}
			if strings.Join(errTexts, "|") != strings.Join(tt.errs, "|") {
				t.Errorf("errors\n got  %q\n want %q", errTexts, tt.errs)
			}
			flushText := ""
			if o.flushErr != nil {
				flushText = o.flushErr.Error()
			}
			if flushText != tt.flush {
				t.Errorf("flush error\n got  %q\n want %q", flushText, tt.flush)
			}
			if o.stuck != tt.stuck || o.stuck != (len(o.errs) > 0 && errors.Is(o.errs[len(o.errs)-1], ErrStuck)) {
				t.Errorf("stuck %v, want %v (errors %v)", o.stuck, tt.stuck, o.errs)
			}
			if tt.stuck && s.Resyncs() {
				t.Errorf("%s says it resyncs but got stuck", s)
			}
			if s.Kind == KindRaw {
				return // raw messages are the chunks themselves
			}
			for cut := 0; cut <= len(in); cut++ {
				for cut2 := cut; cut2 <= len(in); cut2++ {
					so := decodeChunks(s, opt, splitAt(in, cut, cut2)...)
					if !sameMessages(so.msgs, o.msgs) || errCount(so.errs) != errCount(o.errs) || so.stuck != o.stuck || (so.flushErr == nil) != (o.flushErr == nil) {
						t.Fatalf("split at %d,%d: messages %s errors %v flush %v; whole: %s errors %v flush %v",
							cut, cut2, msgsText(so.msgs), so.errs, so.flushErr, msgsText(o.msgs), o.errs, o.flushErr)
					}
				}
			}
		})
	}
}

func TestErrorsMatch(t *testing.T) {
	o := decodeChunks(mustParse(t, "len:4"), Options{}, []byte("\xff\xff\xff\xff"))
	if len(o.errs) != 1 || !errors.Is(o.errs[0], ErrFrameTooLarge) || !errors.Is(o.errs[0], ErrStuck) {
		t.Fatalf("len error %v should match ErrFrameTooLarge and ErrStuck", o.errs)
	}
	o = decodeChunks(mustParse(t, "line:max=1"), Options{}, []byte("abc\nde\n"))
	if len(o.errs) != 1 || !errors.Is(o.errs[0], ErrFrameTooLarge) || errors.Is(o.errs[0], ErrStuck) {
		t.Fatalf("line error %v should match ErrFrameTooLarge and not ErrStuck", o.errs)
	}
	o = decodeChunks(mustParse(t, "fixed:4"), Options{}, []byte("ab"))
	if !errors.Is(o.flushErr, ErrTruncated) {
		t.Fatalf("flush error %v should match ErrTruncated", o.flushErr)
	}
	o = decodeChunks(mustParse(t, "slip"), Options{}, []byte("\xdbx\xc0"))
	if len(o.errs) != 1 || !errors.Is(o.errs[0], ErrBadFrame) {
		t.Fatalf("slip error %v should match ErrBadFrame", o.errs)
	}
}

// A stuck decoder keeps saying so and holds no memory.
func TestStuckStaysStuck(t *testing.T) {
	d := mustParse(t, "len:2").NewDecoder(Options{MaxFrame: 10})
	msgs, err := d.Feed([]byte("\x00\x01a\x00\xffrest"))
	if len(msgs) != 1 || !errors.Is(err, ErrStuck) || !d.Stuck() {
		t.Fatalf("Feed = %s, %v", msgsText(msgs), err)
	}
	if d.Buffered() != 0 {
		t.Errorf("stuck decoder still buffers %d bytes", d.Buffered())
	}
	if _, err2 := d.Feed([]byte("\x00\x01a")); err2 != err {
		t.Errorf("second Feed error %v, want the same %v", err2, err)
	}
}

// Idle framing: Flush at each gap delivers what came since the last one.
func TestIdleFlushes(t *testing.T) {
	s := mustParse(t, "idle:20ms")
	if s.Gap.Milliseconds() != 20 {
		t.Fatalf("gap %v", s.Gap)
	}
	d := s.NewDecoder(Options{})
	for _, burst := range []string{"first burst", "second"} {
		for i := range burst {
			if msgs, err := d.Feed([]byte(burst[i : i+1])); len(msgs) != 0 || err != nil {
				t.Fatalf("Feed returned %s, %v before the gap", msgsText(msgs), err)
			}
		}
		msgs, err := d.Flush()
		if err != nil || len(msgs) != 1 || string(msgs[0].Data) != burst {
			t.Fatalf("Flush = %s, %v; want %q", msgsText(msgs), err, burst)
		}
	}
	if msgs, err := d.Flush(); len(msgs) != 0 || err != nil {
		t.Fatalf("Flush with nothing buffered = %s, %v", msgsText(msgs), err)
	}
}
