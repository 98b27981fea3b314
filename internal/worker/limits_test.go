package worker

import (
	"testing"

	"github.com/skriptable/skriptable/internal/sandbox"
	"github.com/skriptable/skriptable/internal/store"
)

func TestScriptLimits(t *testing.T) {
	def := sandbox.Limits{Memory: 1 << 30, CPUs: 1}
	maxi := sandbox.Limits{Memory: 4 << 30, CPUs: 2}
	for _, tc := range []struct {
		name     string
		sc       store.Script
		def, max sandbox.Limits
		mem      int64
		cpus     float64
		note     string
	}{
		{"defaults", store.Script{}, def, maxi, 1 << 30, 1, ""},
		{"smaller", store.Script{MemoryBytes: 512 << 20, CPUs: 0.5}, def, maxi, 512 << 20, 0.5, "memory 512 MiB, 0.5 CPUs"},
		{"within max", store.Script{MemoryBytes: 3 << 30, CPUs: 2}, def, maxi, 3 << 30, 2, "memory 3072 MiB, 2 CPUs"},
		{"clamped to max", store.Script{MemoryBytes: 64 << 30, CPUs: 16}, def, maxi, 4 << 30, 2, "memory 4096 MiB, 2 CPUs"},
		{"no max: default is the max", store.Script{MemoryBytes: 8 << 30, CPUs: 8}, def, sandbox.Limits{}, 1 << 30, 1, ""},
		{"zero defaults take sandbox defaults", store.Script{}, sandbox.Limits{}, sandbox.Limits{}, sandbox.DefaultMemory, sandbox.DefaultCPUs, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := ScriptLimits(tc.sc, tc.def, tc.max)
			if l.Memory != tc.mem || l.CPUs != tc.cpus {
				t.Fatalf("limits = %d bytes %g CPUs, want %d %g", l.Memory, l.CPUs, tc.mem, tc.cpus)
			}
			if 2*l.TmpfsBytes > l.Memory {
				t.Errorf("tmpfs %d twice exceeds memory %d", l.TmpfsBytes, l.Memory)
			}
			if err := l.Validate(); err != nil {
				t.Errorf("invalid limits: %v", err)
			}
			if got := limitsNote(l, tc.def); got != tc.note {
				t.Errorf("note = %q, want %q", got, tc.note)
			}
		})
	}
}
