package nodelib

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/grafana/sobek"
)

// errNoFS is what every fs call fails with when the run has no output
// directory.
var errNoFS = errors.New("the file system is not available in this run")

// fsCall runs op against the configured FS, turning a panic in the FS
// implementation into an error (the script sees EIO).
func (l *lib) fsCall(op func(FS) error) (err error) {
	if l.cfg.FS == nil {
		return errNoFS
	}
	defer func() {
		if p := recover(); p != nil {
			if _, ok := p.(sobek.Value); ok {
				panic(p) // a JS exception from reading the arguments
			}
			err = fmt.Errorf("internal error in the file system: %v", p)
		}
	}()
	return op(l.cfg.FS)
}

// fsResult is undefined on success, or an object { code, detail } that the
// library turns into a Node-style system error (with syscall and path).
func (l *lib) fsResult(ok sobek.Value, err error) sobek.Value {
	if err == nil {
		if ok == nil {
			return sobek.Undefined()
		}
		return ok
	}
	o := l.vm.NewObject()
	code, detail := fsErrorCode(err)
	_ = o.Set("code", code)
	_ = o.Set("detail", detail)
	return o
}

// fsErrorCode maps an FS error to a libuv error code and, for errors
// without a Node equivalent, the text explaining it.
func fsErrorCode(err error) (code, detail string) {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "ENOENT", ""
	case errors.Is(err, fs.ErrExist):
		return "EEXIST", ""
	case errors.Is(err, fs.ErrPermission):
		return "EACCES", ""
	case errors.Is(err, errNoFS):
		return "ENOSYS", err.Error()
	}
	return "EIO", err.Error()
}
