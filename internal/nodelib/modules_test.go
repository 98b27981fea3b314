package nodelib

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/skriptable/skriptable/internal/js"
)

func TestFSRefusesPathsOutsideTheOutputDirectory(t *testing.T) {
	t.Parallel()
	mem := newMemFS()
	res := runScript(t, `
const fs = require('fs');
const out = [];
for (const p of ['../x', '/etc/passwd', 'a/../../x', '/tmp/other/x']) {
  try { fs.writeFileSync(p, 'data'); out.push('wrote ' + p); } catch (e) { out.push(e.code + ' ' + e.syscall + ' ' + e.path + ' | ' + e.message); }
  try { fs.readFileSync(p); out.push('read ' + p); } catch (e) { out.push(e.code + ' | ' + e.message); }
}
out.push('exists ' + fs.existsSync('../x') + ' ' + fs.existsSync('/etc/passwd'));
fs.writeFileSync('ok.txt', 'fine');
fs.writeFileSync(process.cwd() + '/abs.txt', 'fine too');
console.log(out.join('\n'));
fs.promises.readFile('../secret').catch((e) => console.log('promise', e.code, e.message));
`, runOpts{fs: mem})
	if res.err != nil {
		t.Fatalf("%v\n%s", res.err, res.out)
	}
	for _, want := range []string{
		"EACCES open ../x | EACCES: permission denied, open '../x': the path is outside the run's output directory",
		"EACCES open /etc/passwd | EACCES: permission denied, open '/etc/passwd': the path is outside the run's output directory",
		"EACCES open a/../../x |",
		"EACCES | EACCES: permission denied, open '/tmp/other/x': the path is outside the run's output directory",
		"exists false false",
		"promise EACCES EACCES: permission denied, open '../secret': the path is outside the run's output directory",
	} {
		if !strings.Contains(res.out, want) {
			t.Errorf("output lacks %q:\n%s", want, res.out)
		}
	}
	// The refused paths never reached the FS.
	for _, c := range mem.calls {
		if strings.Contains(c, "..") || strings.Contains(c, "/etc") || strings.Contains(c, "/tmp/other") {
			t.Errorf("FS saw %q", c)
		}
	}
	if string(mem.files["ok.txt"]) != "fine" || string(mem.files["abs.txt"]) != "fine too" {
		t.Errorf("files %v", mem.files)
	}
}

func TestFSErrorsFromTheHostFS(t *testing.T) {
	t.Parallel()
	res := runScript(t, `
const fs = require('fs');
try { fs.readFileSync('never-written.txt'); } catch (e) { console.log(e.code, e.errno, e.syscall, e.path, e.message); }
`, runOpts{})
	if want := "ENOENT -2 open never-written.txt ENOENT: no such file or directory, open 'never-written.txt'\n"; res.out != want {
		t.Errorf("got %q, want %q", res.out, want)
	}
	res = runScript(t, `
try { require('fs').writeFileSync('x.txt', 'y'); } catch (e) { console.log(e.code, e.message); }
`, runOpts{noFS: true})
	if want := "ENOSYS ENOSYS: the file system is not available in this run, open 'x.txt'\n"; res.out != want {
		t.Errorf("got %q, want %q", res.out, want)
	}
}

// limitFS refuses writes the way the runner does once a run hit its
// artifact limit.
type limitFS struct{ *memFS }

func (limitFS) WriteFile(string, []byte) error {
	return errors.New("artifact limit reached: a run may write at most 2 files")
}

