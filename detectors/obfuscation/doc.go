// Package obfuscation is the obfuscation detector: it reports code that
// hides what it does in added lines: decoded data passed to eval, exec or a
// shell, obfuscator-style _0x identifiers, strings written as escapes or
// character codes, long base64 or hex blobs, high-entropy string literals,
// and minified lines in files that are not minified. One finding per
// technique and file; lock files, source maps and minified or generated
// files are spared all but the tightest checks.
//
// Its cases are testdata/*.txtar (see package detectortest).
package obfuscation
