// Package sockplay carries the app's identity, read from FyneApp.toml at
// build time so that the window, About and `sockplay version` can never
// disagree with the packaging metadata.
package sockplay

import (
	_ "embed"
	"fmt"

	"github.com/BurntSushi/toml"
)

//go:embed FyneApp.toml
var fyneAppTOML []byte

// Metadata is the part of FyneApp.toml the program itself uses.
type Metadata struct {
	ID      string
	Name    string
	Version string
	Build   int
	Website string
}

type fyneApp struct {
	Website string
	Details struct {
		ID      string
		Name    string
		Version string
		Build   int
	}
}

// ParseMetadata reads the fields sockplay uses from a FyneApp.toml.
func ParseMetadata(data []byte) (Metadata, error) {
	var f fyneApp
	if _, err := toml.Decode(string(data), &f); err != nil {
		return Metadata{}, fmt.Errorf("read FyneApp.toml: %w", err)
	}
	m := Metadata{ID: f.Details.ID, Name: f.Details.Name, Version: f.Details.Version, Build: f.Details.Build, Website: f.Website}
	if m.ID == "" || m.Name == "" || m.Version == "" {
		return Metadata{}, fmt.Errorf("read FyneApp.toml: ID, Name and Version are required")
	}
	return m, nil
}

// App is sockplay's own metadata, parsed once from the embedded FyneApp.toml.
// A broken file is a build mistake caught by TestEmbeddedMetadata, so it panics.
var App = func() Metadata {
	m, err := ParseMetadata(fyneAppTOML)
	if err != nil {
		panic(err)
	}
	return m
}()
