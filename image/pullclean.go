package image

import digest "github.com/opencontainers/go-digest"

// layerSet is a snapshot of the store's layer IDs.
type layerSet map[string]bool

// layerIDs snapshots the layers before a copy (nil if they cannot be read:
// then nothing is cleaned up).
func (s *Store) layerIDs() layerSet {
	layers, err := s.Layers()
	if err != nil {
		return nil
	}
	set := layerSet{}
	for _, l := range layers {
		set[l.ID] = true
	}
	return set
}

// removeNewLayers deletes the layers a failed pull committed, so that it
// leaves nothing: containers/image commits each layer as soon as it is
// verified, and only the image record at the end ties them together. A
// layer is the pull's when it is new (not in before), unnamed, and holds
// one of the source's blobs (by compressed or uncompressed digest); this
// spares the work layers of a build running at the same time.
// containers/storage refuses to delete a layer that is an image's top
// layer, a container's, or has children, so leaves go first and a layer
// another image has started to use stays. A concurrent pull of the same
// new layers in another process may still lose them and fail; a retry
// then downloads them again.
func (s *Store) removeNewLayers(before layerSet, blobs map[digest.Digest]bool) {
	if before == nil {
		return
	}
	for progress := true; progress; {
		progress = false
		layers, err := s.Layers()
		if err != nil {
			return
		}
		for _, l := range layers {
			ours := blobs[l.CompressedDigest] || blobs[l.UncompressedDigest]
			if !before[l.ID] && len(l.Names) == 0 && ours && s.DeleteLayer(l.ID) == nil {
				progress = true
			}
		}
	}
}
