package sabotage

import (
	"regexp"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/detectors/internal/textscan"
	"github.com/repoguard/repoguard/guard"
)

// homeSources name the user's home folder.
var homeSources = newTokenSet([]string{"os.homedir()", "homedir()", "UserHomeDir()", `getenv("HOME")`, `Getenv("HOME")`,
	"env.HOME", `environ["HOME"]`, `environ.get("HOME"`, `var("HOME")`, `var_os("HOME")`, "home_dir()",
	`expanduser("~")`, `expanduser('~')`, "Path.home()", `"~"`, `'~'`, `"~/"`, `'~/'`, "$HOME", "${HOME}",
	"USERPROFILE", "getpwuid(", `"~/*"`})

// sensitiveTargets are files outside the project whose change takes over
// the user's account or machine.
var sensitiveTargets = newTokenSet([]string{"authorized_keys", ".ssh/", "/.ssh", ".bashrc", ".bash_profile", ".zshrc",
	".zprofile", "/.profile", "~/.profile", ".gnupg", "/etc/passwd", "/etc/shadow", "/etc/hosts", "/etc/sudoers",
	"/etc/crontab", "/etc/cron.", "/etc/rc.local", "/etc/profile", "/etc/ld.so.preload", ".config/autostart",
	"LaunchAgents", "LaunchDaemons", ".aws/credentials"})

// writeOps overwrite or create files.
var writeOps = newTokenSet([]string{"writeFileSync(", "writeFile(", "appendFileSync(", "appendFile(", "createWriteStream(",
	"fs.write(", "WriteFile(", "os.Create(", "os.OpenFile(", "fs::write(", "File::create(", "OpenOptions",
	"truncate(", "write_text(", "write_bytes(", "copyFileSync(", "shutil.copy"})

// deleteOps delete files or folders: calls, read in code.
var deleteOps = newTokenSet([]string{"rmSync(", "rmdirSync(", "rimraf", "fs.rm(", "unlinkSync(", "unlink(", "RemoveAll(",
	"os.Remove(", "shutil.rmtree(", "os.remove(", "os.unlink(", "remove_dir_all(", "remove_file(",
	"emptyDirSync(", "emptyDir(", "removeSync(", "rmtree("})

// shellDeletes delete files from a shell command line, read in text: in
// a script or in a string a program runs.
var shellDeletes = newTokenSet([]string{"rm -rf", "rm -fr", "rm -r ", "rm -Rf", "rm -R ", "Remove-Item", "shred ", " -delete",
	"del /s", "rd /s"})

// walkOps list or walk folders.
var walkOps = newTokenSet([]string{"WalkDir(", "filepath.Walk(", "readdirSync(", "readdir(", "opendir(", "os.walk(",
	"os.scandir(", "os.listdir(", "glob(", "rglob(", "iterdir(", "nftw(", "ftw(", "read_dir(", "WalkDir::new(",
	"globSync(", "ReadDir(", "Get-ChildItem", "find ", ".walk("})

var (
	reOpenWrite  = regexp.MustCompile(`\b(?:f?open|Open|open_file)\s*\(.*(?:["'](?:w|a|r\+|wb|ab|w\+|a\+)["']|O_WRONLY|O_RDWR|O_TRUNC)`)
	reParentUp   = regexp.MustCompile(`["'](?:\.\./){2,}["']|["']\.\./\.\.["']|["'](?:\.\.\\\\){2,}["']`)
	reRootLit    = regexp.MustCompile(`["'](?:/|/\*|C:\\\\)["']`)
	reShellRoot  = regexp.MustCompile(`\s/\*?(?:["'\s;&|]|$)`)
	reShellWrite = regexp.MustCompile(`>{1,2}\s*["']?(?:~|\$HOME|\$\{HOME\}|/etc/)`)
	reShellHome  = regexp.MustCompile(`(?:^|[\s=])~(?:/\*?)?(?:[\s;&|)]|$)`)
)

// wipes reports writing or deleting outside the project. Blocks that
// neither write nor delete, most of them, are not looked at further.
func (sf *sabFile) wipes(ls []srcLine) {
	changes := false
	for i := range ls {
		if deleteOps.find(ls[i].code) != "" || shellDeletes.find(ls[i].text) != "" || isWrite(ls[i].text, ls[i].code, sf.lang) {
			changes = true
			break
		}
	}
	if !changes {
		return
	}
	roots := sf.rootUses(ls)
	add := func(i int, sev guard.Severity, msg string, more ...string) {
		sf.aggs[kindWipe].add(ls[i].Number, sev, msg, append([]string{explain.Line(ls[i].Line)}, more...)...)
	}
	walk, change := -1, -1
	for i := range ls {
		t, c := ls[i].text, ls[i].code
		del, write := (deleteOps.find(c) != "") || (shellDeletes.find(t) != ""), isWrite(t, c, sf.lang)
		if (walkOps.find(c) != "") && walk < 0 {
			walk = i
		}
		if (del || write) && change < 0 {
			change = i
		}
		if del && roots[i] {
			add(i, guard.Medium, "Deletes the user's home folder or the root "+
				"of the file system in %s: code that destroys the user's files.")
		}
		if target := sensitiveTargets.find(t); target != "" && (del || write) {
			target = literalWith(t, target)
			if sf.role == roleCLI {
				add(i, guard.Low, "Writes to "+target+" outside the project in %s, as installers do.")
			} else {
				add(i, guard.Medium, "Writes to "+target+" outside the project in %s: a library has no business "+
					"changing the user's shell start-up files, SSH keys or system files.")
			}
		}
	}
	if walk >= 0 && change >= 0 && anyRoot(roots) {
		add(walk, guard.Medium, "Walks the user's home folder (or "+
			"folders above the project) and overwrites or deletes the files it finds in %s: code that destroys "+
			"the user's files (node-ipc 2022 overwrote them with a heart).", explain.Line(ls[change].Line))
	}
}

