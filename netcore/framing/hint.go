package framing

import (
	"errors"
	"fmt"
	"math/bits"
)

// Hint says, for an error from a decoder of s, what spec would have
// avoided it, or "" when no setting would. Only a frame over the limit has
// a fix: the same spec with a max= large enough (the next power of two
// over the frame's size when the error knows it, else twice the limit),
// up to MaxFrameCeiling.
func Hint(s Spec, opt Options, err error) string {
	if !errors.Is(err, ErrFrameTooLarge) {
		return ""
	}
	limit := int64(s.Limit(opt))
	want := 2 * limit
	var se *SizeError
	if errors.As(err, &se) && se.Need > limit {
		want = int64(1) << bits.Len64(uint64(se.Need-1))
	}
	if want > MaxFrameCeiling {
		if limit >= MaxFrameCeiling {
			return ""
		}
		want = MaxFrameCeiling
	}
	s.Max = int(want)
	return fmt.Sprintf("raise the limit with --framing %s", s)
}
