// Package build turns a Dockerfile and a build context into an image: it
// parses with BuildKit's dockerfile parser, instructions and shell packages,
// executes each instruction against a Backend (image store + rootless RUN),
// keys a persistent build cache on layer names, writes Docker/BuildKit-shaped
// config and history, and renders BuildKit-like progress to io.Writers.
//
// It owns: the Dockerfile plan (stages, ARG/ENV scope), ADD/COPY layer tar
// generation (context and archive safety), .dockerignore, cache keys and
// progress output. It does not touch storage or namespaces itself: those go
// through Backend, which the image/container packages implement. It must not
// import cmd/nook.
package build
