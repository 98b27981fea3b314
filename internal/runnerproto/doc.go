// Package runnerproto is the wire protocol between the trusted launcher and
// the runner, the sandboxed process that runs untrusted Puppeteer scripts.
//
// The launcher writes exactly one job frame on the runner's stdin
// ([WriteJob]) and closes it; the runner reads it with [ReadJob]. From then
// on traffic is one way: the runner writes a stream of event frames on its
// stdout with a [Writer] (logs, steps, artifacts) and ends it with exactly
// one result frame. The launcher decodes that stream with a [Reader].
//
// A frame is a 4-byte big-endian payload length, a 1-byte frame type and
// the payload:
//
//	'J' job            launcher → runner, JSON [Job]; the only frame on stdin
//	'L' log            runner → launcher, JSON [Log]
//	'S' step           runner → launcher, JSON [Step]
//	'A' artifact begin runner → launcher, JSON [ArtifactBegin]
//	'C' artifact chunk runner → launcher, raw bytes (1 … ChunkSize)
//	'E' artifact end   runner → launcher, empty payload
//	'R' result         runner → launcher, JSON [Result]; the last frame
//
// The runner is hostile until proven otherwise, so the [Reader] checks
// every frame: the length header is checked against the limits before any
// payload is read or allocated, JSON payloads are decoded strictly (valid
// UTF-8, no unknown or duplicate fields, no null, exact types, required
// fields present, enums and names checked, nothing after the value), and
// the frame sequence must follow the grammar
//
//	stream   = { log | step | artifact } result EOF
//	artifact = 'A' { 'C' } 'E'   (chunks add up to exactly the declared size)
//
// Anything else is a [*Violation], after which the launcher kills the
// sandbox. Only the volume of log text is forgiven: past
// [Limits.MaxLogBytes] logs are truncated and then dropped, not refused,
// because a chatty script is not an attack.
package runnerproto

// Frame types.
const (
	TypeJob           byte = 'J'
	TypeLog           byte = 'L'
	TypeStep          byte = 'S'
	TypeArtifactBegin byte = 'A'
	TypeArtifactChunk byte = 'C'
	TypeArtifactEnd   byte = 'E'
	TypeResult        byte = 'R'
)

// Sizes and defaults of the protocol.
const (
	// HeaderSize is the length of a frame header: payload length and type.
	HeaderSize = 5
	// ChunkSize is the largest artifact chunk payload.
	ChunkSize = 256 << 10
	// MaxSource is the largest script a job may carry, in bytes.
	MaxSource = 1 << 20
	// MaxNameBytes bounds file names: Job.Filename and artifact names.
	MaxNameBytes = 255
	// MaxParams bounds the number of Job.Params entries.
	MaxParams = 1000
	// MaxArgs bounds the number of Job.Args entries.
	MaxArgs = 1000
	// DefaultMaxJob is ReadJob's frame limit when it is given none, and
	// the largest job WriteJob sends: room for a MaxSource script even if
	// JSON escaping grows it sixfold, plus params.
	DefaultMaxJob = 8 << 20

	// DefaultMaxFrame is the default Limits.MaxFrame. A Writer never
	// sends a JSON frame larger than this: it splits long logs and cuts
	// long step and result errors to fit.
	DefaultMaxFrame = 1 << 20
	// DefaultMaxLogBytes is the default Limits.MaxLogBytes.
	DefaultMaxLogBytes = 10 << 20
	// DefaultMaxArtifacts is the default Limits.MaxArtifacts.
	DefaultMaxArtifacts = 50
	// DefaultMaxArtifactBytes is the default Limits.MaxArtifactBytes.
	DefaultMaxArtifactBytes = 100 << 20
	// DefaultMaxFrames is the default Limits.MaxFrames.
	DefaultMaxFrames = 1_000_000
)
