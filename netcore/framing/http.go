package framing

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"math"
	"math/big"
	"net/http"
	"strconv"
)

// httpSplitter frames HTTP/1.x requests and responses. net/http parses the
// header and, for chunked bodies, checks the whole message once its end has
// been found; the end itself is found by a small incremental scan so a large
// body arriving in many chunks is not parsed over and over. A message is the
// whole raw message (start line, header, body). Requests without a length
// have no body; a response without one runs to the end of the stream and
// comes out at Flush. Errors are stuck: after a malformed message nothing
// says where the next one starts.
type httpSplitter struct {
	limit int

	searched int // how far the header has been searched for its end
	hdrEnd   int // bytes of start line and header, 0 until known
	need     int // total message bytes when the length is known, else 0
	chunked  bool
	toEOF    bool
	response bool
	cpos     int  // chunked: where the next chunk-size line (or trailer line) starts
	trailer  bool // chunked: the last chunk was seen, trailer lines follow
	clamped  bool // the header has a Content-Length past 2^63-1 that check must clamp again
}

func (h *httpSplitter) reset() { *h = httpSplitter{limit: h.limit} }

func (h *httpSplitter) next(b []byte) (int, Message, bool, error) {
	if h.hdrEnd == 0 {
		// Blank lines between messages are allowed (RFC 9112 2.2).
		if n := leadingNewlines(b); n > 0 {
			return n, Message{}, false, nil
		}
		end := headerEnd(b, h.searched)
		if end < 0 {
			if len(b) > h.limit {
				return 0, Message{}, false, stuck(newError(ErrFrameTooLarge, "http header runs past the %s limit", sizeText(int64(h.limit))))
			}
			h.searched = len(b)
			return 0, Message{}, false, nil
		}
		if err := h.parseHeader(b[:end]); err != nil {
			return 0, Message{}, false, err
		}
	}
	switch {
	case h.need > 0:
		if len(b) < h.need {
			return 0, Message{}, false, nil
		}
	case h.chunked:
		end, err := h.scanChunked(b)
		if err != nil || end < 0 {
			return 0, Message{}, false, err
		}
		if err := h.check(b[:end]); err != nil {
			return 0, Message{}, false, err
		}
		h.need = end
	case h.toEOF:
		if len(b) > h.limit {
			return 0, Message{}, false, stuck(h.tooLarge(int64(len(b)), "a response read to the end of the stream"))
		}
		return 0, Message{}, false, nil
	}
	n := h.need
	h.reset()
	return n, Message{Data: clone(b[:n])}, true, nil
}

// parseHeader reads the start line and header with net/http and decides how
// the message ends.
func (h *httpSplitter) parseHeader(hdr []byte) error {
	h.hdrEnd = len(hdr)
	if len(hdr) > h.limit {
		return stuck(h.tooLarge(int64(len(hdr)), "its header"))
	}
	h.response = bytes.HasPrefix(hdr, []byte("HTTP/"))
	noBody, length, te, err := h.readHeader(hdr)
	huge := "" // a Content-Length too large for net/http, as written
	if err != nil {
		// net/http refuses a Content-Length past 2^63-1 as malformed; it is
		// a message over the limit. Read the header again with the largest
		// length net/http takes, so a 204 or a chunked body still wins.
		clamped, cl := clampContentLength(hdr)
		if cl == "" {
			return h.malformed(err)
		}
		var err2 error
		if noBody, length, te, err2 = h.readHeader(clamped); err2 != nil {
			return h.malformed(err) // in the words of the header as it came
		}
		huge, h.clamped = cl, true
	}
	switch {
	case noBody:
		h.need = len(hdr)
	case len(te) > 0 && te[0] == "chunked":
		h.chunked, h.cpos = true, len(hdr)
	case length >= 0:
		if huge != "" || length > int64(h.limit-len(hdr)) {
			if huge == "" {
				huge = strconv.FormatInt(length, 10)
			}
			total, _ := new(big.Int).SetString(huge, 10)
			total.Add(total, big.NewInt(int64(len(hdr))))
			return stuck(h.tooLargeText(total.String(), "Content-Length "+huge))
		}
		h.need = len(hdr) + int(length)
	case h.response:
		h.toEOF = true
	default:
		h.need = len(hdr)
	}
	return nil
}

