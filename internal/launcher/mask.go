package launcher

import (
	"sort"
	"strings"
)

// masker replaces secret values with "[secret]" in everything a run
// reports. It runs on the trusted side because the runner, which holds the
// secrets in process.env, cannot be trusted to hide them.
type masker struct {
	r *strings.Replacer
}

// minSecretLen: shorter values would mask ordinary text ("a", "1") and
// leak nothing worth hiding.
const minSecretLen = 3

func newMasker(secrets []string) *masker {
	var vals []string
	for _, s := range secrets {
		if len(s) >= minSecretLen {
			vals = append(vals, s)
		}
	}
	// Longest first, so a secret that contains another is masked whole.
	sort.Slice(vals, func(i, j int) bool { return len(vals[i]) > len(vals[j]) })
	if len(vals) == 0 {
		return &masker{}
	}
	pairs := make([]string, 0, 2*len(vals))
	for _, v := range vals {
		pairs = append(pairs, v, "[secret]")
	}
	return &masker{r: strings.NewReplacer(pairs...)}
}

func (m *masker) apply(s string) string {
	if m.r == nil || s == "" {
		return s
	}
	return m.r.Replace(s)
}
