package gui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/sessions"
)

// The New-session dialog's relay: a third role beside Server and Client.
// The transport and the address are what it listens on, as for a server;
// the Target row is where it forwards each client, of any kind of the
// same sort (the engine refuses a stream joined to datagrams, in its own
// sentence, under the target). The spec stays Role "relay".

const roleRelay = "Relay"

// relayForm is the dialog's relay fields.
type relayForm struct {
	Target       *widget.SelectEntry // the target URL; the drop-down lists recent addresses
	TargetStatus *widget.Label       // what the relay will do, or what is wrong with the target

	// TargetTLS is a tls:// target's client settings (verification, SNI,
	// ALPN, a client certificate), shown when the target is tls://.
	TargetTLS *TLSForm

	// What the dialog does not edit but a spec it was given had (the
	// target's socket options): kept, so SetSpec then Spec loses nothing.
	targetOptions netcore.Options
}

func init() {
	specLabels["target"] = "Target"
	specLabels["target_options"] = "Target"
}

// addRelayRows builds the Target rows (hidden until Relay is chosen).
func (d *NewSessionDialog) addRelayRows(add func(name, label string, content fyne.CanvasObject)) {
	d.Target = widget.NewSelectEntry(nil)
	d.Target.SetPlaceHolder("where each client is forwarded, e.g. tcp://127.0.0.1:8080")
	d.Target.OnChanged = func(string) { d.validate() }
	d.TargetStatus = widget.NewLabel("")
	d.TargetStatus.Wrapping = fyne.TextWrapWord
	d.TargetTLS = newTLSForm(d.m.Window, d.validate)
	d.TargetTLS.SetRole(false)
	add("target", "Target", d.Target)
	add("targetstatus", "", d.TargetStatus)
	add("targettls", "Target TLS", d.TargetTLS.Content)
}

// targetIsTLS reports whether the typed target is a tls:// one.
func (d *NewSessionDialog) targetIsTLS() bool {
	ep, err := netcore.ParseEndpoint(d.TargetURL())
	return err == nil && ep.TLS()
}

func (d *NewSessionDialog) relay() bool { return d.Role.Selected == roleRelay }

// SelectRelay picks the relay as a person would (the welcome tab's card).
func (d *NewSessionDialog) SelectRelay() {
	d.Role.SetSelected(roleRelay)
	if d.Transport.Selected == "" {
		d.Transport.SetSelected(families[0].Title)
	}
}

// setRelay fills the relay fields from spec (SetSpec, while syncing).
func (d *NewSessionDialog) setRelay(spec SessionSpec) {
	if spec.Role == "relay" {
		d.Role.SetSelected(roleRelay)
	}
	d.Target.SetText(spec.Target)
	d.TargetTLS.Set(spec.TargetTLS)
	d.targetOptions = spec.TargetOptions
}

// TargetURL is the target as the spec keeps it: a scheme-less address
// takes the listening side's scheme, as the address does.
func (d *NewSessionDialog) TargetURL() string { return addressURL(d.Target.Text, d.scheme()) }

// relaySpec makes spec a relay's when Relay is chosen: what only servers
// have (a reply, keep-open, a save folder) is left out, the target put in
// with, for a tls:// target, its TLS settings (an error names the field).
func (d *NewSessionDialog) relaySpec(spec *SessionSpec) error {
	if !d.relay() {
		return nil
	}
	spec.Role = "relay"
	spec.Reply, spec.ReplyPayload = "", nil
	spec.KeepOpen = false
	spec.SaveDir = ""
	spec.Target = d.TargetURL()
	spec.TargetOptions = d.targetOptions
	spec.TargetTLS = nil
	if d.targetIsTLS() {
		t, err := d.TargetTLS.Value(false)
		if err != nil {
			return fmt.Errorf("target: %w", err)
		}
		spec.TargetTLS = t
	}
	return nil
}

// relayKindChanged shows the relay's rows, or hides them, and hides what
// a relay does not have.
func (d *NewSessionDialog) relayKindChanged() {
	relay := d.relay()
	d.showRow("target", relay)
	d.showRow("targetstatus", relay)
	d.showRow("targettls", relay && d.targetIsTLS())
	if l, ok := d.rows["address"][0].(*widget.Label); ok {
		text := "Address"
		if relay {
			text = "Listen on"
		}
		setText(l, text)
	}
	if !relay {
		return
	}
	d.KindSummary.SetText(relayKind.Summary)
	d.showRow("reply", false)
	d.showRow("keepopen", false)
}

// validateTarget says under the target what the relay will do, or the
// first thing wrong with the target in red.
func (d *NewSessionDialog) validateTarget() {
	if !d.relay() {
		return
	}
	d.showRow("savedir", false)
	d.showRow("targettls", d.targetIsTLS())
	if strings.TrimSpace(d.Target.Text) == "" {
		setStatus(d.TargetStatus, "", widget.LowImportance) // the placeholder and the problem line say what to write
		return
	}
	tep, err := netcore.ParseEndpoint(d.TargetURL())
	if err == nil {
		err = netcore.Options{}.Validate(tep, false)
	}
	ep, lerr := netcore.ParseEndpoint(d.URL())
	if err == nil && lerr == nil {
		err = sessions.MixedRelay(ep, tep)
	}
	switch {
	case err != nil:
		setStatus(d.TargetStatus, err.Error(), widget.DangerImportance)
	case lerr != nil:
		setStatus(d.TargetStatus, "forwards each client to "+tep.ShortAddr()+" (once the address to listen on is right)", widget.LowImportance)
	default:
		setStatus(d.TargetStatus, describeRelay(ep, tep), widget.LowImportance)
	}
}

// describeRelay says in one line what a relay from listen to target does.
func describeRelay(listen, target netcore.Endpoint) string {
	where := listen.ShortAddr()
	if !listen.IsUnix() && listen.Port == 0 {
		where = "a free port (the tab shows which)"
	}
	s := fmt.Sprintf("listens on %s and forwards each client to %s", where, target.ShortAddr())
	if !listen.Stream() {
		s = fmt.Sprintf("listens on %s and gives each client address its own socket to %s", where, target.ShortAddr())
	}
	if target.Scheme != listen.Scheme {
		s += fmt.Sprintf(" (%s:// to %s://)", listen.Scheme, target.Scheme)
	}
	return s
}
