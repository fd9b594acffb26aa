package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"hash"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/testkit"
)

// slowStdout is a stdout that a person reads late: it blocks for pause at
// its first write (like `serve | (sleep 3; cat > f)`), then hashes every
// byte. lines keeps the text when asked to.
type slowStdout struct {
	pause     time.Duration
	keepLines bool

	mu     sync.Mutex
	h      hash.Hash
	n      int64
	text   bytes.Buffer
	paused bool
}

func newSlowStdout(pause time.Duration) *slowStdout {
	return &slowStdout{pause: pause, h: sha256.New()}
}

func (s *slowStdout) Write(p []byte) (int, error) {
	s.mu.Lock()
	first := !s.paused
	s.paused = true
	s.mu.Unlock()
	if first {
		time.Sleep(s.pause)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.h.Write(p)
	s.n += int64(len(p))
	if s.keepLines {
		s.text.Write(p)
	}
	return len(p), nil
}

func (s *slowStdout) sum() (string, int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fmt.Sprintf("%x", s.h.Sum(nil)), s.n
}

func (s *slowStdout) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.text.String()
}

// bigFile writes size random bytes and returns the path and their hash.
func bigFile(t *testing.T, size int) (string, string) {
	t.Helper()
	path := filepath.Join(testkit.TempDir(t), "big.bin")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	if _, err := io.CopyN(io.MultiWriter(f, h), rand.Reader, int64(size)); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path, fmt.Sprintf("%x", h.Sum(nil))
}

// serveTo runs serve in-process with out as its stdout (and an stdin that
// ends when wait is called) until it ends by itself or ctx ends; wait
// returns its exit code.
func serveTo(ctx context.Context, out io.Writer, args ...string) (errb *syncBuffer, url func(t *testing.T) string, wait func() int) {
	inR, inW := io.Pipe()
	errb, url, served := serveWith(ctx, inR, out, args...)
	return errb, url, func() int { inW.Close(); return served() }
}

// serveWith is serveTo with a given stdin.
func serveWith(ctx context.Context, in io.Reader, out io.Writer, args ...string) (errb *syncBuffer, url func(t *testing.T) string, wait func() int) {
	errb = &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, append([]string{"serve"}, args...), Stdio{In: in, Out: out, Err: errb})
	}()
	scheme := strings.SplitN(args[0], "://", 2)[0]
	url = func(t *testing.T) string {
		t.Helper()
		var u string
		testkit.Eventually(t, "listening line", func() bool {
			if m := listeningRE.FindStringSubmatch(errb.String()); m != nil {
				u = scheme + "://" + m[1]
				if strings.HasPrefix(scheme, "unix") {
					u = args[0]
				}
				return true
			}
			return false
		})
		return u
	}
	return errb, url, func() int { return <-done }
}

