package puppeteer

import (
	"fmt"
	"sort"
	"strings"
)

// Status says how far Skriptable implements a Puppeteer member.
type Status string

// Statuses of members in the compatibility list.
const (
	Supported   Status = "supported"
	Partial     Status = "partial"
	Unsupported Status = "unsupported"
)

// memberAPI is one member of a Puppeteer class.
type memberAPI struct {
	Name   string
	Prop   bool // a property (page.keyboard), not a method
	Status Status
	Note   string
}

// classAPI is the Puppeteer surface of one class: every public member of
// Puppeteer 24 (from its type declarations) plus removed members that old
// scripts still call, each with its status in Skriptable. It is the single
// source of the compatibility list; a test checks that the JS objects we
// build define exactly the members marked supported or partial.
type classAPI struct {
	Name    string // Puppeteer's class name: "Page"
	Var     string // how messages name an instance: "page"
	Cdp     bool   // Puppeteer's implementation class is "Cdp"+Name
	Members []memberAPI
	index   map[string]*memberAPI
}

// cdpClass is class for the classes whose Puppeteer implementation is
// named "Cdp"+name (CdpPage, CdpElementHandle, …).
func cdpClass(name, varName, spec string) *classAPI {
	c := class(name, varName, spec)
	c.Cdp = true
	return c
}

// class parses a member list. Each line is "name status [note]"; a name
// ending in @ is a property; status is S (supported), P (partial) or U
// (unsupported).
func class(name, varName, spec string) *classAPI {
	c := &classAPI{Name: name, Var: varName, index: map[string]*memberAPI{}}
	for _, line := range strings.Split(spec, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		f := strings.SplitN(line, " ", 3)
		m := memberAPI{Name: f[0]}
		if strings.HasSuffix(m.Name, "@") {
			m.Name, m.Prop = strings.TrimSuffix(m.Name, "@"), true
		}
		switch f[1] {
		case "S":
			m.Status = Supported
		case "P":
			m.Status = Partial
		case "U":
			m.Status = Unsupported
		default:
			panic(fmt.Sprintf("puppeteer api %s: bad status in %q", name, line))
		}
		if len(f) == 3 {
			m.Note = f[2]
		}
		if _, dup := c.index[m.Name]; dup {
			panic(fmt.Sprintf("puppeteer api %s: %s listed twice", name, m.Name))
		}
		c.Members = append(c.Members, m)
		c.index[m.Name] = &c.Members[len(c.Members)-1]
	}
	sort.Slice(c.Members, func(i, j int) bool { return c.Members[i].Name < c.Members[j].Name })
	for i := range c.Members {
		c.index[c.Members[i].Name] = &c.Members[i]
	}
	return c
}

// mustKnow panics (a programming error, caught by every test that builds
// the class) when code defines a member the table does not list or lists
// as unsupported.
func (c *classAPI) mustKnow(name string) {
	m, ok := c.index[name]
	if !ok {
		panic(fmt.Sprintf("puppeteer api: %s.%s is defined but not listed in api.go", c.Name, name))
	}
	if m.Status == Unsupported {
		panic(fmt.Sprintf("puppeteer api: %s.%s is defined but listed as unsupported", c.Name, name))
	}
}

// Member is one row of the compatibility list.
type Member struct {
	Member string `json:"member"` // "Page.$eval"
	Status Status `json:"status"`
	Note   string `json:"note"`
}

// Members lists every Puppeteer member with its status, sorted.
func Members() []Member {
	var out []Member
	for _, c := range classes {
		for _, m := range c.Members {
			out = append(out, Member{Member: c.Name + "." + m.Name, Status: m.Status, Note: m.Note})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Member < out[j].Member })
	return out
}

const emitterSpec = `
on S
once S
off S
addListener S
removeListener S
removeAllListeners S
listenerCount S
emit S
`

var puppeteerAPI = class("puppeteer", "puppeteer", `
launch S headless, slowMo, devtools are accepted and ignored; args and executablePath are never used
connect U Skriptable starts its own browser for every run
executablePath S
defaultArgs S
defaultBrowser@ S
product@ S
lastLaunchedBrowser@ S
trimCache S no-op
devices@ S removed in Puppeteer 22 (KnownDevices); kept for old scripts
KnownDevices@ S
PredefinedNetworkConditions@ S
networkConditions@ S removed in Puppeteer 22 (PredefinedNetworkConditions); kept for old scripts
errors@ S
TimeoutError@ S
ProtocolError@ S
TargetCloseError@ S
clearCustomQueryHandlers S removed in Puppeteer 22 (now static on Puppeteer); kept for old scripts
customQueryHandlerNames S removed in Puppeteer 22 (now static on Puppeteer); kept for old scripts
registerCustomQueryHandler S removed in Puppeteer 22 (now static on Puppeteer); kept for old scripts
unregisterCustomQueryHandler S removed in Puppeteer 22 (now static on Puppeteer); kept for old scripts
Puppeteer@ S the class, for its static custom query handler methods
Locator@ S the class, for Locator.race and instanceof
`)

