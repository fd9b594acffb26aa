package gui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/netcore"
)

// Choices of the TLS section.
const (
	tlsSelfSigned  = "Self-signed for names"
	tlsCertFiles   = "Certificate and key files"
	tlsSystemRoots = "System roots"
	tlsCAFile      = "CA file"
	tlsMinDefault  = "default (1.2)"
)

// defaultSelfSigned are the names a new TLS server's self-signed
// certificate is for.
const defaultSelfSigned = "localhost,127.0.0.1"

// TLSForm is the New-session dialog's TLS section (netcore.TLSOptions),
// shown for tls:// only: a server's certificate, a client's verification,
// and for both ALPN, the lowest version and a key log. Rows of the other
// role are hidden and their values ignored.
type TLSForm struct {
	// Servers: files, or a self-signed certificate made at start.
	Source     *widget.RadioGroup // tlsSelfSigned, tlsCertFiles
	SelfSigned *widget.Entry      // comma-separated names
	SaveDir    *widget.Entry      // "keep it in" folder
	CertFile   *widget.Entry
	KeyFile    *widget.Entry

	// Clients: verify against the system roots or a CA file, or not at all.
	Verify       *widget.RadioGroup // tlsSystemRoots, tlsCAFile
	CAFile       *widget.Entry
	Insecure     *widget.Check
	InsecureNote *widget.Label // says plainly what skipping verification means
	SNI          *widget.Entry
	ClientCert   *widget.Entry
	ClientKey    *widget.Entry

	// Both.
	ALPN       *widget.Entry
	MinVersion *widget.Select
	KeyLog     *widget.Entry

	Content fyne.CanvasObject

	rows     map[string][]fyne.CanvasObject
	server   bool
	onChange func()
	win      fyne.Window
}

func newTLSForm(win fyne.Window, onChange func()) *TLSForm {
	f := &TLSForm{rows: map[string][]fyne.CanvasObject{}, onChange: onChange, win: win}
	changed := func(string) { f.changed() }
	entry := func(placeholder string) *widget.Entry {
		e := widget.NewEntry()
		e.SetPlaceHolder(placeholder)
		e.OnChanged = changed
		return e
	}
	f.Source = widget.NewRadioGroup([]string{tlsSelfSigned, tlsCertFiles}, changed)
	f.Source.Horizontal = true
	f.Source.Required = true
	f.SelfSigned = entry("host names or IP addresses, comma-separated, e.g. " + defaultSelfSigned)
	f.SaveDir = entry("nowhere: a new certificate each start; or a folder to keep and reuse it in")
	f.CertFile = entry("the certificate chain, PEM")
	f.KeyFile = entry("its private key, PEM")

	f.Verify = widget.NewRadioGroup([]string{tlsSystemRoots, tlsCAFile}, changed)
	f.Verify.Horizontal = true
	f.Verify.Required = true
	f.CAFile = entry("the authorities to trust, PEM (a self-signed server's certificate works)")
	f.Insecure = widget.NewCheck("Skip verification (insecure)", func(bool) { f.changed() })
	f.InsecureNote = widget.NewLabel("Insecure: the server's certificate is not checked, so anyone on the way can pose as the server " +
		"and read or change the traffic. The certificate is still shown on the tab.")
	f.InsecureNote.Wrapping = fyne.TextWrapWord
	f.InsecureNote.Importance = widget.WarningImportance
	f.SNI = entry("the address's host")
	f.ClientCert = entry("none; a certificate to present when the server asks, PEM")
	f.ClientKey = entry("its private key, PEM")

	f.ALPN = entry("none, e.g. h2,http/1.1")
	f.MinVersion = widget.NewSelect([]string{tlsMinDefault, "1.0", "1.1", "1.2", "1.3"}, changed)
	f.KeyLog = entry("none; a file to append the session keys to (SSLKEYLOGFILE), for Wireshark")

	open := func(e *widget.Entry) fyne.CanvasObject {
		return f.browse(e, func() *dialog.FileDialog {
			return dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
				if err == nil && r != nil {
					r.Close()
					e.SetText(r.URI().Path())
				}
			}, f.win)
		})
	}
	form := container.New(layout.NewFormLayout())
	add := func(name, label string, content fyne.CanvasObject) {
		l := widget.NewLabel(label)
		form.Add(l)
		form.Add(content)
		f.rows[name] = []fyne.CanvasObject{l, content}
	}
	add("source", "Certificate", f.Source)
	add("names", "   names", f.SelfSigned)
	add("savedir", "   keep it in", f.browse(f.SaveDir, func() *dialog.FileDialog {
		return dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
			if err == nil && dir != nil {
				f.SaveDir.SetText(dir.Path())
			}
		}, f.win)
	}))
	add("cert", "   certificate", open(f.CertFile))
	add("key", "   key", open(f.KeyFile))
	add("verify", "Verify against", f.Verify)
	add("ca", "   CA file", open(f.CAFile))
	add("insecure", "", f.Insecure)
	add("insecurenote", "", f.InsecureNote)
	add("sni", "SNI", f.SNI)
	add("clientcert", "Client certificate", open(f.ClientCert))
	add("clientkey", "   key", open(f.ClientKey))
	add("alpn", "ALPN", f.ALPN)
	add("minversion", "Min version", container.NewHBox(withWidth(f.MinVersion, 160)))
	add("keylog", "Key log", f.browse(f.KeyLog, func() *dialog.FileDialog {
		fd := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
			if err == nil && w != nil {
				w.Close()
				f.KeyLog.SetText(w.URI().Path())
			}
		}, f.win)
		fd.SetFileName("sslkeys.log")
		return fd
	}))
	f.Content = form
	f.Set(nil)
	return f
}

