// Command plant makes known-bad commits to measure repoguard's recall on:
// it copies a real Git history and inserts attack commits (one or more per
// class) at realistic points, with realistic identities and times, and
// writes a labels file naming them, which `repoguard eval --labels`
// scores (.ci/bench/detection.sh runs both).
//
// Run it through .ci/bench/plant.sh (go run of these files):
//
//	plant.sh -src REPO.git -out OUT.git [-seed N] [-per-class K] [-classes a,b] [-labels FILE]
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
	src, out, labels, classes string
	seed                      uint64
	perClass                  int
	list                      bool
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
	fs.BoolVar(&o.list, "list", false, "list the attack classes")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.list {
		return listClasses(stdout)
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

// writeLabels writes one line per planted commit: "<sha> <class> <what>",
// by class in the order of the class list, then by place in history, so
// that repoguard eval lists the classes in that order.
func writeLabels(file string, o options, h *history, cls []*attackClass, res *planResult) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# planted by .ci/bench/plant.sh -seed %d -per-class %d from %s (%s, %d first-parent commits)\n",
		o.seed, o.perClass, o.src, h.headRef, len(h.chain))
	b.WriteString("# <sha> <class> <short description>\n")
	plants := append([]*plantedCommit(nil), res.plants...)
	rank := map[string]int{}
	for i, c := range cls {
		rank[c.name] = i
	}
	sort.SliceStable(plants, func(i, j int) bool {
		a, b := plants[i], plants[j]
		return rank[a.class.name] < rank[b.class.name] || rank[a.class.name] == rank[b.class.name] && a.point < b.point
	})
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
