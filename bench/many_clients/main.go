// Command many_clients checks that one TCP server session holds 10,000
// concurrent clients with RSS under 300 MB and still echoes to each.
//
// The server session runs in this process; the clients run in a child
// process (this program again, with -child), so each side has its own
// open-file limit and the RSS measured is the server's alone.
//
// Usage: go run ./bench/many_clients [-n 10000]
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/sessions"
)

func main() {
	n := flag.Int("n", 10000, "concurrent clients")
	child := flag.String("child", "", "internal: run the clients against this address")
	flag.Parse()
	raiseNoFile(uint64(*n) + 1000)
	if *child != "" {
		os.Exit(runClients(*child, *n))
	}
	os.Exit(runServer(*n))
}

// raiseNoFile lifts RLIMIT_NOFILE as far as allowed; Go already raises the
// soft limit to the hard one at start, so this only helps when we may raise
// the hard limit too (root with CAP_SYS_RESOURCE).
func raiseNoFile(want uint64) {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r); err != nil {
		return
	}
	if r.Cur >= want {
		return
	}
	nr := syscall.Rlimit{Cur: want, Max: max(r.Max, want)}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &nr); err != nil {
		nr = syscall.Rlimit{Cur: r.Max, Max: r.Max}
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &nr)
	}
	syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r)
	fmt.Fprintf(os.Stderr, "pid %d: RLIMIT_NOFILE %d/%d\n", os.Getpid(), r.Cur, r.Max)
}

func runServer(n int) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ep, _ := netcore.ParseEndpoint("tcp://127.0.0.1:0")
	sess, err := sessions.New(sessions.Config{Role: sessions.Server, Endpoint: ep, Reply: sessions.ReplyEcho,
		Options: netcore.Options{Backlog: 4096}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer sess.Close()
	if err := sess.Start(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	rss0, _ := rss()
	fmt.Printf("server listening on %s, RSS %.1f MB\n", sess.Addr(), rss0)

	exe, _ := os.Executable()
	cmd := exec.Command(exe, "-child", sess.Addr().String(), "-n", fmt.Sprint(n))
	cmd.Stderr = os.Stderr
	in, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	lines := bufio.NewScanner(out)
	code := 0
	for lines.Scan() {
		line := lines.Text()
		fmt.Println("clients:", line)
		if strings.HasPrefix(line, "echoed") {
			peers := len(sess.Peers())
			cur, peak := rss()
			c := sess.Counters()
			fmt.Printf("server: %d peers open, RSS %.1f MB (peak %.1f MB), in %d bytes/%d chunks, out %d bytes, %d goroutines\n",
				peers, cur, peak, c.BytesIn, c.ChunksIn, c.BytesOut, runtime.NumGoroutine())
			verdict := "ok"
			if peers < n || peak >= 300 || !strings.HasPrefix(line, fmt.Sprintf("echoed %d/%d", n, n)) {
				verdict, code = "FAILED", 1
			}
			fmt.Printf("result: %s (target: %d peers, every one echoed, RSS < 300 MB)\n", verdict, n)
			in.Close() // the clients hang up and exit
		}
	}
	cmd.Wait()
	t0 := time.Now()
	for len(sess.Peers()) > 0 && time.Since(t0) < 30*time.Second {
		time.Sleep(50 * time.Millisecond)
	}
	fmt.Printf("server: %d peers left %.1fs after the clients exited\n", len(sess.Peers()), time.Since(t0).Seconds())
	sess.Close()
	return code
}

// rss reads this process's current and peak resident set in MB.
func rss() (cur, peak float64) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		var kb float64
		if _, err := fmt.Sscanf(l, "VmRSS: %f kB", &kb); err == nil {
			cur = kb / 1024
		}
		if _, err := fmt.Sscanf(l, "VmHWM: %f kB", &kb); err == nil {
			peak = kb / 1024
		}
	}
	return cur, peak
}

// runClients opens n connections and keeps them all open, then has each
// send a line and read its echo, and holds on until stdin closes.
func runClients(addr string, n int) int {
	conns := make([]net.Conn, n)
	var failed atomic.Int64
	t0 := time.Now()
	forEach(n, func(i int) {
		c, err := net.DialTimeout("tcp", addr, 10*time.Second)
		if err != nil {
			if failed.Add(1) == 1 {
				fmt.Fprintln(os.Stderr, "dial:", err)
			}
			return
		}
		conns[i] = c
	})
	fmt.Printf("connected %d/%d in %.1fs\n", n-int(failed.Load()), n, time.Since(t0).Seconds())

	var ok atomic.Int64
	t0 = time.Now()
	forEach(n, func(i int) {
		c := conns[i]
		if c == nil {
			return
		}
		msg := fmt.Sprintf("hello from client %d\n", i)
		c.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := io.WriteString(c, msg); err != nil {
			return
		}
		got := make([]byte, len(msg))
		if _, err := io.ReadFull(c, got); err == nil && string(got) == msg {
			ok.Add(1)
		}
	})
	fmt.Printf("echoed %d/%d in %.1fs, all still open\n", ok.Load(), n, time.Since(t0).Seconds())
	io.Copy(io.Discard, os.Stdin) // hold every connection until the server has measured
	for _, c := range conns {
		if c != nil {
			c.Close()
		}
	}
	return 0
}

// forEach runs fn(0) … fn(n-1) on 64 workers and waits for them all.
func forEach(n int, fn func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < 64; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				fn(i)
			}
		}()
	}
	wg.Wait()
}
