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
package pcap
