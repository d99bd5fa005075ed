package gitrepo

import (
	"container/heap"

	"github.com/go-git/go-git/v5/plumbing"
)

// Flags of a node during one graph walk.
const (
	flagQueued uint16 = 1 << iota
	flagPopped
	flagUninteresting
	flagCut    // older than WalkOptions.Since: not shown, parents not followed
	flagSide1  // merge base: reachable from the first commit
	flagSide2  // merge base: reachable from the second commit
	flagStale  // merge base: below a common ancestor
	flagResult // merge base: a common ancestor found
	flagInQueue
)

// node is a commit in a graph walk.
type node struct {
	hash    plumbing.Hash
	tree    plumbing.Hash
	parents []plumbing.Hash
	when    int64
	seq     int
	flags   uint16
}

// graph loads commit headers on demand for one walk. Each walk makes its
// own graph so that flags do not leak between walks.
type graph struct {
	h     *handle
	nodes map[plumbing.Hash]*node
	queue nodeQueue
	seq   int
}

func newGraph(h *handle) *graph {
	return &graph{h: h, nodes: make(map[plumbing.Hash]*node)}
}

// get returns the node of a commit, reading its header the first time.
// Parents of shallow commits are dropped: they are not in the repository.
func (g *graph) get(hash plumbing.Hash) (*node, error) {
	if n, ok := g.nodes[hash]; ok {
		return n, nil
	}
	raw, err := g.h.readObject(plumbing.CommitObject, hash)
	if err != nil {
		return nil, err
	}
	hdr, err := parseCommit(raw, nil)
	if err != nil {
		return nil, corrupt(hash, err)
	}
	n := &node{hash: hash, tree: hdr.tree, parents: hdr.parents, when: hdr.when}
	if g.h.shallow[hash] {
		n.parents = nil
	}
	g.nodes[hash] = n
	return n, nil
}

// push queues a node that was never queued.
func (g *graph) push(n *node) {
	if n.flags&flagQueued != 0 {
		return
	}
	g.repush(n)
}

// repush queues a node unless it is in the queue now.
func (g *graph) repush(n *node) {
	if n.flags&flagInQueue != 0 {
		return
	}
	n.flags |= flagQueued | flagInQueue
	g.seq++
	n.seq = g.seq
	heap.Push(&g.queue, n)
}

func (g *graph) pop() *node {
	n := heap.Pop(&g.queue).(*node)
	n.flags = n.flags&^flagInQueue | flagPopped
	return n
}

// nodeQueue orders nodes newest committer date first, first queued first
// among equal dates, as `git log` does.
type nodeQueue []*node

func (q nodeQueue) Len() int { return len(q) }
func (q nodeQueue) Less(i, j int) bool {
	if q[i].when != q[j].when {
		return q[i].when > q[j].when
	}
	return q[i].seq < q[j].seq
}
func (q nodeQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *nodeQueue) Push(x any)   { *q = append(*q, x.(*node)) }
func (q *nodeQueue) Pop() any {
	old := *q
	n := old[len(old)-1]
	old[len(old)-1] = nil
	*q = old[:len(old)-1]
	return n
}
