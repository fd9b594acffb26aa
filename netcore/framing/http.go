package framing

import (
	"bufio"
	"bytes"
	"io"
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
	br := bufio.NewReader(bytes.NewReader(hdr))
	h.hdrEnd = len(hdr)
	if len(hdr) > h.limit {
		return stuck(h.tooLarge(int64(len(hdr)), "its header"))
	}
	h.response = bytes.HasPrefix(hdr, []byte("HTTP/"))
	var length int64
	var te []string
	if h.response {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			return h.malformed(err)
		}
		if c := resp.StatusCode; c/100 == 1 || c == http.StatusNoContent || c == http.StatusNotModified {
			h.need = len(hdr)
			return nil
		}
		length, te = resp.ContentLength, resp.TransferEncoding
	} else {
		req, err := http.ReadRequest(br)
		if err != nil {
			return h.malformed(err)
		}
		length, te = req.ContentLength, req.TransferEncoding
	}
	switch {
	case len(te) > 0 && te[0] == "chunked":
		h.chunked, h.cpos = true, len(hdr)
	case length >= 0:
		if length > int64(h.limit-len(hdr)) {
			return stuck(h.tooLarge(int64(len(hdr))+length, "Content-Length "+strconv.FormatInt(length, 10)))
		}
		h.need = len(hdr) + int(length)
	case h.response:
		h.toEOF = true
	default:
		h.need = len(hdr)
	}
	return nil
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
		size, err := strconv.ParseUint(string(bytes.TrimSpace(line)), 16, 63)
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
	return newError(ErrFrameTooLarge, "http message of at least %d bytes (%s) exceeds the %s limit", n, what, sizeText(int64(h.limit)))
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
