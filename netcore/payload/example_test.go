package payload_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/sockplay/sockplay/netcore/payload"
)

// A session compiles the composer's spec once and renders it on every send,
// with its own Counter. Macros insert text in Hex mode too ("01" is 30 31);
// the CRC-16/MODBUS goes low byte first.
func ExampleCompile() {
	p, err := payload.Compile(payload.Spec{
		Mode:       payload.Hex,
		Source:     "01 03 {{counter:1:2}}",
		Checksum:   payload.CRC16Modbus,
		LineEnding: payload.LineNone,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	var c payload.Counter
	for range 2 {
		b, _ := p.Render(&c, time.Now())
		fmt.Println(payload.FormatHex(b))
	}
	// Output:
	// 01 03 30 31 24 0c
	// 01 03 30 32 64 0d
}

// Errors name the bad part and its column and match ErrSyntax.
func ExampleSyntaxError() {
	_, err := payload.Compile(payload.Spec{Mode: payload.Text, Source: `hi\q`})
	var se *payload.SyntaxError
	fmt.Println(err, errors.Is(err, payload.ErrSyntax), errors.As(err, &se) && se.Column == 3)
	// Output:
	// invalid escape "\q" at column 3 true true
}

func ExampleEscapeText() {
	fmt.Println(payload.EscapeText([]byte("GET / HTTP/1.1\r\n{{\x00\xff")))
	// Output:
	// GET / HTTP/1.1\r\n\{{\0\xff
}
