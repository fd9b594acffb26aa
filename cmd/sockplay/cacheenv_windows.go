package main

// ensureFyneCache does nothing on Windows, which has no exec that keeps the
// process: there the person can set FYNE_CACHE=5s themselves, and the
// README says so.
func ensureFyneCache() {}