var browserAPI = cdpClass("Browser", "browser", emitterSpec+`
newPage S
pages S
close S
version S
userAgent S
isConnected S
connected@ S
defaultBrowserContext S
browserContexts S
disconnect S same as close: the browser belongs to the run
process S always null: the browser runs inside Skriptable's sandbox
wsEndpoint U Skriptable drives the browser over a pipe, never a debugging port
createBrowserContext S the proxyServer and proxyBypassList options are refused: every context uses the run's egress proxy
createIncognitoBrowserContext S removed in Puppeteer 22 (createBrowserContext); kept for old scripts
targets S
target S
waitForTarget S the signal option (AbortSignal) is ignored
cookies S
setCookie S
deleteCookie S
deleteMatchingCookies S deletes every cookie with a filter's name, whatever the other filter fields (as Puppeteer 24 does)
setPermission S
debugInfo@ U
screens U
addScreen U
removeScreen U
getWindowBounds U
setWindowBounds U
extensions U
installExtension U
uninstallExtension U
`)

var contextAPI = cdpClass("BrowserContext", "browserContext", emitterSpec+`
newPage S
pages S
browser S
close S
closed@ S
id@ S
isIncognito S removed in Puppeteer 22; kept for old scripts
overridePermissions S
clearPermissionOverrides S
setPermission S
cookies S
setCookie S
deleteCookie S
deleteMatchingCookies S deletes every cookie with a filter's name, whatever the other filter fields (as Puppeteer 24 does)
targets S
waitForTarget S
`)

var pageAPI = cdpClass("Page", "page", emitterSpec+`
$ S
$$ S
$$eval S
$eval S
click S
type S
focus S
hover S
evaluate S
evaluateHandle S
goto S
waitForNavigation S
waitForSelector S
waitForFunction S
waitForTimeout S removed in Puppeteer 22; kept for old scripts
waitFor P removed in Puppeteer 10; numbers, selectors and functions are accepted
title S
url S
content S
setViewport S
viewport S
screenshot S
pdf S
close S
isClosed S
setDefaultTimeout S
setDefaultNavigationTimeout S
getDefaultTimeout S
getDefaultNavigationTimeout S
mainFrame S
frames S
browser S
browserContext S
keyboard@ S
mouse@ S
bringToFront S
reload S
goBack S
goForward S
accessibility@ S
addScriptTag S path reads only files this run wrote
addStyleTag S path reads only files this run wrote
authenticate S
bluetooth@ U
captureHeapSnapshot U
cookies S
coverage@ S
createCDPSession U deliberately: Skriptable gives scripts no raw DevTools protocol access
createPDFStream U
deleteCookie S
emulate S
emulateCPUThrottling S
emulateFocusedPage S
emulateIdleState S
emulateMediaFeatures S
emulateMediaType S
emulateNetworkConditions S
emulateTimezone S
emulateVisionDeficiency S
evaluateOnNewDocument S
exposeFunction S
extensionRealms U
hasDevTools U
isDragInterceptionEnabled S deprecated in Puppeteer
isJavaScriptEnabled S
isServiceWorkerBypassed U
locator P locator actions ignore the signal option (AbortSignal)
metrics S
openDevTools U
queryObjects U
removeExposedFunction S
removeScriptToEvaluateOnNewDocument S
resize U
screencast U
select S
setBypassCSP S
setBypassServiceWorker U
setCacheEnabled S
setContent S
setCookie S
setDragInterception S deprecated in Puppeteer
setExtraHTTPHeaders S
setGeolocation S
setJavaScriptEnabled S
setOfflineMode S
setRequestInterception S
setUserAgent S
tap S
target S
touchscreen@ S
tracing@ S
triggerExtensionAction U
waitForDevicePrompt U
waitForFileChooser S
waitForFrame S
waitForNetworkIdle S
waitForRequest S
waitForResponse S
webmcp@ U
windowId U
workers S
$x S removed in Puppeteer 22 ($$('xpath/…')); kept for old scripts
waitForXPath S removed in Puppeteer 22 (waitForSelector('xpath/…')); kept for old scripts
`)

