//go:build !linux

package pcap

import "os"

// Elsewhere the file is only written (writebehind.go says why Linux does more).
func startWriteback(*os.File, int64, int64) bool { return false }

func dropWritten(*os.File, int64, int64) bool { return false }
