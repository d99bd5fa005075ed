package featureprobe

import (
	"regexp"
	"strings"
)

// feature is a sandbox or hardening feature that builds probe for.
type feature struct {
	name    string
	sandbox bool
	// keyword finds the feature's name in a line: the text whose damage
	// switches the feature off.
	keyword *regexp.Regexp
	// vocabulary are the feature's correctly spelt identifiers, headers
	// and flags, against which tokens are checked for misspellings.
	vocabulary []string
}

// features are the features probed for, sandboxes first.
var features = []*feature{
	{name: "Landlock sandbox", sandbox: true, keyword: regexp.MustCompile(`(?i)landlock`),
		vocabulary: append(words(`linux/landlock.h landlock_create_ruleset landlock_add_rule landlock_restrict_self
			SYS_landlock_create_ruleset SYS_landlock_add_rule SYS_landlock_restrict_self
			__NR_landlock_create_ruleset __NR_landlock_add_rule __NR_landlock_restrict_self
			LANDLOCK_CREATE_RULESET_VERSION LANDLOCK_CREATE_RULESET_ERRATA LANDLOCK_RULE_PATH_BENEATH
			LANDLOCK_RULE_NET_PORT landlock_ruleset_attr landlock_path_beneath_attr landlock_net_port_attr
			handled_access_fs handled_access_net allowed_access parent_fd
			LANDLOCK_ACCESS_NET_BIND_TCP LANDLOCK_ACCESS_NET_CONNECT_TCP
			LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET LANDLOCK_SCOPE_SIGNAL`),
			prefixed("LANDLOCK_ACCESS_FS_", `EXECUTE WRITE_FILE READ_FILE READ_DIR REMOVE_DIR REMOVE_FILE MAKE_CHAR
				MAKE_DIR MAKE_REG MAKE_SOCK MAKE_FIFO MAKE_BLOCK MAKE_SYM REFER TRUNCATE IOCTL_DEV`)...)},
	{name: "seccomp sandbox", sandbox: true, keyword: regexp.MustCompile(`(?i)seccomp|\bscmp_`),
		vocabulary: append(append(words(`linux/seccomp.h seccomp.h linux/filter.h linux/audit.h
			seccomp_init seccomp_rule_add seccomp_rule_add_exact seccomp_load seccomp_release seccomp_reset
			seccomp_attr_set seccomp_syscall_resolve_name seccomp_arch_add seccomp_data scmp_filter_ctx
			SCMP_SYS SCMP_A0 SCMP_A1 SCMP_A2 SCMP_CMP_EQ SCMP_CMP_MASKED_EQ
			PR_SET_SECCOMP PR_GET_SECCOMP SYS_seccomp __NR_seccomp SECCOMP_FILTER_FLAG_TSYNC
			SECCOMP_MODE_FILTER SECCOMP_MODE_STRICT SECCOMP_SET_MODE_FILTER SECCOMP_SET_MODE_STRICT
			sock_fprog sock_filter BPF_STMT BPF_JUMP AUDIT_ARCH_X86_64 AUDIT_ARCH_AARCH64`),
			prefixed("SCMP_ACT_", `ALLOW KILL KILL_PROCESS KILL_THREAD TRAP ERRNO TRACE LOG NOTIFY`)...),
			prefixed("SECCOMP_RET_", `ALLOW KILL KILL_PROCESS KILL_THREAD TRAP ERRNO TRACE LOG DATA ACTION USER_NOTIF`)...)},
	{name: "Capsicum sandbox", sandbox: true,
		keyword: regexp.MustCompile(`(?i)capsicum|\bcap_(?:rights|enter|getmode|ioctls|fcntls|sandboxed)|\bcaph_`),
		vocabulary: append(words(`sys/capsicum.h sys/capability.h capsicum_helpers.h cap_enter cap_getmode
			cap_sandboxed cap_rights_init cap_rights_limit cap_rights_set cap_rights_clear cap_rights_t
			cap_ioctls_limit cap_fcntls_limit caph_enter caph_limit_stdio caph_limit_stream caph_rights_limit
			caph_cache_catpages caph_cache_tzdata cap_rights_get cap_rights_is_set cap_rights_merge cap_rights_remove
			cap_rights_contains cap_rights_is_valid cap_ioctls_get cap_fcntls_get`),
			prefixed("CAP_", `READ WRITE SEEK FSTAT FTRUNCATE EVENT LOOKUP FCNTL IOCTL MMAP`)...)},
	{name: "pledge/unveil sandbox", sandbox: true, keyword: regexp.MustCompile(`\b(?:pledge|unveil|PLEDGE|UNVEIL)\b`),
		vocabulary: words(`pledge unveil`)},
	{name: "no_new_privs", sandbox: true, keyword: regexp.MustCompile(`(?i)no_new_privs`),
		vocabulary: words(`PR_SET_NO_NEW_PRIVS PR_GET_NO_NEW_PRIVS`)},
	{name: "stack protector", keyword: regexp.MustCompile(`(?i)stack[-_]protector|__stack_chk`),
		vocabulary: words(`-fstack-protector -fstack-protector-strong -fstack-protector-all -fstack-protector-explicit
			-fno-stack-protector __stack_chk_fail __stack_chk_guard`)},
	{name: "control-flow protection (CET)", keyword: regexp.MustCompile(`cf-protection|__CET__|\bshstk\b|cet-report`),
		vocabulary: words(`-fcf-protection -fcf-protection=full -fcf-protection=branch -fcf-protection=return
			-fcf-protection=none -mshstk -mibt __CET__ cet-report=error`)},
	{name: "_FORTIFY_SOURCE hardening", keyword: regexp.MustCompile(`(?i)fortify`),
		vocabulary: words(`_FORTIFY_SOURCE -D_FORTIFY_SOURCE -U_FORTIFY_SOURCE __builtin_object_size
			__builtin_dynamic_object_size __builtin___memcpy_chk`)},
	{name: "RELRO / immediate binding", keyword: regexp.MustCompile(`(?i)\b(?:no)?relro\b|-z,?\s*now\b|\bbind_now\b`),
		vocabulary: words(`relro norelro now lazy BIND_NOW -Wl,-z,relro -Wl,-z,now`)},
	{name: "PIE", keyword: regexp.MustCompile(`-f(?:PIE|pie)\b|(?:^|[\s,"'(=\[])-(?:no-)?pie\b|\bPIE\b|POSITION_INDEPENDENT_CODE`),
		vocabulary: words(`-fPIE -fpie -pie -no-pie -fPIC -fpic PIE PIC CMAKE_POSITION_INDEPENDENT_CODE POSITION_INDEPENDENT_CODE`)},
	{name: "non-executable stack", keyword: regexp.MustCompile(`(?i)noexecstack|\bexecstack`),
		vocabulary: words(`noexecstack execstack --noexecstack -Wa,--noexecstack -Wl,-z,noexecstack`)},
	{name: "stack clash protection", keyword: regexp.MustCompile(`stack-clash`),
		vocabulary: words(`-fstack-clash-protection`)},
	{name: "shadow stack", keyword: regexp.MustCompile(`shadow-(?:call-)?stack`),
		vocabulary: words(`-fsanitize=shadow-call-stack shadow-stack`)},
	{name: "retpoline", keyword: regexp.MustCompile(`retpoline|indirect-branch=thunk|function-return=thunk`),
		vocabulary: words(`-mretpoline -mindirect-branch=thunk -mfunction-return=thunk -mindirect-branch-register`)},
	{name: "sanitizers", keyword: regexp.MustCompile(`-fsanitize[=-]`),
		vocabulary: words(`-fsanitize=address -fsanitize=undefined -fsanitize=memory -fsanitize=thread -fsanitize=cfi
			-fsanitize=safe-stack -fsanitize=bounds -fsanitize-minimal-runtime -fsanitize-trap`)},
	{name: "W^X memory protection", keyword: regexp.MustCompile(`\bmprotect\b|\bPROT_EXEC\b|\bMAP_JIT\b`),
		vocabulary: words(`sys/mman.h mprotect PROT_EXEC PROT_READ PROT_WRITE PROT_NONE MAP_JIT pkey_mprotect`)},
	{name: "automatic variable initialization", keyword: regexp.MustCompile(`trivial-auto-var-init`),
		vocabulary: words(`-ftrivial-auto-var-init=zero -ftrivial-auto-var-init=pattern`)},
}

