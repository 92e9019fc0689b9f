package volume

// PruneReport is what `volume prune` removed.
type PruneReport struct {
	// Deleted are the names of the removed volumes, sorted.
	Deleted []string
	// SpaceReclaimed is the size of their data in bytes.
	SpaceReclaimed int64
}

// Prune removes unused volumes that pass f: by default only anonymous
// ones (Docker API 1.42+); f.All (-a / all=true) includes named volumes.
// Errors on single volumes do not stop the prune; the first is returned.
func (s *Store) Prune(f Filter, inUse InUseFunc) (PruneReport, error) {
	var rep PruneReport
	unlock, err := s.lock()
	if err != nil {
		return rep, err
	}
	defer unlock()
	list, err := s.List()
	if err != nil {
		return rep, err
	}
	var first error
	for _, v := range list {
		if !f.All && !v.Anonymous() {
			continue
		}
		if inUse != nil && len(inUse(v.Name)) > 0 {
			continue
		}
		if !f.Match(v, false) {
			continue
		}
		size, err := s.removeLocked(v.Name, nil)
		if err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		rep.Deleted = append(rep.Deleted, v.Name)
		rep.SpaceReclaimed += size
	}
	return rep, first
}
