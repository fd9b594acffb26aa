// Package payload is the payload syntax shared by the composer, the CLI
// (--send, stdin lines with --payload-mode) and saved workspaces: one Spec,
// compiled once with Compile and rendered on every send with Render, because
// macros change per send.
//
// Modes (ParseMode names in brackets):
//
//   - Text [text]: UTF-8 as typed, with escapes \r \n \t \0 \\ \xNN (one
//     raw byte) \uNNNN (a character, as UTF-8), and \{ \} for literal braces:
//     write \{{ to send "{{" instead of starting a macro.
//   - Hex [hex]: pairs of hex digits. Spaces, tabs, line breaks, commas,
//     colons and dashes separate groups; a group may start with 0x or 0X and
//     must hold an even number of digits ("0x0102, de:ad" is 01 02 de ad).
//   - Base64 [base64]: standard alphabet; whitespace and missing padding are
//     tolerated. No macros.
//   - File [file]: Source is a path; its bytes are read at send time. Use
//     Payload.Open to stream big files. No macros.
//
// Macros, in Text and Hex mode, insert the same bytes in both:
//
//	{{counter}}                  session counter, decimal, starting at 0
//	{{counter:START}}            START + count
//	{{counter:START:WIDTH}}      zero-padded to at least WIDTH digits (1..20)
//	{{time}}                     RFC 3339 with milliseconds, 2026-01-02T15:04:05.123+01:00
//	{{unix}}, {{unixms}}         Unix time in seconds, milliseconds
//	{{rand:N}}                   N random bytes, 1 <= N <= 65536
//
// A reply rule's answer (package netcore/rules) is compiled with
// CompileCaptures and may also use {{N}} (what group N of the match
// captured; {{0}} is the whole message) and {{name}} (a named group): the
// captured bytes as they came, in Text and Hex mode alike.
//
// The count comes from a Counter the session owns: each send of a payload
// containing {{counter}} takes one number, shared by all its counter macros.
//
// Appended, in this order: the checksum (none, sum8, xor8, crc16-modbus,
// crc16-ccitt-false, crc32), computed over the body only, then the line
// ending (none, lf, crlf), which terminates the whole line a text device
// reads. See Checksum for the byte order of each sum.
//
// Errors about the source are one lowercase sentence naming the bad part and
// its column (1-based, in runes; "line L, column C" past the first line),
// match errors.Is(err, ErrSyntax), and are *SyntaxError values.
package payload
