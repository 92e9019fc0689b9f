package format

// NaturalCompare orders strings naturally ("abc2" < "abc12"), as
// fvbommel/sortorder.NaturalLess, which docker port uses: non-digit runs
// compare bytewise, digit runs numerically, and with equal numbers fewer
// leading zeros sort first. It returns -1, 0 or +1 for slices.SortFunc.
func NaturalCompare(a, b string) int {
	switch {
	case naturalLess(a, b):
		return -1
	case naturalLess(b, a):
		return 1
	}
	return 0
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }

func naturalLess(str1, str2 string) bool {
	idx1, idx2 := 0, 0
	for idx1 < len(str1) && idx2 < len(str2) {
		c1, c2 := str1[idx1], str2[idx2]
		dig1, dig2 := isDigit(c1), isDigit(c2)
		switch {
		case dig1 != dig2:
			return dig1
		case !dig1:
			if c1 != c2 {
				return c1 < c2
			}
			idx1++
			idx2++
		default:
			for ; idx1 < len(str1) && str1[idx1] == '0'; idx1++ {
			}
			for ; idx2 < len(str2) && str2[idx2] == '0'; idx2++ {
			}
			nonZero1, nonZero2 := idx1, idx2
			for ; idx1 < len(str1) && isDigit(str1[idx1]); idx1++ {
			}
			for ; idx2 < len(str2) && isDigit(str2[idx2]); idx2++ {
			}
			if len1, len2 := idx1-nonZero1, idx2-nonZero2; len1 != len2 {
				return len1 < len2
			}
			if nr1, nr2 := str1[nonZero1:idx1], str2[nonZero2:idx2]; nr1 != nr2 {
				return nr1 < nr2
			}
			if nonZero1 != nonZero2 {
				return nonZero1 < nonZero2
			}
		}
	}
	return len(str1) < len(str2)
}
