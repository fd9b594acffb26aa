package framing

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
)

// The "JSON header" scheme of the Python socket tutorials:
//
//	struct.pack('i', len(header))   4 bytes, signed, native order (little endian on x86)
//	header                          UTF-8 JSON: {"filename": "a.txt", "filesize": 1234}
//	body                            exactly filesize bytes (or "size")
//
// A bad header length or size leaves no way to find the next message, so the
// decoder's errors are stuck.

// jsonhdrDefaultName is the filename Spec.Encode puts in the header, since a
// bare payload has none; use AppendJSONHdr to name it.
const jsonhdrDefaultName = "data.bin"

type jsonhdrSplitter struct {
	limit   int
	parsed  bool // the header of the frame at the front has been read
	bodyLen int
}

func (j *jsonhdrSplitter) reset() { j.parsed, j.bodyLen = false, 0 }

// headerLen reads the length prefix, refusing negative or oversized ones.
func (j *jsonhdrSplitter) headerLen(b []byte) (int, error) {
	hl := int32(binary.LittleEndian.Uint32(b))
	switch {
	case hl < 0:
		return 0, stuck(newError(ErrBadFrame, "jsonhdr header length %d is negative", hl))
	case int64(hl) > int64(j.limit):
		return 0, stuck(tooLarge(int64(hl), int64(j.limit), "jsonhdr header length %d exceeds the %s limit", hl, sizeText(int64(j.limit))))
	}
	return int(hl), nil
}

func (j *jsonhdrSplitter) next(b []byte) (int, Message, bool, error) {
	if len(b) < 4 {
		return 0, Message{}, false, nil
	}
	hl, err := j.headerLen(b)
	if err != nil || len(b) < 4+hl {
		return 0, Message{}, false, err
	}
	hdr := b[4 : 4+hl]
	if !j.parsed {
		size, err := jsonhdrSize(hdr)
		if err != nil {
			return 0, Message{}, false, stuck(err)
		}
		if size > int64(j.limit) {
			return 0, Message{}, false, stuck(tooLarge(size, int64(j.limit), "jsonhdr filesize %d exceeds the %s limit", size, sizeText(int64(j.limit))))
		}
		j.parsed, j.bodyLen = true, int(size)
	}
	total := 4 + hl + j.bodyLen
	if len(b) < total {
		return 0, Message{}, false, nil
	}
	m := Message{Header: clone(hdr), Data: clone(b[4+hl : total])}
	j.reset()
	return total, m, true, nil
}

func (j *jsonhdrSplitter) end(b []byte) ([]Message, error) {
	if len(b) == 0 {
		return nil, nil
	}
	if len(b) < 4 {
		return nil, newError(ErrTruncated, "truncated frame at end of stream: %d of 4 header-length bytes", len(b))
	}
	hl, err := j.headerLen(b)
	if err != nil {
		return nil, err
	}
	if len(b) < 4+hl {
		return nil, newError(ErrTruncated, "truncated frame at end of stream: %d of %d jsonhdr header bytes", len(b)-4, hl)
	}
	return nil, newError(ErrTruncated, "truncated frame at end of stream: %d of %d body bytes", len(b)-4-hl, j.bodyLen)
}

// jsonhdrSize reads the body size from a JSON header: "filesize", else
// "size", a whole number (a quoted one too, as some senders write it).
func jsonhdrSize(hdr []byte) (int64, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(hdr, &fields); err != nil || fields == nil {
		return 0, newError(ErrBadFrame, "jsonhdr header %s is not a JSON object", quoteShort(hdr))
	}
	for _, key := range []string{"filesize", "size"} {
		raw, ok := fields[key]
		if !ok {
			continue
		}
		text := string(bytes.Trim(bytes.TrimSpace(raw), `"`))
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil || n < 0 {
			return 0, newError(ErrBadFrame, "jsonhdr %s %s is not a whole number of bytes", key, quoteShort(raw))
		}
		return n, nil
	}
	return 0, newError(ErrBadFrame, "jsonhdr header %s has no filesize or size", quoteShort(hdr))
}

// quoteShort quotes at most 80 bytes of b for an error sentence.
func quoteShort(b []byte) string {
	if len(b) > 80 {
		return strconv.Quote(string(b[:77])) + "..."
	}
	return strconv.Quote(string(b))
}

// AppendJSONHdrHeader appends the length prefix and JSON header
// {"filename": name, "filesize": size} for a body of size bytes that the
// caller sends next, so a big file can be streamed instead of loaded.
func AppendJSONHdrHeader(dst []byte, name string, size int64) []byte {
	var b bytes.Buffer
	b.WriteString(`{"filename": `)
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(name)    // a string always encodes (invalid UTF-8 becomes U+FFFD)
	b.Truncate(b.Len() - 1) // Encode's newline
	fmt.Fprintf(&b, `, "filesize": %d}`, size)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(b.Len()))
	return append(dst, b.Bytes()...)
}

// AppendJSONHdr appends one whole jsonhdr message naming body as file name.
func AppendJSONHdr(dst []byte, name string, body []byte) []byte {
	return append(AppendJSONHdrHeader(dst, name, int64(len(body))), body...)
}
