package gui

import (
	"fmt"
	"math"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/sessions"
)

// The TLS part of a tls:// tab: a header line with what the handshake
// agreed on ("TLS 1.3 · TLS_AES_128_GCM_SHA256 · h2"), or a server's own
// certificate and fingerprint, and a Certificate… button opening a panel
// with the handshake and every certificate of the peer's chain (subject,
// issuer, validity with expired or not-yet-valid marked, SANs, SHA-256
// fingerprint to copy), and a server's own chain. A failed handshake is
// the engine's sentence, an error row in the log.

// buildTLS makes the TLS line and button of a tls:// tab.
func (t *SessionTab) buildTLS() {
	ep, err := netcore.ParseEndpoint(t.spec.URL)
	if err != nil || !ep.TLS() || t.spec.Capture != nil || t.spec.Replay != nil {
		return
	}
	t.TLSLine = widget.NewLabel("")
	t.TLSLine.Truncation = fyne.TextTruncateEllipsis
	t.CertButton = widget.NewButtonWithIcon("Certificate…", theme.InfoIcon(), t.showCertificate)
	t.refreshTLS()
}

// tlsPeer is the peer whose handshake the tab shows: a client's
// connection, or the server's selected peer (else its newest open one).
func (t *SessionTab) tlsPeer() (sessions.PeerInfo, bool) {
	if t.sess == nil {
		return sessions.PeerInfo{}, false
	}
	peers := t.sess.Peers()
	var found *sessions.PeerInfo
	for i := range peers {
		p := &peers[i]
		if t.Peers != nil && t.Peers.selected == p.ID {
			return *p, true
		}
		if p.State != sessions.PeerClosed || !t.server() {
			found = p
		}
	}
	if found == nil {
		return sessions.PeerInfo{}, false
	}
	return *found, true
}

// refreshTLS updates the TLS line.
func (t *SessionTab) refreshTLS() {
	if t.TLSLine == nil {
		return
	}
	text, imp := t.tlsLineText()
	if t.TLSLine.Importance != imp {
		t.TLSLine.Importance = imp
		t.TLSLine.Refresh()
	}
	setText(t.TLSLine, text)
}

// tlsLineText is the header's TLS line and how it is shown.
func (t *SessionTab) tlsLineText() (string, widget.Importance) {
	insecure := t.spec.TLS != nil && t.spec.TLS.Insecure
	if p, ok := t.tlsPeer(); ok && p.TLS != nil {
		line := handshakeLine(*p.TLS)
		if t.server() {
			line = fmt.Sprintf("#%d: %s", p.ID, line)
		} else if len(p.TLS.Chain) > 0 {
			line += " · " + certShort(p.TLS.Chain[0])
		}
		if insecure {
			return line + " · NOT VERIFIED (insecure)", widget.WarningImportance
		}
		return line, widget.MediumImportance
	}
	if t.server() && t.sess != nil {
		if own := t.sess.Certificate(); len(own) > 0 {
			return "TLS · serving " + certShort(own[0]) + " · SHA-256 " + own[0].SHA256, widget.MediumImportance
		}
	}
	if insecure {
		return "TLS · verification skipped (insecure)", widget.WarningImportance
	}
	if t.server() {
		return "TLS · no handshake yet", widget.LowImportance
	}
	return "TLS · not connected", widget.LowImportance
}

// handshakeLine is "TLS 1.3 · TLS_AES_128_GCM_SHA256 · h2" (no ALPN: "no ALPN").
func handshakeLine(in netcore.TLSInfo) string {
	alpn := in.ALPN
	if alpn == "" {
		alpn = "no ALPN"
	}
	return in.Version + " · " + in.CipherSuite + " · " + alpn
}

// certShort names a certificate in a few words: "CN=localhost
// (self-signed)", "CN=example.org (Let's Encrypt R3)", marked when out of
// its validity.
func certShort(c netcore.CertInfo) string {
	s := commonName(c.Subject)
	if c.Subject == c.Issuer {
		s += " (self-signed)"
	} else {
		s += " (by " + commonName(c.Issuer) + ")"
	}
	if v, bad := validityWords(c, time.Now()); bad {
		s += " " + strings.ToUpper(strings.SplitN(v, ":", 2)[0])
	}
	return s
}

// commonName is the CN of a distinguished name, or the whole name.
func commonName(dn string) string {
	for _, part := range strings.Split(dn, ",") {
		if strings.HasPrefix(part, "CN=") {
			return part
		}
	}
	if dn == "" {
		return "(no name)"
	}
	return dn
}

// validityWords says whether c is valid at now, and for how long: "valid
// for 364 more days", "EXPIRED: 3 days ago", "NOT YET VALID: from
// 2031-01-01"; bad is true outside the validity.
func validityWords(c netcore.CertInfo, now time.Time) (string, bool) {
	days := func(d time.Duration) string {
		n := int(math.Round(d.Hours() / 24))
		if n == 1 {
			return "1 day"
		}
		return fmt.Sprintf("%d days", n)
	}
	switch {
	case now.After(c.NotAfter):
		return "expired: " + days(now.Sub(c.NotAfter)) + " ago", true
	case now.Before(c.NotBefore):
		return "not yet valid: from " + c.NotBefore.UTC().Format(time.DateTime) + " UTC", true
	case c.NotAfter.Sub(now) < 24*time.Hour:
		return "valid for less than a day more", false
	}
	return "valid for " + days(c.NotAfter.Sub(now)) + " more", false
}

