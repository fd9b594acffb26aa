package gui

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/netcore/payload"
	"github.com/sockplay/sockplay/sessions"
)

// Role choices in the dialog.
const (
	roleServer = "Server"
	roleClient = "Client"
)

// Reply choices for servers, as the spec names them.
var replyChoices = []string{"none", "echo", "upper", "fixed"}

// NewSessionDialog is the New-session dialog (Ctrl+T). It keeps a handle to
// every interactive widget so headless tests can fill it in like a person.
type NewSessionDialog struct {
	*dialog.CustomDialog

	Presets []*widget.Button // one per Presets() entry, same order

	Role        *widget.RadioGroup // Server / Client
	Transport   *widget.Select     // TCP, UDP, Unix stream, Unix datagram
	KindSummary *widget.Label

	Address       *widget.SelectEntry // endpoint URL; the drop-down lists recent ones
	Offered       []string            // what the drop-down lists, for tests
	AddressStatus *widget.Label       // the parser's sentence in red, or what the address means
	relayForm                         // Target and TargetStatus (newsession_relay.go)

	Reply         *widget.Select // servers: none, echo, upper, fixed
	ReplyText     *widget.Entry  // fixed reply, in the payload syntax
	NoDelay       *widget.Check  // TCP
	KeepOpen      *widget.Check  // streams: stay open after the peer's FIN
	Unconnected   *widget.Check  // UDP clients
	AutoReconnect *widget.Check  // clients
	StartNow      *widget.Check

	TLS      *TLSForm // tls:// only (newsession_tls.go)
	Framing  *FramingForm
	SaveDir  *widget.Entry // jsonhdr: the folder received files go to
	Record   *widget.Check // record to pcapng from the start
	RecordTo *widget.Entry // the file
	Options  *OptionsForm
	Advanced *widget.Accordion

	ComposerNote *widget.Label // what a preset put in the composer
	Problem      *widget.Label // first thing wrong, or why opening failed
	OpenButton   *widget.Button
	CancelButton *widget.Button

	m         *MainWindow
	composer  ComposerState
	syncing   bool // the dialog is setting its own widgets
	rows      map[string][]fyne.CanvasObject
	form      *fyne.Container // the rows, refreshed when one appears or goes
	formDirty bool            // a row appeared or went since the last refresh
}

// ShowNewSession opens the New-session dialog with a TCP server filled in.
func (m *MainWindow) ShowNewSession() {
	d := newSessionDialog(m)
	m.show(d)
	d.Canvas().Focus(d.Address)
}

// Canvas is the window canvas the dialog is shown on.
func (d *NewSessionDialog) Canvas() fyne.Canvas { return d.m.Window.Canvas() }

