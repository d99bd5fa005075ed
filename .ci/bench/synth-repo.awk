# synth-repo.awk - writes the commits of a synthetic repository as a
# `git fast-import` stream (see synth-repo.sh). Variables: N commits, NBIN
# binary blobs already given marks 1..NBIN, SEED. POSIX awk (mawk, gawk)
# in the C locale: lengths are byte counts.

function rnd(n) { return int(rand() * n) }
function word() { return W[1 + rnd(NW)] }
function Word(  w) { w = word(); return toupper(substr(w, 1, 1)) substr(w, 2) }

function gen_line(t,    r) {
	r = rnd(100)
	if (t == "go") {
		if (r < 12) return ""
		if (r < 24) return "\t}"
		if (r < 34) return sprintf("\tif err := %s.%s(ctx, %d); err != nil {", word(), Word(), rnd(1000))
		if (r < 44) return sprintf("\t\treturn fmt.Errorf(\"%s %s: %%w\", err)", word(), word())
		if (r < 50) return sprintf("func (s *%s) %s(ctx context.Context, %s string) error {", Word(), Word(), word())
		if (r < 60) return sprintf("\t%s%d := %s.%s(%d)", word(), rnd(99), word(), Word(), rnd(5000))
		if (r < 68) return sprintf("// %s %ss the %s %s.", Word(), word(), word(), word())
		if (r < 77) return sprintf("\t%s, err := s.%s.%s(ctx, %s)", word(), word(), Word(), word())
		if (r < 85) return sprintf("\tlog.Printf(\"%s: %%v\", %s)", word(), word())
		if (r < 93) return sprintf("\t%s%s int64 `json:\"%s\"`", Word(), Word(), word())
		return sprintf("\treturn %s, nil", word())
	}
	if (t == "ts") {
		if (r < 12) return ""
		if (r < 24) return "}"
		if (r < 36) return sprintf("  const %s = await %s.%s(%d);", word(), word(), word(), rnd(100))
		if (r < 44) return sprintf("export function %s%s(%s: string): %s {", word(), Word(), word(), Word())
		if (r < 54) return sprintf("import { %s, %s } from './%s';", Word(), word(), word())
		if (r < 64) return sprintf("    <%s className=\"%s-%s\" onClick={%s} />", Word(), word(), word(), word())
		if (r < 74) return sprintf("  if (!%s) throw new Error('%s %s');", word(), word(), word())
		if (r < 84) return sprintf("  return { %s: %s, %s: %d };", word(), word(), word(), rnd(900))
		return sprintf("  // %s %s %s", word(), word(), word())
	}
	if (t == "sol") {
		if (r < 12) return ""
		if (r < 24) return "    }"
		if (r < 34) return sprintf("    function %s(uint256 %s) external onlyOwner {", word(), word())
		if (r < 46) return sprintf("        require(%s > %d, \"%s: %s\");", word(), rnd(1000), Word(), word())
		if (r < 56) return sprintf("    mapping(address => uint256) public %s%s;", word(), Word())
		if (r < 66) return sprintf("        emit %s%s(msg.sender, %s);", Word(), Word(), word())
		if (r < 76) return sprintf("        %s[msg.sender] += %s;", word(), word())
		if (r < 86) return sprintf("    /// @notice %s the %s %s", Word(), word(), word())
		return sprintf("    event %s(address indexed %s, uint256 %s);", Word(), word(), word())
	}
	if (t == "yaml") {
		if (r < 15) return sprintf("      - name: %s %s", Word(), word())
		if (r < 30) return sprintf("        run: make %s %s=%d", word(), toupper(word()), rnd(10))
		if (r < 40) return "    runs-on: ubuntu-latest"
		if (r < 50) return sprintf("  %s-%s:", word(), word())
		if (r < 60) return sprintf("        uses: actions/%s@v%d", word(), 1 + rnd(5))
		if (r < 70) return "        with:"
		if (r < 80) return sprintf("          %s: '%d.%d'", word(), 1 + rnd(3), rnd(30))
		if (r < 90) return sprintf("      %s: ${{ secrets.%s_%s }}", toupper(word()), toupper(word()), toupper(word()))
		return ""
	}
	if (t == "md") {
		if (r < 20) return ""
		if (r < 30) return sprintf("## %s %s", Word(), word())
		if (r < 45) return sprintf("- %s %s %s (`%s`)", Word(), word(), word(), word())
		return sprintf("%s %s %s %s %s %s %s.", Word(), word(), word(), word(), word(), word(), word())
	}
	if (t == "docker") {
		if (r < 30) return sprintf("RUN apk add --no-cache %s %s", word(), word())
		if (r < 50) return sprintf("COPY %s /app/%s", word(), word())
		if (r < 70) return sprintf("ENV %s_%s=%d", toupper(word()), toupper(word()), rnd(9999))
		if (r < 85) return sprintf("RUN go build -o /bin/%s ./cmd/%s", word(), word())
		return ""
	}
	if (t == "make") {
		if (r < 25) return sprintf("%s: %s", word(), word())
		if (r < 55) return sprintf("\tgo build -o bin/%s ./cmd/%s", word(), word())
		if (r < 75) return sprintf("\t$(GO) test -run %s ./%s/...", Word(), word())
		if (r < 85) return sprintf(".PHONY: %s", word())
		return ""
	}
	if (t == "json") return sprintf("    \"%s-%s\": \"^%d.%d.%d\",", word(), word(), rnd(9), rnd(30), rnd(20))
	if (t == "gomod") return sprintf("\tgithub.com/%s/%s v%d.%d.%d", word(), word(), rnd(3), rnd(30), rnd(20))
	if (t == "sh") {
		if (r < 30) return sprintf("echo \"%s %s\"", word(), word())
		if (r < 60) return sprintf("%s=$(%s --%s %d)", toupper(word()), word(), word(), rnd(100))
		if (r < 80) return sprintf("if [ -z \"$%s\" ]; then exit %d; fi", toupper(word()), 1 + rnd(3))
		return ""
	}
	return sprintf("%s %s %d", word(), word(), rnd(1000))
}

