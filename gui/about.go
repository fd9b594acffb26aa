package gui

import (
	"fmt"
	"net/url"
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay"
)

// ShowAbout shows the name, version and build from FyneApp.toml: the same
// text `sockplay version` prints.
func (m *MainWindow) ShowAbout() {
	icon := canvas.NewImageFromResource(Icon)
	icon.FillMode = canvas.ImageFillContain
	icon.SetMinSize(fyne.NewSize(96, 96))
	name := widget.NewLabelWithStyle(sockplay.App.Name, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	version := widget.NewLabelWithStyle(fmt.Sprintf("Version %s (build %d)\n%s, %s/%s",
		sockplay.App.Version, sockplay.App.Build, runtime.Version(), runtime.GOOS, runtime.GOARCH),
		fyne.TextAlignCenter, fyne.TextStyle{})
	items := []fyne.CanvasObject{icon, name, version,
		widget.NewLabelWithStyle("A socket playground: servers, clients, bytes.", fyne.TextAlignCenter, fyne.TextStyle{Italic: true})}
	if u, err := url.Parse(sockplay.App.Website); err == nil && sockplay.App.Website != "" {
		items = append(items, container.NewCenter(widget.NewHyperlink(sockplay.App.Website, u)))
	}
	m.show(dialog.NewCustom("About sockplay", "Close", container.NewVBox(items...), m.Window))
}
