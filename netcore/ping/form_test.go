package ping

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestFormConfig(t *testing.T) {
	def := Config{Host: "127.0.0.1", Size: DefaultSize}
	tests := []struct {
		name string
		form Form
		want Config
	}{
		{"defaults", Form{Host: "127.0.0.1"}, def},
		{"spaces around", Form{Host: " 127.0.0.1 ", Count: " 7 ", Interval: " 2 "},
			Config{Host: "127.0.0.1", Size: DefaultSize, Count: 7, Interval: 2 * time.Second}},
		{"every field", Form{Host: "::1", Family: "ipv6", Count: "5", Interval: "0.2", Size: "100", TTL: "32", Timeout: "2s", Source: "::1"},
			Config{Host: "::1", Family: IPv6, Count: 5, Interval: 200 * time.Millisecond, Size: 100, TTL: 32, Timeout: 2 * time.Second, Source: "::1"}},
		{"ipv4, durations", Form{Host: "h", Family: "ipv4", Interval: "50ms", Timeout: "1.5s"},
			Config{Host: "h", Family: IPv4, Size: DefaultSize, Interval: 50 * time.Millisecond, Timeout: 1500 * time.Millisecond}},
		{"any family", Form{Host: "h", Family: "any"}, Config{Host: "h", Size: DefaultSize}},
		{"zeros that mean something", Form{Host: "h", Count: "0", Size: "0", TTL: "0"}, Config{Host: "h"}},
		{"timeout 0 waits for ever, as -W 0", Form{Host: "h", Timeout: "0"}, Config{Host: "h", Size: DefaultSize, Timeout: WaitForever}},
		{"timeout 0s too", Form{Host: "h", Timeout: "0s"}, Config{Host: "h", Size: DefaultSize, Timeout: WaitForever}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.form.Config()
			if err != nil || got != tt.want {
				t.Errorf("Config() = %+v, %v\nwant %+v", got, err, tt.want)
			}
			if _, err := got.normalize(); err != nil {
				t.Errorf("New would refuse what the form passed: %v", err)
			}
		})
	}
}

func TestFormErrors(t *testing.T) {
	tests := []struct {
		name  string
		form  Form
		field string
		want  string
	}{
		{"no host", Form{}, FieldHost, "enter a host name or address to ping"},
		{"blank host", Form{Host: "  "}, FieldHost, "enter a host name or address to ping"},
		{"family", Form{Host: "h", Family: "ipv5"}, FieldFamily, `family "ipv5" is not one of any, ipv4, ipv6`},
		{"count", Form{Host: "h", Count: "three"}, FieldCount, `count "three" is not a whole number: leave it empty to ping until stopped`},
		{"negative count", Form{Host: "h", Count: "-3"}, FieldCount, `count "-3" is not a whole number`},
		{"interval", Form{Host: "h", Interval: "fast"}, FieldInterval, `interval "fast" is neither a duration (10ms, 1.5s) nor a number of seconds`},
		{"interval 0", Form{Host: "h", Interval: "0"}, FieldInterval, "interval 0 is below the 10ms minimum (sockplay never floods)"},
		{"interval 0ms", Form{Host: "h", Interval: "0ms"}, FieldInterval, "interval 0 is below the 10ms minimum"},
		{"interval floor", Form{Host: "h", Interval: "5ms"}, FieldInterval, "interval 5ms is below the 10ms minimum"},
		{"negative interval", Form{Host: "h", Interval: "-5"}, FieldInterval, "interval -5s is below the 10ms minimum"},
		{"interval rounding to nothing", Form{Host: "h", Interval: "1e-10"}, FieldInterval, `interval "1e-10" is shorter than a nanosecond`},
		{"interval of years", Form{Host: "h", Interval: "1e9"}, FieldInterval, `interval "1e9" is not a number of seconds ping can wait (under 1000000)`},
		{"size", Form{Host: "h", Size: "big"}, FieldSize, `size "big" is not a whole number: 0 to 65500 bytes of payload`},
		{"size too big", Form{Host: "h", Size: "70000"}, FieldSize, "size 70000: must be 0 to 65500 bytes"},
		{"ttl", Form{Host: "h", TTL: "-1"}, FieldTTL, `ttl "-1" is not a whole number: 1 to 255, or empty for the system's`},
		{"ttl too big", Form{Host: "h", TTL: "300"}, FieldTTL, "ttl 300: must be 1 to 255 (0 keeps the system's)"},
		{"timeout", Form{Host: "h", Timeout: "soon"}, FieldTimeout, `timeout "soon" is neither a duration`},
		{"negative timeout", Form{Host: "h", Timeout: "-1"}, FieldTimeout, "timeout -1s: must be positive"},
		{"source", Form{Host: "h", Source: "nowhere"}, FieldSource, `source "nowhere" is not an IP address`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.form.Config()
			var fe FormError
			if !errors.As(err, &fe) || len(fe) != 1 {
				t.Fatalf("error %v, want one bad field", err)
			}
			if fe[0].Field != tt.field || err.Error() != tt.want && !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("field %s: %q\nwant field %s: %q", fe[0].Field, err, tt.field, tt.want)
			}
			if !errors.Is(err, ErrInvalidConfig) || !errors.Is(fe[0], ErrInvalidConfig) {
				t.Errorf("%v does not match ErrInvalidConfig", err)
			}
		})
	}
}

