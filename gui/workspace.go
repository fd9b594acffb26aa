package gui

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/netcore"
)

// workspaceVersion is the file format this build writes and the newest it
// reads. A newer file is kept aside rather than half-understood; version 1
// files are upgraded as they load (workspace_v1.go).
const workspaceVersion = 2

// maxRecent bounds the recent-address list: enough to find yesterday's
// device again, short enough to scan in a drop-down.
const maxRecent = 20

// workspaceFileName is the file, in workspaceDir of the app's own storage folder.
const (
	workspaceDir      = "workspace"
	workspaceFileName = "workspace.json"
)

// Workspace is what sockplay remembers between runs: the open tabs with
// their settings, recently used addresses and the composer payloads saved
// by name. It lives as JSON in the app's storage and is written atomically,
// so a crash mid-save leaves the previous file intact.
//
// The methods may be called from any goroutine; the tab list is refreshed
// from the window by MainWindow.SaveWorkspace, on the UI goroutine.
type Workspace struct {
	Version int           `json:"version"`
	Tabs    []SessionSpec `json:"tabs"`
	// Tools are the open Ping and Sockets tabs, each with its place among
	// the saved tabs, so the window comes back in the same order. Files
	// from before tool tabs were kept have none, and older builds skip them.
	Tools  ToolTabs `json:"tools,omitempty"`
	Recent []string `json:"recent,omitempty"` // newest first, at most maxRecent
	// SavedPayloads are the composer payloads saved by name, in the order
	// first saved. (Not called Payloads: that is the method the composer uses.)
	SavedPayloads []SavedPayload `json:"payloads,omitempty"`
	// Window is the main window's size when last closed (zero: never saved).
	Window WindowSize `json:"window,omitempty"`

	mu sync.Mutex
	// path is where the file is saved; "" keeps the workspace in memory
	// only (no file storage).
	path string
	// noSave, when set, says why saving is off: the file on disk could not
	// be read nor moved aside, and must not be overwritten.
	noSave error
	// changed is called after a recent address or payload changes, so the
	// window saves the whole workspace; nil in tests of the struct alone.
	changed func()
}

// Tool tab kinds, as ToolTab.Kind names them.
const (
	toolPing    = "ping"
	toolSockets = "sockets"
	toolCapture = "capture"
	// toolExperiments is the Experiments tab (experiments_tab.go).
	toolExperiments = "experiments"
)

// ToolTab is a Ping, Sockets or capture tab as the workspace keeps it: what kind it
// is, where it stood and its settings (the one matching Kind).
type ToolTab struct {
	Kind string `json:"kind"` // toolPing, toolSockets or toolCapture
	// At is the tab's index among the saved tabs, session and tool tabs
	// together (the welcome tab is not saved). Out of range is harmless:
	// the tab goes first or last.
	At      int              `json:"at"`
	Ping    *PingSettings    `json:"ping,omitempty"`
	Sockets *SocketsSettings `json:"sockets,omitempty"`
	Capture *CaptureSettings `json:"capture,omitempty"`
	// Experiments: the experiment the Experiments tab showed.
	Experiments *ExperimentsSettings `json:"experiments,omitempty"`

	// problem says, in a sentence, what in the saved entry could not be
	// read (a value of the wrong JSON type): that setting is left at its
	// default, the rest of the entry and of the workspace are used.
	problem string
	notList bool // problem is about the whole list, which was no list
}

// UnmarshalJSON reads an entry as far as it can: a wrong value in one tool
// tab costs that setting (or that tab), never the whole workspace.
// encoding/json skips a value of the wrong type and goes on with the rest.
func (t *ToolTab) UnmarshalJSON(data []byte) error {
	type plain ToolTab // without this method
	var p plain
	err := json.Unmarshal(data, &p)
	*t = ToolTab(p)
	if err != nil {
		t.problem = "the saved entry " + jsonErrorWords(err)
	}
	return nil
}

