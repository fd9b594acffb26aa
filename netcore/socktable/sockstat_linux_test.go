package socktable

import "testing"

func TestCountHint(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want int
	}{
		{"busy machine", "sockets: used 20131\nTCP: inuse 20007 orphan 0 tw 3 alloc 20009 mem 2\nUDP: inuse 4 mem 1\n", 20134},
		{"time-wait counted", "sockets: used 8\nTCP: inuse 1 orphan 0 tw 10000 alloc 1 mem 119\n", 10008},
		{"small: the floor", "sockets: used 12\nTCP: inuse 2 orphan 0 tw 0 alloc 2 mem 0\n", countHintMin},
		{"empty", "", countHintMin},
		{"not numbers", "sockets: used many\nTCP: tw -5\n", countHintMin},
		{"huge: the ceiling", "sockets: used 99999999999999999999\nTCP: tw 9999999\n", countHintMax},
		{"word at the end", "sockets: used\n", countHintMin},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := countHint([]byte(tt.in)); got != tt.want {
				t.Errorf("countHint(%q) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzCountHint(f *testing.F) {
	f.Add([]byte("sockets: used 20131\nTCP: inuse 20007 orphan 0 tw 3 alloc 20009 mem 2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if n := countHint(data); n < countHintMin || n > countHintMax {
			t.Fatalf("countHint(%q) = %d, outside [%d, %d]", data, n, countHintMin, countHintMax)
		}
	})
}