func TestFSRefusalByTheHostFS(t *testing.T) {
	t.Parallel()
	cfg := Config{FS: limitFS{newMemFS()}}
	var out strings.Builder
	rt, err := js.New(js.Options{Filename: "l.js", Dirname: testCwd, Modules: Modules(cfg),
		Log: func(l js.Log) { out.WriteString(l.Text + "\n") }})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	prog, err := js.Compile("l.js", []byte(`
try { require('fs').writeFileSync('third.png', 'x'); } catch (e) { console.log(e.code, e.syscall, e.path, e.message); }
`), js.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if err := rt.Run(context.Background(), prog); err != nil {
		t.Fatal(err)
	}
	want := "EIO open third.png EIO: artifact limit reached: a run may write at most 2 files, open 'third.png'\n"
	if out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}

func TestBufferBase64RoundTripOfOneMiB(t *testing.T) {
	t.Parallel()
	res := runScript(t, `
const n = 1 << 20;
const b = Buffer.alloc(n);
let x = 12345;
for (let i = 0; i < n; i++) { x = (x * 1103515245 + 12345) >>> 0; b[i] = x >>> 24; }
const s = b.toString('base64');
const back = Buffer.from(s, 'base64');
const u = new Uint8Array(b.buffer, b.byteOffset, b.length);
console.log(s.length, back.length, back.equals(b), Buffer.from(u).equals(b), Buffer.from(s, 'base64').toString('hex') === b.toString('hex'));
require('fs').writeFileSync('big.bin', back);
console.log(require('fs').readFileSync('big.bin').equals(b));
`, runOpts{})
	if res.err != nil {
		t.Fatal(res.err)
	}
	if want := "1398104 1048576 true true true\ntrue\n"; res.out != want {
		t.Errorf("got %q, want %q", res.out, want)
	}
}

func TestHostileNesting(t *testing.T) {
	t.Parallel()
	res := runScript(t, `
const assert = require('assert');
const util = require('util');
function deep(n) { let o = {}; const root = o; for (let i = 0; i < n; i++) { o.next = {}; o = o.next; } return root; }
const a = deep(1e4), b = deep(1e4);
for (const [name, fn] of [
  ['deepEqual', () => assert.deepEqual(a, b)],
  ['deepStrictEqual', () => assert.deepStrictEqual(a, b)],
  ['isDeepStrictEqual', () => util.isDeepStrictEqual(a, b)],
  ['structuredClone', () => structuredClone(a)],
  ['expect', () => expect(a).toEqual(b)],
  ['toMatchObject', () => expect(a).toMatchObject(b)],
]) {
  try { fn(); console.log(name, 'ok'); } catch (e) { console.log(name, e.name, e.message); }
}
const c1 = { n: 1 }; c1.self = c1; c1.list = [c1];
const c2 = { n: 1 }; c2.self = c2; c2.list = [c2];
assert.deepStrictEqual(c1, c2);
expect(c1).toEqual(c2);
const c3 = structuredClone(c1);
console.log('circular ok', c3.self === c3, c3.list[0] === c3);
try { assert.deepStrictEqual(c1, { n: 2, self: c1, list: [] }); } catch (e) { console.log(e.message.split('\n')[0]); }
`, runOpts{})
	if res.err != nil {
		t.Fatalf("%v\n%s", res.err, res.out)
	}
	for _, name := range []string{"deepEqual", "deepStrictEqual", "isDeepStrictEqual", "structuredClone", "expect", "toMatchObject"} {
		if !strings.Contains(res.out, name+" RangeError Maximum call stack size exceeded\n") {
			t.Errorf("%s did not stop with a RangeError:\n%s", name, res.out)
		}
	}
	for _, want := range []string{"circular ok true true\n", "Expected values to be strictly deep-equal:\n"} {
		if !strings.Contains(res.out, want) {
			t.Errorf("output lacks %q:\n%s", want, res.out)
		}
	}
}

func TestSmallModules(t *testing.T) {
	t.Parallel()
	res := runScript(t, `
import dotenv from 'dotenv';
import 'dotenv/config';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { readFileSync } from 'fs';
import assert from 'node:assert/strict';
const before = JSON.stringify(process.env);
console.log(JSON.stringify(dotenv.config()), JSON.stringify(process.env) === before, JSON.stringify(dotenv.parse('A=1\nB=two')));
console.log(os.platform(), JSON.stringify(os.EOL), os.tmpdir(), os.homedir(), os.hostname(), os.cpus().length);
console.log(await sleep(1, 'slept'), typeof readFileSync, typeof assert.deepEqual);
`, runOpts{name: "mods.mjs"})
	if res.err != nil {
		t.Fatalf("%v\n%s", res.err, res.out)
	}
	want := `{"parsed":{}} true {"A":"1","B":"two"}
linux "\n" /tmp/skriptable-golden /tmp/skriptable-golden sandbox 1
slept function function
`
	if res.out != want {
		t.Errorf("got\n%s\nwant\n%s", res.out, want)
	}
}

func TestModulesAreSharedAndGlobalsInstalled(t *testing.T) {
	t.Parallel()
	res := runScript(t, `
const same = [
  require('assert').strict === require('assert/strict'),
  require('fs').promises === require('fs/promises'),
  require('path') === require('path/posix'),
  require('node:path') === require('path'),
  require('buffer').Buffer === Buffer,
  require('fs').readFileSync === require('fs').readFileSync,
];
console.log(same.join(' '));
console.log(['Buffer', 'TextEncoder', 'TextDecoder', 'atob', 'btoa', 'structuredClone', 'describe', 'it', 'test',
  'expect', 'before', 'beforeAll', 'after', 'afterAll', 'beforeEach', 'afterEach', 'context'].map((n) => typeof globalThis[n]).join(' '));
console.log(typeof process.nextTick, typeof performance.now(), typeof crypto.randomUUID());
const u8 = new Uint8Array([104, 105]);
console.log(Buffer.from(u8).toString(), Buffer.concat([u8, Buffer.from('!')]).toString());
`, runOpts{})
	if res.err != nil {
		t.Fatal(res.err)
	}
	want := "true true true true true true\n" + strings.Repeat("function ", 16) + "function\nfunction number string\nhi hi!\n"
	if res.out != want {
		t.Errorf("got\n%q\nwant\n%q", res.out, want)
	}
}

func TestModuleNamesMatchTheAPI(t *testing.T) {
	t.Parallel()
	m := Modules(Config{})
	for _, name := range []string{"assert", "assert/strict", "path", "path/posix", "util", "fs", "fs/promises",
		"events", "timers/promises", "dotenv", "os", "url"} {
		if m[name] == nil {
			t.Errorf("module %q missing", name)
		}
	}
	for _, name := range []string{"child_process", "net", "http", "worker_threads", "vm"} {
		if m[name] != nil {
			t.Errorf("module %q must not be provided", name)
		}
	}
}

func TestAssertQuotesTheScriptOnlyWithSource(t *testing.T) {
	t.Parallel()
	src := "const assert = require('assert');\ntry { assert(1 + 1 === 3) } catch (e) { console.log(e.message) }\n"
	if res := runScript(t, src, runOpts{source: true}); res.out != "The expression evaluated to a falsy value:\n\n  assert(1 + 1 === 3)\n\n" {
		t.Errorf("with source: %q", res.out)
	}
	if res := runScript(t, src, runOpts{}); res.out != "false == true\n" {
		t.Errorf("without source: %q", res.out)
	}
}

func TestModulesWithoutGlobals(t *testing.T) {
	t.Parallel()
	// The library loads lazily from inside require() when InstallGlobals
	// was not called; its Buffer is still the one fs returns.
	cfg := Config{FS: newMemFS()}
	var out strings.Builder
	rt, err := js.New(js.Options{Filename: "m.js", Dirname: testCwd, Modules: Modules(cfg),
		Log: func(l js.Log) { out.WriteString(l.Text + "\n") }})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	prog, err := js.Compile("m.js", []byte(`
const fs = require('fs');
fs.writeFileSync('a.txt', 'x');
const b = fs.readFileSync('a.txt');
console.log(b, b instanceof require('buffer').Buffer, typeof Buffer, typeof describe);
`), js.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if err := rt.Run(context.Background(), prog); err != nil {
		t.Fatal(err)
	}
	if want := "<Buffer 78> true undefined undefined\n"; out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}