// Every bad field is named, once, in the form's order; the fields read
// well are kept.
func TestFormErrorsAllAtOnce(t *testing.T) {
	cfg, err := Form{Host: "h", Source: "x", TTL: "999", Count: "x", Family: "ipv9", Interval: "3"}.Config()
	var fe FormError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v", err)
	}
	var fields []string
	for _, e := range fe {
		fields = append(fields, e.Field)
	}
	if got := strings.Join(fields, " "); got != "family count ttl source" {
		t.Errorf("bad fields %q, want family count ttl source", got)
	}
	if strings.Count(err.Error(), "; ") != 3 {
		t.Errorf("error %q, want four sentences", err)
	}
	if cfg.Interval != 3*time.Second || cfg.Host != "h" {
		t.Errorf("fields read well were lost: %+v", cfg)
	}
}

func TestParseSeconds(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		err  string
	}{
		{"50ms", 50 * time.Millisecond, ""}, {"1.5s", 1500 * time.Millisecond, ""}, {"0.2", 200 * time.Millisecond, ""},
		{"2", 2 * time.Second, ""}, {"0", 0, ""}, {"0.0", 0, ""}, {"0s", 0, ""}, {"-1s", -time.Second, ""}, {"-1", -time.Second, ""},
		{"999999", 999999 * time.Second, ""}, {"300h", 300 * time.Hour, ""},
		{"soon", 0, `"soon" is neither a duration (10ms, 1.5s) nor a number of seconds`},
		{" 2 ", 0, "neither"}, {"", 0, "neither"},
		{"0.0000000001", 0, `"0.0000000001" is shorter than a nanosecond`},
		{"1e9", 0, "not a number of seconds ping can wait"}, {"NaN", 0, "not a number of seconds"}, {"-Inf", 0, "not a number of seconds"},
	}
	for _, tt := range tests {
		got, err := ParseSeconds(tt.in)
		if tt.err == "" && (err != nil || got != tt.want) || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("ParseSeconds(%q) = %v, %v; want %v, %q", tt.in, got, err, tt.want, tt.err)
		}
	}
}

// New's refusals carry the field, for a front end that wants to point at it.
func TestConfigErrorNamesTheField(t *testing.T) {
	_, err := Config{Host: "h", Size: -1, TTL: 999}.normalize()
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != FieldSize || err.Error() != "invalid ping option: size -1: must be 0 to 65500 bytes" {
		t.Errorf("normalize: %v (field %+v)", err, fe)
	}
}

// FuzzFormConfig: any text in the form gives a Config New accepts, or a
// sentence per bad field, never a panic.
func FuzzFormConfig(f *testing.F) {
	f.Add("127.0.0.1", "any", "3", "0.2", "56", "64", "2s", "")
	f.Add("", "ipv7", "-1", "0", "x", "300", "0", "nowhere")
	f.Add("::1", "ipv6", "", "1e-10", "65501", "", "NaN", "::1")
	f.Fuzz(func(t *testing.T, host, family, count, interval, size, ttl, timeout, source string) {
		form := Form{host, family, count, interval, size, ttl, timeout, source}
		cfg, err := form.Config()
		if err == nil {
			if _, err := cfg.normalize(); err != nil {
				t.Fatalf("%+v passed the form, New refuses: %v", form, err)
			}
			return
		}
		var fe FormError
		if !errors.As(err, &fe) || len(fe) == 0 {
			t.Fatalf("%+v: error %v is no FormError", form, err)
		}
		seen := map[string]bool{}
		for _, e := range fe {
			if seen[e.Field] || e.Error() == "" {
				t.Fatalf("%+v: field %q twice or without a sentence: %v", form, e.Field, err)
			}
			seen[e.Field] = true
		}
	})
}
