package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"image"
	_ "image/png"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The smoke test runs the real binary in a real X server (Xvfb). It skips
// when the tools are missing, unless SOCKPLAY_SMOKE=1 (as `make test` sets),
// where a missing tool is a failure. SOCKPLAY_SCREENSHOTS=DIR keeps the
// screenshots (`make screenshot` uses it for the README's pictures).

// badOutput is what a run must never print; any other line is reported too.
var badOutput = regexp.MustCompile(`Error in Fyne call thread|panic:|goroutine \d+ \[|Fyne error|Error parsing user locale`)

func TestSmokeWindowUnderXvfb(t *testing.T) {
	if testing.Short() {
		t.Skip("smoke test starts an X server; skipped with -short")
	}
	for _, tool := range []string{"Xvfb", "xdotool", "import", "dbus-daemon", "socat"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("SOCKPLAY_SMOKE") == "1" {
				t.Fatalf("%s is not installed (run scripts/install-deps.sh test)", tool)
			}
			t.Skipf("%s is not installed; set SOCKPLAY_SMOKE=1 to make this a failure", tool)
		}
	}
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	display := startXvfb(t)
	bus := startSessionBus(t)

	home := filepath.Join(dir, "home")
	runtimeDir := filepath.Join(dir, "run")
	for _, d := range []string{home, runtimeDir} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	env := []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + home, "XDG_RUNTIME_DIR=" + runtimeDir,
		"DISPLAY=" + display, "DBUS_SESSION_BUS_ADDRESS=" + bus,
		"LANG=C", // a minimal locale must not print errors
	}

	// First run: the window appears and renders; we resize it and quit.
	app := startApp(t, bin, env)
	win := waitForWindow(t, display, app)
	time.Sleep(2 * time.Second) // let the first frames paint
	shot := filepath.Join(dir, "smoke.png")
	screenshot(t, display, win, shot)
	checkRendered(t, shot)
	keepScreenshot(t, shot, "screenshot-main.png")
	xdotool(t, display, "windowsize", win, "900", "600")
	waitForGeometry(t, display, win, "900x600")
	waitForSavedSize(t, home, 900, 600) // the app writes a new size soon after a resize
	app.quit(t)

	// Second run: the size comes back.
	app = startApp(t, bin, env)
	win = waitForWindow(t, display, app)
	time.Sleep(time.Second)
	geom := xdotool(t, display, "getwindowgeometry", win)
	if !strings.Contains(geom, "Geometry: 900x600") {
		t.Errorf("window size not remembered between runs; xdotool says:\n%s", geom)
	}
	xdotool(t, display, "windowsize", win, "1200", "760")
	waitForGeometry(t, display, win, "1200x760")
	time.Sleep(time.Second)
	app.quit(t)

	// Third run: a server from the command line, real traffic from socat.
	port := freePort(t)
	app = startApp(t, bin, env, "--listen", fmt.Sprintf("tcp://127.0.0.1:%d", port), "--echo")
	win = waitForWindow(t, display, app)
	// One connection: a text line, then a Modbus request, held open while
	// the screenshot is taken. Rows: accepted, in, out, in, out.
	echoed := make(chan string, 1)
	go func() {
		echoed <- socatLine(t, port, `hello from socat\r\n`, `\001\003\000\000\000\012\305\315`)
	}()
	time.Sleep(2 * time.Second)                                                   // the pump shows it within a few frames
	xdotool(t, display, "mousemove", "--window", win, "700", "292", "click", "1") // the Modbus request's row
	time.Sleep(time.Second)
	shot = filepath.Join(dir, "session.png")
	screenshot(t, display, win, shot)
	checkRendered(t, shot)
	keepScreenshot(t, shot, "screenshot-session.png")
	if got, want := <-echoed, `hello from socat\r\n\x01\x03\x00\x00\x00\n\xc5\xcd`; got != want {
		t.Errorf("the session tab's echo server answered %q, want %q", got, want)
	}
	app.quit(t)
}

