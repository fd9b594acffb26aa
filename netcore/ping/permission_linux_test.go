package ping

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// datagramForbidden reports whether ping_group_range leaves out our group.
func datagramForbidden(t *testing.T) bool {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ping_group_range")
	if err != nil {
		t.Skipf("skipped: %v", err)
	}
	f := strings.Fields(string(b))
	if len(f) != 2 {
		t.Skipf("skipped: ping_group_range %q", b)
	}
	lo, _ := strconv.Atoi(f[0])
	hi, _ := strconv.Atoi(f[1])
	gid := os.Getgid()
	return gid < lo || gid > hi
}

// TestAutoNotPermitted is the case where neither socket is allowed: the
// test runs itself again without CAP_NET_RAW (setpriv drops it from the
// bounding set, so not even root has it after exec) and checks the error.
func TestAutoNotPermitted(t *testing.T) {
	if os.Getenv("SOCKPLAY_PING_NO_RAW") == "1" {
		exe, _ := os.Executable()
		_, err := New(context.Background(), Config{Host: "127.0.0.1"})
		if !errors.Is(err, ErrNotPermitted) {
			fmt.Printf("CHILD: New = %v, want ErrNotPermitted\n", err)
			os.Exit(3)
		}
		for _, want := range []string{`sysctl -w net.ipv4.ping_group_range="0 2147483647"`, "setcap cap_net_raw=+ep " + exe, "need CAP_NET_RAW"} {
			if !strings.Contains(err.Error(), want) {
				fmt.Printf("CHILD: %q does not say %q\n", err, want)
				os.Exit(3)
			}
		}
		fmt.Printf("CHILD OK: %v\n", err)
		return
	}
	if !datagramForbidden(t) {
		t.Skip("skipped: ping_group_range allows datagram sockets here, so auto mode cannot fail")
	}
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Skip("skipped: setpriv (util-linux) is not installed")
	}
	cmd := exec.Command(setpriv, "--bounding-set=-net_raw", "--inh-caps=-net_raw", "--", os.Args[0], "-test.run=^TestAutoNotPermitted$", "-test.count=1")
	cmd.Env = append(os.Environ(), "SOCKPLAY_PING_NO_RAW=1")
	out, err := cmd.CombinedOutput()
	if err != nil && strings.Contains(string(out), "setpriv:") {
		t.Skipf("skipped: setpriv cannot drop CAP_NET_RAW here: %s", out)
	}
	if err != nil || !strings.Contains(string(out), "CHILD OK: ") {
		t.Fatalf("child without CAP_NET_RAW: %v\n%s", err, out)
	}
	t.Log(strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0]))
}
