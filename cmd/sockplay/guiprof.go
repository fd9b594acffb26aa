package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"strconv"
	"time"
)

// startGUIProfiles writes profiles of the window for bench/gui_soak.sh and
// whoever profiles it: SOCKPLAY_CPUPROFILE=FILE records CPU for
// SOCKPLAY_PROFILE_SECS seconds (default 30) from the start, and
// SOCKPLAY_BLOCKPROFILE / SOCKPLAY_MUTEXPROFILE=FILE sample blocking and
// lock contention over the same time, and SOCKPLAY_TRACE=FILE is an
// execution trace of it (go tool trace), written when it ends. A timed
// profile, because the window's process ends in os.Exit.
func startGUIProfiles(errw io.Writer) {
	cpu, block, mutex := os.Getenv("SOCKPLAY_CPUPROFILE"), os.Getenv("SOCKPLAY_BLOCKPROFILE"), os.Getenv("SOCKPLAY_MUTEXPROFILE")
	tr := os.Getenv("SOCKPLAY_TRACE")
	if cpu == "" && block == "" && mutex == "" && tr == "" {
		return
	}
	secs := 30
	if n, err := strconv.Atoi(os.Getenv("SOCKPLAY_PROFILE_SECS")); err == nil && n > 0 {
		secs = n
	}
	var cpuf *os.File
	if cpu != "" {
		f, err := os.Create(cpu)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(errw, "sockplay: cpu profile:", err)
		} else {
			cpuf = f
		}
	}
	var trf *os.File
	if tr != "" {
		f, err := os.Create(tr)
		if err == nil {
			err = trace.Start(f)
		}
		if err != nil {
			fmt.Fprintln(errw, "sockplay: trace:", err)
		} else {
			trf = f
		}
	}
	if block != "" {
		runtime.SetBlockProfileRate(int(100 * time.Microsecond))
	}
	if mutex != "" {
		runtime.SetMutexProfileFraction(5)
	}
	time.AfterFunc(time.Duration(secs)*time.Second, func() {
		if trf != nil {
			trace.Stop()
			trf.Close()
		}
		if cpuf != nil {
			pprof.StopCPUProfile()
			cpuf.Close()
		}
		for _, p := range []struct{ name, path string }{{"block", block}, {"mutex", mutex}} {
			if p.path == "" {
				continue
			}
			if f, err := os.Create(p.path); err == nil {
				pprof.Lookup(p.name).WriteTo(f, 0)
				f.Close()
			}
		}
		fmt.Fprintln(errw, "sockplay: profiles written")
	})
}
