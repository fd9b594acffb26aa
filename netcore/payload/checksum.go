package payload

import (
	"hash/crc32"
	"strconv"
)

// Checksum is appended to the rendered body on request. Each sum is appended
// in the byte order under which running the same algorithm over body+sum
// gives its fixed residue, which is also what devices expect:
//
//   - sum8, xor8: one byte.
//   - crc16-modbus: little-endian (low byte first), as Modbus RTU sends it;
//     the CRC is bit-reflected, so its low byte is the one that comes first.
//   - crc16-ccitt-false: big-endian (high byte first), as XMODEM-style and
//     most CCITT users send it; the CRC is not reflected.
//   - crc32: little-endian, as Ethernet, zip and gzip append CRC-32 (IEEE,
//     reflected). Protocols that want it big-endian (PNG) are not covered yet.
//
// The zero value is ChecksumNone.
type Checksum uint8

const (
	ChecksumNone    Checksum = iota // nothing appended
	Sum8                            // sum of bytes mod 256
	Xor8                            // xor of bytes
	CRC16Modbus                     // CRC-16/MODBUS, appended little-endian
	CRC16CCITTFalse                 // CRC-16/CCITT-FALSE, appended big-endian
	CRC32                           // CRC-32 (IEEE), appended little-endian
)

var checksumNames = []string{"none", "sum8", "xor8", "crc16-modbus", "crc16-ccitt-false", "crc32"}

// String gives the name used by the CLI and saved workspaces.
func (c Checksum) String() string {
	if int(c) < len(checksumNames) {
		return checksumNames[c]
	}
	return "checksum(" + strconv.Itoa(int(c)) + ")"
}

// ParseChecksum reads one of "none", "sum8", "xor8", "crc16-modbus",
// "crc16-ccitt-false", "crc32", ignoring case and spaces.
func ParseChecksum(s string) (Checksum, error) {
	i, err := parseName("checksum", s, checksumNames)
	return Checksum(i), err
}

// MarshalText lets saved workspaces store the checksum by name.
func (c Checksum) MarshalText() ([]byte, error) {
	if int(c) >= len(checksumNames) {
		return nil, plainSyntaxError("unknown checksum %d", c)
	}
	return []byte(c.String()), nil
}

// UnmarshalText reads a name as ParseChecksum does.
func (c *Checksum) UnmarshalText(b []byte) error {
	v, err := ParseChecksum(string(b))
	if err == nil {
		*c = v
	}
	return err
}

// Size is how many bytes the checksum appends.
func (c Checksum) Size() int {
	switch c {
	case Sum8, Xor8:
		return 1
	case CRC16Modbus, CRC16CCITTFalse:
		return 2
	case CRC32:
		return 4
	}
	return 0
}

// Sum returns the checksum of data in the bytes and order it is appended
// (nil for ChecksumNone).
func (c Checksum) Sum(data []byte) []byte {
	s := c.start()
	s.write(data)
	return s.appendSum(nil)
}

// checksumState is a running checksum, so a streamed file is summed as it
// passes instead of being read twice.
type checksumState struct {
	kind Checksum
	v    uint32
}

func (c Checksum) start() checksumState {
	s := checksumState{kind: c}
	if c == CRC16Modbus || c == CRC16CCITTFalse {
		s.v = 0xFFFF
	}
	return s
}

func (s *checksumState) write(p []byte) {
	switch s.kind {
	case Sum8:
		v := byte(s.v)
		for _, b := range p {
			v += b
		}
		s.v = uint32(v)
	case Xor8:
		v := byte(s.v)
		for _, b := range p {
			v ^= b
		}
		s.v = uint32(v)
	case CRC16Modbus:
		v := uint16(s.v)
		for _, b := range p {
			v = v>>8 ^ modbusTable[byte(v)^b]
		}
		s.v = uint32(v)
	case CRC16CCITTFalse:
		v := uint16(s.v)
		for _, b := range p {
			v = v<<8 ^ ccittTable[byte(v>>8)^b]
		}
		s.v = uint32(v)
	case CRC32:
		s.v = crc32.Update(s.v, crc32.IEEETable, p)
	}
}

func (s *checksumState) appendSum(dst []byte) []byte {
	v := s.v
	switch s.kind {
	case Sum8, Xor8:
		return append(dst, byte(v))
	case CRC16Modbus:
		return append(dst, byte(v), byte(v>>8))
	case CRC16CCITTFalse:
		return append(dst, byte(v>>8), byte(v))
	case CRC32:
		return append(dst, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
	}
	return dst
}

// Byte-at-a-time tables: a streamed file of hundreds of megabytes would take
// seconds with the bit-by-bit loop.
var modbusTable, ccittTable = crc16Tables()

func crc16Tables() (modbus, ccitt [256]uint16) {
	for i := range 256 {
		m := uint16(i) // reflected: poly 0x8005 reversed is 0xA001
		c := uint16(i) << 8
		for range 8 {
			if m&1 != 0 {
				m = m>>1 ^ 0xA001
			} else {
				m >>= 1
			}
			if c&0x8000 != 0 {
				c = c<<1 ^ 0x1021
			} else {
				c <<= 1
			}
		}
		modbus[i], ccitt[i] = m, c
	}
	return modbus, ccitt
}
