// Package model is the Sockets tab without its widgets: the columns, the
// saved settings and their checks, the filter bar read into a
// socktable.Filter, the rows of a listing (keys, marks for sockets that
// appeared or vanished since the last refresh, sorting, the ss -s summary)
// and the questions the row actions ask (which endpoint a client would
// dial, whether a socket can be reset, which session owns it).
//
// It imports no fyne.io, so all of it is table-tested without a display;
// package sockets puts it on screen. Listing the kernel's table is
// socktable's; deciding how a socket looks on screen (tints, widths) is
// package sockets'.
package model
