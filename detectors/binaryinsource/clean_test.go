package binaryinsource

import (
	"strings"
	"testing"
)

func TestBisCleanedBy(t *testing.T) {
	const zstd = "clean:\n\t@rm -f core *.o tmp* result* *.gcda \\\n\tdictionary *.zst\n\t@echo done\n"
	tests := []struct {
		name, text, base string
		skip             []string
		want             string
	}{
		{"glob", zstd, "tmp.zstd", nil, "tmp*"},
		{"continued line", zstd, "dictionary", nil, "dictionary"},
		{"extension glob", zstd, "big.zst", nil, "*.zst"},
		{"not matched", zstd, "tmp.zstd.bin", []string{"@rm -f core *.o tmp* result* *.gcda \\"}, ""},
		{"no remover", "all:\n\tcp dictionary out/\n", "dictionary", nil, ""},
		{"continuation ends", "\trm -f a.o\n\tcp dictionary x\n", "dictionary", nil, ""},
		{"added line", "clean:\n\trm -f payload.xz\n", "payload.xz", []string{"rm -f payload.xz"}, ""},
		{"bare star", "clean:\n\trm -rf * *.* ?\n", "payload.bin", nil, ""},
		{"flags and paths", "\t$(RM) -rf out/payload.bin $(DIR)/x\n", "payload.bin", nil, ""},
		{"make variable", "\t@$(RM) ./fuzzer.bin\n", "fuzzer.bin", nil, "./fuzzer.bin"},
		{"windows", "del /q build.exe\n", "build.exe", nil, "build.exe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			skip := map[string]bool{}
			for _, s := range tt.skip {
				skip[s] = true
			}
			if got := bisCleanedBy(tt.text, tt.base, skip); got != tt.want {
				t.Errorf("bisCleanedBy(%q) = %q, want %q", tt.base, got, tt.want)
			}
		})
	}
}

func FuzzBisCleanedBy(f *testing.F) {
	f.Add("clean:\n\t@rm -f core *.o tmp* \\\n\tdictionary\n", "tmp.zstd")
	f.Add("\t$(RM) [a-\n", "a")
	f.Fuzz(func(t *testing.T, text, base string) {
		got := bisCleanedBy(text, base, nil)
		if got != "" && !strings.Contains(text, got) {
			t.Fatalf("bisCleanedBy returned %q, not in the text", got)
		}
	})
}
