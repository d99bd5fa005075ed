package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
)

// gitRepo runs git in one repository (bare or not).
type gitRepo struct{ dir string }

// run runs git with args and returns its standard output; a failure
// carries the first line of git's standard error.
func (g gitRepo) run(args ...string) ([]byte, error) {
	cmd := exec.Command("git", append([]string{"-C", g.dir}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i]
		}
		return out, fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, msg)
	}
	return out, nil
}

// text runs git and returns its output without the trailing newline.
func (g gitRepo) text(args ...string) (string, error) {
	out, err := g.run(args...)
	return strings.TrimRight(string(out), "\n"), err
}

// treeEntry is one file of a commit's tree (ls-tree -r -l).
type treeEntry struct {
	Mode string // 100644, 100755, 120000 or 160000 (a gitlink)
	Hash string
	Size int64 // -1 for gitlinks
	Path string
}

// lsTree lists every file of commit's tree.
func (g gitRepo) lsTree(commit string) ([]treeEntry, error) {
	out, err := g.run("ls-tree", "-r", "-l", "-z", "--full-tree", commit)
	if err != nil {
		return nil, err
	}
	var es []treeEntry
	for _, rec := range strings.Split(string(out), "\x00") {
		meta, path, ok := strings.Cut(rec, "\t")
		if !ok {
			continue
		}
		f := strings.Fields(meta) // mode type hash size
		if len(f) != 4 {
			return nil, fmt.Errorf("ls-tree %s: unexpected line %q", commit, rec)
		}
		size, err := strconv.ParseInt(f[3], 10, 64)
		if err != nil {
			size = -1
		}
		es = append(es, treeEntry{Mode: f[0], Hash: f[2], Size: size, Path: path})
	}
	return es, nil
}

// blobReader reads objects through one long-running git cat-file --batch.
type blobReader struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Reader
}

func newBlobReader(g gitRepo) (*blobReader, error) {
	cmd := exec.Command("git", "-C", g.dir, "cat-file", "--batch")
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start git cat-file: %w", err)
	}
	return &blobReader{cmd: cmd, in: in, out: bufio.NewReaderSize(out, 1<<16)}, nil
}

// read returns the content of obj (a hash or REV:PATH).
func (b *blobReader) read(obj string) ([]byte, error) {
	if _, err := fmt.Fprintln(b.in, obj); err != nil {
		return nil, fmt.Errorf("cat-file %s: %w", obj, err)
	}
	head, err := b.out.ReadString('\n')
	if err != nil {
		return nil, fmt.Errorf("cat-file %s: %w", obj, err)
	}
	f := strings.Fields(head)
	if len(f) != 3 {
		return nil, fmt.Errorf("cat-file %s: %s", obj, strings.TrimSpace(head))
	}
	n, err := strconv.Atoi(f[2])
	if err != nil {
		return nil, fmt.Errorf("cat-file %s: bad size in %q", obj, head)
	}
	data := make([]byte, n+1) // content and its trailing newline
	if _, err := io.ReadFull(b.out, data); err != nil {
		return nil, fmt.Errorf("cat-file %s: %w", obj, err)
	}
	return data[:n], nil
}

func (b *blobReader) close() {
	b.in.Close()
	_ = b.cmd.Wait()
}

// quotePath quotes a path for a fast-import command the way git does,
// when it needs quoting.
func quotePath(p string) string {
	need := strings.HasPrefix(p, `"`)
	for i := 0; i < len(p) && !need; i++ {
		need = p[i] < 0x20 || p[i] == '\\' || p[i] == 0x7f
	}
	if !need {
		return p
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c == 0x7f:
			fmt.Fprintf(&b, "\\%03o", c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
