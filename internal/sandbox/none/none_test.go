package none

import (
	"slices"
	"testing"

	"github.com/skriptable/skriptable/internal/sandbox"
	"github.com/skriptable/skriptable/internal/sandbox/sandboxtest"
)

func TestConformance(t *testing.T) {
	sandboxtest.Exercise(t, New())
}

func TestMapArgs(t *testing.T) {
	binds := []sandbox.Bind{{Source: "/opt/bin/skriptable", Dest: "/sb/skriptable"}, {Source: "/srv/job7", Dest: "/out"}}
	got := mapArgs([]string{"/sb/skriptable", "runner", "--out", "/out/a.png", "/outside", "/sb/skriptable2"}, binds)
	want := []string{"/opt/bin/skriptable", "runner", "--out", "/srv/job7/a.png", "/outside", "/sb/skriptable2"}
	if !slices.Equal(got, want) {
		t.Errorf("mapArgs = %q, want %q", got, want)
	}
}
