package gui

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"

	"github.com/sockplay/sockplay/netcore/hexdump"
	"github.com/sockplay/sockplay/sessions"
)

// export saves the traffic log: as JSON lines when the name ends in .jsonl
// (one object per entry, data as text or hex like `sockplay serve --json`),
// otherwise as text with a canonical hex dump under each data entry.
func (t *SessionTab) export() {
	log := t.sess.Log()
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		defer w.Close()
		jsonl := strings.HasSuffix(strings.ToLower(w.URI().Name()), ".jsonl")
		rows, err := writeLog(w, log, jsonl)
		if err != nil {
			dialog.ShowError(fmt.Errorf("export %s: %w", w.URI().Name(), err), t.main.Window)
			return
		}
		t.exported(rows, w.URI().Name())
	}, t.main.Window)
	d.SetFileName(strings.NewReplacer("/", "_", ":", "_", " ", "_").Replace(t.spec.Title()) + ".txt")
	d.SetFilter(storage.NewExtensionFileFilter([]string{".txt", ".jsonl"}))
	d.Show()
}

// writeLog writes every entry the view holds, oldest first, starting with
// what it no longer holds ("1.2 GiB in 129,433 rows not kept", with the
// time of the newest of them). Entries are copied out of the log in
// batches, so its lock is never held across a write.
func writeLog(w io.Writer, log *sessions.Log, jsonl bool) (rows int, err error) {
	bw := bufio.NewWriter(w)
	var line []byte
	write := func(e sessions.Entry) {
		rows++
		if jsonl {
			line = sessions.AppendJSON(line[:0], e)
			bw.Write(line)
			return
		}
		when := time.UnixMicro(e.Micros).Format("2006-01-02 15:04:05.000000")
		fmt.Fprintf(bw, "%s  %s", when, e.Kind)
		if e.Peer != sessions.NoPeer {
			fmt.Fprintf(bw, "  #%d %s", e.Peer, e.Addr)
		}
		if e.Kind.Data() {
			fmt.Fprintf(bw, "  %d bytes\n", len(e.Data))
			bw.WriteString(hexdump.Dump(e.Data, hexdump.Options{}))
		} else {
			fmt.Fprintf(bw, "  %s\n", e.Text)
		}
	}
	if m, ok := log.Marker(); ok {
		write(m)
	}
	const batch = 1024
	var buf []sessions.Entry
	for next := uint64(0); ; {
		buf = buf[:0]
		next = log.Range(next, func(e sessions.Entry) bool {
			e.Data = append([]byte(nil), e.Data...)
			buf = append(buf, e)
			return len(buf) < batch
		})
		for _, e := range buf {
			write(e)
		}
		if len(buf) < batch {
			break
		}
	}
	return rows, bw.Flush()
}
