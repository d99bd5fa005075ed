package guard

import "fmt"

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

// PlanLearning returns the walks that bring the learning of a ref up to
// tip from its cursor: everything reachable from hash is learned, plus the
// first done commits of the walk hash..target when a run stopped part-way.
// The command line and the App plan alike, so each resumes the other's
// work without learning a commit twice. resolve checks that a commit still
// exists; a cursor pointing at a commit that is gone (history rewritten)
// is an error.
func PlanLearning(hash, target string, done int, tip string, resolve func(rev string) (string, error)) ([]LearnSegment, error) {
	var segs []LearnSegment
	base := hash
	if target != "" {
		if _, err := resolve(target); err != nil {
			return nil, fmt.Errorf("the interrupted walk's target %s is gone (history rewritten?): %w", ShortHash(target), err)
		}
		segs = append(segs, LearnSegment{Base: base, Target: target, Skip: done})
		base = target
	}
	if base != tip {
		if base != "" {
			if _, err := resolve(base); err != nil {
				return nil, fmt.Errorf("the learning cursor points at %s, which is gone (history rewritten?): %w", ShortHash(base), err)
			}
		}
		segs = append(segs, LearnSegment{Base: base, Target: tip})
	}
	return segs, nil
}
