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
		if err := writeLog(w, log, jsonl); err != nil {
			dialog.ShowError(fmt.Errorf("export %s: %w", w.URI().Name(), err), t.main.Window)
		}
	}, t.main.Window)
	d.SetFileName(strings.NewReplacer("/", "_", ":", "_", " ", "_").Replace(t.spec.Title()) + ".txt")
	d.SetFilter(storage.NewExtensionFileFilter([]string{".txt", ".jsonl"}))
	d.Show()
}

// writeLog writes every entry the view holds, oldest first, a copy at a time
// so the log's lock is never held across a write.
func writeLog(w io.Writer, log *sessions.Log, jsonl bool) error {
	bw := bufio.NewWriter(w)
	var line []byte
	for i := 0; ; i++ {
		e, ok := log.At(i)
		if !ok {
			break
		}
		if jsonl {
			line = sessions.AppendJSON(line[:0], e)
			bw.Write(line)
			continue
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
	return bw.Flush()
}
