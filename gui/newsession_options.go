package gui

import (
	"fmt"
	"math"
	"runtime"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/netcore"
)

// Tri-state choices for *bool options: "default" leaves the field nil so the
// engine's (or kernel's) default applies and the saved spec says so.
const (
	triDefault = "default"
	triOn      = "on"
	triOff     = "off"
)

var triChoices = []string{triDefault, triOn, triOff}

// OptionsForm is the Advanced section of the New-session dialog: every
// socket option of netcore.Options except TCP_NODELAY, which the common
// section shows for TCP. Rows that make no sense for the chosen kind are
// hidden, and their values ignored, so a leftover value cannot make an
// otherwise good session fail.
type OptionsForm struct {
	ReuseAddr    *widget.Select // default / on / off
	ReusePort    *widget.Check
	KeepAlive    *widget.Check
	KeepIdle     *widget.Entry // durations
	KeepInterval *widget.Entry
	KeepCount    *widget.Entry
	SendBuffer   *widget.Entry // bytes
	RecvBuffer   *widget.Entry
	Linger       *widget.Entry // seconds; empty = off
	TTL          *widget.Entry

	Broadcast *widget.Check
	// Joins are the multicast groups a UDP server or unconnected client
	// joins (joins.go: GROUP[@IFACE] or SOURCE>GROUP[@IFACE], one a line
	// or a comma list); the other three shape the multicast it sends.
	Joins              *widget.Entry
	MulticastInterface *widget.Entry
	MulticastTTL       *widget.Entry
	MulticastLoopback  *widget.Select // default / on / off

	LocalAddr      *widget.Entry
	BindDevice     *widget.Entry
	Backlog        *widget.Entry
	ExclusiveAddr  *widget.Check // Windows: SO_EXCLUSIVEADDRUSE
	ConnectTimeout *widget.Entry
	ResolveTimeout *widget.Entry
	IdleTimeout    *widget.Entry

	// Status shows the first bad field in red, under the options.
	Status *widget.Label

	Content fyne.CanvasObject

	rows     []optionRow
	onChange func()
}

// optionRow is one label and control with the kinds it applies to.
type optionRow struct {
	label   *widget.Label
	control fyne.CanvasObject
	applies func(k optionKind) bool
}

// optionKind is what decides which options apply.
type optionKind struct {
	scheme netcore.Scheme
	server bool
}

// The kinds ask netcore's predicates, so tls:// (TCP underneath) gets the
// TCP options.
func (k optionKind) ep() netcore.Endpoint { return netcore.Endpoint{Scheme: k.scheme} }
func (k optionKind) ip() bool             { return k.ep().IP() }
func (k optionKind) tcp() bool            { return k.ep().Network() == "tcp" }
func (k optionKind) udp() bool            { return k.scheme == netcore.SchemeUDP }
func (k optionKind) stream() bool         { return k.ep().Stream() }