// What the person asked to keep is kept: each case sends more than the
// session's view holds (64 MiB) to a stdout that stalls for seconds, and
// stdout gets every byte (hash compared), as with socat.
func TestSlowStdoutGetsEveryByte(t *testing.T) {
	testkit.Need(t, "socat")
	testkit.Need(t, "python3")
	t.Run("connect --send-file 200 MB to serve --once", func(t *testing.T) {
		testkit.NoLeaks(t)
		path, want := bigFile(t, 200<<20)
		out := newSlowStdout(2 * time.Second)
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		errb, url, wait := serveTo(ctx, out, "tcp://127.0.0.1:0", "--once")
		code, _, cerr := connectCmdCtx(ctx, "", url(t), "--send-file", path, "--half-close")
		if code != ExitOK {
			t.Fatalf("connect exit %d: %s", code, cerr)
		}
		if code := wait(); code != ExitOK {
			t.Fatalf("serve exit %d: %s", code, errb.String())
		}
		if got, n := out.sum(); got != want {
			t.Fatalf("stdout got %d bytes, hash differs", n)
		}
	})
	t.Run("serve stdout read 3 s late with 100 MB from socat", func(t *testing.T) {
		testkit.NoLeaks(t)
		path, want := bigFile(t, 100<<20)
		out := newSlowStdout(3 * time.Second)
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		errb, url, wait := serveTo(ctx, out, "tcp://127.0.0.1:0", "--once")
		addr := strings.TrimPrefix(url(t), "tcp://")
		if b, err := exec.Command("socat", "-u", "OPEN:"+path, "TCP:"+addr).CombinedOutput(); err != nil {
			t.Fatalf("socat: %v %s", err, b)
		}
		if code := wait(); code != ExitOK {
			t.Fatalf("serve exit %d: %s", code, errb.String())
		}
		if got, n := out.sum(); got != want {
			t.Fatalf("stdout got %d bytes, hash differs", n)
		}
	})
	t.Run("connect stdout read late with 200 MB from a python server", func(t *testing.T) {
		testkit.NoLeaks(t)
		path, want := bigFile(t, 200<<20)
		py := python(t, `
import socket, sys
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(1)
print(l.getsockname()[1], flush=True)
c, _ = l.accept()
with open(sys.argv[1], "rb") as f:
    while True:
        b = f.read(1 << 16)
        if not b:
            break
        c.sendall(b)
c.close()
`, path)
		port := pyServerPort(t, py)
		out := newSlowStdout(2 * time.Second)
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		var errb syncBuffer
		code := Run(ctx, []string{"connect", "tcp://127.0.0.1:" + port}, Stdio{In: blockingReader{ctx}, Out: out, Err: &errb})
		if code != ExitOK {
			t.Fatalf("connect exit %d: %s", code, errb.String())
		}
		if got, n := out.sum(); got != want {
			t.Fatalf("stdout got %d bytes, hash differs", n)
		}
	})
	t.Run("3000 len:4:be frames to a slow stdout", func(t *testing.T) {
		testkit.NoLeaks(t)
		out := newSlowStdout(2 * time.Second)
		out.keepLines = true
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		errb, url, wait := serveTo(ctx, out, "tcp://127.0.0.1:0", "--once", "--framing", "len:4:be", "--log-budget", "65536")
		_, port := hostPort(url(t))
		py := python(t, `
import socket, struct, sys
c = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
for i in range(3000):
    m = ("message %04d " % i).encode() + b"x" * 200
    c.sendall(struct.pack(">I", len(m)) + m)
c.close()
`, port)
		py.wait(t)
		if code := wait(); code != ExitOK {
			t.Fatalf("serve exit %d: %s", code, errb.String())
		}
		lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		if len(lines) != 3000 {
			t.Fatalf("%d messages printed, want 3000", len(lines))
		}
		for i, l := range lines {
			if !strings.HasPrefix(l, fmt.Sprintf("message %04d ", i)) {
				t.Fatalf("line %d is %.20q", i, l)
			}
		}
	})
}

// blockingReader is a stdin that never ends before ctx (connect then ends
// when the peer closes).
type blockingReader struct{ ctx context.Context }

func (b blockingReader) Read([]byte) (int, error) {
	<-b.ctx.Done()
	return 0, io.EOF
}

func connectCmdCtx(ctx context.Context, stdin string, args ...string) (int, string, string) {
	var out, errb syncBuffer
	code := Run(ctx, append([]string{"connect"}, args...), Stdio{In: strings.NewReader(stdin), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

// `serve > FILE`: the file gets every byte of a stream while serve runs,
// and a line from a peer that stays connected reaches it too, without
// waiting for the end (as `tail -f FILE` expects).
func TestServeToFileGetsEveryByte(t *testing.T) {
	testkit.Need(t, "socat")
	testkit.NoLeaks(t)
	dir := testkit.TempDir(t)
	path, want := bigFile(t, 64<<20)
	outPath := filepath.Join(dir, "out.bin")
	f, err := os.Create(outPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	errb, url, wait := serveTo(ctx, f, "tcp://127.0.0.1:0")
	addr := strings.TrimPrefix(url(t), "tcp://")
	if b, err := exec.Command("socat", "-u", "OPEN:"+path, "TCP:"+addr).CombinedOutput(); err != nil {
		t.Fatalf("socat: %v %s", err, b)
	}
	// Polled by size (a stat), read and hashed once it is all there.
	size := func() int64 {
		st, err := os.Stat(outPath)
		if err != nil {
			t.Fatal(err)
		}
		return st.Size()
	}
	testkit.Eventually(t, "every byte in the file while serve runs", func() bool { return size() == 64<<20 })
	b, err := os.ReadFile(outPath)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprintf("%x", sha256.Sum256(b)); got != want {
		t.Fatalf("the file's %d bytes differ from what socat sent", len(b))
	}
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("hello\n")); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, "a line from a peer still connected in the file too", func() bool { return size() == 64<<20+6 })
	conn.Close()
	cancel()
	wait()
	if b, _ := os.ReadFile(outPath); !bytes.HasSuffix(b, []byte("hello\n")) {
		t.Fatalf("the file ends %q; serve said %s", b[max(0, len(b)-16):], errb.String())
	}
}
