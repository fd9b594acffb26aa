// Package framing turns a byte stream into messages and messages back into
// bytes, for the framings people meet on devices and in tutorials: lines and
// other delimiters, length prefixes, fixed sizes, STX/ETX, SLIP, COBS,
// HTTP/1.x, idle gaps and the Python "JSON header" file scheme.
//
// One spec string names a framing everywhere (the CLI's --framing, the GUI,
// saved workspaces): Parse reads it, Spec.String writes it back.
//
//	raw                      every chunk as read is a message
//	line | crlf [:keep]      "\n" or "\r\n" ends a message
//	delim:HEX[:keep]         any byte sequence ends a message (delim:00, delim:0d0a)
//	len:N[:be|le][:off=K][:incl][:adj=K][:strip=K]
//	                         an N-byte length (1, 2, 4, 8; default be), K bytes
//	                         into the frame with off=K, gives the body (see below)
//	fixed:N                  every N bytes is a message
//	stx-etx                  0x02 message 0x03
//	slip                     RFC 1055
//	cobs                     consistent overhead byte stuffing, 0x00 after each frame
//	http                     HTTP/1.x requests and responses
//	idle:DURATION            a gap in traffic ends a message (idle:50ms)
//	jsonhdr                  int32 LE header length, JSON header, filesize bytes of body
//
// len follows Netty's LengthFieldBasedFrameDecoder. A frame is Off header
// bytes, the Width-byte field, then the body. The body is field+adj bytes;
// with incl the field counts the whole frame, so the header (Off+Width) is
// taken off too (with no off, the field's own bytes: what incl always meant).
// The message is the frame less its first StripLen bytes: strip=K when given
// (at most Off+Width, the bytes before the body), else the field alone when
// it comes first (len:2 delivers the body, as it always did) and nothing
// when a header precedes it (len:2:be:off=4 delivers whole Modbus/TCP
// frames). Encode takes a message and writes the field: in front when it was
// stripped, over its placeholder bytes when the message holds them; it
// refuses a payload shorter than the bytes before the body, and any payload
// when header bytes before the field are stripped, since a sender cannot
// know them. max=N bounds the message, the frame less what is stripped.
//
// Every spec takes a ":max=N" option (bytes, or with a KiB/MiB/GiB suffix:
// max=64KiB) that overrides Options.MaxFrame (default 16 MiB) for that
// framing, so a workspace carries a limit with the framing it belongs to. No
// limit goes over 1 GiB. The limit bounds each message's Data (and a jsonhdr
// Header), so a decoder holds at most about one frame plus the chunk fed.
//
// Decoders are fed chunks exactly as read returned them and never allocate
// from a length read off the wire: a frame over the limit is an error in
// words, not gigabytes of memory. After an error a delimiter-based decoder
// (line, crlf, delim, stx-etx, slip, cobs, idle) skips to the next frame
// boundary and goes on; a decoder that cannot know where the next frame
// starts (len, fixed, http, jsonhdr) is stuck: its errors match ErrStuck and
// the session should show the rest of that connection raw.
package framing
