package model

// Col is a column of the table, named as ss names them.
type Col int

const (
	ColNetid Col = iota
	ColState
	ColRecvQ
	ColSendQ
	ColLocal
	ColPeer
	ColProcess
	NumCols
)

// NoSort sorts by no column: rows keep the kernel's order.
const NoSort Col = -1

// Columns are the table's headers and the words the workspace file names
// them by.
var Columns = [NumCols]struct{ Title, Key string }{
	{"Netid", "netid"}, {"State", "state"}, {"Recv-Q", "recv-q"}, {"Send-Q", "send-q"},
	{"Local Address:Port", "local"}, {"Peer Address:Port", "peer"}, {"Process", "process"},
}

// Valid reports whether c is one of the table's columns.
func (c Col) Valid() bool { return c >= 0 && c < NumCols }

// ColByKey is the column a saved word names, or NoSort.
func ColByKey(key string) Col {
	for i, c := range Columns {
		if c.Key == key {
			return Col(i)
		}
	}
	return NoSort
}
