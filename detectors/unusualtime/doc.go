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
// # New authors
//
// An author with fewer than new_commits commits (in every repository) has
// no hours of their own. Such a commit is also judged against everyone
// here, each commit counted at its author's own hour of the day
// (guard.Profile.LocalHours: 3 a.m. where they are), when that hour is at
// night (night_start to night_end; a quiet morning in a repository only
// says where its few regulars live): it is reported (low, event
// unusual-time/new-author-hour) when the hours within local_window
// of its hour hold at most local_quiet times their even share of the
// repository's commits, once it has min_repo_commits. When the author's
// zone is also strange here (habits.StrangeZone: not UTC, at most
// rare_zone of the commits used it), the event is
// unusual-time/new-author-hour-new-zone: the two together are much rarer
// than either, and calibration gives them their own base rate. With
// timezone-change's new-author-zone and new-author-sensitive, a first-time
// author changing signing code at 3 a.m. from a zone the repository never
// saw reaches the queue threshold.
//
// Its cases are testdata/*.txtar (see package detectortest).
package unusualtime
