package gui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/sockplay/sockplay/netcore/payload"
	"github.com/sockplay/sockplay/netcore/pcap"
	"github.com/sockplay/sockplay/sessions"
	"github.com/sockplay/sockplay/sessions/replay"
)

// A replay tab is a live session tab driven by sessions/replay: it
// replays a captured conversation's client against a server, or stands in
// for its server. Each step (a request sent and its reply compared; a
// client's request answered) is a row in the log, red when it did not go
// as captured, its diff in the detail pane; the header says how it ended.
// Start runs it again from the beginning.

// replayRun is a replay tab's run as the header shows it.
type replayRun struct {
	phase   string // what it is doing before the session has started ("" after)
	verdict string // the summary once it has ended
	ok      bool   // every reply as captured (replay), or the stand-in ran
	running bool
}

// checkReplay says, in one sentence naming the field, what of a replay
// tab's settings is wrong.
func (s SessionSpec) checkReplay() error {
	_, _, err := s.replayConfigs()
	return err
}

// replayConfigs turns the tab's settings into the engine's configs.
func (s SessionSpec) replayConfigs() (replay.ClientConfig, replay.StandInConfig, error) {
	r := s.Replay
	spec := s.Spec
	spec.Record = "" // the tab records (record.go), not the engine
	if _, _, err := pcap.ParseStream(r.Stream); err != nil {
		return replay.ClientConfig{}, replay.StandInConfig{}, fmt.Errorf("stream: %w", err)
	}
	if r.StandIn {
		spec.Role = "server"
		cfg := replay.StandInConfig{Spec: spec, Match: replay.Match(r.Match)}
		switch cfg.Match {
		case "", replay.MatchOrder, replay.MatchContent:
		default:
			return replay.ClientConfig{}, cfg, fmt.Errorf("match: %q is not one of order, content", r.Match)
		}
		if r.Unknown != "" {
			mode := payload.Text
			if r.UnknownMode != "" {
				m, err := payload.ParseMode(r.UnknownMode)
				if err != nil {
					return replay.ClientConfig{}, cfg, fmt.Errorf("answer to unknown requests: %w", err)
				}
				mode = m
			}
			ps := payload.Spec{Mode: mode, Source: r.Unknown}
			if _, err := payload.Compile(ps); err != nil {
				return replay.ClientConfig{}, cfg, fmt.Errorf("answer to unknown requests: %w", err)
			}
			cfg.Unknown = &ps
		}
		if _, err := spec.Config(); err != nil {
			return replay.ClientConfig{}, cfg, err
		}
		return replay.ClientConfig{}, cfg, nil
	}
	spec.Role = "client"
	cfg := replay.ClientConfig{Spec: spec, Pace: replay.Pace(r.Pace)}
	switch cfg.Pace {
	case "", replay.PaceReply, replay.PaceCaptured, replay.PaceFast:
	default:
		return cfg, replay.StandInConfig{}, fmt.Errorf("pace: %q is not one of reply, captured, fast", r.Pace)
	}
	if t := strings.TrimSpace(r.Timeout); t != "" {
		d, err := time.ParseDuration(t)
		if err != nil || d <= 0 {
			return cfg, replay.StandInConfig{}, fmt.Errorf("reply timeout: %q is not a duration such as 5s or 500ms", r.Timeout)
		}
		cfg.Timeout = d
	}
	if _, err := spec.Config(); err != nil {
		return cfg, replay.StandInConfig{}, err
	}
	return cfg, replay.StandInConfig{}, nil
}

// startReplay reads the capture (shared with its other tabs), makes the
// replay or stand-in, shows its session and runs it, on a goroutine the
// tab owns. Stop ends it; the log keeps what it did.
func (t *SessionTab) startReplay() {
	if t.replay.running {
		return
	}
	cc, sc, err := t.spec.replayConfigs()
	if err != nil {
		t.lastErr = err.Error()
		t.refresh()
		return
	}
	ref := t.spec.Replay.CaptureRef
	standIn := t.spec.Replay.StandIn
	ctx, cancel := context.WithCancel(context.Background())
	t.cancel = cancel
	t.lastErr = ""
	t.replay = replayRun{phase: "Reading " + ref.Name() + "…", running: true}
	t.refresh()
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		fail := func(err error) {
			t.inbox.post(func() {
				t.replay = replayRun{}
				t.lastErr = err.Error()
				t.refresh()
			})
		}
		conv, err := t.main.captures.conversation(ctx, ref)
		if err != nil {
			fail(err)
			return
		}
		var (
			client *replay.Client
			stand  *replay.StandIn
			sess   *sessions.Session
		)
		if standIn {
			stand, err = replay.NewStandIn(*conv, sc)
			if err == nil {
				sess = stand.Session()
			}
		} else {
			client, err = replay.NewClient(*conv, cc)
			if err == nil {
				sess = client.Session()
			}
		}
		if err != nil {
			fail(err)
			return
		}
		shown := make(chan struct{})
		t.inbox.post(func() {
			defer close(shown)
			if ctx.Err() != nil {
				return
			}
			t.swapSession(sess)
			t.recordFromStart(sess) // record.go: before it starts
			t.replay.phase = ""
			t.startPump()
			t.refresh()
		})
		select {
		case <-shown:
		case <-ctx.Done(): // closed before the window took it: Close waits for us
		}
		if ctx.Err() != nil {
			sess.Close()
			return
		}
		report := func(st replay.Step) { sess.Note(strings.TrimRight(st.Text(), "\n"), !stepWent(st)) }
		var verdict string
		var ok bool
		if standIn {
			if err := stand.Start(ctx, report); err != nil {
				fail(err)
				return
			}
			<-ctx.Done()
			sum := stand.Close()
			verdict, ok = strings.TrimSpace(sum.StandInText()), true
		} else {
			sum, err := client.Run(ctx, report)
			if err != nil {
				fail(err)
				return
			}
			verdict, ok = strings.TrimSpace(sum.ReplayText()), sum.OK
		}
		sess.Note(verdict, !ok)
		t.inbox.post(func() {
			t.replay = replayRun{verdict: verdict, ok: ok}
			t.refresh()
		})
	}()
}

// stepWent says whether a step went as the capture had it.
func stepWent(st replay.Step) bool {
	switch st.Kind {
	case replay.KindError, replay.KindUnknown:
		return false
	case replay.KindRequest:
		return st.Match
	case replay.KindGreeting, replay.KindSend:
		return st.Status == replay.StatusMatch || st.Status == replay.StatusUnchecked
	case replay.KindClient:
		return st.Status != replay.StatusError
	}
	return true
}

// replayState is a replay tab's state line while it reads the capture, and
// its verdict once it has ended (bad: not as captured).
func (t *SessionTab) replayState(st sessions.State) (text string, bad bool) {
	if t.spec.Replay == nil {
		return "", false
	}
	if t.replay.phase != "" {
		return t.replay.phase, false
	}
	if t.replay.verdict != "" && (st == sessions.StateClosed || st == sessions.StateFailed) {
		v := t.replay.verdict
		return strings.ToUpper(v[:1]) + v[1:], !t.replay.ok
	}
	return "", false
}
