package binaryinsource

import (
	"fmt"
	"path"
	"strings"
)

// bisKind classifies a binary by what its extension says it is.
type bisKind int

const (
	bisMedia bisKind = iota
	bisOther
	bisCompressed
	bisExecutable
)

var bisKindNames = [...]string{"media file", "binary file", "compressed binary", "executable binary"}

// bisExtensions maps lowercase extensions (with the dot) to a kind.
var bisExtensions = map[string]bisKind{}

func init() {
	for kind, exts := range map[bisKind]string{
		bisMedia: ".png .jpg .jpeg .gif .ico .icns .webp .bmp .tif .tiff .avif .heic .woff .woff2 .ttf " +
			".otf .eot .pdf .mp3 .mp4 .ogg .wav .webm .mov .avi .flac",
		bisCompressed: ".xz .lzma .lz .lz4 .gz .tgz .bz2 .tbz .tbz2 .zst .zstd .zip .7z .tar .txz .rar " +
			".cpio .z .br .cab .arj .ar .deb .rpm .apk .ipa .xpi .crx .nupkg .whl .egg .gem",
		bisExecutable: ".exe .dll .so .dylib .o .a .obj .lib .ko .elf .bin .jar .war .ear .class .dex " +
			".wasm .pyc .pyo .pyd .node .out .com .msi .sys .scr",
	} {
		for _, e := range strings.Fields(exts) {
			bisExtensions[e] = kind
		}
	}
}

// bisTextExtensions are extensions of source and text files: binary
// content under one of them is disguised.
var bisTextExtensions = map[string]bool{}

func init() {
	for _, e := range strings.Fields(".txt .md .c .h .cc .cpp .go .rs .py .js .ts .sh .bash .m4 .ac .am " +
		".in .mk .cmake .yml .yaml .json .toml .xml .sol .java .rb .pl .php .cfg .conf .ini .csv .html .css") {
		bisTextExtensions[e] = true
	}
}

// bisKindLabel names a kind with what tells it: the extension or the mode.
func bisKindLabel(k bisKind, ext string, mode uint32) string {
	switch {
	case bisHasKind(ext, k):
		return fmt.Sprintf("%s (%s)", bisKindNames[k], ext)
	case k == bisExecutable && mode == 0o100755:
		return bisKindNames[k] + " (mode 100755)"
	}
	return bisKindNames[k]
}

func bisHasKind(ext string, k bisKind) bool {
	got, ok := bisExtensions[ext]
	return ok && got == k
}

// bisFixtureDir returns the first folder of p that is a fixture folder,
// with its parents ("tests/" or "src/__tests__/"), or "".
func bisFixtureDir(p string, fixtures map[string]bool) string {
	segs := strings.Split(p, "/")
	for i, s := range segs[:len(segs)-1] {
		if fixtures[strings.ToLower(s)] {
			return strings.Join(segs[:i+1], "/") + "/"
		}
	}
	return ""
}

// bisNameMatcher compiles base-name globs: exact names and "*.ext"
// suffixes are looked up, other patterns go through path.Match.
func bisNameMatcher(globs []string) func(p string) bool {
	names, exts := map[string]bool{}, map[string]bool{}
	var other []string
	for _, g := range globs {
		switch {
		case !strings.ContainsAny(g, "*?[\\"):
			names[g] = true
		case strings.HasPrefix(g, "*.") && !strings.ContainsAny(g[2:], "*?[\\"):
			exts[g[1:]] = true
		default:
			other = append(other, g)
		}
	}
	return func(p string) bool {
		base := path.Base(p)
		if names[base] || exts[path.Ext(base)] {
			return true
		}
		for _, g := range other {
			if ok, _ := path.Match(g, base); ok {
				return true
			}
		}
		return false
	}
}

// bisUTF16 says whether the first bytes of a file are text in UTF-16:
// a byte-order mark, or a NUL in every other byte beside printable ASCII.
func bisUTF16(head []byte) bool {
	if len(head) >= 2 && (head[0] == 0xff && head[1] == 0xfe || head[0] == 0xfe && head[1] == 0xff) {
		return true
	}
	if len(head) < 16 {
		return false
	}
	var zeros [2]int
	for i, c := range head[:len(head)&^1] {
		if c == 0 {
			zeros[i&1]++
		} else if c < 0x09 || c > 0x7e {
			return false
		}
	}
	half := len(head) / 2
	return zeros[0] == half && zeros[1] == 0 || zeros[1] == half && zeros[0] == 0
}

// bisLowerSet returns the names lowercased, as a set.
func bisLowerSet(names []string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[strings.ToLower(n)] = true
	}
	return m
}