// waitForSavedSize waits until the workspace file under home records the
// window as w×h: Fyne handles a resize on its own loop, slowly on a loaded
// machine, and the app writes the size half a second after.
func waitForSavedSize(t *testing.T, home string, w, h int) {
	t.Helper()
	want := fmt.Sprintf(`"window": {
    "width": %d,
    "height": %d`, w, h)
	deadline := time.Now().Add(30 * time.Second)
	for {
		files, _ := filepath.Glob(filepath.Join(home, ".config", "fyne", "*", "workspace", "workspace.json"))
		for _, f := range files {
			if b, err := os.ReadFile(f); err == nil && strings.Contains(string(b), want) {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 30 s the workspace file (%q) does not record the window as %dx%d", files, w, h)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// keepScreenshot copies shot into $SOCKPLAY_SCREENSHOTS as name, if set.
func keepScreenshot(t *testing.T, shot, name string) {
	t.Helper()
	if dir := os.Getenv("SOCKPLAY_SCREENSHOTS"); dir != "" {
		copyFile(t, shot, filepath.Join(dir, name))
		t.Logf("screenshot saved to %s", filepath.Join(dir, name))
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// socatLine sends each text (printf escapes, octal for bytes) through
// socat, a peer nobody here wrote, half a second apart, keeps the
// connection open 4 s more, and returns what came back, Go-quoted without
// the quotes. It runs on a goroutine: it reports with Errorf, not Fatal.
func socatLine(t *testing.T, port int, texts ...string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var sends []string
	for _, text := range texts {
		sends = append(sends, fmt.Sprintf("printf '%s'; sleep 0.5", text))
	}
	script := fmt.Sprintf("(%s; sleep 4) | socat -t 2 - TCP:127.0.0.1:%d", strings.Join(sends, "; "), port)
	out, err := exec.CommandContext(ctx, "sh", "-c", script).Output()
	if err != nil {
		t.Errorf("socat to the session: %v", err)
	}
	q := strconv.Quote(string(out))
	return q[1 : len(q)-1]
}

func buildBinary(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "sockplay")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startXvfb starts an X server on a free display and returns ":N".
func startXvfb(t *testing.T) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	// -noreset: an X server resets when its last client leaves (here the
	// probe below), and a window that connects during the reset fails to
	// open ("failed to initialise GLFW"), which failed a CI run.
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp", "-noreset")
	cmd.ExtraFiles = []*os.File{w}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start Xvfb: %v", err)
	}
	w.Close()
	t.Cleanup(func() {
		// SIGTERM lets Xvfb remove its lock and socket; a killed one
		// leaves them for the next run's display to trip on.
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		line <- strings.TrimSpace(s)
		r.Close()
	}()
	select {
	case n := <-line:
		if n == "" {
			t.Fatal("Xvfb exited without reporting a display")
		}
		// Reported is not yet always answering: wait until a client connects.
		display := ":" + n
		for i := 0; ; i++ {
			probe := exec.Command("xdotool", "getdisplaygeometry")
			probe.Env = append(os.Environ(), "DISPLAY="+display)
			if probe.Run() == nil {
				return display
			}
			if i == 100 {
				t.Fatalf("Xvfb on %s took no connection within 10s", display)
			}
			time.Sleep(100 * time.Millisecond)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Xvfb reported no display within 20s")
	}
	return ""
}

// startSessionBus starts a private D-Bus session bus, as a desktop session
// has, and returns its address.
func startSessionBus(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("dbus-daemon", "--session", "--fork", "--print-address=1", "--print-pid=1").Output()
	if err != nil {
		t.Fatalf("start dbus-daemon: %v", err)
	}
	var addr string
	var pid int
	if _, err := fmt.Sscan(string(out), &addr, &pid); err != nil {
		t.Fatalf("dbus-daemon printed %q: %v", out, err)
	}
	t.Cleanup(func() { syscall.Kill(pid, syscall.SIGTERM) })
	return addr
}

type runningApp struct {
	cmd    *exec.Cmd
	out    *bytes.Buffer
	exited chan error
}

func startApp(t *testing.T, bin string, env []string, args ...string) *runningApp {
	t.Helper()
	a := &runningApp{cmd: exec.Command(bin, args...), out: new(bytes.Buffer), exited: make(chan error, 1)}
	a.cmd.Env = env
	a.cmd.Stdout, a.cmd.Stderr = a.out, a.out
	if err := a.cmd.Start(); err != nil {
		t.Fatalf("start sockplay: %v", err)
	}
	go func() { a.exited <- a.cmd.Wait() }()
	t.Cleanup(func() {
		a.cmd.Process.Kill()
	})
	return a
}

// quit sends SIGTERM, as a terminal's kill does, and checks a clean exit
// and clean output.
func (a *runningApp) quit(t *testing.T) {
	t.Helper()
	a.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-a.exited:
		if err != nil {
			t.Errorf("sockplay exited with %v after SIGTERM", err)
		}
	case <-time.After(15 * time.Second):
		// Ask the Go runtime for every goroutine's stack: where it hangs.
		a.cmd.Process.Signal(syscall.SIGQUIT)
		select {
		case <-a.exited:
		case <-time.After(5 * time.Second):
		}
		t.Fatalf("sockplay did not exit within 15s of SIGTERM; output (stacks after SIGQUIT):\n%s", a.out)
	}
	a.checkOutput(t)
}

func (a *runningApp) checkOutput(t *testing.T) {
	t.Helper()
	if out := a.out.String(); badOutput.MatchString(out) {
		t.Errorf("sockplay printed errors:\n%s", out)
	} else if strings.TrimSpace(out) != "" {
		t.Errorf("sockplay printed unexpected output:\n%s", out)
	}
}

func waitForWindow(t *testing.T, display string, a *runningApp) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	for {
		search := exec.CommandContext(ctx, "xdotool", "search", "--onlyvisible", "--name", "^sockplay$")
		search.Env = append(os.Environ(), "DISPLAY="+display)
		out, _ := search.Output()
		if ids := strings.Fields(string(out)); len(ids) > 0 {
			return ids[0]
		}
		select {
		case err := <-a.exited:
			t.Fatalf("sockplay exited (%v) before its window appeared; output:\n%s", err, a.out)
		case <-ctx.Done():
			t.Fatalf("no sockplay window on %s within 90s; output:\n%s", display, a.out)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// waitForGeometry waits until the X server reports the window at size:
// xdotool's resize is asynchronous and slow on a loaded machine.
func waitForGeometry(t *testing.T, display, win, size string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		geom := xdotool(t, display, "getwindowgeometry", win)
		if strings.Contains(geom, "Geometry: "+size) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("window never reached %s; xdotool says:\n%s", size, geom)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func xdotool(t *testing.T, display string, args ...string) string {
	t.Helper()
	cmd := exec.Command("xdotool", args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("xdotool %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func screenshot(t *testing.T, display, win, path string) {
	t.Helper()
	cmd := exec.Command("import", "-window", win, path)
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
}

// checkRendered fails on a blank capture: a window that mapped but never drew.
func checkRendered(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatalf("decode screenshot: %v", err)
	}
	colours := map[[3]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, _ := img.At(x, y).RGBA()
			colours[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
		}
	}
	if b.Dx() < 400 || b.Dy() < 300 || len(colours) < 16 {
		t.Fatalf("screenshot %dx%d with %d colours: the window did not render", b.Dx(), b.Dy(), len(colours))
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
