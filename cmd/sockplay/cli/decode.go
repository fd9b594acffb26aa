package cli

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"sort"
	"strings"

	"github.com/sockplay/sockplay/netcore/decode"
	"github.com/sockplay/sockplay/netcore/structfmt"
)

// fieldDecoder is --decode: each message (or chunk) read as a protocol's
// fields (netcore/decode) or with a struct layout (netcore/structfmt),
// printed under it, or as "fields" in its JSON line.
type fieldDecoder struct {
	proto  string
	layout *structfmt.Layout
}

// decodeUsage is the flag's help, the same for serve, connect and pcap.
const decodeUsage = "print each received message's fields: `PROTO` (dns, modbus, ntp, dhcp, sip) or a struct layout in Python's notation with optional names (>H:tid H:proto H:len B:unit B:fc)"

func addDecodeFlag(fs *flag.FlagSet) *string { return fs.String("decode", "", decodeUsage) }

// parseDecode reads --decode; "" is none.
func parseDecode(spec string) (*fieldDecoder, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return nil, nil
	}
	if decode.Known(strings.ToLower(spec)) {
		return &fieldDecoder{proto: strings.ToLower(spec)}, nil
	}
	l, err := structfmt.Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("--decode %q is not a protocol (%s), and as a struct layout: %w", spec, strings.Join(decode.Protocols, ", "), err)
	}
	return &fieldDecoder{layout: l}, nil
}

// fields reads data: its lines ("name: value", indented), its leaves for
// JSON, and what went wrong (after what decoded).
func (d *fieldDecoder) fields(data []byte) (lines []string, flat map[string]string, err error) {
	if d.proto != "" {
		n, err := decode.Decode(d.proto, data)
		if n != nil {
			lines, flat = n.Lines(), n.Flat()
		}
		return lines, flat, err
	}
	vs, err := d.layout.Decode(data)
	flat = map[string]string{}
	for _, v := range vs {
		lines = append(lines, fmt.Sprintf("%s: %s (%s)", v.Label, v.Text, v.Hex))
		flat[v.Label] = v.Text
	}
	if err == nil {
		if rest := d.layout.Rest(len(data)); rest > 0 {
			lines = append(lines, fmt.Sprintf("(+%d bytes after the layout)", rest))
		}
	}
	return lines, flat, err
}

// appendText writes the fields under a message, indented by four.
func (d *fieldDecoder) appendText(b, data []byte) []byte {
	lines, _, err := d.fields(data)
	for _, l := range lines {
		b = append(b, "    "...)
		b = append(b, l...)
		b = append(b, '\n')
	}
	if err != nil {
		b = fmt.Appendf(b, "    (%v)\n", err)
	}
	return b
}

// spliceJSON adds "fields" (and "decode_error") to an entry's JSON line,
// which ends in "}\n".
func (d *fieldDecoder) spliceJSON(line, data []byte) []byte {
	if !bytes.HasSuffix(line, []byte("}\n")) {
		return line
	}
	line = line[:len(line)-2]
	_, flat, err := d.fields(data)
	keys := make([]string, 0, len(flat))
	for k := range flat {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	line = append(line, `,"fields":{`...)
	for i, k := range keys {
		if i > 0 {
			line = append(line, ',')
		}
		kb, _ := json.Marshal(k)
		vb, _ := json.Marshal(flat[k])
		line = append(line, kb...)
		line = append(line, ':')
		line = append(line, vb...)
	}
	line = append(line, '}')
	if err != nil {
		eb, _ := json.Marshal(err.Error())
		line = append(line, `,"decode_error":`...)
		line = append(line, eb...)
	}
	return append(line, "}\n"...)
}