// common are the headers and calls that probes of several features use:
// known spellings, whose misspellings break a probe too.
var common = words(`sys/prctl.h linux/prctl.h sys/syscall.h unistd.h stdlib.h stddef.h string.h stdio.h
	errno.h fcntl.h sys/types.h sys/stat.h sys/mman.h prctl syscall PR_SET_DUMPABLE`)

// alternatives are valid spellings near the features' own: a change to
// one of them is a choice, not a misspelling.
var alternatives = append(words(`pic fpic fPIC PIC pie PIE now lazy relro norelro strong explicit all
	-fcf-protection=check hwaddress leak fuzzer integer nullability function vptr dataflow scudo kcfi
	alignment kernel-address kernel-hwaddress memtag`),
	prefixed("-fsanitize=", `hwaddress leak fuzzer fuzzer-no-link integer nullability function vptr dataflow
		scudo kcfi alignment kernel-address kernel-hwaddress memtag signed-integer-overflow
		implicit-conversion pointer-compare pointer-subtract float-divide-by-zero return shift
		unsigned-integer-overflow local-bounds array-bounds object-size null`)...)

// words splits a space-separated list.
func words(s string) []string { return strings.Fields(s) }

// prefixed returns prefix+w for each word of s.
func prefixed(prefix, s string) []string {
	ws := words(s)
	for i, w := range ws {
		ws[i] = prefix + w
	}
	return ws
}

// featuresIn returns the features whose keyword occurs in s, in table
// order.
func featuresIn(s string) []*feature {
	var out []*feature
	for _, f := range features {
		if f.keyword.MatchString(s) {
			out = append(out, f)
		}
	}
	return out
}
