package configs

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/repoguard/repoguard/guard"
)

// maxCached bounds the number of paths a Classifier remembers.
const maxCached = 100_000

// Classifier implements guard.Classifier for a policy: it tells which
// sensitive categories a path is in, whether detectors skip it, and
// whether it is in a declared asset folder.
//
// Paths are repository paths with forward slashes, matched
// case-sensitively; a leading "./" or "/" is dropped. A path in a
// sensitive category is never ignored. Results are cached per path. A
// Classifier is safe for concurrent use.
type Classifier struct {
	categories []compiledCategory
	assets     *matchSet
	ignore     *matchSet
	cache      sync.Map // path -> *classification
	cached     atomic.Int64
}

type compiledCategory struct {
	name    string
	paths   *matchSet
	exclude *matchSet
}

// classification is what a Classifier knows about one path.
type classification struct {
	categories []string
	ignored    bool
	asset      bool
}

var _ guard.Classifier = (*Classifier)(nil)

// NewClassifier compiles the patterns of a policy. It fails when a
// pattern is invalid, which a policy from ParsePolicy never has.
func NewClassifier(p *guard.Policy) (*Classifier, error) {
	if p == nil {
		return nil, errors.New("new classifier: nil policy")
	}
	var errs []error
	check := func(what string, patterns []string) {
		for _, pat := range patterns {
			if msg := globProblem(pat); msg != "" {
				errs = append(errs, fmt.Errorf("invalid pattern %q in %s: %s", pat, what, msg))
			}
		}
	}
	for _, cat := range p.Categories {
		check(fmt.Sprintf("paths of category %q", cat.Name), cat.Paths)
		check(fmt.Sprintf("exclude of category %q", cat.Name), cat.Exclude)
	}
	check("assets", p.Assets)
	check("ignore", p.Ignore)
	if len(errs) > 0 {
		return nil, fmt.Errorf("new classifier: %w", errors.Join(errs...))
	}
	c := &Classifier{assets: newMatchSet(p.Assets), ignore: newMatchSet(p.Ignore)}
	for _, cat := range p.Categories {
		c.categories = append(c.categories, compiledCategory{
			name:    cat.Name,
			paths:   newMatchSet(cat.Paths),
			exclude: newMatchSet(cat.Exclude),
		})
	}
	return c, nil
}

// Categories returns the names of the categories path is in, in policy
// order, or nil. The caller owns the returned slice.
func (c *Classifier) Categories(path string) []string {
	return slices.Clone(c.classify(path).categories)
}

// Ignored reports whether detectors should skip path: it matches an
// ignore pattern and is in no sensitive category.
func (c *Classifier) Ignored(path string) bool { return c.classify(path).ignored }

// Asset reports whether path is in a declared asset folder.
func (c *Classifier) Asset(path string) bool { return c.classify(path).asset }

func (c *Classifier) classify(path string) *classification {
	if v, ok := c.cache.Load(path); ok {
		return v.(*classification)
	}
	r := c.compute(normalize(path))
	if c.cached.Load() < maxCached {
		if _, loaded := c.cache.LoadOrStore(path, r); !loaded {
			c.cached.Add(1)
		}
	}
	return r
}

func (c *Classifier) compute(path string) *classification {
	r := &classification{}
	for i := range c.categories {
		cat := &c.categories[i]
		if cat.paths.match(path) && !cat.exclude.match(path) {
			r.categories = append(r.categories, cat.name)
		}
	}
	r.ignored = len(r.categories) == 0 && c.ignore.match(path)
	r.asset = c.assets.match(path)
	return r
}

// normalize drops leading "./" and "/" from a path.
func normalize(path string) string {
	for {
		switch {
		case strings.HasPrefix(path, "./"):
			path = path[2:]
		case strings.HasPrefix(path, "/"):
			path = path[1:]
		default:
			return path
		}
	}
}
