package sessions

import "github.com/sockplay/sockplay/netcore/framing"

// specFramer joins a spec's decoder and encoder into one Framer.
type specFramer struct {
	framing.Decoder
	spec framing.Spec
}

func (f specFramer) Encode(dst, payload []byte) ([]byte, error) { return f.spec.Encode(dst, payload) }

// FramingOf returns the Config.Framing for a parsed spec such as "len:4:le".
func FramingOf(spec framing.Spec, opt framing.Options) func() Framer {
	return func() Framer { return specFramer{spec.NewDecoder(opt), spec} }
}