func newSessionDialog(m *MainWindow) *NewSessionDialog {
	d := &NewSessionDialog{m: m, rows: map[string][]fyne.CanvasObject{}}

	presetBox := container.NewHBox(widget.NewLabelWithStyle("Start from", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	for _, p := range Presets() {
		b := widget.NewButton(p.Name, func() { d.SetSpec(p.Spec) })
		d.Presets = append(d.Presets, b)
		presetBox.Add(b)
	}

	d.Role = widget.NewRadioGroup([]string{roleServer, roleClient, roleRelay}, func(string) { d.kindChanged() })
	d.Role.Horizontal = true
	d.Role.Required = true
	labels := make([]string, len(families))
	for i, t := range families {
		labels[i] = t.Title
	}
	d.Transport = widget.NewSelect(labels, func(string) { d.transportChanged() })
	d.KindSummary = widget.NewLabel("")
	d.KindSummary.Wrapping = fyne.TextWrapWord
	d.KindSummary.Importance = widget.LowImportance

	d.Address = widget.NewSelectEntry(nil)
	d.Address.OnChanged = func(string) { d.addressChanged() }
	d.AddressStatus = widget.NewLabel("")
	d.AddressStatus.Wrapping = fyne.TextWrapWord

	d.Reply = widget.NewSelect(replyChoices, func(string) { d.kindChanged() })
	d.ReplyText = widget.NewEntry()
	d.ReplyText.PlaceHolder = `the reply, e.g. OK\r\n or #{{counter}} (escapes and macros as in the composer)`
	d.ReplyText.OnChanged = func(string) { d.validate() }
	d.NoDelay = widget.NewCheck("TCP_NODELAY: send small writes at once (off: Nagle's algorithm batches them)", func(bool) { d.validate() })
	d.KeepOpen = widget.NewCheck("Keep a connection open for sending after the peer half-closes (sends FIN)", func(bool) { d.validate() })
	d.Unconnected = widget.NewCheck("Unconnected: hear replies from any address, not only the server's", func(bool) { d.validate() })
	d.AutoReconnect = widget.NewCheck("Reconnect by itself when the connection ends", func(bool) { d.validate() })
	d.StartNow = widget.NewCheck("Start as soon as the tab opens", func(bool) { d.validate() })

	d.TLS = newTLSForm(m.Window, d.validate)
	d.Framing = newFramingForm(d.validate)
	d.SaveDir = widget.NewEntry()
	d.SaveDir.SetPlaceHolder("a folder for received files (empty: they stay in the log only)")
	d.SaveDir.OnChanged = func(string) { d.validate() }
	browseDir := widget.NewButtonWithIcon("Browse…", theme.FolderOpenIcon(), func() {
		dialog.ShowFolderOpen(func(dir fyne.ListableURI, err error) {
			if err == nil && dir != nil {
				d.SaveDir.SetText(dir.Path())
			}
		}, m.Window)
	})
	d.RecordTo = widget.NewEntry()
	d.RecordTo.SetPlaceHolder("a .pcapng file; each later start records to a new file beside it")
	d.RecordTo.OnChanged = func(string) { d.validate() }
	d.Record = widget.NewCheck("from the start", func(on bool) {
		if on && strings.TrimSpace(d.RecordTo.Text) == "" {
			d.RecordTo.SetText(defaultRecordPath(d.URL()))
		}
		d.validate()
	})
	browseRecord := widget.NewButtonWithIcon("Browse…", theme.FolderOpenIcon(), func() {
		fd := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
			if err == nil && w != nil {
				path := w.URI().Path()
				w.Close()
				d.RecordTo.SetText(path)
				d.Record.SetChecked(true)
			}
		}, m.Window)
		fd.SetFileName(filepath.Base(defaultRecordPath(d.URL())))
		showFileDialog(fd)
	})
	d.Options = newOptionsForm(d.validate)
	d.Advanced = widget.NewAccordion(widget.NewAccordionItem("Advanced socket options", d.Options.Content))

	d.ComposerNote = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	d.ComposerNote.Wrapping = fyne.TextWrapWord
	d.Problem = widget.NewLabel("")
	d.Problem.Wrapping = fyne.TextWrapWord
	d.Problem.Importance = widget.DangerImportance
	d.Problem.Hide()

	form := container.New(layout.NewFormLayout())
	d.form = form
	add := func(name, label string, content fyne.CanvasObject) {
		l := widget.NewLabelWithStyle(label, fyne.TextAlignTrailing, fyne.TextStyle{Bold: label != ""})
		form.Add(l)
		form.Add(content)
		d.rows[name] = []fyne.CanvasObject{l, content}
	}
	add("kind", "Kind", container.NewHBox(d.Role, withWidth(d.Transport, 180)))
	add("summary", "", d.KindSummary)
	add("address", "Address", d.Address)
	add("status", "", d.AddressStatus)
	d.addRelayRows(add)
	add("tls", "TLS", d.TLS.Content)
	add("reply", "Reply", container.NewBorder(nil, nil, withWidth(d.Reply, 110), nil, d.ReplyText))
	add("nodelay", "TCP", d.NoDelay)
	add("keepopen", "Stream", d.KeepOpen)
	add("unconnected", "UDP", d.Unconnected)
	add("reconnect", "Client", d.AutoReconnect)
	add("framing", "Framing", d.Framing.Content)
	add("savedir", "Save files", container.NewBorder(nil, nil, nil, browseDir, d.SaveDir))
	add("record", "Record pcapng", container.NewBorder(nil, nil, d.Record, browseRecord, d.RecordTo))
	add("composer", "Composer", d.ComposerNote)
	add("start", "Start", d.StartNow)

	body := container.NewVBox(
		presetBox,
		widget.NewSeparator(),
		form,
		d.Advanced,
	)

	d.CancelButton = widget.NewButton("Cancel", func() { d.Hide() })
	d.OpenButton = widget.NewButtonWithIcon("Open", theme.ConfirmIcon(), d.open)
	d.OpenButton.Importance = widget.HighImportance
	content := container.NewBorder(nil, d.Problem, nil, nil, container.NewVScroll(container.NewPadded(body)))
	d.CustomDialog = dialog.NewCustomWithoutButtons("New session", content, m.Window)
	d.SetButtons([]fyne.CanvasObject{d.CancelButton, d.OpenButton})
	// Wide enough for the advanced options in two columns; short enough
	// for a 1280x800 screen with a panel. The body scrolls.
	d.Resize(fyne.NewSize(920, 660))

	d.offerRecent()
	d.SetSpec(SessionSpec{Spec: sessions.Spec{Role: "server", URL: defaultAddress(netcore.SchemeTCP)}, StartOnOpen: true})
	return d
}

