package framing

import (
	"bytes"
	"encoding/hex"
)

// Encode appends payload framed as s to dst: what a peer decoding s reads
// back as exactly one message equal to payload. When it cannot be one
// message Encode returns dst unchanged and an error matching ErrCannotEncode,
// rather than silently sending something else:
//
//   - line, crlf, delim: the payload must not contain the delimiter (with
//     :keep, a payload may end with it; otherwise it is added);
//   - len: the payload length must fit the field ("len:1" carries at most 255
//     bytes). The payload is the message as the receiver decodes it: with
//     off=K (and no strip) it is the whole frame, so it starts with the K
//     header bytes and then the field's bytes, which Encode overwrites with
//     the computed length; a spec that strips header bytes before the
//     field cannot send, since they are not in the payload;
//   - fixed:N: the payload must be exactly N bytes (no padding is invented);
//   - stx-etx: the payload must not contain 0x02 or 0x03;
//   - slip: the payload must not be empty (RFC 1055 receivers skip empty frames).
//
// raw, http and idle send the payload as it is; slip and cobs escape it;
// jsonhdr names it "data.bin" (AppendJSONHdr takes a name). No limit is
// applied on the sending side.
func (s Spec) Encode(dst, payload []byte) ([]byte, error) {
	if err := s.Validate(); err != nil {
		return dst, err
	}
	switch s.Kind {
	case KindLine, KindCRLF, KindDelim:
		return s.appendDelimited(dst, payload)
	case KindLen:
		return s.appendLen(dst, payload)
	case KindFixed:
		if len(payload) != s.Size {
			return dst, newError(ErrCannotEncode, "payload of %d bytes is not the fixed frame size %d", len(payload), s.Size)
		}
	case KindSTXETX:
		if i := bytes.IndexAny(payload, "\x02\x03"); i >= 0 {
			name := "stx"
			if payload[i] == etx {
				name = "etx"
			}
			return dst, newError(ErrCannotEncode, "payload contains %s (0x%02x) at offset %d, which the receiver would take as framing", name, payload[i], i)
		}
		dst = append(dst, stx)
		dst = append(dst, payload...)
		return append(dst, etx), nil
	case KindSLIP:
		if len(payload) == 0 {
			return dst, newError(ErrCannotEncode, "slip cannot carry an empty payload: receivers skip empty frames")
		}
		return slipAppend(dst, payload), nil
	case KindCOBS:
		return cobsAppend(dst, payload), nil
	case KindJSONHdr:
		return AppendJSONHdr(dst, jsonhdrDefaultName, payload), nil
	}
	return append(dst, payload...), nil
}

// appendDelimited adds the delimiter after payload, refusing a payload in
// which the receiver would find the delimiter earlier (overlapping
// delimiters such as "aa" after a trailing "a" included).
func (s Spec) appendDelimited(dst, payload []byte) ([]byte, error) {
	delim := []byte(s.delimiter())
	body := payload
	if s.Keep {
		body = bytes.TrimSuffix(payload, delim)
	}
	start := len(dst)
	out := append(append(dst, body...), delim...)
	if i := bytes.Index(out[start:], delim); i != len(body) {
		return dst, newError(ErrCannotEncode, "payload contains the delimiter %s at offset %d, which would split it into two messages",
			hex.EncodeToString(delim), i)
	}
	return out, nil
}
