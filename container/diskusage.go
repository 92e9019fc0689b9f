package container

// SizeRw is the size of the files r changed or added in its rw layer
// (Docker's SizeRw); 0 when it cannot be measured.
func (m *Manager) SizeRw(r *Record) int64 {
	sc, err := m.Store.Container(r.ID)
	if err != nil {
		return 0
	}
	n, err := m.Store.DiffSize("", sc.LayerID)
	if err != nil || n < 0 {
		return 0
	}
	return n
}
