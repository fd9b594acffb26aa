package payload

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestMacros(t *testing.T) {
	cases := []syntaxCase{
		{name: "counter", src: "n={{counter}}", want: "n=0"},
		{name: "counter start", src: "{{counter:41}}", want: "41"},
		{name: "counter width", src: "{{counter:7:4}}", want: "0007"},
		{name: "counter width smaller than number", src: "{{counter:12345:2}}", want: "12345"},
		{name: "counter max start", src: "{{counter:18446744073709551615}}", want: "18446744073709551615"},
		{name: "time", src: "{{time}}", want: "2026-01-02T15:04:05.123+01:00"},
		{name: "unix", src: "{{unix}}", want: "1767362645"},
		{name: "unixms", src: "{{unixms}}", want: "1767362645123"},
		{name: "two macros", src: "{{unix}}-{{counter}}", want: "1767362645-0"},
		{name: "unknown", src: "ab{{foo}}", wantErr: `unknown macro "{{foo}}" at column 3; valid macros are counter, time, unix, unixms, rand, pack`},
		{name: "empty macro", src: "{{}}", wantErr: `unknown macro "{{}}" at column 1; valid macros are counter, time, unix, unixms, rand, pack`},
		{name: "names are case-sensitive", src: "{{Time}}", wantErr: `unknown macro "{{Time}}" at column 1; valid macros are counter, time, unix, unixms, rand, pack`},
		{name: "spaces are not trimmed", src: "{{ time }}", wantErr: `unknown macro "{{ time }}" at column 1; valid macros are counter, time, unix, unixms, rand, pack`},
		{name: "long unknown is shortened", src: "{{" + strings.Repeat("x", 50) + "}}", wantErr: `unknown macro "{{xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…" at column 1; valid macros are counter, time, unix, unixms, rand, pack`},
		{name: "unclosed", src: "abcd{{counter", wantErr: `unclosed "{{" at column 5`},
		{name: "unclosed before newline", src: "{{counter\n}}", wantErr: `unclosed "{{" at column 1`},
		{name: "unclosed before another", src: "{{ {{counter}}", wantErr: `unclosed "{{" at column 1`},
		{name: "unclosed one brace", src: "{{time}", wantErr: `unclosed "{{" at column 1`},
		{name: "time takes no argument", src: "{{time:utc}}", wantErr: `macro "{{time:utc}}" at column 1 takes no argument`},
		{name: "unix takes no argument", src: "{{unix:}}", wantErr: `macro "{{unix:}}" at column 1 takes no argument`},
		{name: "counter bad start", src: "{{counter:x}}", wantErr: `counter start "x" in "{{counter:x}}" at column 1 is not a whole number from 0 to 18446744073709551615`},
		{name: "counter negative start", src: "{{counter:-1}}", wantErr: `counter start "-1" in "{{counter:-1}}" at column 1 is not a whole number from 0 to 18446744073709551615`},
		{name: "counter signed start", src: "{{counter:+1}}", wantErr: `counter start "+1" in "{{counter:+1}}" at column 1 is not a whole number from 0 to 18446744073709551615`},
		{name: "counter empty start", src: "{{counter:}}", wantErr: `counter start "" in "{{counter:}}" at column 1 is not a whole number from 0 to 18446744073709551615`},
		{name: "counter start overflow", src: "{{counter:18446744073709551616}}", wantErr: `counter start "18446744073709551616" in "{{counter:18446744073709551616}}" at column 1 is not a whole number from 0 to 18446744073709551615`},
		{name: "counter zero width", src: "{{counter:0:0}}", wantErr: `counter width "0" in "{{counter:0:0}}" at column 1 is not between 1 and 20`},
		{name: "counter wide", src: "{{counter:0:21}}", wantErr: `counter width "21" in "{{counter:0:21}}" at column 1 is not between 1 and 20`},
		{name: "counter too many", src: "{{counter:1:2:3}}", wantErr: `macro "{{counter:1:2:3}}" at column 1 has too many arguments; use {{counter:START:WIDTH}}`},
		{name: "rand no length", src: "{{rand}}", wantErr: `macro "{{rand}}" at column 1 needs one length, e.g. {{rand:16}}`},
		{name: "rand two lengths", src: "{{rand:1:2}}", wantErr: `macro "{{rand:1:2}}" at column 1 needs one length, e.g. {{rand:16}}`},
		{name: "rand zero", src: "{{rand:0}}", wantErr: `rand length "0" in "{{rand:0}}" at column 1 is not between 1 and 65536`},
		{name: "rand too big", src: "{{rand:65537}}", wantErr: `rand length "65537" in "{{rand:65537}}" at column 1 is not between 1 and 65536`},
		{name: "rand not a number", src: "{{rand:ten}}", wantErr: `rand length "ten" in "{{rand:ten}}" at column 1 is not between 1 and 65536`},
		{name: "macro column counts runes", src: "éé{{x}}", wantErr: `unknown macro "{{x}}" at column 3; valid macros are counter, time, unix, unixms, rand, pack`},
		{name: "macro on second line", src: "a\nbc{{x}}", wantErr: `unknown macro "{{x}}" at line 2, column 3; valid macros are counter, time, unix, unixms, rand, pack`},
	}
	t.Run("text", func(t *testing.T) { runSyntaxCases(t, Text, cases) })
	// The same macros and errors hold in Hex mode, with the same bytes.
	t.Run("hex", func(t *testing.T) {
		hexCases := make([]syntaxCase, 0, len(cases))
		for _, tc := range cases {
			if !strings.HasPrefix(tc.src, "{{") || strings.Contains(tc.src, "}}-") {
				continue // surrounding text is not hex
			}
			hexCases = append(hexCases, tc)
		}
		runSyntaxCases(t, Hex, hexCases)
	})
}

