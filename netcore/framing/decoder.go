package framing

import "errors"

// Message is one decoded frame.
type Message struct {
	// Data is the message: the payload without framing bytes (except a
	// delimiter kept with :keep, or the whole raw message for http). It is
	// the caller's to keep; the decoder never reuses it.
	Data []byte
	// Header is the JSON header of a jsonhdr message, nil for other framings.
	Header []byte
}

// Decoder turns a stream, fed in chunks exactly as read returned them, into
// messages. Chunk boundaries never change which messages come out: that is
// the whole point of framing sticky and split packets.
//
// Errors: a resyncing decoder (Spec.Resyncs) reports a bad or oversized frame,
// drops it and goes on with the next one; a Feed that dropped several frames
// returns the first error, saying how many more. A stuck decoder (len,
// fixed, http, jsonhdr) cannot tell where the next frame starts: its error
// matches ErrStuck, and from then on Feed and Flush return that error again.
// The session should then show the rest of the connection raw.
//
// A Decoder is not safe for concurrent use; one reading goroutine owns it.
type Decoder interface {
	// Feed takes the next chunk of the stream and returns the messages it
	// completed. p is not retained.
	Feed(p []byte) ([]Message, error)
	// Flush is called at end of stream, or when the idle gap has passed for
	// idle framing: it returns a trailing message where the framing allows one
	// (idle, an http response that ends at EOF) and an error matching
	// ErrTruncated if a partial frame remains. The decoder is then empty and
	// can take a new stream.
	Flush() ([]Message, error)
	// Stuck reports whether an earlier error stopped the decoder for good.
	Stuck() bool
	// Buffered is the number of bytes held for an unfinished frame.
	Buffered() int
	// Rest, right after Feed or Flush returned the error that made the
	// decoder stuck, is every byte it had been given and not turned into
	// a message: from the start of the frame that failed to the end of
	// the stream so far, so a front end can show them raw. It is nil at
	// any other time, and valid until the next call.
	Rest() []byte
}

// splitter is the framing-specific part of a decoder. next looks at the
// unconsumed bytes and returns how many it consumed, a message if one
// completed, and an error for a frame it dropped (consuming past it) or one
// marked stuck. It must consume something whenever it returns a message or a
// non-stuck error. end is Flush's part: b is everything left.
type splitter interface {
	next(b []byte) (n int, m Message, ok bool, err error)
	end(b []byte) ([]Message, error)
	reset()
}

// NewDecoder returns a decoder for s. An invalid s (built by hand) gives a
// decoder that is stuck from the start with the validation error.
func (s Spec) NewDecoder(opt Options) Decoder {
	if err := s.Validate(); err != nil {
		return &decoder{dead: stuck(err)}
	}
	limit := s.Limit(opt)
	var sp splitter
	switch s.Kind {
	case KindRaw:
		sp = &rawSplitter{limit: limit}
	case KindLine, KindCRLF, KindDelim:
		ds := newDelimSplitter(s.delimiter(), s.Keep, limit)
		ds.sl = &slab{}
		sp = ds
	case KindLen:
		sp = &lenSplitter{spec: s, limit: limit, sl: &slab{}}
	case KindFixed:
		sp = &fixedSplitter{size: s.Size, limit: limit, sl: &slab{}}
	case KindSTXETX:
		sp = &stxSplitter{limit: limit, sl: &slab{}}
	case KindSLIP:
		sp = &slipSplitter{limit: limit}
	case KindCOBS:
		sp = newCOBSSplitter(limit)
	case KindHTTP:
		sp = &httpSplitter{limit: limit}
	case KindIdle:
		sp = &idleSplitter{limit: limit}
	case KindJSONHdr:
		sp = &jsonhdrSplitter{limit: limit}
	}
	return &decoder{sp: sp, limit: limit}
}

// decoder holds the bytes of the unfinished frame and drives a splitter.
type decoder struct {
	sp    splitter
	limit int
	buf   []byte
	off   int
	dead  error
	rest  []byte // see Rest
	lastN int    // messages the last Feed returned: the next one's first guess
}

