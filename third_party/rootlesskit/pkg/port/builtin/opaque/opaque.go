package opaque

const (
	SocketPath                 = "builtin.socketpath"
	ChildReadyPipePath         = "builtin.readypipepath"
	SourceIPTransparent        = "builtin.source-ip-transparent"
	SourceIPTransparentBackend = "builtin.source-ip-transparent-backend"
)
