package image

import (
	"path/filepath"
	"strings"
)

// GraphDriverData returns Docker's GraphDriver.Data for a layer: its
// upper, work and merged dirs and the lower dirs of its parents (top
// first), from the storage driver's layout.
func (s *Store) GraphDriverData(layerID string) map[string]string {
	data := map[string]string{}
	if layerID == "" {
		return data
	}
	root := filepath.Join(s.GraphRoot(), s.GraphDriverName())
	if s.GraphDriverName() == "vfs" {
		data["Dir"] = filepath.Join(root, "dir", layerID)
		return data
	}
	data["UpperDir"] = filepath.Join(root, layerID, "diff")
	data["WorkDir"] = filepath.Join(root, layerID, "work")
	data["MergedDir"] = filepath.Join(root, layerID, "merged")
	var lowers []string
	l, err := s.Layer(layerID)
	for err == nil && l.Parent != "" {
		lowers = append(lowers, filepath.Join(root, l.Parent, "diff"))
		l, err = s.Layer(l.Parent)
	}
	if len(lowers) > 0 {
		data["LowerDir"] = strings.Join(lowers, ":")
	}
	return data
}
