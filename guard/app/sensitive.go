package app

import (
	"github.com/repoguard/repoguard/guard"
)

// maxKeptFiles caps the files kept per category in a saved state; the
// summary lists fewer, and the annotations stop at App.MaxAnnotations.
const maxKeptFiles = 200

// CategoryFiles are the files of a change that put it in a sensitive
// category, in the order of the diff.
type CategoryFiles struct {
	Category string          `json:"category"`
	Files    []SensitiveFile `json:"files"`
	// Total counts the files, Files keeping the first maxKeptFiles.
	Total int `json:"total"`
}

// SensitiveFile is one file of a sensitive category, as the change left
// it.
type SensitiveFile struct {
	Path    string           `json:"path"`
	OldPath string           `json:"old_path,omitempty"`
	Status  guard.FileStatus `json:"status"`
	// Line is the first line the change added to the file, 1 when it
	// only deleted lines or was not diffed, 0 when the file was deleted.
	Line int `json:"line,omitempty"`
}

// sensitiveFiles returns, per sensitive category of the policy that the
// files touch and in the policy's order, the files in it.
func sensitiveFiles(p *policy, files []guard.FileChange) []CategoryFiles {
	by := map[string]*CategoryFiles{}
	for i, cats := range guard.CategoriesOf(p.eng.Classifier, files) {
		for _, c := range cats {
			cf := by[c]
			if cf == nil {
				cf = &CategoryFiles{Category: c}
				by[c] = cf
			}
			if cf.Total++; len(cf.Files) < maxKeptFiles {
				cf.Files = append(cf.Files, sensitiveFile(&files[i]))
			}
		}
	}
	var out []CategoryFiles
	for _, c := range p.pol.Categories {
		if cf := by[c.Name]; cf != nil {
			out = append(out, *cf)
		}
	}
	return out
}

func sensitiveFile(f *guard.FileChange) SensitiveFile {
	s := SensitiveFile{Path: f.Path, Status: f.Status, Line: 1}
	if f.OldPath != f.Path {
		s.OldPath = f.OldPath
	}
	switch {
	case f.Status == guard.Deleted:
		s.Line = 0
	case len(f.AddedLines) > 0:
		s.Line = f.AddedLines[0].Number
	}
	return s
}

// categoryNames are the categories of cfs, in order.
func categoryNames(cfs []CategoryFiles) []string {
	var out []string
	for _, cf := range cfs {
		out = append(out, cf.Category)
	}
	return out
}

// filesOf returns the files of category name in cfs, nil when none.
func filesOf(cfs []CategoryFiles, name string) *CategoryFiles {
	for i := range cfs {
		if cfs[i].Category == name {
			return &cfs[i]
		}
	}
	return nil
}
