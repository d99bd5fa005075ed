package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/repoguard/repoguard/guard"
)

// batch is how many consecutive commits a worker takes at once: they share
// trees and blobs, which the worker's caches then serve.
const batch = 8

// window is how many batches each worker may compute ahead of the caller.
const window = 2

// worker computes the changes of commits on its own handle.
type worker struct {
	r         *Repo // for the lazy trees of the commits (Commit.Tree)
	h         *handle
	ld        *lineDiffer
	noRenames bool
	known     map[plumbing.Hash]*node // read only: headers from the plan
}

// commit reads a commit and computes its changes against its first parent.
func (w *worker) commit(ctx context.Context, n *node) (*guard.Commit, error) {
	w.h.trees.next()
	c, err := w.changes(ctx, n)
	if err != nil {
		return nil, fmt.Errorf("commit %s: %w", guard.ShortHash(n.hash.String()), err)
	}
	return c, nil
}

func (w *worker) changes(ctx context.Context, n *node) (*guard.Commit, error) {
	raw, err := w.h.readObject(plumbing.CommitObject, n.hash)
	if err != nil {
		return nil, err
	}
	c := &guard.Commit{Hash: n.hash.String()}
	hdr, err := parseCommit(raw, c)
	if err != nil {
		return nil, corrupt(n.hash, err)
	}
	c.Parents = make([]string, len(hdr.parents))
	for i, p := range hdr.parents {
		c.Parents[i] = p.String()
	}
	if len(n.parents) == 0 && len(hdr.parents) > 0 {
		c.Unknown = guard.UnknownShallow // its parent is not here: nothing to diff with
		return c, nil
	}
	var oldTree plumbing.Hash
	if len(n.parents) > 0 { // none for root and shallow commits
		if p, ok := w.known[n.parents[0]]; ok {
			oldTree = p.tree
		} else {
			raw, err := w.h.readObject(plumbing.CommitObject, n.parents[0])
			if err != nil {
				return nil, err
			}
			phdr, err := parseCommit(raw, nil)
			if err != nil {
				return nil, corrupt(n.parents[0], err)
			}
			oldTree = phdr.tree
		}
	}
	cs, err := w.h.diffTrees(ctx, oldTree, hdr.tree, nil)
	if err != nil {
		if w.h.partial && errors.Is(err, plumbing.ErrObjectNotFound) {
			c.Unknown = guard.UnknownMissing // a treeless clone: what changed is not here
			return c, nil
		}
		return nil, err
	}
	c.Files, err = w.h.fileChanges(ctx, cs, w.noRenames, w.ld)
	if err != nil {
		return nil, err
	}
	c.Tree = w.r.treeOf(hdr.tree)
	return c, nil
}

type result struct {
	c   *guard.Commit
	err error
}

type job struct {
	n   *node
	res chan result
}

// run computes the commits of nodes on the workers and hands them to fn in
// order.
func (r *Repo) run(ctx context.Context, nodes []*node, known map[plumbing.Hash]*node, fn func(*guard.Commit) error) error {
	workers := max(1, min(r.opts.Workers, len(nodes)))
	ws := make([]*worker, 0, workers)
	defer func() {
		for _, w := range ws {
			r.putHandle(w.h)
		}
	}()
	for range workers {
		h, err := r.getHandle()
		if err != nil {
			return err
		}
		h.trees = newTreeCache()
		ws = append(ws, &worker{r: r, h: h, ld: newLineDiffer(), noRenames: r.opts.NoRenames, known: known})
	}
	if workers == 1 {
		for _, n := range nodes {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("walk: %w", err)
			}
			c, err := ws[0].commit(ctx, n)
			if err != nil {
				return fmt.Errorf("walk %s: %w", r.path, err)
			}
			if err := fn(c); err != nil {
				return err
			}
		}
		return nil
	}

	ctx, cancel := context.WithCancel(ctx)
	jobs := make(chan []job, workers)
	ordered := make(chan job, workers*window*batch)
	var wg sync.WaitGroup
	defer func() {
		cancel() // the dispatcher stops, the workers drain jobs quickly
		wg.Wait()
	}()
	wg.Go(func() { dispatch(ctx, nodes, jobs, ordered) })
	for _, w := range ws {
		wg.Go(func() {
			for js := range jobs {
				for _, j := range js {
					if ctx.Err() != nil {
						j.res <- result{err: ctx.Err()}
						continue
					}
					c, err := w.commit(ctx, j.n)
					j.res <- result{c, err}
				}
			}
		})
	}
	for j := range ordered {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("walk: %w", err)
		}
		var res result
		select {
		case res = <-j.res:
		case <-ctx.Done():
			return fmt.Errorf("walk: %w", ctx.Err())
		}
		if res.err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("walk: %w", ctx.Err())
			}
			return fmt.Errorf("walk %s: %w", r.path, res.err)
		}
		if err := fn(res.c); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("walk: %w", err)
	}
	return nil
}

// dispatch hands batches of nodes to the workers and their jobs, in order,
// to the consumer, until ctx is done.
func dispatch(ctx context.Context, nodes []*node, jobs chan<- []job, ordered chan<- job) {
	defer close(jobs)
	defer close(ordered)
	for len(nodes) > 0 {
		js := make([]job, min(batch, len(nodes)))
		for i := range js {
			js[i] = job{n: nodes[i], res: make(chan result, 1)}
		}
		nodes = nodes[len(js):]
		select {
		case jobs <- js:
		case <-ctx.Done():
			return
		}
		for _, j := range js {
			select {
			case ordered <- j:
			case <-ctx.Done():
				return
			}
		}
	}
}
