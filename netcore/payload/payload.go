package payload

import (
	"bytes"
	"io"
	"time"
)

// Spec is the one representation of a payload that the composer, the CLI and
// saved workspaces share. Mode, LineEnding and Checksum marshal as their
// names, and their zero values (text, none, none) are the defaults.
type Spec struct {
	Mode       Mode       `json:"mode"`
	Source     string     `json:"source"` // what the person typed; a path in File mode
	LineEnding LineEnding `json:"line_ending"`
	Checksum   Checksum   `json:"checksum"`
}

// Payload is a compiled Spec: the source is parsed once and every send only
// renders it, because macros ({{counter}}, {{time}}, ...) change per send.
// A Payload is immutable and safe for concurrent use.
type Payload struct {
	spec Spec
	tmpl *template // nil in File mode
}

// Compile checks a Spec and parses its source. Every error matches
// errors.Is(err, ErrSyntax) and, when it concerns a place in the source, is a
// *SyntaxError carrying the line and column. File mode does not touch the
// file here: it may appear, change or vanish before the send.
func Compile(s Spec) (*Payload, error) { return compile(s, nil) }

func compile(s Spec, caps []string) (*Payload, error) {
	if int(s.LineEnding) >= len(lineEndingNames) {
		return nil, plainSyntaxError("unknown line ending %d", s.LineEnding)
	}
	if int(s.Checksum) >= len(checksumNames) {
		return nil, plainSyntaxError("unknown checksum %d", s.Checksum)
	}
	p := &Payload{spec: s}
	var err error
	switch s.Mode {
	case Text:
		p.tmpl, err = compileText(s.Source, caps)
	case Hex:
		p.tmpl, err = compileHex(s.Source, caps)
	case Base64:
		var b []byte
		b, err = parseBase64(s.Source)
		p.tmpl = &template{}
		addLit(p.tmpl, b)
	case File:
		if s.Source == "" {
			err = plainSyntaxError("file mode needs the path of a file to send")
		}
	default:
		err = plainSyntaxError("unknown payload mode %d", s.Mode)
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Spec returns the Spec the payload was compiled from, for saving.
func (p *Payload) Spec() Spec { return p.spec }

// UsesCounter reports whether rendering takes a number from the Counter.
func (p *Payload) UsesCounter() bool { return p.tmpl != nil && p.tmpl.usesCounter }

// Render produces the bytes of one send: body, then checksum over the body,
// then line ending. c may be nil ({{counter}} then always shows its start);
// now is the time {{time}}, {{unix}} and {{unixms}} show, formatted in now's
// location (pass time.Now() for local time). Only File mode can fail here,
// with an I/O error naming the path.
func (p *Payload) Render(c *Counter, now time.Time) ([]byte, error) {
	return p.RenderCaptures(c, now, nil)
}

// RenderCaptures is Render for a payload compiled with CompileCaptures:
// caps[i] is what group i of the match captured (caps[0] the whole
// message), inserted as it came; a group missing from caps inserts nothing.
func (p *Payload) RenderCaptures(c *Counter, now time.Time, caps [][]byte) ([]byte, error) {
	var body []byte
	if p.tmpl == nil {
		b, err := readFile(p.spec.Source)
		if err != nil {
			return nil, err
		}
		body = b
	} else {
		body = p.tmpl.render(make([]byte, 0, p.tmpl.litLen+p.suffixLen()), c, now, caps)
	}
	return p.appendSuffix(body), nil
}

// Open is Render as a stream with its exact length, for sending big files
// with progress. In File mode the file is read as it is sent; if it shrinks
// meanwhile, the stream is shorter and the checksum covers what was sent.
func (p *Payload) Open(c *Counter, now time.Time) (io.ReadCloser, int64, error) {
	if p.tmpl != nil {
		b, _ := p.Render(c, now)
		return io.NopCloser(bytes.NewReader(b)), int64(len(b)), nil
	}
	f, size, err := OpenFile(p.spec.Source)
	if err != nil {
		return nil, 0, err
	}
	r := &suffixReader{
		body:   io.LimitReader(f, size),
		closer: f,
		sum:    p.spec.Checksum.start(),
		le:     p.spec.LineEnding,
	}
	return r, size + int64(p.suffixLen()), nil
}

func (p *Payload) suffixLen() int {
	return p.spec.Checksum.Size() + len(p.spec.LineEnding.Bytes())
}

// appendSuffix adds the checksum, which covers only the body, and then the
// line ending, which terminates the whole line a text device reads.
func (p *Payload) appendSuffix(body []byte) []byte {
	s := p.spec.Checksum.start()
	s.write(body)
	body = s.appendSum(body)
	return append(body, p.spec.LineEnding.Bytes()...)
}
