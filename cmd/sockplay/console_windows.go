package main

import (
	"log"
	"os"

	"golang.org/x/sys/windows"
)

// AttachConsole is not in golang.org/x/sys/windows.
var procAttachConsole = windows.NewLazySystemDLL("kernel32.dll").NewProc("AttachConsole")

const attachParentProcess = uintptr(^uint32(0)) // ATTACH_PARENT_PROCESS, (DWORD)-1

// attachParentConsole gives a subcommand the console it was typed in.
//
// sockplay.exe is a GUI-subsystem program (linked with -H=windowsgui, so a
// double-click or the Start menu opens no console window), and Windows starts
// such a program with no console at all: without this, `sockplay.exe version`
// typed in cmd.exe or PowerShell prints nothing. With arguments (a
// subcommand, or gui flags), it attaches to the parent's console, if the
// parent has one, and points each standard stream that the parent did not
// redirect at it. Streams redirected to a file, a pipe or NUL are kept as
// they are, so `sockplay.exe sockets > out.txt` and pipes work with or
// without a console.
//
// It must run before anything is written, and before os.Stdin, os.Stdout and
// os.Stderr are handed to the command.
//
// What it cannot change (the README's Windows section says so): cmd.exe and
// PowerShell do not wait for a GUI-subsystem program, so the prompt comes
// back at once and the output follows it (`start /wait sockplay.exe ...` in
// cmd.exe waits and sets %ERRORLEVEL%), and a command that reads the console
// competes with the shell for typed lines.
func attachParentConsole(args []string) {
	if len(args) == 0 {
		return // the window alone: no console, as from the Start menu
	}
	std := []struct {
		id   uint32
		file **os.File
		name string
		in   bool
	}{
		{windows.STD_INPUT_HANDLE, &os.Stdin, "/dev/stdin", true},
		{windows.STD_OUTPUT_HANDLE, &os.Stdout, "/dev/stdout", false},
		{windows.STD_ERROR_HANDLE, &os.Stderr, "/dev/stderr", false},
	}
	// Before attaching: which streams the parent redirected. A GUI program
	// started from a console without redirection gets no usable handles (0,
	// or on old Windows the parent's console pseudo-handles, invalid here).
	var keep [3]bool
	for i, s := range std {
		h, err := windows.GetStdHandle(s.id)
		if err != nil || h == 0 || h == windows.InvalidHandle {
			continue
		}
		if t, err := windows.GetFileType(h); err == nil && t != windows.FILE_TYPE_UNKNOWN {
			keep[i] = true
		}
	}
	if keep[0] && keep[1] && keep[2] {
		return // everything redirected: nothing to attach for
	}
	if r, _, _ := procAttachConsole.Call(attachParentProcess); r == 0 {
		return // no parent console (Explorer, a service) or one of our own already
	}
	for i, s := range std {
		if keep[i] {
			continue
		}
		dev, access := "CONOUT$", uint32(windows.GENERIC_READ|windows.GENERIC_WRITE)
		if s.in {
			dev = "CONIN$"
		}
		h, err := windows.CreateFile(windows.StringToUTF16Ptr(dev), access,
			windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE, nil, windows.OPEN_EXISTING, 0, 0)
		if err != nil {
			continue
		}
		_ = windows.SetStdHandle(s.id, h)
		*s.file = os.NewFile(uintptr(h), s.name)
	}
	log.SetOutput(os.Stderr) // the log package took the old os.Stderr at init
}