func (d *decoder) Feed(p []byte) ([]Message, error) {
	d.rest = nil
	if d.dead != nil {
		return nil, d.dead
	}
	d.buf = append(d.buf, p...)
	var msgs []Message
	if d.lastN > 0 {
		msgs = make([]Message, 0, d.lastN+d.lastN/4)
	}
	var errs errList
	for d.off < len(d.buf) {
		start := d.off
		n, m, ok, err := d.sp.next(d.buf[d.off:])
		d.off += n
		if ok {
			msgs = append(msgs, m)
		}
		if err != nil {
			errs.add(err)
			if errors.Is(err, ErrStuck) {
				d.dead = err
				if !ok { // the frame that failed was not delivered
					d.off = start
				}
				d.rest = d.buf[d.off:]
				d.buf, d.off = nil, 0
				return msgs, errs.err()
			}
		}
		if n == 0 {
			break
		}
	}
	d.compact()
	d.lastN = len(msgs)
	return msgs, errs.err()
}

func (d *decoder) Flush() ([]Message, error) {
	d.rest = nil
	if d.dead != nil {
		return nil, d.dead
	}
	msgs, err := d.sp.end(d.buf[d.off:])
	d.sp.reset()
	d.release()
	return msgs, err
}

func (d *decoder) Stuck() bool { return d.dead != nil }

func (d *decoder) Rest() []byte { return d.rest }

func (d *decoder) Buffered() int { return len(d.buf) - d.off }

// compact moves the unfinished frame to the front so the buffer never holds
// more than one frame plus one chunk, and lets a big buffer go once empty.
func (d *decoder) compact() {
	if d.off == 0 {
		return
	}
	if d.off == len(d.buf) {
		if cap(d.buf) > 1<<20 {
			d.buf = nil
		} else {
			d.buf = d.buf[:0]
		}
		d.off = 0
		return
	}
	n := copy(d.buf, d.buf[d.off:])
	d.buf, d.off = d.buf[:n], 0
}

func (d *decoder) release() {
	d.buf, d.off = nil, 0
}

// slab hands out copies of small messages from a shared block, so a read
// full of small frames costs a few allocations instead of one per frame
// (a third of the CPU of decoding 64-byte frames went to them). A block is
// never written again once handed out: each copy is the caller's to keep,
// as clone's are.
type slab struct{ buf []byte }

const slabBlock = 64 << 10

func (s *slab) clone(b []byte) []byte {
	if s == nil || len(b) > slabBlock/16 {
		return clone(b)
	}
	if cap(s.buf)-len(s.buf) < len(b) {
		s.buf = make([]byte, 0, slabBlock)
	}
	n := len(s.buf)
	s.buf = append(s.buf, b...)
	return s.buf[n:len(s.buf):len(s.buf)]
}

// clone copies b into a new, never nil, slice the caller owns.
func clone(b []byte) []byte {
	return append(make([]byte, 0, len(b)), b...)
}

// rawSplitter makes each chunk a message (cut at the limit, which only a
// caller reading huge chunks would meet).
type rawSplitter struct{ limit int }

func (r *rawSplitter) next(b []byte) (int, Message, bool, error) {
	n := min(len(b), r.limit)
	return n, Message{Data: clone(b[:n])}, true, nil
}

func (r *rawSplitter) end([]byte) ([]Message, error) { return nil, nil }
func (r *rawSplitter) reset()                        {}

// idleSplitter holds everything until Flush, which the session calls when the
// gap has passed. An over-limit message is dropped up to the next gap.
type idleSplitter struct {
	limit    int
	dropping bool
}

func (s *idleSplitter) next(b []byte) (int, Message, bool, error) {
	if s.dropping {
		return len(b), Message{}, false, nil
	}
	if len(b) > s.limit {
		s.dropping = true
		return len(b), Message{}, false, newError(ErrFrameTooLarge,
			"message runs past the %s limit before an idle gap; skipping to the next gap", sizeText(int64(s.limit)))
	}
	return 0, Message{}, false, nil
}

func (s *idleSplitter) end(b []byte) ([]Message, error) {
	if s.dropping || len(b) == 0 {
		return nil, nil
	}
	return []Message{{Data: clone(b)}}, nil
}

func (s *idleSplitter) reset() { s.dropping = false }