func TestRand(t *testing.T) {
	for _, mode := range []Mode{Text, Hex} {
		p, err := Compile(Spec{Mode: mode, Source: "{{rand:1}}{{rand:65536}}"})
		if err != nil {
			t.Fatal(err)
		}
		a, _ := p.Render(nil, fixedNow)
		b, _ := p.Render(nil, fixedNow)
		if len(a) != 65537 || len(b) != 65537 {
			t.Fatalf("%s: rand rendered %d and %d bytes, want 65537", mode, len(a), len(b))
		}
		if bytes.Equal(a, b) {
			t.Fatalf("%s: two renders of 64 KiB of rand are equal", mode)
		}
	}
}

func TestCounterAcrossRenders(t *testing.T) {
	p, err := Compile(Spec{Mode: Text, Source: "{{counter:1:3}}/{{counter:100}}"})
	if err != nil {
		t.Fatal(err)
	}
	var c Counter
	for _, want := range []string{"001/100", "002/101", "003/102"} {
		got, _ := p.Render(&c, fixedNow)
		if string(got) != want {
			t.Fatalf("render = %q, want %q", got, want)
		}
	}
	if c.Value() != 3 {
		t.Fatalf("counter value %d after three renders, want 3", c.Value())
	}
	static, _ := Compile(Spec{Mode: Text, Source: "no counter"})
	static.Render(&c, fixedNow)
	if c.Value() != 3 {
		t.Fatal("a payload without {{counter}} took a number")
	}
	c.Reset()
	if got, _ := p.Render(&c, fixedNow); string(got) != "001/100" {
		t.Fatalf("after Reset render = %q, want 001/100", got)
	}
	if got, _ := p.Render(nil, fixedNow); string(got) != "001/100" {
		t.Fatalf("nil counter render = %q, want 001/100", got)
	}
}

func TestCounterConcurrent(t *testing.T) {
	p, err := Compile(Spec{Mode: Text, Source: "{{counter}}"})
	if err != nil {
		t.Fatal(err)
	}
	var c Counter
	var mu sync.Mutex
	seen := map[string]bool{}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				b, _ := p.Render(&c, time.Now())
				mu.Lock()
				seen[string(b)] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != 800 || c.Value() != 800 {
		t.Fatalf("800 concurrent renders gave %d distinct numbers, counter %d", len(seen), c.Value())
	}
}

func TestTimeUsesLocationOfNow(t *testing.T) {
	p, _ := Compile(Spec{Mode: Text, Source: "{{time}}"})
	got, _ := p.Render(nil, fixedNow.UTC())
	if string(got) != "2026-01-02T14:04:05.123Z" {
		t.Fatalf("time in UTC = %q", got)
	}
}

// FuzzTemplate checks that no macro source panics in Text or Hex mode, that
// errors keep their promises, and that a compiled payload renders the same
// way twice for fixed time and counter unless it draws random bytes.
func FuzzTemplate(f *testing.F) {
	for _, s := range []string{"{{counter}}", "{{counter:5:3}}", "{{time}}{{unix}}{{unixms}}", "{{rand:4}}", "{{", "{{}}", "{{counter:1:2:3}}", "a{{x}}b", "{{rand:99999}}", "01{{counter}}02"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, hexMode bool) {
		mode := Text
		if hexMode {
			mode = Hex
		}
		p, err := Compile(Spec{Mode: mode, Source: s})
		if err != nil {
			checkSyntaxError(t, s, err)
			return
		}
		a, err1 := p.Render(&Counter{}, fixedNow)
		b, err2 := p.Render(&Counter{}, fixedNow)
		if err1 != nil || err2 != nil {
			t.Fatalf("Render(%q): %v, %v", s, err1, err2)
		}
		if !strings.Contains(s, "{{rand:") && !bytes.Equal(a, b) {
			t.Fatalf("Render(%q) differs between two renders: %q, %q", s, a, b)
		}
	})
}
