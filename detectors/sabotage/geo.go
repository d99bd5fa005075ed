package sabotage

import (
	"regexp"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/guard"
)

// geoWindow is how many lines after reading the machine's location a
// comparison with a place still counts.
const geoWindow = 4

// geoSource is a way to read where the machine is.
type geoSource struct {
	token, what string
}

// geoSources read the machine's time zone, locale or country.
var geoSources = []geoSource{
	{"resolvedOptions().timeZone", "time zone"}, {"time.Local", "time zone"}, {"Location().String()", "time zone"},
	{"tzname", "time zone"}, {"/etc/localtime", "time zone"}, {"/etc/timezone", "time zone"},
	{"getTimezoneOffset()", "time zone"}, {"iana_time_zone", "time zone"}, {"get_localzone", "time zone"},
	{"TimeZone.getDefault", "time zone"}, {"TimeZoneInfo.Local", "time zone"}, {"tzlocal", "time zone"},
	{`"TZ"`, "time zone"}, {`'TZ'`, "time zone"}, {"env.TZ", "time zone"}, {"$TZ", "time zone"}, {"${TZ", "time zone"},
	{"setlocale(", "locale"}, {"getlocale(", "locale"}, {"getdefaultlocale(", "locale"},
	{"navigator.language", "locale"}, {"resolvedOptions().locale", "locale"}, {"Locale.getDefault", "locale"},
	{"sys_locale", "locale"}, {"get_locale(", "locale"}, {"GetUserDefaultLocaleName", "locale"},
	{"GetSystemDefaultLCID", "locale"}, {"GetUserDefaultUILanguage", "locale"}, {"osLocale", "locale"},
	{`"LANG"`, "locale"}, {`'LANG'`, "locale"}, {`"LANGUAGE"`, "locale"}, {`"LC_ALL"`, "locale"},
	{`"LC_MESSAGES"`, "locale"}, {"env.LANG", "locale"}, {"env.LC_ALL", "locale"}, {"$LANG", "locale"},
	{"${LANG", "locale"}, {"$LC_ALL", "locale"},
	{"country_name", "country (by public IP)"}, {"countryName", "country (by public IP)"},
	{"country_code", "country (by public IP)"}, {"countryCode", "country (by public IP)"},
	{".country", "country (by public IP)"}, {`"country"`, "country (by public IP)"},
	{`'country'`, "country (by public IP)"},
}

// geoTokens finds the tokens of geoSources.
var geoTokens = func() *tokenSet {
	var toks []string
	for _, s := range geoSources {
		toks = append(toks, s.token)
	}
	return newTokenSet(toks)
}()

// geoWhat maps a token of geoSources to what it reads.
var geoWhat = func() map[string]string {
	m := map[string]string{}
	for _, s := range geoSources {
		m[s.token] = s.what
	}
	return m
}()

// geoServices are IP geolocation services: a library asking one where
// its host is has no business doing so.
var geoServices = newTokenSet([]string{"ipgeolocation", "ip-api.com", "ipinfo.io", "ipapi.co", "ipapi.com", "geoip",
	"GeoIP", "freegeoip", "ipwho.is", "ipwhois", "ip2location", "ipdata.co", "geojs.io", "db-ip.com",
	"extreme-ip-lookup", "geolocation-db", "country.is", "ipregistry"})

var (
	reZone      = regexp.MustCompile(`^(?:Africa|America|Antarctica|Asia|Atlantic|Australia|Europe|Indian|Pacific)/[A-Z][A-Za-z_\-]+$`)
	reLocale    = regexp.MustCompile(`^(?:[a-z]{2}[_-]|[a-z]{2,3}[_-][A-Z]{2}(?:[.@].*)?)$`)
	reCountryID = regexp.MustCompile(`^[A-Z]{2}$`)
	reCompare   = regexp.MustCompile(`==|!=|\.includes\(|\.has\(|\.indexOf\(|startsWith|HasPrefix|starts_with|startswith|strncmp|strcmp|strcasecmp|Contains\(|contains\(|\.test\(|\.match\(|\b(?:case|switch|match)\b|\bin\s*[\[({]`)
	reAssign    = regexp.MustCompile(`(\w+)\s*[})\]]?\s*(?:,\s*\w+\s*)?(?::=|=)[^=]`)
)

// countries are names a program compares a country with; lower case.
var countries = map[string]bool{"russia": true, "russian federation": true, "belarus": true, "ukraine": true,
	"china": true, "iran": true, "israel": true, "palestine": true, "north korea": true, "syria": true, "cuba": true,
	"venezuela": true, "india": true, "pakistan": true, "turkey": true, "taiwan": true, "united states": true,
	"germany": true, "france": true, "poland": true, "japan": true, "south korea": true, "vietnam": true,
	"saudi arabia": true, "united kingdom": true, "hong kong": true, "kazakhstan": true, "georgia": true,
	"moldova": true, "lithuania": true, "latvia": true, "estonia": true, "armenia": true, "azerbaijan": true}

