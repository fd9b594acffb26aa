//go:build !windows

package netcore

import "syscall"

// nativeErrno: what the kernel returns for each class here.
var nativeErrno = map[string]syscall.Errno{
	"refused": syscall.ECONNREFUSED, "reset": syscall.ECONNRESET, "aborted": syscall.ECONNABORTED,
	"addrinuse": syscall.EADDRINUSE, "timedout": syscall.ETIMEDOUT, "hostunreach": syscall.EHOSTUNREACH,
	"netunreach": syscall.ENETUNREACH, "msgsize": syscall.EMSGSIZE,
}

// datagramReadsAs: no class means something else on a datagram socket here.
var datagramReadsAs = map[string]string{}
