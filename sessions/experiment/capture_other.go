//go:build !linux

package experiment

import "context"

type capture struct{}

func startCapture(context.Context, string, *portSet) (*capture, error) {
	return nil, ErrCaptureUnsupported
}

func (c *capture) stop() error { return nil }