// geoHit is a branch on the machine's location.
type geoHit struct {
	line   srcLine
	what   string // time zone, locale, country
	place  string // the literal compared with
	lookup bool   // through an IP geolocation service
}

// geo reports comparisons of the machine's time zone, locale or
// country with a place, and returns the first. A statement may spread
// them over a few lines (a list of zones, then .has(zone)): the source,
// the place and the comparison count within geoWindow lines of each
// other. Variables carry what they were assigned: a location (u =
// s["country_name"]) or a place (e = "russia").
func (sf *sabFile) geo(ls []srcLine) *geoHit {
	if !anyGeo(ls) {
		return nil
	}
	facts := sf.geoFacts(ls)
	var first *geoHit
	service := ""
	for i := range facts {
		if facts[i].service != "" {
			service = facts[i].service
		}
		if facts[i].what == "" {
			continue
		}
		place, cmp := "", false
		for j := max(0, i-geoWindow); j < len(facts) && j <= i+geoWindow; j++ {
			if d := ls[j].Number - ls[i].Number; d > geoWindow || d < -geoWindow {
				continue
			}
			if place == "" {
				place = facts[j].place
			}
			cmp = cmp || facts[j].compare
		}
		if place == "" || !cmp {
			continue
		}
		h := &geoHit{line: ls[i], what: facts[i].what, place: place, lookup: service != ""}
		sf.reportGeo(h)
		if first == nil {
			first = h
		}
		break
	}
	if first == nil && service != "" {
		sf.aggs[kindGeo].add(ls[0].Number, guard.Low, "Looks up the machine's country through an IP geolocation "+
			"service ("+service+") in %s: code that wants to know where it runs may target users by country.")
	}
	return first
}

// anyGeo reports whether a block reads the machine's location at all:
// most do not, and are not looked at further.
func anyGeo(ls []srcLine) bool {
	for i := range ls {
		if sourceOf(ls[i].text) != "" || geoServices.find(ls[i].text) != "" {
			return true
		}
	}
	return false
}

// geoFact is what one line says about location.
type geoFact struct {
	what    string // the location it reads or uses, "" if none
	place   string // a place it names or uses, "" if none
	compare bool
	service string // an IP geolocation service it names
}

// geoFacts reads each line's facts, following variables.
func (sf *sabFile) geoFacts(ls []srcLine) []geoFact {
	facts := make([]geoFact, len(ls))
	var vars, places []geoVar
	for i := range ls {
		t, c := ls[i].text, ls[i].code
		f := &facts[i]
		f.service = geoServices.find(t)
		f.what = sourceOf(t)
		if f.what == "" {
			f.what = usesVar(c, vars)
		}
		f.place = placeIn(t, f.what)
		if f.place == "" {
			f.place = usesVar(c, places)
		}
		f.compare = reCompare.MatchString(c)
		if f.what == "" && f.place == "" {
			continue
		}
		if m := reAssign.FindStringSubmatch(t); m != nil {
			switch {
			case f.what != "" && len(vars) < maxVars:
				vars = append(vars, geoVar{m[1], f.what})
			case f.place != "" && len(places) < maxVars:
				places = append(places, geoVar{m[1], f.place})
			}
		}
	}
	return facts
}

// reportGeo records a geographic branch.
func (sf *sabFile) reportGeo(h *geoHit) {
	how := "the machine's " + h.what
	if h.lookup {
		how += " looked up by its public IP"
	}
	sf.aggs[kindGeo].add(h.line.Number, guard.Medium, "Branches on "+how+" against "+h.place+" in %s: "+
		"code that behaves differently by country is how protestware picks its victims (node-ipc, es5-ext 2022).",
		explain.Line(h.line.Line))
}

// sourceOf names what a line reads of the machine's location, "" if
// nothing.
func sourceOf(t string) string { return geoWhat[geoTokens.find(t)] }

// maxVars bounds the variables followed per block.
const maxVars = 16

// geoVar is a variable that holds what a source read.
type geoVar struct{ name, what string }

// usesVar returns what the first variable of vars used in code holds,
// "" if none is used.
func usesVar(code string, vars []geoVar) string {
	for _, v := range vars {
		if hasWord(code, v.name) {
			return v.what
		}
	}
	return ""
}

// placeIn returns the first string literal of the line that names a
// place: a time zone, a locale with a region or a language prefix, a
// country; a bare country code only on a line that reads a country.
func placeIn(t, what string) string {
	code := strings.HasPrefix(what, "country")
	for _, lit := range literals(t) {
		switch {
		case reZone.MatchString(lit), reLocale.MatchString(lit), countries[strings.ToLower(lit)],
			code && reCountryID.MatchString(lit):
			return `"` + lit + `"`
		}
	}
	return ""
}

// literals returns the string literals of a line (at most 16).
func literals(t string) []string {
	var out []string
	for i := 0; i < len(t) && len(out) < 16; i++ {
		q := t[i]
		if q != '"' && q != '\'' && q != '`' {
			continue
		}
		k := strings.IndexByte(t[i+1:], q)
		if k < 0 {
			break
		}
		out = append(out, t[i+1:i+1+k])
		i += k + 1
	}
	return out
}