// newOptionsForm builds the Advanced section; onChange runs after any edit.
func newOptionsForm(onChange func()) *OptionsForm {
	f := &OptionsForm{onChange: onChange}
	changed := func(string) { f.changed() }
	entry := func(placeholder string) *widget.Entry {
		e := widget.NewEntry()
		e.PlaceHolder = placeholder
		e.OnChanged = changed
		return e
	}
	tri := func() *widget.Select {
		s := widget.NewSelect(triChoices, changed)
		s.SetSelected(triDefault)
		return s
	}

	f.ReuseAddr = tri()
	f.ReusePort = widget.NewCheck("share the port with other sockets", func(bool) { f.changed() })
	f.KeepAlive = widget.NewCheck("send keepalive probes when idle", func(on bool) {
		f.enableKeepAlive(on)
		f.changed()
	})
	f.KeepIdle = entry("kernel default, e.g. 30s")
	f.KeepInterval = entry("kernel default, e.g. 5s")
	f.KeepCount = entry("kernel default, e.g. 3")
	f.enableKeepAlive(false)
	f.SendBuffer = entry("kernel default (bytes)")
	f.RecvBuffer = entry("kernel default (bytes)")
	f.Linger = entry("off; 0 = reset (RST) on close")
	f.TTL = entry("default, 1-255")

	f.Broadcast = widget.NewCheck("allow sending to broadcast addresses", func(bool) { f.changed() })
	f.Joins = entry("none; e.g. 239.1.2.3@eth0, ff02::1:3 or 10.0.0.5>232.1.2.3, one a line or comma-separated")
	f.Joins.MultiLine = true
	f.Joins.Wrapping = fyne.TextWrapWord
	f.Joins.SetMinRowsVisible(2)
	f.MulticastInterface = entry("by route, e.g. eth0")
	f.MulticastTTL = entry("default (1)")
	f.MulticastLoopback = tri()

	f.LocalAddr = entry("any, e.g. 0.0.0.0:5000")
	f.BindDevice = entry("none, e.g. eth0")
	f.Backlog = entry("system default")
	if err := netcore.BacklogUnsupported(); err != nil {
		// Windows takes the backlog only in the first listen(), which Go
		// makes: say so rather than offer a field that does nothing.
		f.Backlog.SetPlaceHolder("the system's (SOMAXCONN): this system cannot be asked for another")
		f.Backlog.Disable()
	}
	f.ExclusiveAddr = widget.NewCheck("no other socket may bind this port (SO_EXCLUSIVEADDRUSE)", func(bool) { f.changed() })
	f.ConnectTimeout = entry("10s")
	f.ResolveTimeout = entry("5s")
	f.IdleTimeout = entry("none, e.g. 30s")

	always := func(optionKind) bool { return true }
	ip := optionKind.ip
	tcp := optionKind.tcp
	udp := optionKind.udp
	client := func(k optionKind) bool { return !k.server }
	left := f.group(
		f.row("SO_REUSEADDR", f.ReuseAddr, ip),
		f.row("SO_REUSEPORT", f.ReusePort, func(k optionKind) bool { return k.ip() && runtime.GOOS != "windows" }),
		f.row("Exclusive", f.ExclusiveAddr, func(k optionKind) bool { return k.ip() && runtime.GOOS == "windows" }),
		f.row("Send buffer", f.SendBuffer, always),
		f.row("Receive buffer", f.RecvBuffer, always),
		f.row("Linger (s)", f.Linger, tcp),
		f.row("TTL / hops", f.TTL, ip),
		f.row("Keepalive", f.KeepAlive, tcp),
		f.row("   idle", f.KeepIdle, tcp),
		f.row("   interval", f.KeepInterval, tcp),
		f.row("   probes", f.KeepCount, tcp),
	)
	right := f.group(
		f.row("Broadcast", f.Broadcast, udp),
		f.row("Multicast joins", f.Joins, udp),
		f.row("   sent from", f.MulticastInterface, udp),
		f.row("   TTL / hops", f.MulticastTTL, udp),
		f.row("   loopback", f.MulticastLoopback, udp),
		f.row("Local address", f.LocalAddr, client),
		f.row("Bind to device", f.BindDevice, ip),
		f.row("Backlog", f.Backlog, func(k optionKind) bool { return k.server && k.stream() }),
		f.row("Connect timeout", f.ConnectTimeout, client),
		f.row("Resolve timeout", f.ResolveTimeout, func(k optionKind) bool { return k.ip() && !k.server }),
		f.row("Idle timeout", f.IdleTimeout, always),
	)
	f.Status = widget.NewLabel("")
	f.Status.Wrapping = fyne.TextWrapWord
	f.Status.Importance = widget.DangerImportance
	f.Status.Hide()
	f.Content = container.NewVBox(container.NewGridWithColumns(2, left, right), f.Status)
	return f
}

func (f *OptionsForm) row(label string, control fyne.CanvasObject, applies func(optionKind) bool) []fyne.CanvasObject {
	r := optionRow{label: widget.NewLabel(label), control: control, applies: applies}
	f.rows = append(f.rows, r)
	return []fyne.CanvasObject{r.label, control}
}

func (f *OptionsForm) group(rows ...[]fyne.CanvasObject) fyne.CanvasObject {
	c := container.New(layout.NewFormLayout())
	for _, r := range rows {
		c.Add(r[0])
		c.Add(r[1])
	}
	return c
}

