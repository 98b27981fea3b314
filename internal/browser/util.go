package browser

import (
	"errors"
	"strconv"
	"strings"

	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
	"github.com/chromedp/cdproto/target"

	"github.com/skriptable/skriptable/internal/cdp"
)

// jsonString encodes s as a JSON string literal.
func jsonString(s string) []byte {
	b, err := jsonv2.Marshal(s)
	if err != nil { // invalid UTF-8: encode the replacement text instead
		b, _ = jsonv2.Marshal(strings.ToValidUTF8(s, "\uFFFD"))
	}
	return b
}

// decodeString reads a JSON string value; anything else becomes "".
func decodeString(v Value) string {
	var s string
	if v.JSON != nil && jsonv2.Unmarshal(v.JSON, &s) == nil {
		return s
	}
	return ""
}

func itoa(i int) string { return strconv.Itoa(i) }

func targetSession(id string) target.SessionID { return target.SessionID(id) }

func isCrash(err error) bool { return errors.Is(err, cdp.ErrPageCrashed) }

// isContextGone recognises the protocol errors of a call whose execution
// context or objects vanished with a navigation.
func isContextGone(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "Execution context was destroyed") ||
		strings.Contains(msg, "Cannot find context with specified id") ||
		strings.Contains(msg, "Could not find object with given id") ||
		strings.Contains(msg, "Inspected target navigated or closed")
}
