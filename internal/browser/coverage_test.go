package browser

import (
	"reflect"
	"testing"
)

// TestDisjointRanges checks the flattening of nested coverage ranges
// against cases worked out by hand from Puppeteer's convertToDisjointRanges.
func TestDisjointRanges(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		in   []rawRange
		want []Range
	}{
		{"empty", nil, []Range{}},
		{"one covered", []rawRange{{0, 10, 1}}, []Range{{0, 10}}},
		{"one uncovered", []rawRange{{0, 10, 0}}, []Range{}},
		{"hole", []rawRange{{0, 10, 1}, {3, 5, 0}}, []Range{{0, 3}, {5, 10}}},
		{"covered inside uncovered", []rawRange{{0, 10, 0}, {2, 4, 1}}, []Range{{2, 4}}},
		{"adjacent merge", []rawRange{{0, 5, 1}, {5, 9, 1}}, []Range{{0, 9}}},
		{"nested three", []rawRange{{0, 20, 1}, {5, 15, 0}, {8, 10, 2}}, []Range{{0, 5}, {8, 10}, {15, 20}}},
		{"empty range dropped", []rawRange{{4, 4, 1}}, []Range{}},
	}
	for _, c := range cases {
		if got := disjointRanges(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}
