package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// replaceMap reads refs/replace: each replaced blob and its replacement
// (the snapshots replace blobs they lack with a small placeholder).
func replaceMap(src gitRepo) (map[string]string, error) {
	out, err := src.text("for-each-ref", "--format=%(refname:lstrip=2) %(objectname)", "refs/replace/")
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	for _, l := range strings.Split(out, "\n") {
		from, to, ok := strings.Cut(l, " ")
		if !ok {
			continue
		}
		typ, err := src.text("--no-replace-objects", "cat-file", "-t", to)
		if err != nil || typ != "blob" {
			return nil, fmt.Errorf("refs/replace/%s: replacement %s is a %q, only blobs are supported", from, to, typ)
		}
		m[from] = to
	}
	return m, nil
}

// rewriter edits a fast-export stream into a fast-import stream: it
// inserts the planted commits, gives each one's first-parent child the
// planted commit as its first parent, and materialises replaced blobs.
type rewriter struct {
	r        *bufio.Reader
	w        *bufio.Writer
	replace  map[string]string
	byChild  map[string]*plantedCommit
	parents  map[string]int // original hash of a plant's parent → its mark
	inserted int
}

func newRewriter(r io.Reader, w io.Writer, replace map[string]string, plants []*plantedCommit) *rewriter {
	rw := &rewriter{r: bufio.NewReaderSize(r, 1<<16), w: bufio.NewWriterSize(w, 1<<16), replace: replace,
		byChild: map[string]*plantedCommit{}, parents: map[string]int{}}
	for _, p := range plants {
		rw.byChild[p.child] = p
		rw.parents[p.parent] = 0
	}
	return rw
}

func (rw *rewriter) run() error {
	for {
		line, err := rw.r.ReadString('\n')
		if line != "" {
			var werr error
			switch {
			case strings.HasPrefix(line, "commit "):
				werr = rw.commit(line)
			case strings.HasPrefix(line, "data "):
				werr = rw.copyData(line, rw.w)
			default:
				_, werr = rw.w.WriteString(line)
			}
			if werr != nil {
				return werr
			}
		}
		if err == io.EOF {
			return rw.w.Flush()
		}
		if err != nil {
			return err
		}
	}
}

// copyData copies a "data N" command and its N bytes.
func (rw *rewriter) copyData(line string, w io.Writer) error {
	n, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "data ")))
	if err != nil {
		return fmt.Errorf("fast-export: bad data line %q", line)
	}
	if _, err := io.WriteString(w, line); err != nil {
		return err
	}
	_, err = io.CopyN(w, rw.r, int64(n))
	return err
}

// commit reads one commit command whole, then writes it (and the planted
// commit before it when it is a planted commit's child).
func (rw *rewriter) commit(first string) error {
	var head bytes.Buffer
	head.WriteString(first)
	mark, orig := 0, ""
	for {
		line, err := rw.r.ReadString('\n')
		if err != nil {
			return fmt.Errorf("fast-export: commit cut short: %w", err)
		}
		if strings.HasPrefix(line, "data ") {
			if err := rw.copyData(line, &head); err != nil {
				return err
			}
			break
		}
		if v, ok := strings.CutPrefix(line, "mark :"); ok {
			mark, _ = strconv.Atoi(strings.TrimSpace(v))
		}
		if v, ok := strings.CutPrefix(line, "original-oid "); ok {
			orig = strings.TrimSpace(v)
		}
		head.WriteString(line)
	}
	var tail []string
	for {
		line, err := rw.r.ReadString('\n')
		if err != nil && line == "" {
			break
		}
		tail = append(tail, rw.materialise(line))
		if line == "\n" || err != nil {
			break
		}
	}
	if _, ok := rw.parents[orig]; ok {
		rw.parents[orig] = mark
	}
	if p := rw.byChild[orig]; p != nil {
		if err := rw.insert(p, strings.TrimSpace(strings.TrimPrefix(first, "commit ")), tail); err != nil {
			return err
		}
	}
	rw.w.Write(head.Bytes())
	for _, l := range tail {
		rw.w.WriteString(l)
	}
	return nil
}

// insert writes p and points its child's first parent (in tail) at it.
func (rw *rewriter) insert(p *plantedCommit, ref string, tail []string) error {
	pm := rw.parents[p.parent]
	if pm == 0 {
		return fmt.Errorf("fast-export: %s came before its parent %s", p.child, p.parent)
	}
	from := fmt.Sprintf("from :%d\n", pm)
	for i, l := range tail {
		if l == from {
			tail[i] = fmt.Sprintf("from :%d\n", p.mark)
			writePlant(rw.w, ref, p, pm)
			rw.inserted++
			return nil
		}
	}
	return fmt.Errorf("fast-export: %s does not have %s as its first parent", p.child, p.parent)
}

// materialise points a file-modify line at the replacement of a replaced
// blob, so that the copy is complete without refs/replace.
func (rw *rewriter) materialise(line string) string {
	if !strings.HasPrefix(line, "M ") || len(rw.replace) == 0 {
		return line
	}
	f := strings.SplitN(line, " ", 4)
	if len(f) == 4 {
		if to, ok := rw.replace[f[2]]; ok {
			return strings.Join([]string{f[0], f[1], to, f[3]}, " ")
		}
	}
	return line
}

func gitPerson(p person) string {
	clean := strings.NewReplacer("<", "", ">", "", "\n", " ")
	return fmt.Sprintf("%s <%s> %d %s", clean.Replace(p.Name), clean.Replace(p.Email), p.When.Unix(), p.When.Format("-0700"))
}