// offerRecent fills the address drop-down: recent addresses, or the
// examples when there are none yet.
func (d *NewSessionDialog) offerRecent() {
	var recent []string
	if d.m.Workspace != nil {
		recent = d.m.Workspace.RecentAddresses()
	}
	if len(recent) == 0 {
		for _, t := range families {
			recent = append(recent, defaultAddress(t.Scheme))
		}
	}
	d.Offered = recent
	d.Address.SetOptions(recent)
	d.Target.SetOptions(recent)
}

// defaultRecordPath proposes a recording file in the home folder, named
// after the address.
func defaultRecordPath(url string) string {
	dir, err := os.UserHomeDir()
	if err != nil {
		dir = os.TempDir()
	}
	name := strings.NewReplacer("://", "-", "/", "_", ":", "_", "[", "", "]", "", "\\", "_").Replace(strings.TrimSpace(url))
	if name == "" {
		name = "sockplay"
	}
	return filepath.Join(dir, name+".pcapng")
}

// defaultAddress is the address a new session of the scheme starts with
// (and the field's placeholder): loopback, a port above 1024, a socket in
// the user's runtime folder.
func defaultAddress(s netcore.Scheme) string {
	switch s {
	case netcore.SchemeUnix:
		return netcore.Endpoint{Scheme: s, Path: filepath.Join(socketDir(), "sockplay.sock")}.String()
	case netcore.SchemeUnixgram:
		return netcore.Endpoint{Scheme: s, Path: filepath.Join(socketDir(), "sockplay.dgram")}.String()
	case netcore.SchemeTLS:
		return "tls://127.0.0.1:8443"
	}
	return string(s) + "://127.0.0.1:9000"
}

// SelectKind picks a kind as a person would: role, then transport.
func (d *NewSessionDialog) SelectKind(server bool, s netcore.Scheme) {
	if server {
		d.Role.SetSelected(roleServer)
	} else {
		d.Role.SetSelected(roleClient)
	}
	for _, t := range families {
		if t.Scheme == s {
			d.Transport.SetSelected(t.Title)
		}
	}
}

func (d *NewSessionDialog) server() bool { return d.Role.Selected != roleClient }

func (d *NewSessionDialog) scheme() netcore.Scheme {
	for _, t := range families {
		if t.Title == d.Transport.Selected {
			return t.Scheme
		}
	}
	return netcore.SchemeTCP
}

