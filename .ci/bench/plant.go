// Command plant measures repoguard's recall on known-bad commits: it
// copies a real Git history and inserts attack commits (one or more per
// class) at realistic points, with realistic identities and times, writes
// a labels file naming them, and scores a repoguard scan of the copy.
//
// Run it through .ci/bench/plant.sh (go run of these files):
//
//	plant.sh -src REPO.git -out OUT.git [-seed N] [-per-class K] [-classes a,b] [-labels FILE]
//	plant.sh -recall -repoguard BIN [-json] OUT.git LABELS
//	plant.sh -tables RECALL.json...
//	plant.sh -list
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "plant:", err)
		os.Exit(2)
	}
}

type options struct {
	src, out, labels, classes, repoguard string
	seed                                 uint64
	perClass                             int
	recall, tables, list, json           bool
}

func run(args []string, stdout, stderr io.Writer) error {
	var o options
	fs := flag.NewFlagSet("plant", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.src, "src", "", "the repository whose history is copied")
	fs.StringVar(&o.out, "out", "", "the new bare repository to write (must not exist)")
	fs.StringVar(&o.labels, "labels", "", "labels file to write (default: OUT's folder/NAME.labels)")
	fs.StringVar(&o.classes, "classes", "", "comma-separated classes to plant (default: all; see -list)")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of every random choice")
	fs.IntVar(&o.perClass, "per-class", 1, "commits to plant per class")
	fs.BoolVar(&o.recall, "recall", false, "measure recall: plant -recall -repoguard BIN OUT.git LABELS")
	fs.StringVar(&o.repoguard, "repoguard", "", "with -recall: the repoguard binary")
	fs.BoolVar(&o.json, "json", false, "with -recall: print JSON")
	fs.BoolVar(&o.tables, "tables", false, "print Markdown tables of recall JSON files: plant -tables A.json B.json...")
	fs.BoolVar(&o.list, "list", false, "list the attack classes")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case o.list:
		return listClasses(stdout)
	case o.tables:
		return printTables(stdout, fs.Args())
	case o.recall:
		if o.repoguard == "" || fs.NArg() != 2 {
			return errors.New("usage: plant -recall -repoguard BIN [-json] OUT.git LABELS")
		}
		return recallMain(stdout, stderr, o.repoguard, fs.Arg(0), fs.Arg(1), o.json)
	}
	if o.src == "" || o.out == "" || fs.NArg() != 0 {
		return errors.New("usage: plant -src REPO.git -out OUT.git [-seed N] [-per-class K] [-classes a,b] [-labels FILE]")
	}
	if o.perClass < 1 || o.perClass > 20 {
		return fmt.Errorf("-per-class %d: want 1 to 20", o.perClass)
	}
	return plantMain(stderr, o)
}

func listClasses(w io.Writer) error {
	for _, c := range classes {
		fmt.Fprintf(w, "%-24s %-17s %s (after %s)\n", c.name, c.who, c.summary, c.incident)
	}
	return nil
}

func plantMain(log io.Writer, o options) error {
	cls, err := selectClasses(o.classes)
	if err != nil {
		return err
	}
	src := gitRepo{o.src}
	if _, err := src.run("rev-parse", "--git-dir"); err != nil {
		return fmt.Errorf("-src %s: not a git repository", o.src)
	}
	out, err := filepath.Abs(o.out)
	if err != nil {
		return err
	}
	o.out = out
	if o.labels == "" {
		o.labels = filepath.Join(filepath.Dir(filepath.Clean(o.out)), strings.TrimSuffix(filepath.Base(o.out), ".git")+".labels")
	}
	start := time.Now()
	hist, err := loadHistory(src)
	if err != nil {
		return err
	}
	blobs, err := newBlobReader(src)
	if err != nil {
		return err
	}
	defer blobs.close()
	rng := rand.New(rand.NewPCG(o.seed, o.seed^0x9e3779b97f4a7c15))
	res, err := plan(src, blobs, hist, cls, o.perClass, rng)
	if err != nil {
		return err
	}
	fmt.Fprintf(log, "plant: %d commits planned over %d first-parent commits in %s\n", len(res.plants), len(hist.chain), time.Since(start).Round(time.Second))
	if err := writeCopy(src, o.out, hist, res.plants); err != nil {
		return err
	}
	if err := writeLabels(o.labels, o, hist, cls, res); err != nil {
		return err
	}
	fmt.Fprintf(log, "plant: wrote %s and %s in %s\n", o.out, o.labels, time.Since(start).Round(time.Second))
	for _, c := range cls {
		line := fmt.Sprintf("  %-24s %d of %d", c.name, res.planned[c.name], o.perClass)
		if why := res.skipped[c.name]; why != "" {
			line += "  (" + why + ")"
		}
		fmt.Fprintln(log, line)
	}
	return nil
}

// writeLabels writes one line per planted commit: "<sha> <class> <what>".
func writeLabels(file string, o options, h *history, cls []*attackClass, res *planResult) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# planted by .ci/bench/plant.sh -seed %d -per-class %d from %s (%s, %d first-parent commits)\n",
		o.seed, o.perClass, o.src, h.headRef, len(h.chain))
	b.WriteString("# <sha> <class> <short description>\n")
	plants := append([]*plantedCommit(nil), res.plants...)
	sort.Slice(plants, func(i, j int) bool { return plants[i].point < plants[j].point })
	for _, p := range plants {
		fmt.Fprintf(&b, "%s %s %s; by %s <%s> at %s (%s)\n", p.hash, p.class.name, p.att.desc,
			p.author.Name, p.author.Email, p.author.When.Format("2006-01-02 15:04 -0700"), p.who.Note)
	}
	for _, c := range cls {
		if why := res.skipped[c.name]; why != "" {
			fmt.Fprintf(&b, "# skipped %s (%d of %d planted): %s\n", c.name, res.planned[c.name], o.perClass, why)
		}
	}
	return os.WriteFile(file, []byte(b.String()), 0o644)
}
