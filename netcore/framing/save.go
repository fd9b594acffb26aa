package framing

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"
)

// receivedName is the file name used when a header names none that is usable.
const receivedName = "received.bin"

// maxNameBytes keeps saved names under every common file system's limit (255)
// with room for a numeric suffix.
const maxNameBytes = 200

// SaveJSONHdrFile saves the body of a received jsonhdr message into dir
// under the header's "filename", made safe by SafeFileName, and returns the
// path written. An existing file is never overwritten: "a.txt" becomes
// "a-1.txt", "a-2.txt"... The file is created through an os.Root on dir, so
// nothing, not even a symlink planted in dir, can make it land outside.
func SaveJSONHdrFile(dir string, m Message) (string, error) {
	var hdr struct {
		Filename string `json:"filename"`
	}
	_ = json.Unmarshal(m.Header, &hdr) // no usable name: a generated one
	name := SafeFileName(hdr.Filename)

	root, err := os.OpenRoot(dir)
	if err != nil {
		return "", fmt.Errorf("save received file: %w", err)
	}
	defer root.Close()
	ext := filepath.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	for i := 0; i < 10000; i++ {
		candidate := name
		if i > 0 {
			candidate = fmt.Sprintf("%s-%d%s", stem, i, ext)
		}
		f, err := root.OpenFile(candidate, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("save received file %s: %w", candidate, err)
		}
		_, werr := f.Write(m.Data)
		cerr := f.Close()
		if werr == nil {
			werr = cerr
		}
		if werr != nil {
			_ = root.Remove(candidate)
			return "", fmt.Errorf("save received file %s: %w", candidate, werr)
		}
		return filepath.Join(dir, candidate), nil
	}
	return "", fmt.Errorf("save received file: %s and 9999 numbered variants already exist in %s: %w", name, dir, fs.ErrExist)
}

// SafeFileName turns a file name from the wire into a plain base name that is
// valid on Linux, Windows and macOS: directories (/ or \) are dropped, so are
// leading and trailing dots and spaces (no "..", no hidden files), control
// and invisible format characters and the characters Windows forbids become
// "_", Windows device names get a "_" prefix, and long names are cut. An
// empty result becomes "received.bin".
func SafeFileName(name string) string {
	name = strings.ToValidUTF8(name, "_")
	name = strings.ReplaceAll(name, `\`, "/")
	name = name[strings.LastIndexByte(name, '/')+1:]
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || strings.ContainsRune(`<>:"|?*`, r) {
			return '_'
		}
		return r
	}, name)
	name = strings.Trim(name, " .")
	if len(name) > maxNameBytes {
		ext := filepath.Ext(name)
		if len(ext) > 16 {
			ext = ""
		}
		stem := name[:len(name)-len(ext)]
		cut := maxNameBytes - len(ext)
		for cut > 0 && !utf8.RuneStart(stem[cut]) {
			cut--
		}
		name = strings.TrimRight(stem[:cut], " .") + ext
	}
	if name == "" {
		return receivedName
	}
	if isWindowsDevice(name) {
		name = "_" + name
	}
	return name
}

// isWindowsDevice reports names Windows treats as devices whatever the
// extension: CON, PRN, AUX, NUL, COM1-9, LPT1-9.
func isWindowsDevice(name string) bool {
	stem, _, _ := strings.Cut(name, ".")
	stem = strings.ToUpper(strings.TrimRight(stem, " "))
	switch stem {
	case "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$":
		return true
	}
	if len(stem) == 4 && (strings.HasPrefix(stem, "COM") || strings.HasPrefix(stem, "LPT")) {
		return stem[3] >= '1' && stem[3] <= '9'
	}
	return false
}