// certField is one line of a certificate in the panel.
type certField struct {
	Name, Value string
	Bad         bool // shown in red: outside its validity
	Mono        bool // a fingerprint
}

// certFields are the lines the panel shows for c at now.
func certFields(c netcore.CertInfo, now time.Time) []certField {
	v, bad := validityWords(c, now)
	names := strings.Join(c.Names, ", ")
	if names == "" {
		names = "none"
	}
	return []certField{
		{Name: "Subject", Value: c.Subject},
		{Name: "Issuer", Value: c.Issuer},
		{Name: "Valid", Value: fmt.Sprintf("%s to %s UTC — %s", c.NotBefore.UTC().Format(time.DateTime), c.NotAfter.UTC().Format(time.DateTime), v), Bad: bad},
		{Name: "Names (SANs)", Value: names},
		{Name: "SHA-256", Value: c.SHA256, Mono: true},
	}
}

// CertDialog is the Certificate panel of a TLS tab.
type CertDialog struct {
	*dialog.CustomDialog
	Body   *fyne.Container // what it shows, for tests
	Status *widget.Label   // "Copied ..."
	Copy   []*widget.Button
}

// showCertificate opens the Certificate panel for the tab as it is now.
func (t *SessionTab) showCertificate() {
	d := newCertDialog(t)
	t.main.show(d)
}

func newCertDialog(t *SessionTab) *CertDialog {
	d := &CertDialog{Body: container.NewVBox()}
	d.Status = widget.NewLabel("")
	d.Status.Importance = widget.SuccessImportance
	now := time.Now()
	heading := func(s string) {
		h := widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		h.Wrapping = fyne.TextWrapWord
		d.Body.Add(h)
	}
	note := func(s string) {
		l := widget.NewLabel(s)
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.LowImportance
		d.Body.Add(l)
	}
	chain := func(certs []netcore.CertInfo) {
		for i, c := range certs {
			title := fmt.Sprintf("Certificate %d of %d", i+1, len(certs))
			if i == 0 {
				title += " (leaf)"
			}
			d.Body.Add(d.certCard(t, title, c, now))
		}
	}

	p, ok := t.tlsPeer()
	switch {
	case ok && p.TLS != nil:
		in := p.TLS
		heading(fmt.Sprintf("Handshake with #%d %s", p.ID, p.Addr))
		form := widget.NewForm(
			widget.NewFormItem("Agreed", selectable(in.Version+" · "+in.CipherSuite+" · ALPN "+orWords(in.ALPN, "none"))),
			widget.NewFormItem("SNI", selectable(orWords(in.ServerName, "none sent"))),
		)
		if !t.server() {
			v := selectable(verifiedWords(t.spec.TLS))
			v.Wrapping = fyne.TextWrapWord
			if t.spec.TLS != nil && t.spec.TLS.Insecure {
				v.Importance = widget.WarningImportance
			}
			form.Append("Verified", v)
		}
		d.Body.Add(form)
		who := "The server's certificate chain"
		if t.server() {
			who = "The client's certificate chain"
		}
		heading(who)
		if len(in.Chain) == 0 {
			note("None was sent.")
		}
		chain(in.Chain)
	case t.server():
		note("No client has finished a handshake yet; connect one to see what it agreed on.")
	default:
		note("No handshake yet: start the session to connect. A handshake that fails is an error line in the log, saying why.")
	}
	if t.sess != nil {
		if own := t.sess.Certificate(); len(own) > 0 {
			if t.server() {
				heading("This server's certificate (clients see this fingerprint)")
			} else {
				heading("This client's certificate")
			}
			chain(own)
		}
	}

	closeB := widget.NewButton("Close", func() { d.Hide() })
	content := container.NewBorder(nil, d.Status, nil, nil, container.NewVScroll(container.NewPadded(d.Body)))
	d.CustomDialog = dialog.NewCustomWithoutButtons("TLS — "+t.spec.Title(), content, t.main.Window)
	d.SetButtons([]fyne.CanvasObject{closeB})
	d.Resize(fyne.NewSize(900, 700))
	return d
}

// certCard is one certificate: its fields and a button copying its
// fingerprint.
func (d *CertDialog) certCard(t *SessionTab, title string, c netcore.CertInfo, now time.Time) fyne.CanvasObject {
	form := widget.NewForm()
	for _, f := range certFields(c, now) {
		l := selectable(f.Value)
		l.Wrapping = fyne.TextWrapWord
		if f.Bad {
			l.Importance = widget.DangerImportance
		}
		if !f.Mono {
			form.Append(f.Name, l)
			continue
		}
		l.TextStyle = fyne.TextStyle{Monospace: true}
		l.Wrapping = fyne.TextWrapBreak
		copyB := widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() {
			t.main.App.Clipboard().SetContent(c.SHA256)
			d.Status.SetText("Copied the SHA-256 fingerprint of " + commonName(c.Subject))
		})
		d.Copy = append(d.Copy, copyB)
		form.Append(f.Name, container.NewBorder(nil, nil, nil, container.NewVBox(copyB), l))
	}
	return widget.NewCard("", title, form)
}

func selectable(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Selectable = true
	return l
}

func orWords(s, none string) string {
	if s == "" {
		return none
	}
	return s
}

// verifiedWords says how a client checked the server's certificate.
func verifiedWords(o *netcore.TLSOptions) string {
	switch {
	case o != nil && o.Insecure:
		return "no: verification skipped (insecure); nothing below was checked"
	case o != nil && o.CAFile != "":
		return "yes, against the CA file " + o.CAFile
	}
	return "yes, against this system's roots"
}