// browse puts a Browse… button after e that shows the dialog mk makes.
func (f *TLSForm) browse(e *widget.Entry, mk func() *dialog.FileDialog) fyne.CanvasObject {
	b := widget.NewButtonWithIcon("Browse…", theme.FolderOpenIcon(), func() { showFileDialog(mk()) })
	return container.NewBorder(nil, nil, nil, b, e)
}

func (f *TLSForm) changed() {
	f.layout()
	if f.onChange != nil {
		f.onChange()
	}
}

// SetRole shows the rows of a server or of a client.
func (f *TLSForm) SetRole(server bool) {
	f.server = server
	f.layout()
}

// Shown reports whether a row ("names", "ca", "insecurenote", ...) is shown.
func (f *TLSForm) Shown(name string) bool {
	r := f.rows[name]
	return len(r) > 0 && r[1].Visible()
}

func (f *TLSForm) layout() {
	files := f.Source.Selected == tlsCertFiles
	insecure := f.Insecure.Checked
	show := map[string]bool{
		"source": f.server, "names": f.server && !files, "savedir": f.server && !files,
		"cert": f.server && files, "key": f.server && files,
		"verify": !f.server && !insecure, "ca": !f.server && !insecure && f.Verify.Selected == tlsCAFile,
		"insecure": !f.server, "insecurenote": !f.server && insecure,
		"sni": !f.server, "clientcert": !f.server, "clientkey": !f.server,
		"alpn": true, "minversion": true, "keylog": true,
	}
	changed := false
	for name, objs := range f.rows {
		for _, o := range objs {
			if o.Visible() != show[name] {
				changed = true
				if show[name] {
					o.Show()
				} else {
					o.Hide()
				}
			}
		}
	}
	if changed {
		f.Content.Refresh()
	}
}

// Set fills the section from o; nil is a new session's: a self-signed
// certificate for localhost and 127.0.0.1, verification by the system.
func (f *TLSForm) Set(o *netcore.TLSOptions) {
	if o == nil {
		o = &netcore.TLSOptions{}
	}
	if o.CertFile != "" || o.KeyFile != "" {
		f.Source.SetSelected(tlsCertFiles)
	} else {
		f.Source.SetSelected(tlsSelfSigned)
	}
	names := strings.Join(o.SelfSigned, ",")
	if names == "" {
		names = defaultSelfSigned
	}
	f.SelfSigned.SetText(names)
	f.SaveDir.SetText(o.SaveDir)
	f.CertFile.SetText(o.CertFile)
	f.KeyFile.SetText(o.KeyFile)
	if o.CAFile != "" {
		f.Verify.SetSelected(tlsCAFile)
	} else {
		f.Verify.SetSelected(tlsSystemRoots)
	}
	f.CAFile.SetText(o.CAFile)
	f.Insecure.SetChecked(o.Insecure)
	f.SNI.SetText(o.SNI)
	f.ClientCert.SetText(o.ClientCert)
	f.ClientKey.SetText(o.ClientKey)
	f.ALPN.SetText(strings.Join(o.ALPN, ","))
	if o.MinVersion == "" {
		f.MinVersion.SetSelected(tlsMinDefault)
	} else {
		f.MinVersion.SetSelected(o.MinVersion)
	}
	f.KeyLog.SetText(o.KeyLog)
	f.layout()
}