// ToolTabs is the workspace's list of tool tabs. Anything but a list is one
// unusable entry rather than an unusable file.
type ToolTabs []ToolTab

// UnmarshalJSON reads a list of tool tabs; see ToolTab.UnmarshalJSON.
func (l *ToolTabs) UnmarshalJSON(data []byte) error {
	var list []ToolTab
	if err := json.Unmarshal(data, &list); err != nil {
		*l = ToolTabs{{problem: "the saved list of them " + jsonErrorWords(err), notList: true}}
		return nil
	}
	*l = list
	return nil
}

// jsonErrorWords says what json.Unmarshal refused, as a person reading the
// file would put it.
func jsonErrorWords(err error) string {
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		if typ.Field == "" {
			return fmt.Sprintf("is a JSON %s where sockplay expects %s", typ.Value, goTypeWords(typ.Type.String()))
		}
		return fmt.Sprintf("holds a JSON %s at %q where sockplay expects %s", typ.Value, typ.Field, goTypeWords(typ.Type.String()))
	}
	return fmt.Sprintf("could not be decoded (%v)", err)
}

// WindowSize is the window's size in Fyne's units.
type WindowSize struct {
	Width  float32 `json:"width"`
	Height float32 `json:"height"`
}

// SavedPayload is a composer payload kept under a name.
type SavedPayload struct {
	Name string `json:"name"`
	ComposerState
}

// AddRecent puts an endpoint URL at the top of the recent list, dropping an
// older copy of it (compared in the canonical form, so tcp://localhost:80
// and TCP://localhost:80 are one entry) and the oldest beyond maxRecent.
func (w *Workspace) AddRecent(url string) {
	url = strings.TrimSpace(url)
	if url == "" {
		return
	}
	if ep, err := netcore.ParseEndpoint(url); err == nil {
		url = ep.String()
	}
	w.mu.Lock()
	list := make([]string, 0, maxRecent)
	list = append(list, url)
	for _, r := range w.Recent {
		if r != url && len(list) < maxRecent {
			list = append(list, r)
		}
	}
	w.Recent = list
	w.mu.Unlock()
	w.notify()
}

// RecentAddresses returns a copy of the recent list, newest first.
func (w *Workspace) RecentAddresses() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.Recent...)
}

// SavePayload keeps c under name, replacing a payload of the same name in
// place. An empty name is refused: the library lists payloads by name.
func (w *Workspace) SavePayload(name string, c ComposerState) error {
	name = strings.TrimSpace(name)
	if name == "" {
		return errors.New("a saved payload needs a name")
	}
	w.mu.Lock()
	found := false
	for i := range w.SavedPayloads {
		if w.SavedPayloads[i].Name == name {
			w.SavedPayloads[i].ComposerState = c
			found = true
			break
		}
	}
	if !found {
		w.SavedPayloads = append(w.SavedPayloads, SavedPayload{Name: name, ComposerState: c})
	}
	w.mu.Unlock()
	w.notify()
	return nil
}

// DeletePayload removes the payload called name, if there is one.
func (w *Workspace) DeletePayload(name string) {
	w.mu.Lock()
	kept := w.SavedPayloads[:0]
	for _, p := range w.SavedPayloads {
		if p.Name != name {
			kept = append(kept, p)
		}
	}
	removed := len(kept) != len(w.SavedPayloads)
	clear(w.SavedPayloads[len(kept):])
	w.SavedPayloads = kept
	w.mu.Unlock()
	if removed {
		w.notify()
	}
}

// Payloads returns a copy of the saved payloads.
func (w *Workspace) Payloads() []SavedPayload {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]SavedPayload(nil), w.SavedPayloads...)
}

// Path is the file the workspace is saved to ("" when it is not saved).
func (w *Workspace) Path() string { return w.path }

func (w *Workspace) notify() {
	if w.changed != nil {
		w.changed()
	}
}

