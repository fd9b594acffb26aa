// Package assets bundles sockplay's icons and other static resources as raw
// bytes. It does not import Fyne: the gui package wraps what it needs.
package assets

import _ "embed"

// IconPNG is the 512×512 application icon named in FyneApp.toml (Details.Icon);
// icon.svg beside it is its source.
//
//go:embed icon.png
var IconPNG []byte
