package netcore

// Windows reports a datagram longer than the buffer as WSAEMSGSIZE, an
// error rather than a flag.
const msgTruncFlag = 0