// save writes the workspace with tabs as its tab list, atomically; the
// tool tabs are those it holds.
func (w *Workspace) save(tabs []SessionSpec) error {
	w.mu.Lock()
	tools := w.Tools
	w.mu.Unlock()
	return w.saveTabs(tabs, tools)
}

// saveTabs writes the workspace with these session and tool tabs, atomically.
func (w *Workspace) saveTabs(tabs []SessionSpec, tools []ToolTab) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.path == "" {
		return nil
	}
	if w.noSave != nil {
		return w.noSave
	}
	w.Version = workspaceVersion
	w.Tabs = append([]SessionSpec{}, tabs...) // [] rather than null when none
	w.Tools = append(ToolTabs(nil), tools...) // none: no "tools" at all, as before
	data, err := json.MarshalIndent(w, "", "  ")
	if err != nil {
		return fmt.Errorf("save workspace: %w", err)
	}
	if err := writeFileAtomic(w.path, append(data, '\n')); err != nil {
		return fmt.Errorf("save workspace: %w", err)
	}
	return nil
}

// writeFileAtomic writes data to a temporary file beside path and renames
// it over path, so readers see the old file or the new one, never half.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+"-*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp) // best effort: the error below is what matters
	}
	return err
}

// workspaceProblem says why a saved workspace was not used.
type workspaceProblem struct {
	Reason string // plain words: what was wrong with the file
	KeptAs string // where the bad file now is; "" when it could not be moved
	Path   string // the file that was read
}

// loadWorkspace reads the workspace at path. A missing file is a clean
// start. A file that cannot be used is renamed to
// workspace.json.corrupt-YYYYMMDD-HHMMSS beside it (never overwritten) and a
// clean workspace is returned with the problem to show.
func loadWorkspace(path string, now time.Time) (*Workspace, *workspaceProblem) {
	w := &Workspace{Version: workspaceVersion, path: path}
	if path == "" {
		return w, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return w, nil
	}
	if err != nil {
		// Unreadable but present: leave it where it is and do not save over it.
		w.noSave = fmt.Errorf("the workspace file %s could not be read (%v), so sockplay does not save over it", path, err)
		return w, &workspaceProblem{Reason: fmt.Sprintf("the file could not be read: %v", err), Path: path}
	}
	var loaded Workspace
	reason := decodeWorkspace(data, &loaded)
	if reason == "" {
		w.Tabs, w.Tools, w.Recent, w.SavedPayloads, w.Window = loaded.Tabs, loaded.Tools, loaded.Recent, loaded.SavedPayloads, loaded.Window
		if len(w.Recent) > maxRecent {
			w.Recent = w.Recent[:maxRecent]
		}
		return w, nil
	}
	p := &workspaceProblem{Reason: reason, Path: path}
	kept, err := keepAside(path, now)
	if err != nil {
		w.noSave = fmt.Errorf("the unusable workspace file %s could not be moved aside (%v), so sockplay does not save over it", path, err)
		return w, p
	}
	p.KeptAs = kept
	return w, p
}

// decodeWorkspace fills w from data and returns "" or, in plain words, why
// the data is not a workspace this build can use.
func decodeWorkspace(data []byte, w *Workspace) string {
	if err := json.Unmarshal(data, w); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			return fmt.Sprintf("it is not valid JSON (%v, at byte %d)", syn, syn.Offset)
		case errors.As(err, &typ):
			where := strings.ReplaceAll(typ.Field, ".Spec.", ".") // the embedded session spec is no level of the file
			if where == "" {
				where = "the top level"
			} else {
				where = fmt.Sprintf("%q", where)
			}
			return fmt.Sprintf("it holds a JSON %s at %s where sockplay expects %s", typ.Value, where, goTypeWords(typ.Type.String()))
		}
		return fmt.Sprintf("it could not be decoded (%v)", err)
	}
	switch {
	case w.Version == 0:
		return "it has no version number, so it is not a workspace sockplay wrote"
	case w.Version < 0:
		return fmt.Sprintf("its version number %d makes no sense", w.Version)
	case w.Version > workspaceVersion:
		return fmt.Sprintf("it was saved by a newer sockplay (workspace version %d; this one reads up to %d). "+
			"A newer sockplay can still open the kept file", w.Version, workspaceVersion)
	case w.Version == 1:
		if err := upgradeV1(data, w); err != nil {
			return fmt.Sprintf("its version 1 tabs could not be read (%v)", err)
		}
	}
	return ""
}

