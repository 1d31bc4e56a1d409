// Package pdf is a PDF reader, vendored from github.com/digitorus/pdf
// v0.1.2 (itself a fork of rsc.io/pdf; BSD licence in LICENSE, copyright
// The Go Authors). Only the object reader is kept (lex.go, read.go,
// text.go); page content and font handling were dropped.
//
// motcua hardened it against hostile input found by FuzzVerifyPDF:
//   - arrays and dictionaries left open at the end of an object stream,
//     and arrays holding the keyword endobj, made readArray/readDict loop
//     forever while growing memory; they now fail, and reading more than
//     a few bytes past the end panics;
//   - nesting of arrays, dictionaries and object definitions is limited
//     to 100 levels, so deep nesting cannot overflow the stack (a fatal
//     error that recover cannot catch);
//   - cross-reference sizes and subsection ranges are bounded by the file
//     size, so a forged /Size cannot allocate gigabytes, and the field
//     widths (/W) of a cross-reference stream by 8 bytes;
//   - an object stream stored inside another object stream, and long
//     /Extends chains, are rejected instead of recursing or looping.
//
// For the signer, Value.KeyRef and Value.IndexRef return an indirect
// reference without loading its object, and readKeyword no longer copies
// every number token into a string.
//
// The reader still reports malformed input by panicking; callers recover.
package pdf