// SetSpec fills the form from spec; presets use it. Nothing is opened.
func (d *NewSessionDialog) SetSpec(spec SessionSpec) {
	d.syncing = true
	if spec.Role == "client" {
		d.Role.SetSelected(roleClient)
	} else {
		d.Role.SetSelected(roleServer)
	}
	d.setRelay(spec)
	if ep, err := netcore.ParseEndpoint(spec.URL); err == nil {
		for _, t := range families {
			if t.Scheme == ep.Scheme {
				d.Transport.SetSelected(t.Title)
			}
		}
	} else if d.Transport.Selected == "" {
		d.Transport.SetSelected(families[0].Title)
	}
	d.Address.SetText(spec.URL)
	reply := spec.Reply
	if reply == "" {
		reply = "none"
	}
	d.Reply.SetSelected(reply)
	d.ReplyText.SetText(replyText(spec.ReplyPayload))
	d.NoDelay.SetChecked(spec.Options.NoDelay == nil || *spec.Options.NoDelay)
	d.KeepOpen.SetChecked(spec.KeepOpen)
	d.Unconnected.SetChecked(spec.Unconnected)
	d.AutoReconnect.SetChecked(spec.AutoReconnect)
	d.StartNow.SetChecked(spec.StartOnOpen)
	d.Options.Set(spec.Options)
	d.TLS.Set(spec.TLS)
	d.Framing.SetSpec(spec.Framing)
	d.SaveDir.SetText(spec.SaveDir)
	d.RecordTo.SetText(spec.Record)
	d.Record.SetChecked(spec.Record != "")
	d.composer = spec.Composer
	d.syncing = false

	if c := spec.Composer; c.Text != "" {
		mode := c.Mode
		if mode == "" {
			mode = "text"
		}
		d.ComposerNote.SetText(fmt.Sprintf("starts with this %s payload: %s", mode, c.Text))
		d.showRow("composer", true)
	} else {
		d.showRow("composer", false)
	}
	d.kindChanged()
}

// Spec is the session the form describes, or the first thing wrong with
// it in one sentence.
func (d *NewSessionDialog) Spec() (SessionSpec, error) {
	server, sc := d.server(), d.scheme()
	spec := SessionSpec{Spec: sessions.Spec{Role: "client", URL: d.URL()}, StartOnOpen: d.StartNow.Checked, Composer: d.composer}
	if server {
		spec.Role = "server"
	}
	opts, err := d.Options.Options(sc, server)
	if err != nil {
		return spec, err
	}
	if (netcore.Endpoint{Scheme: sc}).Network() == "tcp" && !d.NoDelay.Checked {
		off := false
		opts.NoDelay = &off
	}
	spec.Options = opts
	if sc == netcore.SchemeTLS {
		if spec.TLS, err = d.TLS.Value(server); err != nil {
			return spec, err
		}
	}
	spec.KeepOpen = d.KeepOpen.Checked && netcore.Endpoint{Scheme: sc}.Stream()
	if spec.Framing, err = d.Framing.Value(); err != nil {
		return spec, fmt.Errorf("framing: %w", err)
	}
	if d.Framing.kindName() == "jsonhdr" {
		if spec.SaveDir = strings.TrimSpace(d.SaveDir.Text); spec.SaveDir != "" {
			if err := sessions.CheckSaveDir(spec.SaveDir); err != nil {
				return spec, err
			}
		}
	}
	if d.Record.Checked {
		if spec.Record = strings.TrimSpace(d.RecordTo.Text); spec.Record == "" {
			return spec, errors.New("record: write the .pcapng file to record to, or untick Record")
		}
	}
	if server && !d.relay() {
		if r := d.Reply.Selected; r != "none" {
			spec.Reply = r
		}
		if spec.Reply == "fixed" {
			if d.ReplyText.Text == "" {
				return spec, errors.New("the fixed reply is empty; write what the server should answer")
			}
			spec.ReplyPayload = &payload.Spec{Mode: payload.Text, Source: d.ReplyText.Text}
		}
	} else if !server {
		spec.AutoReconnect = d.AutoReconnect.Checked
		spec.Unconnected = sc == netcore.SchemeUDP && d.Unconnected.Checked
		if m := spec.Options.Multicast; m != nil && len(m.Joins) > 0 && !spec.Unconnected {
			return spec, errors.New("multicast joins: a connected UDP client hears its server only; tick Unconnected to join groups")
		}
	}
	if err := d.relaySpec(&spec); err != nil {
		return spec, err
	}
	if _, err := spec.Config(); err != nil {
		return spec, specErrorWords(err)
	}
	return spec, nil
}

// replyText is a fixed reply as the dialog's one text box shows it: the
// payload syntax as typed, or, for a reply given in hex or base64 (from
// the command line), its bytes written with text escapes.
func replyText(ps *payload.Spec) string {
	if ps == nil {
		return ""
	}
	if ps.Mode == payload.Text && ps.LineEnding == payload.LineNone && ps.Checksum == payload.ChecksumNone {
		return ps.Source
	}
	pl, err := payload.Compile(*ps)
	if err != nil {
		return ps.Source
	}
	b, err := pl.Render(nil, time.Now())
	if err != nil {
		return ps.Source
	}
	return payload.EscapeText(b)
}

