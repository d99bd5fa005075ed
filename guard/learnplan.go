package guard

import "fmt"

// Cursor records how far learning has gone on a ref of a repository:
// every commit reachable from Hash, plus the first Done commits of the
// oldest-first walk Hash..Target when a run stopped part-way (Target is
// "" otherwise). A store writes it in the same transaction as what was
// learned, so that the command line and the App resume each other's
// work without learning a commit twice.
type Cursor struct {
	Repo string
	Ref  string // "refs/heads/main", or "HEAD" for the command line
	// Hash is the tip of the last walk learned completely.
	Hash string
	// Target and Done describe a walk in progress.
	Target string
	Done   int
}

// LearnSegment is one oldest-first walk Base..Target of a ref ("" Base:
// the whole history of Target) whose first Skip commits are learned
// already.
type LearnSegment struct {
	Base, Target string
	Skip         int
}

// Rev renders the walk as a revision or range.
func (s LearnSegment) Rev() string {
	if s.Base == "" {
		return s.Target
	}
	return s.Base + ".." + s.Target
}

// Plan returns the walks that bring the learning of the cursor's ref up
// to tip: everything reachable from Hash is learned, plus the first Done
// commits of the walk Hash..Target when a run stopped part-way. resolve
// checks that a commit still exists; a cursor pointing at a commit that
// is gone (history rewritten) is an error.
func (c Cursor) Plan(tip string, resolve func(rev string) (string, error)) ([]LearnSegment, error) {
	var segs []LearnSegment
	base := c.Hash
	if c.Target != "" {
		if _, err := resolve(c.Target); err != nil {
			return nil, fmt.Errorf("learning %s %s: the interrupted walk's target %s is gone (history rewritten?): %w",
				c.Repo, c.Ref, ShortHash(c.Target), err)
		}
		segs = append(segs, LearnSegment{Base: base, Target: c.Target, Skip: c.Done})
		base = c.Target
	}
	if base != tip {
		if base != "" {
			if _, err := resolve(base); err != nil {
				return nil, fmt.Errorf("learning %s %s: the cursor points at %s, which is gone (history rewritten?): %w",
					c.Repo, c.Ref, ShortHash(base), err)
			}
		}
		segs = append(segs, LearnSegment{Base: base, Target: tip})
	}
	return segs, nil
}
