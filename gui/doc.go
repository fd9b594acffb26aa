// Package gui is the only package that imports fyne.io: the main window,
// its tabs and widgets. It shows and commands sessions; it does no socket
// work itself.
package gui
