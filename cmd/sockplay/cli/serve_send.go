package cli

// What serve and connect share about sending and framing: the --framing,
// --payload-mode, --line-ending and --checksum flags, stdin read as payload
// lines, and the recorder that saves received jsonhdr files.

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/sockplay/sockplay/netcore/framing"
	"github.com/sockplay/sockplay/netcore/payload"
	"github.com/sockplay/sockplay/sessions"
)

// sendFlags are the flags for how the stream is framed and how typed
// payloads become bytes.
type sendFlags struct {
	framing, mode, ending, checksum string
}

func addSendFlags(fs *flag.FlagSet) *sendFlags {
	f := &sendFlags{}
	fs.StringVar(&f.framing, "framing", "raw", "cut what arrives into messages and frame what is sent by `SPEC`: raw, line, crlf, delim:HEX, len:N[:be|le][:off=K][:incl][:adj=K][:strip=K] (off: the length field starts K bytes into the frame, whose header then stays in the message: len:2:be:off=4 cuts Modbus/TCP; strip: drop K bytes from each message's start; sending writes the field), fixed:N, stx-etx, slip, cobs, http, idle:DUR, jsonhdr; :max=SIZE changes the 16 MiB frame limit")
	fs.StringVar(&f.mode, "payload-mode", "", "`MODE` of typed payloads (--send, --reply, stdin lines): text (escapes like \\r\\n, \\x00, {{macros}}) or hex (default text); with any payload flag stdin is read line by line, each line one payload")
	fs.StringVar(&f.ending, "line-ending", "none", "append to each payload: none, lf or crlf")
	fs.StringVar(&f.checksum, "checksum", "none", "append a checksum of each payload: none, sum8, xor8, crc16-modbus, crc16-ccitt-false, crc32")
	return f
}

// sendConfig is sendFlags checked.
type sendConfig struct {
	framing framing.Spec // KindRaw: no framing, chunks as read
	mode    payload.Mode
	ending  payload.LineEnding
	sum     payload.Checksum
	// stdin: lines parses every stdin line as a payload; byLine sends each
	// line as one message as typed (a framing without payload flags); neither
	// passes stdin through in chunks, like ncat.
	lines, byLine bool
}

func (f *sendFlags) config(visited map[string]bool) (sendConfig, error) {
	var c sendConfig
	var err error
	if c.framing, err = framing.Parse(f.framing); err != nil {
		return c, fmt.Errorf("--framing %q: %w", f.framing, err)
	}
	if f.mode != "" {
		if c.mode, err = payload.ParseMode(f.mode); err != nil {
			return c, fmt.Errorf("--payload-mode: %w", err)
		}
		if c.mode != payload.Text && c.mode != payload.Hex {
			return c, fmt.Errorf("--payload-mode %s: choose text or hex", f.mode)
		}
	}
	if c.ending, err = payload.ParseLineEnding(f.ending); err != nil {
		return c, fmt.Errorf("--line-ending: %w", err)
	}
	if c.sum, err = payload.ParseChecksum(f.checksum); err != nil {
		return c, fmt.Errorf("--checksum: %w", err)
	}
	c.lines = visited["payload-mode"] || visited["line-ending"] || visited["checksum"]
	c.byLine = !c.lines && c.framed()
	return c, nil
}

// framed reports whether a framing other than raw was chosen.
func (c sendConfig) framed() bool { return c.framing.Kind != framing.KindRaw }

// compile parses one payload in the chosen mode, with line ending and checksum.
func (c sendConfig) compile(src string) (*payload.Payload, error) {
	return payload.Compile(payload.Spec{Mode: c.mode, Source: src, LineEnding: c.ending, Checksum: c.sum})
}

// maxStdinLine bounds one stdin line, so a stream without newlines cannot
// grow memory without end.
const maxStdinLine = 16 << 20

// pumpLines sends stdin line by line (the newline, and a CR before it,
// removed): parsed as payloads when c.lines, else each line as typed. A line
// the parser rejects is reported with its number and skipped; the pump goes
// on. It ends like pumpStdin.
func pumpLines(in io.Reader, c sendConfig, warn func(string), send func([]byte) error, done chan<- struct{}) {
	defer close(done)
	if in == nil {
		return
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), maxStdinLine)
	var counter payload.Counter
	for n := 1; sc.Scan(); n++ {
		b := sc.Bytes()
		if c.lines {
			pl, err := c.compile(string(b))
			if err == nil {
				b, err = pl.Render(&counter, time.Now())
			}
			if err != nil {
				warn(fmt.Sprintf("stdin line %d: %v", n, err))
				continue
			}
		}
		if err := send(b); errors.Is(err, sessions.ErrClosed) {
			return
		}
	}
	if errors.Is(sc.Err(), bufio.ErrTooLong) {
		warn("stdin: a line is longer than 16 MiB; stopped reading stdin")
	}
}
