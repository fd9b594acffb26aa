package gui

import (
	"image/color"
	"strings"
	"testing"

	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/sessions"
)

// A Modbus/TCP request read as fields: the layout's names, offsets,
// decimal and hex; a short row and a bad layout say so in a sentence;
// the layout comes back with the tab.
func TestDetailFields(t *testing.T) {
	m := newTestMain(t)
	server, client := openPair(t, m)
	client.Composer.Mode.SetSelected("Hex")
	client.Composer.Input.SetText("00 2a 00 00 00 06 01 03 00 00 00 02")
	client.Composer.SendOnce()
	server.Direction.SetSelected(dirIn)
	waitFor(t, "the request at the server", func() bool { return server.Traffic.length() == 1 }, server)
	server.Traffic.List.Select(0)

	d := server.Detail
	d.View.SetSelected(viewFields)
	d.Fields.Layout.SetText(">H:tid H:proto H:len B:unit B:fc")
	got := d.Fields.Grid.Text()
	for _, want := range []string{"offset  field  type  value  hex", "0       tid    H     42     0x002a", "7       fc     B     3      0x03",
		"+4 bytes after the layout: 00 00 00 02"} {
		if !strings.Contains(got, want) {
			t.Errorf("fields lack %q:\n%s", want, got)
		}
	}
	if d.Fields.Status.Text != "5 fields from 8 bytes; 4 more bytes after the layout" {
		t.Errorf("status %q", d.Fields.Status.Text)
	}

	// Back in the hex dump, each field's bytes wear its colour.
	d.View.SetSelected(viewHex)
	styleAt := func(col int) color.Color {
		st := d.Hex.Rows[0].Cells[col].Style
		if st == nil {
			return nil
		}
		return st.TextColor()
	}
	if styleAt(10) == nil || styleAt(10) != styleAt(13) || styleAt(16) == nil || styleAt(16) == styleAt(10) || styleAt(35) != nil {
		t.Errorf("hex shading: tid %v %v, proto %v, byte 8 %v", styleAt(10), styleAt(13), styleAt(16), styleAt(35))
	}
	d.View.SetSelected(viewFields)
	d.Fields.Layout.SetText(">H:tid 20s:rest")
	if d.Fields.Status.Text != "the message has 12 bytes; rest (20s) needs bytes 2 to 21; the fields before it are shown" ||
		d.Fields.Status.Importance != widget.DangerImportance || !strings.Contains(d.Fields.Grid.Text(), "tid") {
		t.Errorf("short row: status %q, grid %q", d.Fields.Status.Text, d.Fields.Grid.Text())
	}
	d.Fields.Layout.SetText(">HZ")
	if !strings.Contains(d.Fields.Status.Text, `'Z' is not a format character`) || d.Fields.Grid.Text() != "" {
		t.Errorf("bad layout: status %q", d.Fields.Status.Text)
	}
	d.Fields.As.SetSelected("Modbus/TCP")
	if got := d.Fields.Grid.Text(); !strings.Contains(got, "Modbus/TCP: request") || !strings.Contains(got, "  function: 3 (read holding registers)") ||
		!strings.Contains(got, "  quantity: 2") || d.Fields.Layout.Visible() {
		t.Errorf("decoded as Modbus/TCP:\n%s", got)
	}
	d.Fields.As.SetSelected("DNS")
	if d.Fields.Status.Importance != widget.DangerImportance || !strings.HasPrefix(d.Fields.Status.Text, "cannot decode as DNS") {
		t.Errorf("a Modbus request as DNS: %q", d.Fields.Status.Text)
	}
	if got := server.Spec().View.Decode; got != "dns" {
		t.Errorf("the tab keeps decode %q", got)
	}
	d.Fields.As.SetSelected(asLayout)
	d.Fields.Layout.SetText("<HH")
	if got := server.Spec().View.Layout; got != "<HH" {
		t.Errorf("the tab keeps layout %q", got)
	}
	// A tab opened from the saved spec shows it again.
	spec := server.Spec()
	spec.URL, spec.StartOnOpen = "tcp://127.0.0.1:0", false
	again, err := m.OpenSession(SessionSpec{Spec: sessions.Spec{Role: "server", URL: "tcp://127.0.0.1:0"}, View: spec.View})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if again.Detail.Fields.Layout.Text != "<HH" {
		t.Errorf("reopened with layout %q", again.Detail.Fields.Layout.Text)
	}
}

// A session on a well-known port decodes its protocol unless told
// otherwise.
func TestDetailDecodesByPort(t *testing.T) {
	m := newTestMain(t)
	tab, err := m.OpenSession(SessionSpec{Spec: sessions.Spec{Role: "client", URL: "udp://127.0.0.1:53"}})
	if err != nil {
		t.Fatal(err)
	}
	defer tab.Close()
	if got := tab.Detail.Fields.As.Selected; got != "DNS" {
		t.Errorf("a client of port 53 decodes as %q", got)
	}
	other, err := m.OpenSession(SessionSpec{Spec: sessions.Spec{Role: "client", URL: "udp://127.0.0.1:53"}, View: ViewState{Decode: "layout", Layout: ">I"}})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if got := other.Detail.Fields.As.Selected; got != asLayout {
		t.Errorf("a saved layout choice gave %q", got)
	}
}
