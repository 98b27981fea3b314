// Package difftest holds the differential compatibility tests: every
// script under scripts/ runs twice against the same fixture pages on
// 127.0.0.1, once by Skriptable (`skriptable run`, sandboxed) and once by
// Node with the pinned puppeteer-core (testdata/node/run.sh), on the same
// Chromium binary. The test compares what each printed (stdout), how it
// ended (exit status and the first error line), and the files it wrote
// (kind and geometry, not bytes). A difference fails the test unless
// allowlist.txt lists it with a reason.
//
// Scripts read process.env.BASE_URL (the fixture site on 127.0.0.1) and
// process.env.CROSS_URL (the same site on 127.0.0.2: another site, so its
// frames are out-of-process). They must be deterministic: print nothing
// that depends on timing, ports or paths, and sort what arrives in no
// fixed order.
package difftest