// literalWith returns the string literal of the line that holds token,
// the token itself when none does.
func literalWith(t, token string) string {
	for _, lit := range literals(t) {
		if strings.Contains(lit, token) {
			return lit
		}
	}
	return token
}

// isWrite reports a line that writes a file.
func isWrite(t, c string, lang int) bool {
	if lang == langShell {
		return reShellWrite.MatchString(t) || strings.Contains(c, "tee ")
	}
	return (writeOps.find(c) != "") || strings.Contains(c, "pen") && reOpenWrite.MatchString(t)
}

// anyRoot reports whether a line uses a root.
func anyRoot(roots []bool) bool {
	for _, r := range roots {
		if r {
			return true
		}
	}
	return false
}

// rootUses marks the lines that pass the home folder, the root of the
// file system or (in library code) folders above the project as a
// whole to a call (not joined with a subfolder); a variable assigned one
// counts where it is passed. A shell command line passes its arguments
// without parentheses.
func (sf *sabFile) rootUses(ls []srcLine) []bool {
	uses := make([]bool, len(ls))
	var vars []string
	for i := range ls {
		t, c := ls[i].text, ls[i].code
		if sf.lang == langShell || (shellDeletes.find(t) != "") {
			uses[i] = reShellHome.MatchString(t) || reShellRoot.MatchString(t) && (shellDeletes.find(t) != "") ||
				shellHomeVar(t)
			continue
		}
		if at, n := sf.rootAt(t, c); at >= 0 {
			if m := reAssign.FindStringSubmatchIndex(t); m != nil && m[3] <= at {
				if len(vars) < maxVars {
					vars = append(vars, t[m[2]:m[3]])
				}
				continue
			}
			uses[i] = argAt(t, at) && !joined(t) && !subPathAfter(t[at+n:])
			continue
		}
		for _, v := range vars {
			if k := indexWord(c, v); k >= 0 && argAt(c, k) && !subPathAfter(c[k+len(v):]) {
				uses[i] = true
				break
			}
		}
	}
	return uses
}

// rootAt returns where a root is named on a line and the length of its
// name, -1 when none is: a home folder source, folders above the project
// (library code only), or "/" passed to a walk or a delete.
func (sf *sabFile) rootAt(t, c string) (int, int) {
	if i, s := homeSources.index(t); i >= 0 {
		return i, len(s)
	}
	if sf.role == roleLibrary {
		if loc := reParentUp.FindStringIndex(t); loc != nil {
			return loc[0], loc[1] - loc[0]
		}
	}
	if (walkOps.find(c) != "") || (deleteOps.find(c) != "") {
		if loc := reRootLit.FindStringIndex(t); loc != nil {
			return loc[0], loc[1] - loc[0]
		}
	}
	return -1, 0
}

// argAt reports whether the expression that holds s[i] is an argument of
// a call: "(" or "," before it, past the names, dots and calls it is
// made of (os.path.expanduser("~"), &home).
func argAt(s string, i int) bool {
	for steps := 0; i > 0 && steps < 256; steps++ {
		c := s[i-1]
		switch {
		case textscan.IsIdent(c) || c == '.' || c == ':':
			i--
		case c == ')':
			k := strings.LastIndexByte(s[:i-1], '(')
			if k < 0 {
				return false
			}
			i = k
		default:
			steps = 256
		}
	}
	for i > 0 && (s[i-1] == ' ' || s[i-1] == '&' || s[i-1] == '*') {
		i--
	}
	return i > 0 && (s[i-1] == '(' || s[i-1] == ',')
}

// shellHomeVar reports $HOME passed whole on a shell command line.
func shellHomeVar(t string) bool {
	for _, h := range []string{"$HOME", "${HOME}"} {
		if i := strings.Index(t, h); i >= 0 && !subPathAfter(strings.TrimLeft(t[i+len(h):], `"'`)) {
			return true
		}
	}
	return false
}

// joined reports a home folder written with a subfolder ("~/.cache",
// join(homedir(), ".config")): a path of its own, not the whole folder.
func joined(t string) bool {
	for _, lit := range literals(t) {
		if (strings.HasPrefix(lit, "~/") || strings.HasPrefix(lit, "$HOME/") || strings.HasPrefix(lit, "${HOME}/")) &&
			len(lit) > 3 && lit != "~/*" {
			return true
		}
	}
	i, s := homeSources.index(t)
	return i >= 0 && subPathAfter(t[i+len(s):])
}

// subPathAfter reports text that goes on with a subfolder: `/x`,
// `, ".x"`, `+ "/x"`, `/ ".x"` or `.join(`.
func subPathAfter(rest string) bool {
	if len(rest) > 1 && rest[0] == '/' && (textscan.IsIdent(rest[1]) || rest[1] == '.' || rest[1] == '-') {
		return true
	}
	rest = strings.TrimLeft(rest, " )")
	for _, p := range []string{",", "+", "/"} {
		if r, ok := strings.CutPrefix(rest, p); ok {
			r = strings.TrimLeft(r, " ")
			return strings.HasPrefix(r, `"`) || strings.HasPrefix(r, "'") || strings.HasPrefix(r, "`")
		}
	}
	return strings.HasPrefix(rest, ".join(") || strings.HasPrefix(rest, ".Join(")
}
