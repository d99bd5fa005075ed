package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progressBar draws "[=====>    ] 1234/20000 commits" on a terminal,
// redrawing at most every 100 ms. A nil *progressBar does nothing, so
// callers need no checks.
type progressBar struct {
	w       io.Writer
	total   int
	n       int
	start   time.Time
	last    time.Time
	visible bool
}

func newProgressBar(w io.Writer, total int) *progressBar {
	return &progressBar{w: w, total: total, start: time.Now()}
}

func (p *progressBar) step() {
	if p == nil {
		return
	}
	p.n++
	if now := time.Now(); now.Sub(p.last) >= 100*time.Millisecond || p.n == p.total {
		p.last = now
		p.draw()
	}
}

func (p *progressBar) draw() {
	const width = 30
	frac := 1.0
	if p.total > 0 {
		frac = min(float64(p.n)/float64(p.total), 1)
	}
	fill := int(frac * width)
	bar := strings.Repeat("=", fill) + strings.Repeat(" ", width-fill)
	if fill > 0 && fill < width {
		bar = bar[:fill-1] + ">" + bar[fill:]
	}
	rate := float64(p.n) / max(time.Since(p.start).Seconds(), 1e-3)
	fmt.Fprintf(p.w, "\r[%s] %d/%d commits  %.0f/s ", bar, p.n, p.total, rate)
	p.visible = true
}

// clear erases the bar so that other output can be written.
func (p *progressBar) clear() {
	if p == nil || !p.visible {
		return
	}
	fmt.Fprint(p.w, "\r\033[K")
	p.visible = false
}

func (p *progressBar) done() { p.clear() }
