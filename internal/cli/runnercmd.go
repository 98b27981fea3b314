package cli

import (
	"context"
	"fmt"
	"mime"
	"path"
	"time"

	"github.com/skriptable/skriptable/internal/browser"
	"github.com/skriptable/skriptable/internal/chrome"
	"github.com/skriptable/skriptable/internal/egress"
	"github.com/skriptable/skriptable/internal/js"
	"github.com/skriptable/skriptable/internal/runner"
	"github.com/skriptable/skriptable/internal/runnerproto"
)

// maxJobFrame bounds the job frame the runner accepts (a 1 MiB script plus
// parameters, JSON-escaped).
const maxJobFrame = 8 << 20

// scriptDir is the working directory scripts see inside the runner. Files
// they write there are streamed to the launcher; nothing stays on disk.
const scriptDir = "/out"

// runnerCommand is the hidden `skriptable runner`: the process that runs
// user JavaScript, normally inside a sandbox. It reads one job frame from
// stdin and writes framed events to stdout; it never opens anything else
// the launcher did not hand it.
func runnerCommand(_ []string, stdio Stdio, _ Env) int {
	w := runnerproto.NewWriter(stdio.Out)
	job, err := runnerproto.ReadJob(stdio.In, maxJobFrame)
	if err != nil {
		_ = w.Result(runnerproto.Result{Status: "errored", Error: "bad job: " + err.Error()})
		return ExitErrored
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	chromeOpts := chrome.Options{}
	if job.ProxySocket != "" {
		addr, err := egress.Bridge(ctx, job.ProxyAddr, job.ProxySocket)
		if err != nil {
			_ = w.Result(runnerproto.Result{Status: "errored", Error: "egress bridge: " + err.Error()})
			return ExitErrored
		}
		// <-loopback> removes Chromium's implicit bypass of loopback and
		// link-local (169.254/16) addresses, so that those go to the proxy
		// and are vetted too (os-sandbox.md §4.3).
		chromeOpts.ExtraFlags = []string{"--proxy-server=http://" + addr.String(), "--proxy-bypass-list=<-loopback>"}
	}
	var vp *browser.Viewport
	if v := job.Viewport; v != nil {
		vp = &browser.Viewport{Width: v.Width, Height: v.Height, DeviceScaleFactor: v.DeviceScaleFactor,
			IsMobile: v.IsMobile, HasTouch: v.HasTouch, IsLandscape: v.IsLandscape}
	}
	sink := &protoSink{w: w, logBudget: job.Limits.LogBytes}
	res := runner.Run(ctx, runner.Job{
		Filename: job.Filename,
		Source:   []byte(job.Source),
		Params:   job.Params,
		Args:     job.Args,
		Dir:      scriptDir,
		Timeout:  time.Duration(job.TimeoutMS) * time.Millisecond,
		Limits:   runner.Limits{ArtifactCount: job.Limits.ArtifactCount, ArtifactBytes: int(job.Limits.ArtifactBytes)},
		Chrome:   chromeOpts,
		Viewport: vp,
	}, sink)
	err = w.Result(runnerproto.Result{
		Status: string(res.Status), Error: res.Error, Limit: res.Limit,
		ExitCode: res.ExitCode, DurationMS: res.Duration.Milliseconds(),
	})
	if err != nil {
		return ExitErrored
	}
	return ExitOK
}

// protoSink sends the run's events to the launcher. It stops sending log
// text once the budget is spent (the launcher truncates too; this just
// saves a flood from crossing the pipe).
type protoSink struct {
	w         *runnerproto.Writer
	logBudget int64
	logSent   int64
}

func (s *protoSink) Log(l js.Log) {
	if s.logBudget > 0 && s.logSent > s.logBudget {
		return
	}
	s.logSent += int64(len(l.Text))
	_ = s.w.Log(runnerproto.Log{Level: l.Level, Text: l.Text, TimeMS: l.Time.UnixMilli()})
}

func (s *protoSink) Step(st runner.Step) {
	_ = s.w.Step(runnerproto.Step{Name: st.Name, Status: st.Status, DurationMS: st.Duration.Milliseconds(), Error: st.Error})
}

func (s *protoSink) Artifact(name string, data []byte) error {
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	if err := s.w.Artifact(name, ct, data); err != nil {
		return fmt.Errorf("send %s: %w", name, err)
	}
	return nil
}
