package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// plantedCommit is one known-bad commit and where it goes.
type plantedCommit struct {
	class     *attackClass
	point     int    // index in the first-parent chain of the commit it follows
	parent    string // that commit's original hash
	child     string // the original hash of its first-parent child
	who       ident
	author    person
	committer person
	message   string
	att       *attack
	mark      int
	hash      string // in the copy, once written
}

// planResult is the plan of a planting run.
type planResult struct {
	plants  []*plantedCommit
	planned map[string]int    // per class
	skipped map[string]string // why a class got fewer commits than asked
}

// planner chooses insertion points, identities and contents.
type planner struct {
	src   gitRepo
	blobs *blobReader
	hist  *history
	rng   *rand.Rand
	snaps map[int]*snapshot
	langs map[int]string
	used  map[int]bool
	res   *planResult
}

const markBase = 1_500_000_000

// plan plants perClass commits of each class, spread over the first-parent
// chain after its first 20%.
func plan(src gitRepo, blobs *blobReader, h *history, cls []*attackClass, perClass int, rng *rand.Rand) (*planResult, error) {
	n := len(h.chain)
	lo, hi := max(1, (n*2+9)/10), n-2
	if hi-lo < 10 {
		return nil, fmt.Errorf("history too short: %d first-parent commits", n)
	}
	p := &planner{src: src, blobs: blobs, hist: h, rng: rng, snaps: map[int]*snapshot{}, langs: map[int]string{},
		used: map[int]bool{}, res: &planResult{planned: map[string]int{}, skipped: map[string]string{}}}
	var items []*attackClass
	for _, c := range cls {
		for range perClass {
			items = append(items, c)
		}
	}
	rng.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
	span := hi - lo + 1
	for j, c := range items {
		a := lo + j*span/len(items)
		b := max(a, lo+(j+1)*span/len(items)-1)
		if err := p.place(c, a, b, lo, hi); err != nil {
			return nil, err
		}
	}
	return p.res, nil
}

// place plants one commit of class c: at a point in [a, b] when it can,
// else at another point of [lo, hi].
func (p *planner) place(c *attackClass, a, b, lo, hi int) error {
	cands := []int{a + p.rng.IntN(b-a+1)}
	for range 15 {
		cands = append(cands, lo+p.rng.IntN(hi-lo+1))
	}
	var why error
	for _, idx := range cands {
		if p.used[idx] || p.used[idx+1] || p.used[idx-1] {
			continue
		}
		pc, err := p.try(c, idx)
		if err != nil && !isSkip(err) {
			return fmt.Errorf("%s at %s: %w", c.name, p.hist.chain[idx].Hash[:10], err)
		}
		if err != nil {
			if why == nil || !strings.HasPrefix(err.Error(), "no author") {
				why = err
			}
			continue
		}
		p.used[idx] = true
		pc.mark = markBase + len(p.res.plants)
		p.res.plants = append(p.res.plants, pc)
		p.res.planned[c.name]++
		return nil
	}
	if why != nil {
		p.res.skipped[c.name] = why.Error()
	}
	return nil
}

func (p *planner) snapshot(idx int) (*snapshot, string, error) {
	if s, ok := p.snaps[idx]; ok {
		return s, p.langs[idx], nil
	}
	s, err := loadSnapshot(p.src, p.blobs, p.hist.chain[idx].Hash)
	if err != nil {
		return nil, "", err
	}
	p.snaps[idx], p.langs[idx] = s, mainLanguage(s)
	return s, p.langs[idx], nil
}

// try builds a commit of class c after chain[idx].
func (p *planner) try(c *attackClass, idx int) (*plantedCommit, error) {
	h := p.hist
	prev, next := h.chain[idx], h.chain[idx+1]
	who, err := chooseIdent(h, prev.Committer.When, c.who, p.res.plants, p.rng)
	if err != nil {
		return nil, err
	}
	snap, lang, err := p.snapshot(idx)
	if err != nil {
		return nil, err
	}
	att, err := c.build(&buildCtx{snap: snap, hist: h, idx: idx, who: who, rng: p.rng, others: p.res.plants, lang: lang})
	if err != nil {
		return nil, err
	}
	cname, cemail, other := committerOf(h.chain, idx, who)
	ta, tc := commitTimes(who, prev.Committer.When, next.Committer.When, other, p.rng)
	style := styleAt(h, idx, p.rng)
	return &plantedCommit{
		class: c, point: idx, parent: prev.Hash, child: next.Hash, who: who,
		author:    person{who.Name, who.Email, ta.Truncate(time.Second)},
		committer: person{cname, cemail, tc},
		message:   style.subject(att.typ, att.scope, att.text) + "\n",
		att:       att,
	}, nil
}