var frameAPI = cdpClass("Frame", "frame", emitterSpec+`
$ S
$$ S
$$eval S
$eval S
click S
type S
focus S
hover S
evaluate S
evaluateHandle S
goto S
waitForNavigation S
waitForSelector S
waitForFunction S
waitForTimeout S removed in Puppeteer 22; kept for old scripts
title S
url S
name S
content S
page S
parentFrame S
childFrames S
isDetached S
detached@ S
addScriptTag S path reads only files this run wrote
addStyleTag S path reads only files this run wrote
extensionRealms U
frameElement S
locator P locator actions ignore the signal option (AbortSignal)
select S
setContent S
tap S
$x S removed in Puppeteer 22 ($$('xpath/…')); kept for old scripts
waitForXPath S removed in Puppeteer 22 (waitForSelector('xpath/…')); kept for old scripts
`)

var handleSpec = `
evaluate S
evaluateHandle S
getProperty S
getProperties S
jsonValue S
dispose S
asElement S
toString S
remoteObject S
_ U
move@ U
`

var jsHandleAPI = cdpClass("JSHandle", "jsHandle", handleSpec)

var elementAPI = cdpClass("ElementHandle", "elementHandle", handleSpec+`
$ S
$$ S
$$eval S
$eval S
click S
type S
press S
hover S
focus S
boundingBox S
screenshot S
waitForSelector S
isVisible S
isHidden S
frame@ S
clickablePoint S
scrollIntoView S
isIntersectingViewport S
asLocator S
autofill S
backendNodeId S
boxModel S
contentFrame S
drag S
dragAndDrop S deprecated in Puppeteer; needs drag interception
dragEnter S deprecated in Puppeteer
dragOver S deprecated in Puppeteer
drop S
select S
tap S
toElement S
touchEnd S
touchMove S
touchStart S
uploadFile S only files the run wrote
$x S removed in Puppeteer 22 ($$('xpath/…')); kept for old scripts
waitForXPath S removed in Puppeteer 22 (waitForSelector('xpath/…')); kept for old scripts
`)

var keyboardAPI = cdpClass("Keyboard", "keyboard", `
down S
up S
press S
type S
sendCharacter S
`)

var mouseAPI = cdpClass("Mouse", "mouse", `
move S
down S
up S
click S
wheel S
reset S
drag S needs drag interception (page.setDragInterception)
dragAndDrop S needs drag interception (page.setDragInterception)
dragEnter S
dragOver S
drop S
`)

var responseAPI = cdpClass("HTTPResponse", "httpResponse", `
status S
statusText S
ok S
url S
headers S
fromCache S
fromServiceWorker S
remoteAddress S
request S
frame S
buffer S
content S
json S
text S
securityDetails S
timing S
`)

var requestAPI = cdpClass("HTTPRequest", "httpRequest", `
url S
method S
headers S
resourceType S
isNavigationRequest S
response S
failure S
frame S
postData S
hasPostData S
abort S
abortErrorReason S
client@ U
continue S
continueRequestOverrides S
enqueueInterceptAction S
fetchPostData S
finalizeInterceptions S
initiator S
interceptResolutionState S
isInterceptResolutionHandled S
redirectChain S
respond S
responseForRequest S
`)

var consoleMessageAPI = class("ConsoleMessage", "consoleMessage", "args S\nlocation S\nstackTrace S\ntext S\ntype S")

var securityDetailsAPI = class("SecurityDetails", "securityDetails",
	"issuer S\nprotocol S\nsubjectAlternativeNames S\nsubjectName S\nvalidFrom S\nvalidTo S")

var dialogAPI = cdpClass("Dialog", "dialog", `
accept S
dismiss S
message S
type S
defaultValue S
`)

var touchscreenAPI = cdpClass("Touchscreen", "touchscreen", `
tap S
touchStart S
touchMove S
touchEnd S
`)

var touchHandleAPI = cdpClass("TouchHandle", "touchHandle", `
move S
end S
`)

var locatorAPI = class("Locator", "locator", emitterSpec+`
click S
fill S
hover S
scroll S
wait S
waitHandle S
filter S
map S
clone S
race S static: puppeteer.Locator.race([…])
setTimeout S
setVisibility S
setWaitForEnabled S
setEnsureElementIsInTheViewport S
setWaitForStableBoundingBox S
timeout@ S
`)

// classes lists every class in the compatibility list.
var classes = []*classAPI{
	puppeteerAPI, browserAPI, contextAPI, pageAPI, frameAPI, jsHandleAPI, elementAPI,
	keyboardAPI, mouseAPI, responseAPI, requestAPI, dialogAPI,
	tracingAPI, coverageAPI, accessibilityAPI, // tools_mapping.go
	consoleMessageAPI, securityDetailsAPI,
	touchscreenAPI, touchHandleAPI,
	fileChooserAPI, webWorkerAPI, // tools_mapping.go
	locatorAPI,
	targetAPI, // target_mapping.go
}
