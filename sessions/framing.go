package sessions

import (
	"time"

	"github.com/sockplay/sockplay/netcore/framing"
)

// specFramer joins a spec's decoder and encoder into one Framer.
type specFramer struct {
	framing.Decoder
	spec framing.Spec
}

func (f specFramer) Encode(dst, payload []byte) ([]byte, error) { return f.spec.Encode(dst, payload) }

// Gap is the pause that ends a message for `idle:DURATION` framing, else 0:
// the session's reader runs that timer, since a decoder only sees bytes.
func (f specFramer) Gap() time.Duration {
	if f.spec.Kind == framing.KindIdle {
		return f.spec.Gap
	}
	return 0
}

// framerGap is fr's idle gap, if it has one.
func framerGap(fr Framer) time.Duration {
	if g, ok := fr.(interface{ Gap() time.Duration }); ok {
		return g.Gap()
	}
	return 0
}

// FramingOf returns the Config.Framing for a parsed spec such as "len:4:le".
func FramingOf(spec framing.Spec, opt framing.Options) func() Framer {
	return func() Framer { return specFramer{spec.NewDecoder(opt), spec} }
}
