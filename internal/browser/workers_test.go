package browser

import (
	"strings"
	"testing"
	"time"
)

func TestWorkerCreatedEvaluateDestroyed(t *testing.T) {
	t.Parallel()
	p, base, ctx := newTestPage(t)
	created := make(chan *Worker, 1)
	destroyed := make(chan *Worker, 1)
	p.Events().On("workercreated", func(ev Event) { created <- ev.Worker })
	p.Events().On("workerdestroyed", func(ev Event) { destroyed <- ev.Worker })
	if _, err := p.MainFrame().Goto(ctx, base+"/compat/frames-files.html", NavigateOptions{Timeout: 10 * time.Second}); err != nil {
		t.Fatal(err)
	}
	v, err := p.MainFrame().EvaluateExpression(ctx, "window.startWorker()")
	if err != nil || string(v.JSON) != "42" {
		t.Fatalf("worker reply: %s %v", v.JSON, err)
	}
	var w *Worker
	select {
	case w = <-created:
	case <-time.After(5 * time.Second):
		t.Fatal("no workercreated")
	}
	if ws := p.Workers(); len(ws) != 1 || ws[0] != w || w.URL() != base+"/compat/frames-worker.js" {
		t.Fatalf("workers: %v url %s", ws, w.URL())
	}
	v, err = w.Frame().EvaluateExpression(ctx, "self.answer + 1")
	if err != nil || string(v.JSON) != "43" {
		t.Fatalf("evaluate in worker: %s %v", v.JSON, err)
	}
	if _, err := p.MainFrame().EvaluateExpression(ctx, "window.stopWorker()"); err != nil {
		t.Fatal(err)
	}
	select {
	case d := <-destroyed:
		if d != w {
			t.Fatal("another worker was destroyed")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no workerdestroyed after terminate()")
	}
	if n := len(p.Workers()); n != 0 {
		t.Fatalf("%d workers left", n)
	}
}

func TestUploadFilesLimitAndErrors(t *testing.T) {
	t.Parallel()
	p, base, ctx := newTestPage(t)
	if _, err := p.MainFrame().Goto(ctx, base+"/compat/frames-files.html", NavigateOptions{Timeout: 10 * time.Second}); err != nil {
		t.Fatal(err)
	}
	multi, err := p.MainFrame().QuerySelector(ctx, "#multi")
	if err != nil || multi == nil {
		t.Fatalf("#multi: %v", err)
	}
	big := make([]byte, maxUploadBytes/2+1)
	err = multi.UploadFiles(ctx, []UploadFile{{Name: "a.bin", Data: big}, {Name: "b.bin", Data: big}})
	if err == nil || !strings.Contains(err.Error(), "exceed") {
		t.Fatalf("over the upload limit: %v", err)
	}
	n, err := multi.Evaluate(ctx, "e => e.files.length", nil)
	if err != nil || string(n.JSON) != "0" {
		t.Fatalf("files after a refused upload: %s %v", n.JSON, err)
	}
	title, err := p.MainFrame().QuerySelector(ctx, "#events")
	if err != nil || title == nil {
		t.Fatal(err)
	}
	err = title.UploadFiles(ctx, []UploadFile{{Name: "a.txt", Data: []byte("x")}})
	if err == nil || !strings.Contains(err.Error(), "Node is not a file input element") {
		t.Fatalf("upload into a <p>: %v", err)
	}
	single, _ := p.MainFrame().QuerySelector(ctx, "#single")
	if err := single.UploadFiles(ctx, []UploadFile{{Name: "x.txt", Data: []byte("1")}, {Name: "y.txt", Data: []byte("2")}}); err == nil ||
		err.Error() != "Multiple file uploads only work with <input type=file multiple>" {
		t.Fatalf("two files into a single input: %v", err)
	}
}
