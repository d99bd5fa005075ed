package guard

// The names of the built-in sensitive categories. A policy may define more.
const (
	CategoryContracts    = "contracts"
	CategoryKeys         = "keys"
	CategoryDeploy       = "deploy"
	CategoryCI           = "ci"
	CategoryBuild        = "build"
	CategoryDependencies = "dependencies"
	CategoryAccess       = "access"
)

// PolicyPath is where a repository keeps its own policy.
const PolicyPath = ".github/repoguard.yml"

// Policy is the effective policy of a repository: which paths are
// sensitive, what each needs before merge, and how detectors are tuned.
type Policy struct {
	// Categories of sensitive paths, in the order they are declared.
	Categories []Category `yaml:"categories" json:"categories"`
	// Assets are globs of folders and files where binary files are
	// expected (images, fonts, ...).
	Assets []string `yaml:"assets" json:"assets"`
	// Ignore are globs of paths that no detector looks at (vendored
	// code, generated files). Sensitive categories still apply.
	Ignore     []string                  `yaml:"ignore" json:"ignore"`
	Thresholds Thresholds                `yaml:"thresholds" json:"thresholds"`
	Detectors  map[string]DetectorPolicy `yaml:"detectors" json:"detectors"`
}

// Category is one kind of sensitive path.
type Category struct {
	Name        string   `yaml:"name" json:"name"`
	Description string   `yaml:"description" json:"description"`
	Paths       []string `yaml:"paths" json:"paths"`
	Exclude     []string `yaml:"exclude,omitempty" json:"exclude,omitempty"`
	// Approvals is the number of independent approvals a change touching
	// the category needs before merge.
	Approvals int `yaml:"approvals" json:"approvals"`
	// Teams, when set, are the GitHub teams (org/slug or slug) whose
	// members' approvals count.
	Teams []string `yaml:"teams,omitempty" json:"teams,omitempty"`
	// Severity of the sensitive-path finding for this category.
	Severity Severity `yaml:"severity" json:"severity"`
}

// Thresholds turn findings and risk into decisions.
type Thresholds struct {
	// Review is the risk score (0-100) at or above which a second reviewer
	// is required even outside sensitive categories.
	Review float64 `yaml:"review" json:"review"`
	// Block is the severity at or above which a finding fails the check
	// until a security reviewer resolves it.
	Block Severity `yaml:"block" json:"block"`
	// Queue is the lowest severity that becomes an anomaly in the queue.
	Queue Severity `yaml:"queue" json:"queue"`
	// Budget is the share of a repository's commits that behaviour
	// findings may bring into the queue (see Calibrate): the queue
	// threshold of each repository is set from its own history to keep
	// within it. 0 means DefaultBudget.
	Budget float64 `yaml:"budget,omitempty" json:"budget,omitempty"`
}

// DetectorPolicy tunes one detector.
type DetectorPolicy struct {
	// Disabled turns the detector off.
	Disabled bool `yaml:"disabled,omitempty" json:"disabled,omitempty"`
	// Severity, when set, replaces the severity of every finding the
	// detector reports.
	Severity Severity `yaml:"severity,omitempty" json:"severity,omitempty"`
	// Settings override the detector's default settings; their keys and
	// types are those of Detector.SettingDefaults.
	Settings map[string]any `yaml:"settings,omitempty" json:"settings,omitempty"`
}

// Category returns the category with the given name, or nil.
func (p *Policy) Category(name string) *Category {
	for i := range p.Categories {
		if p.Categories[i].Name == name {
			return &p.Categories[i]
		}
	}
	return nil
}

// Classifier tells which sensitive categories a path belongs to and
// whether detectors should skip it. configs builds one from a Policy.
type Classifier interface {
	// Categories returns the names of the categories the path is in, in
	// policy order; nil when it is in none.
	Categories(path string) []string
	// Ignored reports whether detectors should skip the path.
	Ignored(path string) bool
	// Asset reports whether the path is in a declared asset folder.
	Asset(path string) bool
}
