package container

import "github.com/nook-dev/nook/image"

// ImageNamer returns what `ps` shows in its IMAGE column: the reference as
// the user typed it while it still names the container's image, else the
// image ID (short unless noTrunc), as Docker does after the tag moved or
// the image was removed with rmi -f. Lookups are cached per reference.
func (m *Manager) ImageNamer(noTrunc bool) func(r *Record) string {
	resolved := map[string]string{} // reference -> image ID ("" = none)
	return func(r *Record) string {
		id, ok := resolved[r.Image]
		if !ok {
			if img, err := m.Store.Lookup(r.Image); err == nil {
				id = img.ID
			}
			resolved[r.Image] = id
		}
		if id == r.ImageID || r.ImageID == "" {
			return image.Familiar(r.Image)
		}
		if noTrunc {
			return "sha256:" + r.ImageID
		}
		return r.ImageID[:min(12, len(r.ImageID))]
	}
}
