// Command udpflood sends -size byte UDP datagrams to -to for -secs
// seconds as fast as one socket can (each payload numbered), then prints
// how many it sent. bench/udp.sh uses it against each receiver in turn.
//
//	go run ./bench/udpflood -to 127.0.0.1:9000 -secs 10 -size 1200
package main

import (
	"encoding/binary"
	"flag"
	"fmt"
	"net"
	"os"
	"time"
)

func main() {
	to := flag.String("to", "", "host:port to send to")
	secs := flag.Float64("secs", 10, "how long to send")
	size := flag.Int("size", 1200, "bytes per datagram")
	flag.Parse()
	c, err := net.Dial("udp", *to)
	if err != nil || *size < 8 {
		fmt.Fprintln(os.Stderr, "udpflood:", err)
		os.Exit(2)
	}
	buf := make([]byte, *size)
	end := time.Now().Add(time.Duration(*secs * float64(time.Second)))
	var sent uint64
	for {
		if sent%256 == 0 && time.Now().After(end) {
			break
		}
		binary.BigEndian.PutUint64(buf, sent)
		if _, err := c.Write(buf); err != nil {
			continue // ECONNREFUSED from an ICMP error, or ENOBUFS: not sent
		}
		sent++
	}
	fmt.Println(sent)
}