// goTypeWords names a Go type the way a person reading JSON would.
func goTypeWords(t string) string {
	switch {
	case t == "string":
		return "text"
	case t == "bool" || strings.HasPrefix(t, "*bool"):
		return "true or false"
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case strings.Contains(t, "int") || strings.Contains(t, "Duration"):
		return "a whole number"
	}
	return "an object"
}

// keepAside renames path to path.corrupt-YYYYMMDD-HHMMSS, adding -2, -3…
// if that name is taken, and returns the new name. Rename keeps the bytes
// exactly as they were.
func keepAside(path string, now time.Time) (string, error) {
	base := path + ".corrupt-" + now.Format("20060102-150405")
	name := base
	for i := 2; ; i++ {
		if _, err := os.Lstat(name); errors.Is(err, fs.ErrNotExist) {
			break
		}
		if i > 100 {
			return "", fmt.Errorf("too many kept workspace files named %s-N", base)
		}
		name = fmt.Sprintf("%s-%d", base, i)
	}
	if err := os.Rename(path, name); err != nil {
		return "", err
	}
	return name, nil
}

// workspacePath is workspace.json in the app's own storage folder, or ""
// when the app has no storage on disk.
func workspacePath(a fyne.App) string {
	root := a.Storage().RootURI()
	if root == nil || root.Scheme() != "file" || root.Path() == "" {
		return ""
	}
	// A folder of its own: Fyne watches the storage root (where its
	// preferences.json lives) and reloads its preferences on any change
	// there, so our saves would race its own write at quit ("Preferences
	// load error: EOF"). The watch is not recursive.
	return filepath.Join(root.Path(), workspaceDir, workspaceFileName)
}

// WorkspaceWarning is the dialog shown when the saved workspace could not be
// used; Message is its text, for tests.
type WorkspaceWarning struct {
	*dialog.CustomDialog
	Message string
}

// workspaceWarningText tells a person, in plain words, what happened to
// their workspace and where the old file is.
func workspaceWarningText(p *workspaceProblem) string {
	var b strings.Builder
	b.WriteString("sockplay could not use the workspace saved last time (the open tabs, recent addresses and saved payloads), " +
		"so it starts with a clean one.\n\nWhat was wrong: " + p.Reason + ".\n\n")
	if p.KeptAs != "" {
		b.WriteString("The file was kept, unchanged, as\n" + p.KeptAs + "\nNothing will be written over it.")
	} else {
		b.WriteString("The file was left where it is,\n" + p.Path + "\nand sockplay will not save over it in this run.")
	}
	return b.String()
}

