package gui

import (
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"github.com/sockplay/sockplay"
	"github.com/sockplay/sockplay/assets"
)

// Icon is the application icon as a Fyne resource.
var Icon = fyne.NewStaticResource("icon.png", assets.IconPNG)

// NewApp creates the Fyne app with sockplay's ID (for its preferences and
// storage), metadata and icon, all taken from FyneApp.toml so a plain
// `go build` and a `fyne package` build behave alike.
func NewApp() fyne.App {
	ensureUserDirs()
	app.SetMetadata(fyne.AppMetadata{
		ID:      sockplay.App.ID,
		Name:    sockplay.App.Name,
		Version: sockplay.App.Version,
		Build:   sockplay.App.Build,
		Icon:    Icon,
	})
	a := app.NewWithID(sockplay.App.ID)
	a.SetIcon(Icon)
	return a
}

// ensureUserDirs creates the user's cache and config folders when a fresh
// account has none: Fyne creates only the last level of its cache path and
// otherwise logs two errors at every start.
func ensureUserDirs() {
	for _, dir := range []func() (string, error){os.UserCacheDir, os.UserConfigDir} {
		if d, err := dir(); err == nil {
			_ = os.MkdirAll(d, 0o700) // best effort: Fyne reports what still fails
		}
	}
}
