package gitrepo

import (
	"context"
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
)

// slop is how many more uninteresting commits a range walk pops once only
// uninteresting ones are left, to survive clock skew (Git uses the same).
const slop = 5

// revList lists the commits reachable from include and not from exclude,
// newest committer date first (the order of `git log`). With firstParent
// only the first parent of included commits is followed; commits older
// than since (Unix seconds, 0 for none) are left out and not descended.
func (g *graph) revList(ctx context.Context, include, exclude []plumbing.Hash, firstParent bool, since int64) ([]*node, error) {
	for _, h := range exclude {
		n, err := g.get(h)
		if err != nil {
			return nil, err
		}
		if err := g.markUninteresting(n); err != nil {
			return nil, err
		}
		g.push(n)
	}
	for _, h := range include {
		n, err := g.get(h)
		if err != nil {
			return nil, err
		}
		g.push(n)
	}
	var order []*node
	left, lastDate := slop, int64(1<<63-1)
	for steps := 0; g.queue.Len() > 0; steps++ {
		if steps%512 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		n := g.pop()
		if n.flags&flagUninteresting != 0 {
			for _, p := range n.parents {
				pn, err := g.get(p)
				if err != nil {
					return nil, err
				}
				if err := g.markUninteresting(pn); err != nil {
					return nil, err
				}
				g.push(pn)
			}
			if left = g.stillInteresting(lastDate, left); left == 0 {
				break
			}
			continue
		}
		if since != 0 && n.when < since {
			n.flags |= flagCut
			continue
		}
		order = append(order, n)
		lastDate = n.when
		parents := n.parents
		if firstParent && len(parents) > 1 {
			parents = parents[:1]
		}
		for _, p := range parents {
			pn, err := g.get(p)
			if err != nil {
				return nil, err
			}
			g.push(pn)
		}
	}
	// Commits found to be reachable from exclude after they were listed.
	kept := order[:0]
	for _, n := range order {
		if n.flags&flagUninteresting == 0 {
			kept = append(kept, n)
		}
	}
	return kept, nil
}

// stillInteresting returns how many more steps a range walk should take.
func (g *graph) stillInteresting(lastDate int64, left int) int {
	if g.queue.Len() == 0 {
		return 0
	}
	if lastDate <= g.queue[0].when {
		return slop
	}
	for _, n := range g.queue {
		if n.flags&flagUninteresting == 0 {
			return slop
		}
	}
	return left - 1
}

// markUninteresting marks n and, when they were already walked, its
// ancestors as reachable from an excluded commit.
func (g *graph) markUninteresting(n *node) error {
	stack := []*node{n}
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if x.flags&flagUninteresting != 0 {
			continue
		}
		x.flags |= flagUninteresting
		if x.flags&flagPopped == 0 {
			continue // its parents are marked when it is popped
		}
		for _, p := range x.parents {
			pn, err := g.get(p)
			if err != nil {
				return err
			}
			g.push(pn)
			stack = append(stack, pn)
		}
	}
	return nil
}

// mergeBase returns the best common ancestor of a and b: the newest one
// that is not an ancestor of another common ancestor.
func (g *graph) mergeBase(ctx context.Context, a, b plumbing.Hash) (*node, error) {
	na, err := g.get(a)
	if err != nil {
		return nil, err
	}
	if a == b {
		return na, nil
	}
	nb, err := g.get(b)
	if err != nil {
		return nil, err
	}
	na.flags |= flagSide1
	nb.flags |= flagSide2
	g.repush(na)
	g.repush(nb)
	var results []*node
	for steps := 0; g.anyFresh(); steps++ {
		if steps%512 == 0 && ctx.Err() != nil {
			return nil, fmt.Errorf("merge base: %w", ctx.Err())
		}
		n := g.pop()
		f := n.flags & (flagSide1 | flagSide2 | flagStale)
		if f&(flagSide1|flagSide2) == flagSide1|flagSide2 {
			if n.flags&(flagResult|flagStale) == 0 {
				n.flags |= flagResult
				results = append(results, n)
			}
			f |= flagStale
		}
		for _, p := range n.parents {
			pn, err := g.get(p)
			if err != nil {
				return nil, err
			}
			if pn.flags&f == f {
				continue
			}
			pn.flags |= f
			g.repush(pn)
		}
	}
	for _, n := range results {
		if n.flags&flagStale == 0 {
			return n, nil
		}
	}
	if len(results) > 0 {
		return results[0], nil
	}
	return nil, ErrNoMergeBase
}

// anyFresh reports whether the queue holds a commit not yet below a
// common ancestor.
func (g *graph) anyFresh() bool {
	for _, n := range g.queue {
		if n.flags&flagStale == 0 {
			return true
		}
	}
	return false
}
