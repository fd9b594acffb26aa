//go:build !linux && !windows

package netcore

import "syscall"

const msgTruncFlag = syscall.MSG_TRUNC