# size_lines picks a file length: mostly small, a few thousand lines rarely.
function size_lines(  r) {
	r = rand()
	if (r < 0.45) return 8 + rnd(80)
	if (r < 0.85) return 90 + rnd(300)
	if (r < 0.96) return 400 + rnd(600)
	return 1500 + rnd(1800)
}

function add_file(path, t, n, mode,    k, j, s) {
	k = ++NF_
	fname[k] = path; ftype[k] = t; fmode[k] = mode; dead[k] = 0; isbin[k] = 0
	nl[k] = n; fsize[k] = 0
	for (j = 1; j <= n; j++) {
		s = gen_line(t)
		L[k, j] = s
		fsize[k] += length(s) + 1
	}
	return k
}

function add_binary(path,    k) {
	k = ++NF_
	fname[k] = path; ftype[k] = "bin"; fmode[k] = "100644"; dead[k] = 0
	isbin[k] = 1; bm[k] = 1 + rnd(NBIN); nl[k] = 0
	return k
}

# new_file adds a file of a random kind under a plausible path.
function new_file(  r) {
	r = rnd(100)
	if (r < 45) return add_file(sprintf("internal/%s/%s%s.go", pkg[1 + rnd(NPKG)], word(), rnd(3) ? "" : "_test"), "go", size_lines(), "100644")
	if (r < 65) return add_file(sprintf("web/src/components/%s%s.tsx", Word(), Word()), "ts", size_lines(), "100644")
	if (r < 72) return add_file(sprintf("web/src/lib/%s.ts", word()), "ts", size_lines(), "100644")
	if (r < 80) return add_file(sprintf("contracts/%s%s.sol", Word(), Word()), "sol", size_lines(), "100644")
	if (r < 85) return add_file(sprintf(".github/workflows/%s.yml", word()), "yaml", 20 + rnd(60), "100644")
	if (r < 93) return add_file(sprintf("docs/%s-%s.md", word(), word()), "md", size_lines(), "100644")
	return add_file(sprintf("scripts/%s.sh", word()), "sh", 10 + rnd(50), "100755")
}

# pick_file returns a live text file, large ones less often.
function pick_file(  k, tries) {
	for (tries = 0; tries < 100; tries++) {
		k = 1 + rnd(NF_)
		if (dead[k] || isbin[k] || (k in busy)) continue
		if (nl[k] > 800 && rand() < 0.7) continue
		return k
	}
	return 0
}

