// Package unusualtime is the unusual-time detector: it reports a commit
// authored at an hour of the week that is improbable for its author, under a
// smoothed model of their past hours with the organization's hours as prior.
// With little history the organization's hours dominate the model and the
// finding is low.
//
// # Model
//
// Let h(k) count the author's commits at UTC hour of the week k
// (guard.HourOfWeek) and N = Σ h. Each commit is spread by a kernel over
// its hour and the two either side (weights 0.25, 0.6, 1, 0.6, 0.25) on
// its own day and, times cross_day, on the other six days, normalized so
// that a commit keeps mass 1; call the result S. The organization's hours
// are smoothed the same way, plus one pseudo-commit spread evenly over the
// 168 hours (a Laplace prior): q(k) = (S_org(k) + 1/168) / (N_org + 1).
// The author's model is
//
//	p(k) = (S(k) + α q(k)) / (N + α),   α = prior_weight,
//
// and the tail of hour w, T(w) = Σ p(k) over every k with p(k) <= p(w),
// is how often the model yields an hour at least as unusual: a p-value.
// The detector fires when T(w) < max_tail. The prior holds α/(N+α) of the
// mass, so an hour the author never works becomes improbable only as N
// grows, and sooner where the organization is quiet too. Below min_commits
// the organization dominates: the finding is low and says so.
//
// Its cases are testdata/*.txtar (see package detectortest).
package unusualtime
