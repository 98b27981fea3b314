package api

import (
	"net/http"
	"strconv"
	"strings"
)

// maxDiffCells bounds the line-diff table (old × new lines left after the
// common prefix and suffix are trimmed). Beyond it the changed middle is
// shown as all deleted then all added: correct, just not minimal.
const maxDiffCells = 4_000_000

// DiffLine is one line of a line diff. Op is "=" (in both), "-" (only in
// the old version) or "+" (only in the new one); Old and New are 1-based
// line numbers, 0 where the line does not exist on that side.
type DiffLine struct {
	Op   string `json:"op" doc:"= (both versions), - (removed), + (added)"`
	Old  int    `json:"old"`
	New  int    `json:"new"`
	Text string `json:"text"`
}

// DiffView is the line diff between two versions of a script.
type DiffView struct {
	ScriptID string     `json:"script_id"`
	From     int        `json:"from"`
	To       int        `json:"to"`
	Added    int        `json:"added"`
	Removed  int        `json:"removed"`
	Lines    []DiffLine `json:"lines" doc:"every line of both versions, in order"`
}

// diffVersions handles GET /scripts/{id}/diff?from=&to=: the line diff
// from version from (default: the one before to) to version to (default:
// the latest).
func (a *API) diffVersions(w http.ResponseWriter, r *http.Request) error {
	ctx, tid, id := r.Context(), tenantID(r), r.PathValue("id")
	to, err := queryInt(r, "to", 0, 1, 1<<31-1)
	if err != nil {
		return err
	}
	newV, err := a.store.GetVersion(ctx, tid, id, int(to))
	if err != nil {
		return orNotFound(err, "script or version")
	}
	from, err := queryInt(r, "from", int64(newV.Version-1), 0, 1<<31-1)
	if err != nil {
		return err
	}
	oldSrc := ""
	if from > 0 { // from=0 diffs against nothing: all lines added
		oldV, err := a.store.GetVersion(ctx, tid, id, int(from))
		if err != nil {
			return orNotFound(err, "version "+strconv.FormatInt(from, 10))
		}
		oldSrc = oldV.Source
	}
	out := DiffView{ScriptID: id, From: int(from), To: newV.Version, Lines: DiffLines(oldSrc, newV.Source)}
	for _, l := range out.Lines {
		switch l.Op {
		case "+":
			out.Added++
		case "-":
			out.Removed++
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// splitLines splits a source into lines; a final newline ends the last
// line rather than starting an empty one.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// DiffLines computes a minimal line diff (longest common subsequence) of
// two texts, never returning nil.
func DiffLines(oldText, newText string) []DiffLine {
	a, b := splitLines(oldText), splitLines(newText)
	out := []DiffLine{}
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		out = append(out, DiffLine{Op: "=", Old: pre + 1, New: pre + 1, Text: a[pre]})
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	out = append(out, diffMiddle(ma, mb, pre)...)
	for i := range suf {
		oi, ni := len(a)-suf+i, len(b)-suf+i
		out = append(out, DiffLine{Op: "=", Old: oi + 1, New: ni + 1, Text: a[oi]})
	}
	return out
}

// diffMiddle diffs the changed middle by dynamic programming over the
// LCS table; offset is the number of common lines before it.
func diffMiddle(a, b []string, offset int) []DiffLine {
	var out []DiffLine
	if len(a)*len(b) > maxDiffCells || len(a) == 0 || len(b) == 0 {
		for i, l := range a {
			out = append(out, DiffLine{Op: "-", Old: offset + i + 1, Text: l})
		}
		for j, l := range b {
			out = append(out, DiffLine{Op: "+", New: offset + j + 1, Text: l})
		}
		return out
	}
	// lcs[i][j] is the LCS length of a[i:] and b[j:].
	w := len(b) + 1
	lcs := make([]int32, (len(a)+1)*w)
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
			} else {
				lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			out = append(out, DiffLine{Op: "=", Old: offset + i + 1, New: offset + j + 1, Text: a[i]})
			i++
			j++
		case i < len(a) && (j == len(b) || lcs[(i+1)*w+j] >= lcs[i*w+j+1]):
			out = append(out, DiffLine{Op: "-", Old: offset + i + 1, Text: a[i]})
			i++
		default:
			out = append(out, DiffLine{Op: "+", New: offset + j + 1, Text: b[j]})
			j++
		}
	}
	return out
}