// readHeader parses the start line and header with net/http: whether the
// message has no body whatever its header says (1xx, 204, 304 responses),
// its Content-Length (-1 when none) and its transfer codings.
func (h *httpSplitter) readHeader(hdr []byte) (noBody bool, length int64, te []string, err error) {
	br := bufio.NewReader(bytes.NewReader(hdr))
	if h.response {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			return false, 0, nil, err
		}
		if c := resp.StatusCode; c/100 == 1 || c == http.StatusNoContent || c == http.StatusNotModified {
			return true, 0, nil, nil
		}
		return false, resp.ContentLength, resp.TransferEncoding, nil
	}
	req, err := http.ReadRequest(br)
	if err != nil {
		return false, 0, nil, err
	}
	return false, req.ContentLength, req.TransferEncoding, nil
}

// clampContentLength finds the Content-Length fields whose value is all
// digits but too large for an int64 and returns a copy of hdr with those
// values replaced by 2^63-1, and the first such value as written (without
// leading zeros). cl is "" when there is no such field.
func clampContentLength(hdr []byte) (clamped []byte, cl string) {
	const name = "content-length:"
	copied := 0 // hdr[:copied] is in clamped already
	for off := 0; off < len(hdr); {
		line := hdr[off:]
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line = line[:i+1]
		}
		if len(line) > len(name) && bytes.EqualFold(line[:len(name)], []byte(name)) {
			v := bytes.Trim(line[len(name):], " \t\r\n")
			if _, err := strconv.ParseInt(string(v), 10, 64); allDigits(v) && errors.Is(err, strconv.ErrRange) {
				start := off + bytes.Index(line, v)
				clamped = append(clamped, hdr[copied:start]...)
				clamped = strconv.AppendInt(clamped, math.MaxInt64, 10)
				copied = start + len(v)
				if cl == "" {
					cl = string(bytes.TrimLeft(v, "0"))
				}
			}
		}
		off += len(line)
	}
	if cl == "" {
		return nil, ""
	}
	return append(clamped, hdr[copied:]...), cl
}

func allDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(b) > 0
}

// scanChunked finds the end of a chunked body, resuming where it stopped;
// -1 means it needs more bytes. net/http checks the message afterwards, so
// this only has to find the end, and to refuse sizes over the limit early.
func (h *httpSplitter) scanChunked(b []byte) (int, error) {
	for {
		if h.cpos > h.limit {
			return 0, stuck(h.tooLarge(int64(h.cpos), "a chunked message"))
		}
		nl := bytes.IndexByte(b[h.cpos:], '\n')
		if nl < 0 {
			if len(b)-h.cpos > 4096 {
				return 0, h.malformed(errText("chunk size line longer than 4096 bytes"))
			}
			return -1, nil
		}
		line := bytes.TrimRight(b[h.cpos:h.cpos+nl], "\r")
		after := h.cpos + nl + 1
		if h.trailer {
			h.cpos = after
			if len(line) == 0 {
				if after > h.limit {
					return 0, stuck(h.tooLarge(int64(after), "a chunked message"))
				}
				return after, nil
			}
			continue
		}
		if i := bytes.IndexByte(line, ';'); i >= 0 {
			line = line[:i]
		}
		hexSize := string(bytes.TrimSpace(line))
		size, err := strconv.ParseUint(hexSize, 16, 63)
		if errors.Is(err, strconv.ErrRange) { // well-formed hex, larger than 2^63-1
			n, _ := new(big.Int).SetString(hexSize, 16)
			return 0, stuck(h.tooLargeText(n.String(), "a chunk"))
		}
		if err != nil {
			return 0, h.malformed(errText("bad chunk size " + strconv.Quote(string(line))))
		}
		if size == 0 {
			h.trailer, h.cpos = true, after
			continue
		}
		if size > uint64(h.limit) {
			return 0, stuck(h.tooLarge(int64(size), "a chunk"))
		}
		end := after + int(size)
		switch {
		case len(b) < end+1:
			return -1, nil
		case b[end] == '\n':
			h.cpos = end + 1
		case b[end] == '\r' && len(b) < end+2:
			return -1, nil
		case b[end] == '\r' && b[end+1] == '\n':
			h.cpos = end + 2
		default:
			return 0, h.malformed(errText("chunk data not followed by a line end"))
		}
	}
}