// restoreWorkspace loads the saved workspace and reopens its tabs in the
// order they had, each session started only if the person chose "start
// now" for it; Ping tabs never start, the Sockets tab lists unless it was
// paused. Called once, at the end of NewMainWindow.
func (m *MainWindow) restoreWorkspace() {
	ws, problem := loadWorkspace(workspacePath(m.App), time.Now())
	m.Workspace = ws
	tabs, tools := ws.Tabs, ws.Tools
	ws.Tabs, ws.Tools = nil, nil

	m.restoring = true
	var failed, reset []string
	for _, step := range restorePlan(tabs, tools) {
		if step.spec != nil {
			if err := openSession(m, *step.spec); err != nil {
				failed = append(failed, fmt.Sprintf("%s: %v", step.spec.Title(), err))
			}
			continue
		}
		notes, err := m.restoreTool(*step.tool)
		name := step.tool.title(step.index)
		if err != nil {
			failed = append(failed, fmt.Sprintf("%s: %v", name, err))
			continue
		}
		for _, n := range notes {
			reset = append(reset, name+": "+n)
		}
	}
	m.restoring = false
	ws.changed = func() { fyne.Do(m.saveWorkspaceLogged) }

	switch {
	case problem != nil:
		m.showWorkspaceWarning("Saved workspace not used", workspaceWarningText(problem))
	case len(failed) > 0 || len(reset) > 0:
		var parts []string
		if len(failed) > 0 {
			parts = append(parts, "These tabs from last time could not be reopened and were left out:\n\n"+
				strings.Join(failed, "\n"))
		}
		if len(reset) > 0 {
			parts = append(parts, "These settings from last time could not be used, so the tabs came back with the defaults instead:\n\n"+
				strings.Join(reset, "\n"))
		}
		m.showWorkspaceWarning("Part of the saved workspace not used", strings.Join(parts, "\n\n"))
	}
}

// restoreStep is one tab to reopen: a session (spec) or a tool tab (tool,
// the index-th of the saved list).
type restoreStep struct {
	spec  *SessionSpec
	tool  *ToolTab
	index int
}

// restorePlan puts the saved session tabs (in their order) and tool tabs
// (at their At) back into one tab order. A tool tab whose At is taken or out
// of range keeps its order relative to the others; an entry too broken to
// say its kind has no place and comes last (it only gives a warning).
func restorePlan(tabs []SessionSpec, tools []ToolTab) []restoreStep {
	at := func(t *ToolTab) int {
		if t.Kind == "" {
			return math.MaxInt
		}
		return t.At
	}
	order := make([]int, len(tools))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(at(&tools[a]), at(&tools[b])) })
	steps := make([]restoreStep, 0, len(tabs)+len(tools))
	i, j := 0, 0
	for i < len(tabs) || j < len(order) {
		if j < len(order) && (i == len(tabs) || at(&tools[order[j]]) <= len(steps)) {
			steps = append(steps, restoreStep{tool: &tools[order[j]], index: order[j]})
			j++
		} else {
			steps = append(steps, restoreStep{spec: &tabs[i], index: i})
			i++
		}
	}
	return steps
}

// title names a saved tool tab in a warning: "Ping 127.0.0.1", "Sockets",
// or by its place in the list when its kind is unknown.
func (t *ToolTab) title(index int) string {
	switch t.Kind {
	case toolPing:
		if t.Ping != nil && strings.TrimSpace(t.Ping.Target) != "" && oneLine(t.Ping.Target) {
			return "Ping " + strings.TrimSpace(t.Ping.Target)
		}
		return "Ping"
	case toolSockets:
		return socketsTitle
	case toolExperiments:
		return "Experiments"
	case toolCapture:
		if t.Capture != nil && oneLine(t.Capture.File) && t.Capture.File != "" {
			return "Capture " + filepath.Base(t.Capture.File)
		}
		return "Capture"
	}
	if t.notList {
		return "Ping, Sockets, capture and Experiments tabs"
	}
	return fmt.Sprintf("Saved tool tab %d", index+1)
}

