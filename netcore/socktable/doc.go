// Package socktable lists the sockets of the local machine, as ss and
// TCPView do: TCP in every state, UDP, and Unix stream, datagram and
// seqpacket sockets, with queues, uid, inode and, when asked, the owning
// processes. It also answers the questions a session asks about its own
// connections: the kernel's view of one TCP connection (state, RTT,
// retransmissions), and of a session's connections followed until the
// kernel forgets them (ConnWatch, for the window's kernel view), closing
// one (as ss -K does), and who holds an address a listen failed on.
//
// Linux reads the kernel through netlink sock_diag, falling back to
// /proc/net when netlink is refused; Windows uses the IP helper tables;
// other systems return ErrListUnsupported. No fyne.io here.
package socktable