// writePlant writes a planted commit as a fast-import commit command.
func writePlant(w *bufio.Writer, ref string, p *plantedCommit, parentMark int) {
	fmt.Fprintf(w, "commit %s\nmark :%d\nauthor %s\ncommitter %s\ndata %d\n%s\nfrom :%d\n",
		ref, p.mark, gitPerson(p.author), gitPerson(p.committer), len(p.message), p.message, parentMark)
	for _, c := range p.att.changes {
		if c.mode == "160000" {
			fmt.Fprintf(w, "M 160000 %s %s\n", c.data, quotePath(c.path))
			continue
		}
		fmt.Fprintf(w, "M %s inline %s\ndata %d\n%s\n", c.mode, quotePath(c.path), len(c.data), c.data)
	}
	w.WriteString("\n")
}

// writeCopy writes the copy of src with the planted commits into out.
func writeCopy(src gitRepo, out string, h *history, plants []*plantedCommit) error {
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("%s already exists: give a new path to -out", out)
	}
	objects, err := src.text("rev-parse", "--path-format=absolute", "--git-path", "objects")
	if err != nil {
		return err
	}
	replace, err := replaceMap(src)
	if err != nil {
		return err
	}
	if _, err := (gitRepo{"."}).run("init", "-q", "--bare", out); err != nil {
		return err
	}
	dst := gitRepo{out}
	alternates := filepath.Join(out, "objects", "info", "alternates")
	if err := os.WriteFile(alternates, []byte(objects+"\n"), 0o644); err != nil {
		return err
	}
	marks := filepath.Join(out, "planted.marks")
	if err := pipeHistory(src, dst, replace, plants, marks); err != nil {
		return err
	}
	if err := readMarks(marks, plants); err != nil {
		return err
	}
	os.Remove(marks)
	if _, err := dst.run("symbolic-ref", "HEAD", h.headRef); err != nil {
		return err
	}
	if _, err := dst.run("repack", "-a", "-d", "-q"); err != nil {
		return err
	}
	if err := os.Remove(alternates); err != nil {
		return err
	}
	// The snapshots are partial clones: repack keeps what it copied from
	// their promisor packs in a pack of its own, marked as a promisor.
	// Every object is here, so the copy is an ordinary repository.
	promisors, _ := filepath.Glob(filepath.Join(out, "objects", "pack", "*.promisor"))
	for _, p := range promisors {
		if err := os.Remove(p); err != nil {
			return err
		}
	}
	return verifyCopy(dst, len(h.chain)+len(plants))
}

// pipeHistory runs git fast-export | rewriter | git fast-import.
func pipeHistory(src, dst gitRepo, replace map[string]string, plants []*plantedCommit, marks string) error {
	exp := exec.Command("git", "-C", src.dir, "fast-export", "--no-data", "--show-original-ids",
		"--signed-tags=strip", "--tag-of-filtered-object=rewrite", "--reencode=no",
		"--exclude=refs/replace/*", "--all")
	imp := exec.Command("git", "-C", dst.dir, "fast-import", "--quiet", "--export-marks="+marks)
	var expErr, impErr bytes.Buffer
	exp.Stderr, imp.Stderr = &expErr, &impErr
	expOut, err := exp.StdoutPipe()
	if err != nil {
		return err
	}
	impIn, err := imp.StdinPipe()
	if err != nil {
		return err
	}
	if err := imp.Start(); err != nil {
		return err
	}
	if err := exp.Start(); err != nil {
		return err
	}
	rw := newRewriter(expOut, impIn, replace, plants)
	rerr := rw.run()
	impIn.Close()
	if rerr != nil {
		io.Copy(io.Discard, expOut)
	}
	eerr, ierr := exp.Wait(), imp.Wait()
	switch {
	case rerr != nil:
		return rerr
	case eerr != nil:
		return fmt.Errorf("git fast-export: %w: %s", eerr, firstLine(expErr.String()))
	case ierr != nil:
		return fmt.Errorf("git fast-import: %w: %s", ierr, firstLine(impErr.String()))
	case rw.inserted != len(plants):
		return fmt.Errorf("inserted %d planted commits of %d", rw.inserted, len(plants))
	}
	return nil
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// readMarks sets the hash of each planted commit from fast-import's marks.
func readMarks(file string, plants []*plantedCommit) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	byMark := map[int]string{}
	for _, l := range strings.Split(string(b), "\n") {
		var m int
		var h string
		if _, err := fmt.Sscanf(l, ":%d %s", &m, &h); err == nil {
			byMark[m] = h
		}
	}
	for _, p := range plants {
		if p.hash = byMark[p.mark]; p.hash == "" {
			return fmt.Errorf("fast-import: no commit for planted mark :%d", p.mark)
		}
	}
	return nil
}

// verifyCopy checks the copy: the first-parent chain grew by the planted
// commits, every object is there, and git log -p reads the whole history.
func verifyCopy(dst gitRepo, wantChain int) error {
	n, err := dst.text("rev-list", "--first-parent", "--count", "HEAD")
	if err != nil {
		return err
	}
	if n != strconv.Itoa(wantChain) {
		return fmt.Errorf("copy has %s first-parent commits, want %d", n, wantChain)
	}
	if _, err := dst.run("fsck", "--connectivity-only", "--no-progress"); err != nil {
		return fmt.Errorf("copy is incomplete: %w", err)
	}
	cmd := exec.Command("git", "-C", dst.dir, "log", "-p", "HEAD")
	cmd.Stdout = io.Discard
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("git log -p on the copy: %w: %s", err, firstLine(stderr.String()))
	}
	return nil
}
