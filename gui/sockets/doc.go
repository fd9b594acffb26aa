// Package sockets is the window's Sockets tab: the machine's sockets as ss
// and TCPView show them, in a sortable table refreshed on the tab's own
// pump, with a filter bar, a summary like ss -s and actions on a row
// (copy it, open a client session to a listener, go to the session tab
// that owns it, close a TCP connection from outside as ss -K does).
//
// Files: tab.go builds the tab; filters.go the filter bar; settings.go
// what the workspace keeps; lister.go the listing pump and how a listing
// reaches the table; table.go the table and its sorting; actions.go the
// row actions; cell.go the cell widget. What can be decided without a
// widget (settings checks, the filter, rows, sorting, the summary, the
// actions' questions) is in package model, Fyne-free and table-tested.
//
// The tab reaches the window only through Host, so package gui can import
// this one and not the other way round.
package sockets
