package socktable

import (
	"errors"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// nlMsg builds one netlink message: header, then data padded to 4 bytes.
func nlMsg(typ, flags uint16, seq uint32, data []byte) []byte {
	l := nlHeaderLen + len(data)
	b := make([]byte, (l+3)&^3)
	native.PutUint32(b[0:], uint32(l))
	native.PutUint16(b[4:], typ)
	native.PutUint16(b[6:], flags)
	native.PutUint32(b[8:], seq)
	copy(b[nlHeaderLen:], data)
	return b
}

func errnoData(e int32) []byte {
	b := make([]byte, 4)
	native.PutUint32(b, uint32(e))
	return b
}

func join(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

func TestEachNetlinkMsg(t *testing.T) {
	const seq = 7
	multi := uint16(unix.NLM_F_MULTI)
	tests := []struct {
		name     string
		in       []byte
		wantMsgs []string
		wantDone bool
		wantErr  error
	}{
		{"two rows, more to come", join(nlMsg(20, multi, seq, []byte("ab")), nlMsg(20, multi, seq, []byte("cde"))), []string{"ab", "cde"}, false, nil},
		{"rows then done", join(nlMsg(20, multi, seq, []byte("ab")), nlMsg(unix.NLMSG_DONE, multi, seq, errnoData(0))), []string{"ab"}, true, nil},
		{"done without payload", nlMsg(unix.NLMSG_DONE, multi, seq, nil), nil, true, nil},
		{"one answer, not multi-part", nlMsg(20, 0, seq, []byte("x")), []string{"x"}, true, nil},
		{"acknowledgement", nlMsg(unix.NLMSG_ERROR, 0, seq, errnoData(0)), nil, true, nil},
		{"refused", nlMsg(unix.NLMSG_ERROR, 0, seq, errnoData(-int32(syscall.EPERM))), nil, true, syscall.EPERM},
		{"no such socket", nlMsg(unix.NLMSG_ERROR, 0, seq, errnoData(-int32(syscall.ENOENT))), nil, true, syscall.ENOENT},
		{"another request's answer is skipped", join(nlMsg(20, multi, seq+1, []byte("no")), nlMsg(20, multi, seq, []byte("yes"))), []string{"yes"}, false, nil},
		{"noop is skipped", join(nlMsg(unix.NLMSG_NOOP, 0, seq, nil), nlMsg(20, multi, seq, []byte("r"))), []string{"r"}, false, nil},
		{"short header", []byte{1, 2, 3}, nil, false, errNetlinkMalformed},
		{"length past the end", nlMsg(20, multi, seq, []byte("ab"))[:17], nil, false, errNetlinkMalformed},
		{"length below the header", func() []byte { b := nlMsg(20, multi, seq, nil); native.PutUint32(b, 3); return b }(), nil, false, errNetlinkMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			done, err := eachNetlinkMsg(tt.in, seq, func(_ uint16, msg []byte) { got = append(got, string(msg)) })
			if done != tt.wantDone || !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("done, err = %v, %v; want %v, %v", done, err, tt.wantDone, tt.wantErr)
			}
			if len(got) != len(tt.wantMsgs) {
				t.Fatalf("messages %q, want %q", got, tt.wantMsgs)
			}
			for i := range got {
				if got[i] != tt.wantMsgs[i] {
					t.Fatalf("messages %q, want %q", got, tt.wantMsgs)
				}
			}
		})
	}
}

// FuzzNetlinkReply feeds arbitrary reads through the splitter and both
// row parsers: a bad reply is an error or a skipped row, never a panic.
func FuzzNetlinkReply(f *testing.F) {
	inet := make([]byte, inetDiagMsgLen+8)
	inet[0] = unix.AF_INET6
	native.PutUint16(inet[inetDiagMsgLen:], 5)
	native.PutUint16(inet[inetDiagMsgLen+2:], inetDiagV6Only)
	f.Add(join(nlMsg(20, unix.NLM_F_MULTI, 1, inet), nlMsg(unix.NLMSG_DONE, unix.NLM_F_MULTI, 1, errnoData(0))))
	ux := make([]byte, unixDiagMsgLen+12)
	ux[0], ux[1] = unix.AF_UNIX, unix.SOCK_STREAM
	native.PutUint16(ux[unixDiagMsgLen:], 7)
	ux[unixDiagMsgLen+4] = 0
	copy(ux[unixDiagMsgLen+5:], "ab")
	f.Add(nlMsg(20, 0, 1, ux))
	f.Add(nlMsg(unix.NLMSG_ERROR, 0, 1, errnoData(-2)))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = eachNetlinkMsg(b, 1, func(_ uint16, msg []byte) {
			var s Socket
			parseInetMsg(msg, TCP, &s)
			parseUnixMsg(msg, &s)
			var c TCPConn
			eachAttr(msg, func(typ uint16, v []byte) {
				if typ == inetDiagInfo {
					c.setInfo(v)
				}
			})
		})
	})
}