# edit_file changes a few lines in 1-3 hunks.
function edit_file(k,    h, nh, pos, nd, ni, delta, j, s) {
	nh = rand() < 0.6 ? 1 : (rand() < 0.75 ? 2 : 3)
	for (h = 0; h < nh; h++) {
		pos = 1 + rnd(nl[k] + 1)
		nd = rnd(4)
		if (pos + nd - 1 > nl[k]) nd = nl[k] - pos + 1
		ni = rnd(4)
		if (nd + ni == 0) ni = 1
		for (j = pos; j < pos + nd; j++) fsize[k] -= length(L[k, j]) + 1
		delta = ni - nd
		if (delta > 0) {
			for (j = nl[k]; j >= pos + nd; j--) L[k, j + delta] = L[k, j]
		} else if (delta < 0) {
			for (j = pos + nd; j <= nl[k]; j++) L[k, j + delta] = L[k, j]
			for (j = nl[k] + delta + 1; j <= nl[k]; j++) delete L[k, j]
		}
		for (j = 0; j < ni; j++) {
			s = gen_line(ftype[k])
			L[k, pos + j] = s
			fsize[k] += length(s) + 1
		}
		nl[k] += delta
	}
}

function emit_file(k,    j) {
	if (isbin[k]) {
		printf "M %s :%d %s\n", fmode[k], bm[k], fname[k]
		return
	}
	printf "M %s inline %s\ndata %d\n", fmode[k], fname[k], fsize[k]
	for (j = 1; j <= nl[k]; j++) print L[k, j]
}

function pick_author(  r) {
	r = rand()
	if (r < 0.25) return 1
	if (r < 0.45) return 2
	if (r < 0.65) return 3
	if (r < 0.80) return 4
	if (r < 0.90) return 5
	return 6
}

# when_of returns the time of the i-th commit, moved to a daytime hour
# (mostly) of author a's own time zone.
function when_of(i, a,    t, local, day, r, hour) {
	t = START + int(i * SPAN / N)
	local = t + AO[a]
	day = int(local / 86400)
	r = rand()
	if (r < 0.80) hour = 9 + rnd(10)
	else if (r < 0.95) hour = 19 + rnd(5)
	else hour = rnd(9)
	return day * 86400 + hour * 3600 + rnd(3600) - AO[a]
}

function message(  r, m) {
	r = rnd(8)
	m = sprintf("%s(%s): %s %s %s", KIND[1 + r], word(), word(), word(), word())
	if (rand() < 0.3) m = m "\n\n" sprintf("%s %s %s %s %s.\n%s %s %s.", Word(), word(), word(), word(), word(), Word(), word(), word())
	return m
}

# header writes a commit header; file commands follow.
function header(ref, from, merge, i, msg,    a, c, when, cwhen) {
	a = pick_author()
	when = when_of(i, a)
	c = a
	cwhen = when
	if (rand() < 0.08 || merge) {
		c = 1
		cwhen = when + rnd(172800)
	}
	if (merge) a = c
	mark++
	printf "commit %s\nmark :%d\n", ref, mark
	printf "author %s <%s> %d %s\n", AN[a], AE[a], when, AZ[a]
	printf "committer %s <%s> %d %s\n", AN[c], AE[c], cwhen, AZ[c]
	printf "data %d\n%s\n", length(msg), msg
	if (from) printf "from :%d\n", from
	if (merge) printf "merge :%d\n", merge
	return mark
}

# normal_commit makes commit i on ref after from; it returns its mark.
function normal_commit(ref, from, i,    r, n, j, k, ks, nk, ops, old, ext, dir, m) {
	r = rand()
	nk = 0
	ops = ""
	if (r < 0.015) {
		ks[++nk] = new_file()
	} else if (r < 0.022) {
		k = pick_file()
		if (k > 14) {
			dead[k] = 1
			ops = ops "D " fname[k] "\n"
			for (j = 1; j <= nl[k]; j++) delete L[k, j]
		}
	} else if (r < 0.028) {
		k = pick_file()
		if (k > 14) {
			old = fname[k]
			ext = ""
			if (match(old, /\.[A-Za-z]+$/)) ext = substr(old, RSTART)
			dir = old
			sub(/[^\/]*$/, "", dir)
			fname[k] = dir word() "_" i ext
			ops = ops "R " old " " fname[k] "\n"
			if (rand() < 0.3) { edit_file(k); ks[++nk] = k }
		}
	} else if (r < 0.036) {
		if (rand() < 0.25) {
			ks[++nk] = add_binary(sprintf("assets/%s-%d.png", word(), i))
		} else {
			for (j = 0; j < 20; j++) { k = 1 + rnd(NF_); if (isbin[k] && !dead[k]) break }
			if (isbin[k] && !dead[k]) { bm[k] = 1 + rnd(NBIN); ks[++nk] = k }
		}
	}
	if (nk == 0 && ops == "" || rand() < 0.3) {
		r = rand()
		n = r < 0.45 ? 1 : r < 0.70 ? 2 : r < 0.85 ? 3 : r < 0.95 ? 4 + rnd(2) : 6 + rnd(7)
		for (j = 0; j < n; j++) {
			k = pick_file()
			if (k == 0) continue
			busy[k] = 1
			edit_file(k)
			ks[++nk] = k
		}
		for (k in busy) if (!(k in side)) delete busy[k]
	}
	m = header(ref, from, 0, i, message())
	printf "%s", ops
	for (j = 1; j <= nk; j++) emit_file(ks[j])
	print ""
	return m
}

