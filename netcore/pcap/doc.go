// Package pcap is sockplay's capture work, with no GUI in it: writing what
// a session sent and received as a pcapng file Wireshark reads as real
// traffic (TCP with its handshake and sequence numbers, UDP, Unix sockets
// in a faithful stand-in), and reading pcap and pcapng files (by tshark,
// tcpdump, or ourselves) back into conversations: TCP streams reassembled,
// UDP flows, each a list of chunks a session, replay or the window can use.
//
// It builds and decodes packets with gopacket (layers, pcapgo, reassembly);
// pcapng blocks gopacket cannot write (packet comments) are written here.
// Every reader is bounded: a hostile file (a gigantic snap length, a
// million tiny streams) is an error or a bounded amount of memory, never a
// crash.
//
// Writing (Writer, Create): one pcapng section with one interface, the
// session, named after it ("TCP server 127.0.0.1:9000"), its description
// saying what was synthesized; packets stamped in microseconds, as
// sessions stamp their entries; a packet comment (opt_comment) where the
// session's log said something about the connection (accepted, refused,
// reset, half-closed, closed), and epb_flags giving each packet's
// direction. The link type is raw IP (LINKTYPE_RAW): every packet is an
// IPv4 or IPv6 packet with the real addresses and ports; there is no link
// layer to show, and made-up Ethernet addresses would be noise. TCP is
// real TCP to a reader: a three-way handshake, sequence and
// acknowledgement numbers tracked per side, an ACK of every chunk from the
// side that received it, chunks split into segments of at most MSS (65483
// bytes, Linux's on loopback: the largest that fits an IP packet with
// room for options), FIN or RST as the connection really ended, and
// correct checksums, so Wireshark follows the streams and its analysis has
// nothing to say. UDP is UDP, and a refused datagram an ICMP port
// unreachable.
//
// Unix sockets have no packets, addresses or ports of their own, so a
// stream socket is shown as TCP and a datagram socket as UDP, over IPv4 on
// loopback: the socket the session's URL names is 127.0.0.1:49152
// (UnixSocketAddr) and its peer N is 127.0.0.2, port 49152+N
// (UnixPeerAddr), so each connection or sender is its own conversation
// in Wireshark, as it is its own peer in the session, and follow-stream
// and the conversation tables work as for TCP and UDP. The interface's
// description names the path and each peer's first packet says which
// peer it is; ports in the dynamic range make Wireshark guess no protocol
// from them. A unix datagram larger than a UDP packet holds is written as
// consecutive datagrams, each comment saying which part it is, so every
// byte is in the file. No link type carries unix addresses in a way
// Wireshark dissects into conversations, which is why none is used.
package pcap