// restoreTool reopens a saved tool tab, not started. A setting it cannot use
// is left at its default and named in notes; err (the tab is left out) says
// why the entry is no tab at all.
func (m *MainWindow) restoreTool(tt ToolTab) (notes []string, err error) {
	if tt.problem != "" && tt.Kind != "" {
		notes = append(notes, tt.problem+", so that setting is back to its default")
	}
	switch tt.Kind {
	case toolPing:
		var s PingSettings
		if tt.Ping != nil {
			s = *tt.Ping
		}
		s, more := s.checked()
		m.restorePing(s)
		return append(notes, more...), nil
	case toolSockets:
		if m.sockets != nil {
			return nil, errors.New("sockplay keeps one Sockets tab and this is a second one")
		}
		var s SocketsSettings
		if tt.Sockets != nil {
			s = *tt.Sockets
		}
		s, more := s.Checked()
		m.restoreSockets(s)
		return append(notes, more...), nil
	case toolCapture:
		if tt.Capture == nil || strings.TrimSpace(tt.Capture.File) == "" {
			return nil, errors.New("the saved entry does not name its capture file")
		}
		m.restoreCapture(tt.Capture.File)
		return notes, nil
	case toolExperiments:
		if m.experimentsTab() != nil {
			return nil, errors.New("sockplay keeps one Experiments tab and this is a second one")
		}
		var s ExperimentsSettings
		if tt.Experiments != nil {
			s = *tt.Experiments
		}
		m.restoreExperiments(s)
		return notes, nil
	case "":
		if tt.problem != "" {
			return nil, errors.New(tt.problem)
		}
		return nil, errors.New("the saved entry does not say what kind of tab it is (ping, sockets, capture or experiments)")
	}
	return nil, fmt.Errorf("%q is not a kind of tab this sockplay knows (ping, sockets, capture or experiments)", tt.Kind)
}

// toolTabsInOrder is the open tool tabs that the workspace keeps, each with
// its settings and its place among the saved tabs.
func (m *MainWindow) toolTabsInOrder() []ToolTab {
	if len(m.keptTabs) == 0 {
		return nil
	}
	session := make(map[*container.TabItem]bool, len(m.sessionTabs))
	for _, t := range m.sessionTabs {
		session[t.Item] = true
	}
	var tools []ToolTab
	at := 0
	for _, item := range m.Tabs.Items {
		if session[item] {
			at++
			continue
		}
		if kept := m.keptTabs[item]; kept != nil {
			tt := kept.toolTab()
			tt.At = at
			tools = append(tools, tt)
			at++
		}
	}
	return tools
}

// oneLine reports whether s fits a one-line entry: no control characters,
// not absurdly long.
func oneLine(s string) bool {
	return len(s) <= 1000 && !strings.ContainsFunc(s, unicode.IsControl)
}

func (m *MainWindow) showWorkspaceWarning(title, text string) {
	label := widget.NewLabel(text)
	label.Wrapping = fyne.TextWrapWord
	// A scroll's minimum is one line: without its own, the dialog (shown
	// before the window has its size) showed one line of the text.
	scroll := container.NewVScroll(label)
	scroll.SetMinSize(fyne.NewSize(600, 180))
	d := &WorkspaceWarning{
		CustomDialog: dialog.NewCustom(title, "OK", scroll, m.Window),
		Message:      text,
	}
	d.Resize(fyne.NewSize(680, 340)) // the kept file's full path fits without scrolling
	m.show(d)
}

// SaveWorkspace writes the open tabs (with each composer's current state,
// and the settings of the Ping and Sockets tabs) in their order,
// the recent addresses and the saved payloads to the app's storage. Call
// it on the UI goroutine: it reads the tabs' widgets.
func (m *MainWindow) SaveWorkspace() error {
	if m.Workspace == nil || m.restoring {
		return nil
	}
	return m.Workspace.saveTabs(sessionTabSpecs(m), m.toolTabsInOrder())
}

// saveWorkspaceLogged saves where no dialog can be shown (window closing,
// background changes); a failure is logged, not lost silently.
func (m *MainWindow) saveWorkspaceLogged() {
	if err := m.SaveWorkspace(); err != nil {
		fyne.LogError("sockplay: workspace not saved", err)
	}
}

// openSession and sessionTabSpecs reach the session tabs; tabs.go sets
// them to OpenSession and the tabs' Spec. As variables they let the
// workspace be built and tested apart from the tab code.
var (
	openSession = func(m *MainWindow, spec SessionSpec) error {
		return errors.New("session tabs are not in this build yet")
	}
	sessionTabSpecs = func(m *MainWindow) []SessionSpec { return nil }
)