BEGIN {
	srand(SEED)
	START = 1640995200 # 2022-01-01
	SPAN = 3 * 365 * 86400
	NW = split("account address admin api audit auth balance batch block bridge cache chain check client config contract cursor deploy deposit digest event fee fetch filter gas guard handler hash index key ledger limit loader log match merge meta mint node nonce oracle order owner parse peer pool price proof queue quota rate relay reward role route scan schema session signer slot stake state store stream sync token trace vault verify wallet withdraw worker", W, " ")
	NPKG = split("api auth chain config ledger oracle relay scan signer store wallet worker", pkg, " ")
	split("feat fix chore refactor docs test ci build", KIND, " ")
	split("Alice Martin|Ravi Kumar|Jake Miller|Yuki Tanaka|Sofia Rossi|Carlos Diaz", AN, "|")
	split("alice@example.com ravi@example.in jake@example.com yuki@example.jp sofia@example.it carlos@example.mx", AE, " ")
	split("+0000 +0530 -0700 +0900 +0100 -0600", AZ, " ")
	split("0 19800 -25200 32400 3600 -21600", AO, " ")
	mark = NBIN

	# The initial commit: the skeleton of a Go service with a web front
	# end and contracts.
	add_file("go.mod", "gomod", 14, "100644")
	add_file("Makefile", "make", 40, "100644")
	add_file("Dockerfile", "docker", 25, "100644")
	add_file("package.json", "json", 45, "100644")
	add_file("README.md", "md", 120, "100644")
	add_file(".github/workflows/ci.yml", "yaml", 60, "100644")
	add_file(".github/workflows/release.yml", "yaml", 80, "100644")
	add_file(".github/workflows/deploy.yml", "yaml", 50, "100644")
	add_file("cmd/server/main.go", "go", 150, "100644")
	add_file("cmd/cli/main.go", "go", 90, "100644")
	add_file("web/src/index.ts", "ts", 40, "100644")
	add_file("contracts/Vault.sol", "sol", 400, "100644")
	add_file("contracts/Token.sol", "sol", 250, "100644")
	add_file("scripts/deploy.sh", "sh", 60, "100755")
	for (j = 0; j < 50; j++) new_file()
	add_binary("assets/logo.png")
	add_binary("testdata/fixtures.tar.gz")
	add_binary("testdata/snapshot.xz")
	tip = header("refs/heads/main", 0, 0, 0, "Initial commit")
	for (k = 1; k <= NF_; k++) emit_file(k)
	print ""

	for (i = 1; i < N; ) {
		if (rand() < 0.012 && i + 8 < N) {
			# A feature branch of 1-4 commits, 0-2 commits on main
			# meanwhile (other files), then a merge commit.
			ref = sprintf("refs/heads/feature/%s-%d", word(), i)
			bp = tip
			split("", side)
			ns = 1 + rnd(4)
			for (s = 0; s < ns; s++) {
				split("", busy)
				nk = 1 + rnd(3)
				for (j = 0; j < nk; j++) {
					k = pick_file()
					if (k == 0) continue
					side[k] = 1
					busy[k] = 1
					edit_file(k)
				}
				bp = header(ref, bp, 0, i++, message())
				for (k in busy) emit_file(k)
				print ""
			}
			sidetip = bp
			for (k in side) busy[k] = 1
			nm = rnd(3)
			for (s = 0; s < nm; s++) tip = normal_commit("refs/heads/main", tip, i++)
			split("", busy)
			tip = header("refs/heads/main", tip, sidetip, i++, sprintf("Merge pull request #%d from example/%s", 100 + i, substr(ref, 12)))
			for (k in side) emit_file(k)
			print ""
			split("", side)
			continue
		}
		tip = normal_commit("refs/heads/main", tip, i++)
	}
}