// Value reads the rows of the role into netcore.TLSOptions; the error is
// one sentence naming the field.
func (f *TLSForm) Value(server bool) (*netcore.TLSOptions, error) {
	o := &netcore.TLSOptions{ALPN: commaList(f.ALPN.Text), KeyLog: strings.TrimSpace(f.KeyLog.Text)}
	if v := f.MinVersion.Selected; v != tlsMinDefault && v != "" {
		o.MinVersion = v
	}
	if server {
		if f.Source.Selected == tlsCertFiles {
			o.CertFile, o.KeyFile = strings.TrimSpace(f.CertFile.Text), strings.TrimSpace(f.KeyFile.Text)
			if err := needFile("TLS certificate file", o.CertFile, "choose the server's certificate (PEM), or a self-signed one"); err != nil {
				return o, err
			}
			if err := needFile("TLS key file", o.KeyFile, "choose the private key of the certificate (PEM)"); err != nil {
				return o, err
			}
		} else {
			o.SelfSigned = commaList(f.SelfSigned.Text)
			if len(o.SelfSigned) == 0 {
				return o, fmt.Errorf("TLS self-signed names: write the host names or IP addresses the certificate is for, e.g. %s", defaultSelfSigned)
			}
			if o.SaveDir = strings.TrimSpace(f.SaveDir.Text); o.SaveDir != "" {
				if fi, err := os.Stat(o.SaveDir); err != nil || !fi.IsDir() {
					return o, fmt.Errorf("TLS keep-it-in folder %s does not exist; choose a folder, or leave it empty", o.SaveDir)
				}
			}
		}
	} else {
		o.Insecure = f.Insecure.Checked
		if !o.Insecure && f.Verify.Selected == tlsCAFile {
			o.CAFile = strings.TrimSpace(f.CAFile.Text)
			if err := needFile("TLS CA file", o.CAFile, "choose the authorities to trust (PEM), or verify against the system roots"); err != nil {
				return o, err
			}
		}
		o.SNI = strings.TrimSpace(f.SNI.Text)
		if strings.ContainsAny(o.SNI, " /:@") {
			return o, fmt.Errorf("TLS SNI %q is not a host name", o.SNI)
		}
		o.ClientCert, o.ClientKey = strings.TrimSpace(f.ClientCert.Text), strings.TrimSpace(f.ClientKey.Text)
		if o.ClientCert != "" || o.ClientKey != "" {
			if err := needFile("TLS client certificate", o.ClientCert, "choose the certificate to present (PEM), or clear its key"); err != nil {
				return o, err
			}
			if err := needFile("TLS client key", o.ClientKey, "choose the private key of the client certificate (PEM)"); err != nil {
				return o, err
			}
		}
	}
	if o.KeyLog != "" {
		if fi, err := os.Stat(filepath.Dir(o.KeyLog)); err != nil || !fi.IsDir() {
			return o, fmt.Errorf("TLS key log: the folder %s does not exist", filepath.Dir(o.KeyLog))
		}
		if fi, err := os.Stat(o.KeyLog); err == nil && fi.IsDir() {
			return o, fmt.Errorf("TLS key log %s is a folder; choose a file", o.KeyLog)
		}
	}
	return o, nil
}

// needFile says what is wrong with a file field: empty (what to choose),
// missing, or a folder.
func needFile(field, path, what string) error {
	if path == "" {
		return fmt.Errorf("%s: %s", field, what)
	}
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("%s %s does not exist", field, path)
	case err != nil:
		return fmt.Errorf("%s %s cannot be read: %w", field, path, errors.Unwrap(err))
	case fi.IsDir():
		return fmt.Errorf("%s %s is a folder; choose a file", field, path)
	}
	return nil
}

// commaList splits "h2, http/1.1" into its non-empty parts.
func commaList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// tlsLabels name the spec's TLS fields as the dialog labels them.
var tlsLabels = map[string]string{
	"tls": "TLS", "tls.cert_file": "TLS certificate file", "tls.key_file": "TLS key file",
	"tls.self_signed": "TLS self-signed names", "tls.save_dir": "TLS keep-it-in folder",
	"tls.ca_file": "TLS CA file", "tls.insecure": "TLS skip verification", "tls.sni": "TLS SNI",
	"tls.client_cert": "TLS client certificate", "tls.client_key": "TLS client key",
	"tls.min_version": "TLS min version", "tls.alpn": "TLS ALPN", "tls.keylog": "TLS key log",
}