// specLabels name a spec's fields as the dialog labels them.
var specLabels = map[string]string{
	"url": "Address", "framing": "Framing", "reply": "Reply", "reply_payload": "Reply",
	"save_dir": "Save files", "unconnected": "Unconnected", "auto_reconnect": "Reconnect",
	"log_budget": "Log budget", "keep_open": "Keep open",
}

// specErrorWords puts the dialog's label in front of a spec error, except
// where the sentence already names what is wrong (an address, an option).
func specErrorWords(err error) error {
	var se *sessions.SpecError
	if !errors.As(err, &se) {
		return err
	}
	switch se.Field {
	case "url", "options", "save_dir":
		return se.Err
	}
	if l, ok := tlsLabels[se.Field]; ok {
		return fmt.Errorf("%s: %w", l, se.Err)
	}
	if l, ok := specLabels[se.Field]; ok {
		return fmt.Errorf("%s: %w", strings.ToLower(l), se.Err)
	}
	return err
}

// URL is the address as the session and the workspace keep it: what is
// typed, with the chosen kind's scheme put in front when none is typed
// (see addressURL).
func (d *NewSessionDialog) URL() string { return addressURL(d.Address.Text, d.scheme()) }

// addressURL makes an endpoint URL of an address typed without a scheme,
// taking the scheme of the kind chosen: "127.0.0.1:9000" with TCP is
// tcp://127.0.0.1:9000, a bare port "9000" is tcp://:9000, a path with
// Unix stream is unix:///path. Text with a scheme, or with a scheme's
// name and a colon but no "//" (which the parser names), is left as is.
func addressURL(text string, sc netcore.Scheme) string {
	text = strings.TrimSpace(text)
	if text == "" || strings.Contains(text, "://") {
		return text
	}
	if word, _, ok := strings.Cut(text, ":"); ok {
		for _, f := range families {
			if strings.EqualFold(word, string(f.Scheme)) {
				return text
			}
		}
	}
	unix := sc == netcore.SchemeUnix || sc == netcore.SchemeUnixgram
	if !unix && strings.Trim(text, "0123456789") == "" {
		text = ":" + text // a port alone
	}
	return string(sc) + "://" + text
}

