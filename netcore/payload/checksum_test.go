package payload

import (
	"bytes"
	"errors"
	"hash/crc32"
	"testing"
)

// TestChecksumCheckValues holds each algorithm to its published check value
// for "123456789", in the byte order it is appended.
func TestChecksumCheckValues(t *testing.T) {
	check := []byte("123456789")
	cases := []struct {
		c    Checksum
		want []byte
	}{
		{ChecksumNone, nil},
		{Sum8, []byte{0xDD}},
		{Xor8, []byte{0x31}},
		{CRC16Modbus, []byte{0x37, 0x4B}},       // 0x4B37, little-endian as Modbus RTU sends it
		{CRC16CCITTFalse, []byte{0x29, 0xB1}},   // 0x29B1, big-endian
		{CRC32, []byte{0x26, 0x39, 0xF4, 0xCB}}, // 0xCBF43926, little-endian
	}
	for _, tc := range cases {
		got := tc.c.Sum(check)
		if !bytes.Equal(got, tc.want) {
			t.Errorf("%s(\"123456789\") = % x, want % x", tc.c, got, tc.want)
		}
		if len(got) != tc.c.Size() {
			t.Errorf("%s: Size() = %d, Sum has %d bytes", tc.c, tc.c.Size(), len(got))
		}
	}
}

// TestChecksumResidue shows why each byte order was chosen: running the
// algorithm over body+appended sum gives the algorithm's fixed residue, the
// property receivers check.
func TestChecksumResidue(t *testing.T) {
	body := []byte("any frame body \x00\xff")
	for _, c := range []Checksum{CRC16Modbus, CRC16CCITTFalse} {
		framed := append(append([]byte(nil), body...), c.Sum(body)...)
		if got := c.Sum(framed); !bytes.Equal(got, []byte{0, 0}) {
			t.Errorf("%s over body+sum = % x, want 00 00", c, got)
		}
	}
	framed := append(append([]byte(nil), body...), CRC32.Sum(body)...)
	if got := crc32.ChecksumIEEE(framed); got != 0x2144DF1C {
		t.Errorf("crc32 over body+sum = %#x, want residue 0x2144df1c", got)
	}
}

func TestChecksumStreamingMatchesSum(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 100)
	for c := ChecksumNone; c <= CRC32; c++ {
		s := c.start()
		for i := 0; i < len(data); i += 7 {
			s.write(data[i:min(i+7, len(data))])
		}
		if got, want := s.appendSum(nil), c.Sum(data); !bytes.Equal(got, want) {
			t.Errorf("%s: streamed % x, whole % x", c, got, want)
		}
	}
}

func TestParseChecksum(t *testing.T) {
	for c := ChecksumNone; c <= CRC32; c++ {
		got, err := ParseChecksum(c.String())
		if err != nil || got != c {
			t.Errorf("ParseChecksum(%q) = %v, %v", c.String(), got, err)
		}
	}
	if got, err := ParseChecksum(" CRC16-Modbus "); err != nil || got != CRC16Modbus {
		t.Errorf("ParseChecksum is not case- and space-tolerant: %v, %v", got, err)
	}
	_, err := ParseChecksum("crc8")
	want := `unknown checksum "crc8"; valid names are none, sum8, xor8, crc16-modbus, crc16-ccitt-false, crc32`
	if err == nil || err.Error() != want {
		t.Fatalf("ParseChecksum(crc8) error = %v, want %s", err, want)
	}
	if !errors.Is(err, ErrSyntax) {
		t.Fatal("ParseChecksum error does not match ErrSyntax")
	}
}