func (f *OptionsForm) enableKeepAlive(on bool) {
	for _, e := range []*widget.Entry{f.KeepIdle, f.KeepInterval, f.KeepCount} {
		if on {
			e.Enable()
		} else {
			e.Disable()
		}
	}
}

func (f *OptionsForm) changed() {
	if f.onChange != nil {
		f.onChange()
	}
}

// SetKind shows the rows that apply to the kind and hides the rest.
func (f *OptionsForm) SetKind(scheme netcore.Scheme, server bool) {
	k := optionKind{scheme, server}
	for _, r := range f.rows {
		if r.applies(k) {
			r.label.Show()
			r.control.Show()
		} else {
			r.label.Hide()
			r.control.Hide()
		}
	}
}

// Applies reports whether the option row holding control is shown for the
// kind; for tests.
func (f *OptionsForm) Applies(control fyne.CanvasObject, scheme netcore.Scheme, server bool) bool {
	for _, r := range f.rows {
		if r.control == control {
			return r.applies(optionKind{scheme, server})
		}
	}
	return false
}

// Options reads the fields that apply to the kind into netcore.Options.
// The error names the field and what was wrong with it.
func (f *OptionsForm) Options(scheme netcore.Scheme, server bool) (netcore.Options, error) {
	k := optionKind{scheme, server}
	var o netcore.Options
	var err error
	use := func(control fyne.CanvasObject) bool { return err == nil && f.Applies(control, k.scheme, k.server) }

	if use(f.ReuseAddr) {
		o.ReuseAddr = triValue(f.ReuseAddr.Selected)
	}
	if use(f.ReusePort) {
		o.ReusePort = f.ReusePort.Checked
	}
	if use(f.ExclusiveAddr) {
		o.ExclusiveAddr = f.ExclusiveAddr.Checked
	}
	if use(f.SendBuffer) {
		o.SendBuffer, err = parseWhole("send buffer", "bytes", f.SendBuffer.Text, math.MaxInt32)
	}
	if use(f.RecvBuffer) {
		o.RecvBuffer, err = parseWhole("receive buffer", "bytes", f.RecvBuffer.Text, math.MaxInt32)
	}
	if use(f.Linger) && strings.TrimSpace(f.Linger.Text) != "" {
		var n int
		n, err = parseWhole("linger", "seconds", f.Linger.Text, math.MaxInt32)
		o.Linger = &n
	}
	if use(f.TTL) {
		o.TTL, err = parseRange("TTL", f.TTL.Text, 1, 255)
	}
	if use(f.KeepAlive) && f.KeepAlive.Checked {
		ka := &netcore.KeepAlive{}
		ka.Idle, err = parseDuration("keepalive idle time", f.KeepIdle.Text)
		if err == nil {
			ka.Interval, err = parseDuration("keepalive interval", f.KeepInterval.Text)
		}
		if err == nil {
			ka.Count, err = parseWhole("keepalive probe count", "probes", f.KeepCount.Text, 1<<15)
		}
		o.KeepAlive = ka
	}
	if use(f.Broadcast) {
		o.Broadcast = f.Broadcast.Checked
	}
	if use(f.Joins) && err == nil {
		o.Multicast, err = f.multicast()
	}
	if use(f.LocalAddr) {
		o.LocalAddr = strings.TrimSpace(f.LocalAddr.Text)
	}
	if use(f.BindDevice) {
		o.BindDevice = strings.TrimSpace(f.BindDevice.Text)
	}
	if use(f.Backlog) {
		o.Backlog, err = parseWhole("backlog", "connections", f.Backlog.Text, math.MaxInt32)
	}
	if use(f.ConnectTimeout) {
		o.ConnectTimeout, err = parseDuration("connect timeout", f.ConnectTimeout.Text)
	}
	if use(f.ResolveTimeout) {
		o.ResolveTimeout, err = parseDuration("resolve timeout", f.ResolveTimeout.Text)
	}
	if use(f.IdleTimeout) {
		o.IdleTimeout, err = parseDuration("idle timeout", f.IdleTimeout.Text)
	}
	if err != nil {
		return netcore.Options{}, err
	}
	return o, nil
}

