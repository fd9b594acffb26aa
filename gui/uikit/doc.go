// Package uikit is what the window's tabs share below the window itself:
// the pump through which a goroutine hands work to the UI goroutine (one
// mechanism for every tab: session, Ping, Sockets, the kernel's view) and
// small widget helpers. It knows no tab and no session; tabs that live in
// their own packages (gui/sockets) and package gui both import it.
//
// What belongs here is Fyne plumbing every tab needs the same way. A
// widget one tab owns stays with that tab; model code (sorting, filtering,
// validation) stays Fyne-free beside the tab that uses it.
package uikit
