package testkit

import (
	"sync"
	"unsafe"

	"golang.org/x/sys/windows"
)

// wineVersion asks Wine's ntdll for its version; Windows' ntdll has no
// wine_get_version, so the lookup fails there and the answer is "".
var wineVersion = sync.OnceValue(func() string {
	p := windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version")
	if p.Find() != nil {
		return ""
	}
	r, _, _ := p.Call()
	if r == 0 {
		return "(unknown version)"
	}
	// r points into ntdll's static data, which lives as long as the process.
	return windows.BytePtrToString(*(**byte)(unsafe.Pointer(&r)))
})
