package gui

import (
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
)

// The detail pane's copy formats. Each returns text a person pastes into
// code or a terminal as is.

func copyHex(b []byte) string { return hex.EncodeToString(b) }

// copyCArray is a C initializer: `unsigned char data[3] = { 0x01, ... };`.
func copyCArray(b []byte) string {
	var sb strings.Builder
	sb.WriteString("unsigned char data[")
	sb.WriteString(itoa(len(b)))
	sb.WriteString("] = {")
	writeByteList(&sb, b)
	sb.WriteString("};")
	return sb.String()
}

// copyGoSlice is a Go literal: `[]byte{0x01, ...}`.
func copyGoSlice(b []byte) string {
	var sb strings.Builder
	sb.WriteString("[]byte{")
	writeByteList(&sb, b)
	sb.WriteString("}")
	return sb.String()
}

func copyBase64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// writeByteList writes ", "-separated 0xNN bytes, 12 to a line when long.
func writeByteList(sb *strings.Builder, b []byte) {
	const perLine = 12
	long := len(b) > perLine
	for i, c := range b {
		switch {
		case long && i%perLine == 0:
			sb.WriteString("\n\t")
		case i > 0:
			sb.WriteString(" ")
		case !long:
			sb.WriteString(" ")
		}
		sb.WriteString("0x")
		sb.WriteString(hex.EncodeToString([]byte{c}))
		if i < len(b)-1 {
			sb.WriteString(",")
		}
	}
	if long {
		sb.WriteString(",\n")
	} else if len(b) > 0 {
		sb.WriteString(" ")
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var buf [20]byte
	i := len(buf)
	for n > 0 {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	return string(buf[i:])
}

// latin1 maps every byte to the code point of the same value.
func latin1(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// copyToClipboard puts text (the bytes of n, written as format) on the
// clipboard and says so in the window that shows obj: "Copied 64 bytes as
// hex". The detail pane's Copy as buttons call it.
func copyToClipboard(obj fyne.CanvasObject, format, text string, n int) {
	fyne.CurrentApp().Clipboard().SetContent(text)
	notifyFor(obj, copiedWords(n, format))
}

func copiedWords(n int, format string) string {
	f := format
	if f != "C array" && f != "Go" {
		f = strings.ToLower(f)
	}
	return "Copied " + byteCount(n) + " as " + f
}

// exportedWords is what Export says when it wrote the file: "Exported
// 1,204 rows to x.txt".
func exportedWords(rows int, name string) string {
	if rows == 1 {
		return "Exported 1 row to " + name
	}
	return "Exported " + withCommas(int64(rows)) + " rows to " + name
}

// byteCount is "1 byte", "64 bytes", "1,204 bytes".
func byteCount(n int) string {
	if n == 1 {
		return "1 byte"
	}
	return withCommas(int64(n)) + " bytes"
}

// withCommas writes n with commas: 1204 -> "1,204".
func withCommas(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
