package framing

// COBS (consistent overhead byte stuffing) removes every 0x00 from a frame so
// that 0x00 can separate frames: each block starts with a code byte, the
// distance to the next (implied) zero; 0xff means 254 data bytes and no zero.

// newCOBSSplitter frames on 0x00 and decodes each frame; the encoded form of
// a limit-sized message is limit + limit/254 + 1 bytes.
func newCOBSSplitter(limit int) *delimSplitter {
	d := newDelimSplitter("\x00", false, limit)
	d.raw = limit + limit/254 + 1
	d.decode = func(enc []byte) ([]byte, error) {
		data, err := cobsDecode(enc)
		if err == nil && len(data) > limit {
			err = newError(ErrFrameTooLarge, "cobs frame of %d bytes exceeds the %s limit; skipped", len(data), sizeText(int64(limit)))
		}
		return data, err
	}
	return d
}

// cobsDecode decodes one frame without its 0x00 separator.
func cobsDecode(enc []byte) ([]byte, error) {
	out := make([]byte, 0, len(enc))
	for i := 0; i < len(enc); {
		code := int(enc[i])
		if code == 0 {
			return nil, newError(ErrBadFrame, "cobs frame has a zero code byte at offset %d; skipped", i)
		}
		if i+code > len(enc) {
			return nil, newError(ErrBadFrame, "cobs code 0x%02x at offset %d runs past the frame's %d bytes; skipped", code, i, len(enc))
		}
		out = append(out, enc[i+1:i+code]...)
		i += code
		if code != 0xff && i < len(enc) {
			out = append(out, 0)
		}
	}
	return out, nil
}

// cobsAppend appends the COBS encoding of p and the 0x00 separator to dst.
func cobsAppend(dst, p []byte) []byte {
	codeAt := len(dst)
	dst = append(dst, 0)
	code := byte(1)
	for i, c := range p {
		if c == 0 {
			dst[codeAt] = code
			codeAt, code = len(dst), 1
			dst = append(dst, 0)
			continue
		}
		dst = append(dst, c)
		code++
		if code == 0xff && i < len(p)-1 {
			dst[codeAt] = code
			codeAt, code = len(dst), 1
			dst = append(dst, 0)
		}
	}
	dst[codeAt] = code
	return append(dst, 0)
}