// check parses a complete chunked message with net/http, body included.
func (h *httpSplitter) check(msg []byte) error {
	if h.clamped { // a chunked body with a Content-Length net/http would refuse
		if clamped, cl := clampContentLength(msg[:h.hdrEnd]); cl != "" {
			msg = append(clamped, msg[h.hdrEnd:]...)
		}
	}
	br := bufio.NewReader(bytes.NewReader(msg))
	var body io.ReadCloser
	if h.response {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			return h.malformed(err)
		}
		body = resp.Body
	} else {
		req, err := http.ReadRequest(br)
		if err != nil {
			return h.malformed(err)
		}
		body = req.Body
	}
	if _, err := io.Copy(io.Discard, body); err != nil {
		return h.malformed(err)
	}
	return nil
}

func (h *httpSplitter) malformed(err error) error {
	return stuck(newError(ErrBadFrame, "http message not understood: %w", err))
}

func (h *httpSplitter) tooLarge(n int64, what string) error {
	return tooLarge(n, int64(h.limit), "http message of at least %d bytes (%s) exceeds the %s limit", n, what, sizeText(int64(h.limit)))
}

// tooLargeText is tooLarge for a size written out in decimal, which may be
// past what an int64 holds.
func (h *httpSplitter) tooLargeText(n, what string) error {
	return newError(ErrFrameTooLarge, "http message of at least %s bytes (%s) exceeds the %s limit", n, what, sizeText(int64(h.limit)))
}

func (h *httpSplitter) end(b []byte) ([]Message, error) {
	b = b[leadingNewlines(b):]
	switch {
	case len(b) == 0:
		return nil, nil
	case h.toEOF:
		return []Message{{Data: clone(b)}}, nil
	case h.need > 0:
		return nil, newError(ErrTruncated, "truncated frame at end of stream: %d of %d bytes", len(b), h.need)
	case h.hdrEnd > 0:
		return nil, newError(ErrTruncated, "truncated frame at end of stream: %s of an http message whose chunked body did not end", sizeText(int64(len(b))))
	}
	return nil, newError(ErrTruncated, "truncated frame at end of stream: %s of an http header without its blank line", sizeText(int64(len(b))))
}

// headerEnd is the length of the start line and header (through the blank
// line, CRLF or bare LF), searching from about from; -1 if not there yet.
func headerEnd(b []byte, from int) int {
	from = max(0, from-3)
	for i := bytes.IndexByte(b[from:], '\n'); i >= 0; {
		i += from
		switch {
		case i+1 < len(b) && b[i+1] == '\n':
			return i + 2
		case i+2 < len(b) && b[i+1] == '\r' && b[i+2] == '\n':
			return i + 3
		}
		from = i + 1
		i = bytes.IndexByte(b[from:], '\n')
	}
	return -1
}

func leadingNewlines(b []byte) int {
	n := 0
	for n < len(b) && (b[n] == '\r' || b[n] == '\n') {
		n++
	}
	return n
}

// errText is an error whose text is given, for causes net/http does not name.
type errText string

func (e errText) Error() string { return string(e) }
