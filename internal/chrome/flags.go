package chrome

import (
	"fmt"
	"os"
	"strings"
)

// DefaultFlags returns the explicit command-line flags every browser gets,
// without --user-data-dir (Start adds a fresh one) and without
// --no-sandbox (Start decides that from Options.NoSandbox).
//
// The list is modelled on Puppeteer's own launch defaults so that scripts see
// the same browser behaviour as under real Puppeteer. Deliberate choices:
//   - --remote-debugging-pipe is the only debugging transport. A debugging
//     port would let any local process drive the browser; the pipe is
//     reachable only through the file descriptors we hand to the child.
//   - Site isolation stays on (no --disable-features=site-per-process) and
//     there is no --single-process: scripts are untrusted.
//   - The initial URL is about:blank, as Puppeteer passes it: without a
//     URL Chromium opens its new-tab page (chrome://new-tab-page-third-party)
//     as a stray extra tab that scripts would see in browser.pages().
//   - Not --disable-crashpad-for-testing: it does stop the two
//     chrome_crashpad_handler processes that double-fork out of our process
//     group, but with it Chromium 156's network service crashes ("FD
//     ownership violation") and every navigation fails with
//     net::ERR_ABORTED. The handlers carry --database=<profile>/… and the
//     sweep in Close finds them by that path instead.
//
// Each call returns a new slice; callers may modify it.
func DefaultFlags() []string {
	return []string{
		"--headless",
		"--remote-debugging-pipe",
		"--no-first-run",
		"--no-default-browser-check",
		"--disable-background-networking",
		"--disable-background-timer-throttling",
		"--disable-backgrounding-occluded-windows",
		"--disable-breakpad",
		"--disable-client-side-phishing-detection",
		"--disable-component-extensions-with-background-pages",
		"--disable-component-update",
		"--disable-crash-reporter",
		"--disable-default-apps",
		"--disable-extensions",
		"--disable-hang-monitor",
		"--disable-infobars",
		"--disable-ipc-flooding-protection",
		"--disable-popup-blocking",
		"--disable-prompt-on-repost",
		"--disable-renderer-backgrounding",
		"--disable-search-engine-choice-screen",
		"--disable-sync",
		"--disable-gpu",
		"--disable-quic",
		"--enable-automation",
		"--export-tagged-pdf",
		"--force-color-profile=srgb",
		"--generate-pdf-document-outline",
		"--metrics-recording-only",
		"--password-store=basic",
		"--use-mock-keychain",
		"--hide-scrollbars",
		"--mute-audio",
		"--disable-features=Translate,AcceptCHFrame,MediaRouter,OptimizationHints," +
			"ProcessPerSiteUpToMainFrameThreshold,IsolateSandboxedIframes," +
			// Background calls to Google services that scripts never need.
			"AutofillServerCommunication,NetworkTimeServiceQuerying,OptimizationGuideModelDownloading," +
			"OptimizationHintsFetching,CertificateTransparencyComponentUpdater",
		"--no-pings",
		"--disable-domain-reliability",
		"--enable-features=PdfOopif",
	}
}

// LoopbackResolverFlag confines Chromium's own name resolution to this
// machine: every host name except localhost fails to resolve. Without it,
// Chromium 156 looks up accounts.google.com, clients2.google.com and
// update.googleapis.com at start-up despite --disable-background-networking
// (seen with a DNS trace). Tests, benchmarks and the demo pass it so that no
// packet leaves the machine; sandboxed runs do not need it because there
// every request goes through the vetting egress proxy.
const LoopbackResolverFlag = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1"

// forbiddenExtra lists flag prefixes that ExtraFlags may not carry: each
// would undo a guarantee this package makes (no debugging port, our own
// fresh profile that Close can find and delete, site isolation).
var forbiddenExtra = []string{
	"--remote-debugging-port",
	"--remote-debugging-address",
	"--user-data-dir",
	"--single-process",
}

// buildArgs returns the argument list (without argv[0]). --user-data-dir
// comes last so that, Chromium's last-switch-wins rule notwithstanding,
// nothing before it can redirect the profile away from the directory Close
// deletes and sweeps for.
func buildArgs(opts Options, userDataDir string, noSandbox bool) ([]string, error) {
	for _, f := range opts.ExtraFlags {
		for _, bad := range forbiddenExtra {
			if f == bad || strings.HasPrefix(f, bad+"=") {
				return nil, fmt.Errorf("chrome: flag %q is not allowed in ExtraFlags", f)
			}
		}
		if f == "--disable-site-isolation-trials" ||
			(strings.HasPrefix(f, "--disable-features=") && strings.Contains(f, "site-per-process")) {
			return nil, fmt.Errorf("chrome: flag %q would turn off site isolation", f)
		}
	}
	args := DefaultFlags()
	args = append(args, opts.ExtraFlags...)
	if noSandbox {
		args = append(args, "--no-sandbox")
	}
	args = append(args, userDataDirFlag(userDataDir), "about:blank")
	return args, nil
}

// userDataDirFlag is the exact argument both Start passes and the straggler
// sweep looks for.
func userDataDirFlag(dir string) string { return "--user-data-dir=" + dir }

// defaultPath is used when the caller's own PATH is empty.
const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// minimalEnv builds Chromium's environment when Options.Env is nil. The
// caller's environment is never inherited wholesale because it may hold
// secrets (API tokens, cloud credentials) that a compromised renderer must
// not be able to read from the browser's environment. HOME points at the
// throwaway profile so that ~/.cache, ~/.pki and friends are deleted with it
// (and so that chrome_crashpad_handler, which escapes our process group,
// names the profile in its --database and is found by the sweep).
func minimalEnv(userDataDir string) []string {
	path := os.Getenv("PATH")
	if path == "" {
		path = defaultPath
	}
	env := []string{
		"PATH=" + path,
		"HOME=" + userDataDir,
		"LANG=C.UTF-8",
	}
	if tz, ok := os.LookupEnv("TZ"); ok {
		env = append(env, "TZ="+tz)
	}
	return env
}