// looksLikePath tells an address typed without a scheme for a Unix kind (a
// path or an @abstract name) from a host and port.
func looksLikePath(text string) bool {
	return strings.ContainsAny(text, `/\`) || strings.HasPrefix(text, "@") || strings.HasPrefix(text, ".") || strings.HasPrefix(text, "~")
}

// transportChanged moves the address to the new transport: tcp and udp
// swap schemes and keep host:port, unix and unixgram keep the path, and
// across families the address starts from that kind's default. An address
// typed without a scheme stays as typed while it suits the new kind.
func (d *NewSessionDialog) transportChanged() {
	if d.syncing {
		return
	}
	sc := d.scheme()
	text := strings.TrimSpace(d.Address.Text)
	newUnix := sc == netcore.SchemeUnix || sc == netcore.SchemeUnixgram
	if text != "" && !strings.Contains(text, "://") {
		if looksLikePath(text) != newUnix {
			d.setAddress(defaultAddress(sc))
		}
		d.kindChanged()
		return
	}
	if ep, err := netcore.ParseEndpoint(text); err == nil && ep.Scheme != sc {
		if ep.IsUnix() == newUnix {
			ep.Scheme = sc
			d.setAddress(ep.String())
		} else {
			d.setAddress(defaultAddress(sc))
		}
	}
	d.kindChanged()
}

func (d *NewSessionDialog) setAddress(s string) {
	d.syncing = true
	d.Address.SetText(s)
	d.syncing = false
}

// addressChanged follows a typed or picked address's scheme in the
// transport select, then validates.
func (d *NewSessionDialog) addressChanged() {
	if d.syncing {
		return
	}
	if ep, err := netcore.ParseEndpoint(d.Address.Text); err == nil && ep.Scheme != d.scheme() {
		d.syncing = true
		for _, t := range families {
			if t.Scheme == ep.Scheme {
				d.Transport.SetSelected(t.Title)
			}
		}
		d.syncing = false
		d.kindChanged()
		return
	}
	d.validate()
}

// kindChanged shows what applies to the chosen kind and hides the rest.
func (d *NewSessionDialog) kindChanged() {
	if d.syncing {
		return
	}
	server, sc := d.server(), d.scheme()
	for _, f := range families {
		for _, k := range f.Kinds {
			if k.Name == kindTitle(sc, server) {
				d.KindSummary.SetText(k.Summary)
			}
		}
	}
	d.Address.SetPlaceHolder(defaultAddress(sc))
	d.showRow("reply", server)
	if server && d.Reply.Selected == "fixed" {
		d.ReplyText.Show()
	} else {
		d.ReplyText.Hide()
	}
	d.showRow("nodelay", netcore.Endpoint{Scheme: sc}.Network() == "tcp")
	d.showRow("tls", sc == netcore.SchemeTLS)
	d.TLS.SetRole(server)
	d.showRow("keepopen", netcore.Endpoint{Scheme: sc}.Stream())
	d.showRow("unconnected", !server && sc == netcore.SchemeUDP)
	d.showRow("reconnect", !server)
	d.relayKindChanged()
	d.Options.SetKind(sc, server)
	d.Options.SetLocalHint(sc)
	d.validate()
}

// kindTitle is the kind's name as kinds.go lists it.
func kindTitle(sc netcore.Scheme, server bool) string {
	role := " client"
	if server {
		role = " server"
	}
	for _, t := range families {
		if t.Scheme == sc {
			return t.Title + role
		}
	}
	return string(sc) + role
}

// RowShown reports whether a row of the form ("reply", "nodelay",
// "unconnected", "reconnect") is shown for the chosen kind.
func (d *NewSessionDialog) RowShown(name string) bool {
	r := d.rows[name]
	return len(r) > 0 && r[1].Visible()
}

// A row that appears or goes marks the form for one refresh at the end
// of validate, so the rows below move (a hidden child does not move its
// neighbours until its container lays out again). Refreshing the form
// redraws every child, icons too: once per edit, not once per row.
func (d *NewSessionDialog) showRow(name string, show bool) {
	for _, o := range d.rows[name] {
		if o.Visible() == show {
			continue
		}
		d.formDirty = true
		if show {
			o.Show()
		} else {
			o.Hide()
		}
	}
}

// relayout refreshes the form once if a row appeared or went.
func (d *NewSessionDialog) relayout() {
	if d.formDirty && d.form != nil {
		d.formDirty = false
		d.form.Refresh()
	}
}

// validate updates the address line, the options and framing lines, the
// problem line and the Open button. It runs after every edit.
func (d *NewSessionDialog) validate() {
	if d.syncing || d.OpenButton == nil {
		return
	}
	defer d.relayout()
	server := d.server()
	url := d.URL()
	ep, err := netcore.ParseEndpoint(url)
	if err == nil {
		// Address-only checks (a client's port 0, abstract names where
		// there are none) belong under the address too.
		err = netcore.Options{}.Validate(ep, server)
	}
	switch {
	case err != nil:
		setStatus(d.AddressStatus, err.Error(), widget.DangerImportance)
	case url != strings.TrimSpace(d.Address.Text):
		setStatus(d.AddressStatus, describeEndpoint(ep, server)+" · kept as "+ep.String(), widget.LowImportance)
	default:
		setStatus(d.AddressStatus, describeEndpoint(ep, server), widget.LowImportance)
	}

	if err == nil && ep.Scheme == netcore.SchemeUDP {
		if o, oerr := d.Options.Options(ep.Scheme, server); oerr == nil && o.Multicast != nil && len(o.Multicast.Joins) > 0 {
			if note, warn := joinsBindNote(ep, len(o.Multicast.Joins), server); warn {
				setStatus(d.AddressStatus, note, widget.WarningImportance)
			} else if note != "" {
				setStatus(d.AddressStatus, note, widget.LowImportance)
			}
		}
	}

	if _, oerr := d.Options.Options(d.scheme(), server); oerr != nil {
		setStatus(d.Options.Status, oerr.Error(), widget.DangerImportance)
		d.Options.Status.Show()
	} else {
		d.Options.Status.Hide()
	}

	d.showRow("savedir", d.Framing.kindName() == "jsonhdr")
	d.validateTarget()
	if _, serr := d.Spec(); serr != nil {
		d.Problem.SetText("Cannot open yet: " + serr.Error())
		d.Problem.Show()
		d.OpenButton.Disable()
		return
	}
	d.Problem.Hide()
	d.OpenButton.Enable()
}

// open opens the session tab and closes the dialog; when the tab cannot be
// opened the dialog stays, with the reason, and nothing typed is lost.
func (d *NewSessionDialog) open() {
	spec, err := d.Spec()
	if err == nil {
		err = openSession(d.m, spec)
	}
	if err != nil {
		d.Problem.SetText("Could not open the session: " + err.Error())
		d.Problem.Show()
		return
	}
	d.Hide() // OpenSession added the address to the recent list and saved
}

func setStatus(l *widget.Label, text string, imp widget.Importance) {
	l.Importance = imp
	l.SetText(text)
}

// describeEndpoint says in a few words what an address means for the kind.
func describeEndpoint(ep netcore.Endpoint, server bool) string {
	if ep.IsUnix() {
		switch {
		case ep.Abstract() && server:
			return "listens on the Linux abstract name " + ep.Path + " (no file is created)"
		case ep.Abstract():
			return "connects to the Linux abstract name " + ep.Path
		case server && ep.Scheme == netcore.SchemeUnix:
			return "creates the socket file " + ep.Path + " (a stale socket file there is replaced, anything else is left alone)"
		case server:
			return "binds the socket file " + ep.Path + "; each sender becomes a peer"
		case ep.Scheme == netcore.SchemeUnix:
			return "connects to the socket file " + ep.Path
		}
		return "sends datagrams to " + ep.Path + " from a temp path of its own, so replies can reach it"
	}

	host := ep.Host
	ip, ipErr := netip.ParseAddr(host)
	if server {
		where := fmt.Sprintf("port %d", ep.Port)
		if ep.Port == 0 {
			where = "a free port the system picks (the tab shows which)"
		}
		switch {
		case host == "":
			if ep.Port == 0 {
				return "binds 127.0.0.1 on " + where + " (loopback only)"
			}
			return fmt.Sprintf("binds 127.0.0.1:%d (loopback only: other machines cannot connect)", ep.Port)
		case strings.EqualFold(host, "localhost"):
			return "binds localhost on " + where + " (loopback only)"
		case ipErr != nil:
			return "binds the address " + host + " resolves to, on " + where
		case ip.IsUnspecified() && ip.Is4():
			return "binds " + where + " on every IPv4 interface: other machines can connect"
		case ip.IsUnspecified():
			return "binds " + where + " on every interface (IPv6, and IPv4 on most systems): other machines can connect"
		case ip.IsLoopback():
			return "binds " + host + " on " + where + " (loopback only)"
		case ip.IsMulticast():
			return "receives multicast group " + host + " on " + where
		}
		return "binds " + host + " on " + where + " only: reachable at that address of this machine"
	}

	verb := "connects to"
	if ep.Scheme == netcore.SchemeUDP {
		verb = "sends datagrams to"
	}
	addr := ep.Addr()
	switch {
	case host == "" || strings.EqualFold(host, "localhost") || (ipErr == nil && ip.IsLoopback()):
		return fmt.Sprintf("%s %s (this machine)", verb, strings.TrimPrefix(addr, ":"))
	case ipErr != nil:
		return fmt.Sprintf("%s %s (the name is looked up when the session starts)", verb, addr)
	case ip.IsMulticast():
		return fmt.Sprintf("sends to multicast group %s", addr)
	case ip == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return fmt.Sprintf("broadcasts to port %d (turn on Broadcast in the advanced options)", ep.Port)
	}
	return verb + " " + addr
}

// withWidth gives obj a fixed minimum width, so short selects and number
// fields do not stretch across a row or shrink to nothing.
func withWidth(obj fyne.CanvasObject, width float32) fyne.CanvasObject {
	return container.New(fixedWidthLayout{width}, obj)
}

type fixedWidthLayout struct{ width float32 }

func (l fixedWidthLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var h float32
	for _, o := range objs {
		if o.Visible() {
			h = max(h, o.MinSize().Height)
		}
	}
	return fyne.NewSize(l.width, h)
}

func (l fixedWidthLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}
