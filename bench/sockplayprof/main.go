// Command sockplayprof is sockplay's headless commands (no window, no cgo)
// with profiling, for finding what limits a bench row:
//
//	go build -o /tmp/sockplayprof ./bench/sockplayprof
//	SOCKPLAY_CPUPROFILE=/tmp/serve.cpu SOCKPLAY_MEMPROFILE=/tmp/serve.mem \
//	    /tmp/sockplayprof serve tcp://127.0.0.1:9000 --quiet --once
//	go tool pprof -top /tmp/sockplayprof /tmp/serve.cpu
//	go tool pprof -sample_index=alloc_space -top /tmp/sockplayprof /tmp/serve.mem
//
// SOCKPLAY_CPUPROFILE writes a CPU profile of the whole run,
// SOCKPLAY_MEMPROFILE an allocation profile at the end (every allocation
// sampled), SOCKPLAY_TRACE an execution trace of the whole run (go tool
// trace: where goroutines waited). SIGINT and SIGTERM end the command as the real binary's do,
// so the profiles are written. bench/*.sh take it as SOCKPLAY=path too.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"syscall"

	"github.com/sockplay/sockplay/cmd/sockplay/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	memPath := os.Getenv("SOCKPLAY_MEMPROFILE")
	if memPath != "" {
		runtime.MemProfileRate = 1
	}
	if path := os.Getenv("SOCKPLAY_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "sockplayprof:", err)
			os.Exit(2)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "sockplayprof:", err)
			os.Exit(2)
		}
		defer f.Close()
	}
	if path := os.Getenv("SOCKPLAY_TRACE"); path != "" {
		f, err := os.Create(path)
		if err == nil {
			err = trace.Start(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "sockplayprof:", err)
			os.Exit(2)
		}
		defer f.Close()
	}
	code := cli.Run(ctx, os.Args[1:], cli.Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr})
	stop()
	pprof.StopCPUProfile()
	trace.Stop()
	if memPath != "" {
		if f, err := os.Create(memPath); err == nil {
			pprof.Lookup("allocs").WriteTo(f, 0)
			f.Close()
		}
	}
	os.Exit(code)
}