// Set fills the fields from o (NoDelay excepted: the common section has it).
func (f *OptionsForm) Set(o netcore.Options) {
	f.ReuseAddr.SetSelected(triText(o.ReuseAddr))
	f.ReusePort.SetChecked(o.ReusePort)
	f.ExclusiveAddr.SetChecked(o.ExclusiveAddr)
	f.SendBuffer.SetText(wholeText(o.SendBuffer))
	f.RecvBuffer.SetText(wholeText(o.RecvBuffer))
	if o.Linger != nil {
		f.Linger.SetText(strconv.Itoa(*o.Linger))
	} else {
		f.Linger.SetText("")
	}
	f.TTL.SetText(wholeText(o.TTL))
	ka := o.KeepAlive
	f.KeepAlive.SetChecked(ka != nil)
	if ka == nil {
		ka = &netcore.KeepAlive{}
	}
	f.KeepIdle.SetText(durationText(ka.Idle))
	f.KeepInterval.SetText(durationText(ka.Interval))
	f.KeepCount.SetText(wholeText(ka.Count))
	f.Broadcast.SetChecked(o.Broadcast)
	mc := o.Multicast
	if mc == nil {
		mc = &netcore.Multicast{}
	}
	f.Joins.SetText(strings.Join(joinsOf(mc), "\n"))
	f.MulticastInterface.SetText(mc.Interface)
	f.MulticastTTL.SetText(wholeText(mc.TTL))
	f.MulticastLoopback.SetSelected(triText(mc.Loopback))
	f.LocalAddr.SetText(o.LocalAddr)
	f.BindDevice.SetText(o.BindDevice)
	f.Backlog.SetText(wholeText(o.Backlog))
	f.ConnectTimeout.SetText(durationText(o.ConnectTimeout))
	f.ResolveTimeout.SetText(durationText(o.ResolveTimeout))
	f.IdleTimeout.SetText(durationText(o.IdleTimeout))
}

// SetLocalHint fits the local-address placeholder to the transport: a
// unix client binds a path, an IP client a host:port.
func (f *OptionsForm) SetLocalHint(scheme netcore.Scheme) {
	f.LocalAddr.SetPlaceHolder(familyOf(scheme).LocalHint)
}

func triValue(s string) *bool {
	switch s {
	case triOn:
		v := true
		return &v
	case triOff:
		v := false
		return &v
	}
	return nil
}

func triText(b *bool) string {
	switch {
	case b == nil:
		return triDefault
	case *b:
		return triOn
	}
	return triOff
}

func wholeText(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func durationText(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return d.String()
}

// parseWhole reads a whole number of unit for field; "" is 0 (the default).
func parseWhole(field, unit, s string, limit int) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	switch {
	case err != nil && strings.HasPrefix(s, "-") && isDigits(s[1:]):
		return 0, fmt.Errorf("%s %s is negative; write 0 or more %s", field, s, unit)
	case err != nil && isDigits(s):
		return 0, fmt.Errorf("%s %s is too large; the most is %d %s", field, s, limit, unit)
	case err != nil:
		return 0, fmt.Errorf("%s %q is not a whole number of %s", field, s, unit)
	case n < 0:
		return 0, fmt.Errorf("%s %s is negative; write 0 or more %s", field, s, unit)
	case n > limit:
		return 0, fmt.Errorf("%s %s is too large; the most is %d %s", field, s, limit, unit)
	}
	return n, nil
}

// parseRange reads a whole number between lo and hi; "" is 0 (the default).
func parseRange(field, s string, lo, hi int) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%s %q is not a whole number", field, s)
	}
	if n < lo || n > hi {
		return 0, fmt.Errorf("%s %d is out of range %d-%d", field, n, lo, hi)
	}
	return n, nil
}

// parseDuration reads a Go duration for field; "" is 0 (the default).
func parseDuration(field, s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		if isDigits(s) {
			return 0, fmt.Errorf("%s %q needs a unit, as in %ss or %sms", field, s, s, s)
		}
		return 0, fmt.Errorf("%s %q is not a duration such as 500ms, 5s or 2m", field, s)
	}
	if d < 0 {
		return 0, fmt.Errorf("%s %s is negative", field, s)
	}
	return d, nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
