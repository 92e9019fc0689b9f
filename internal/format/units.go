package format

import (
	"fmt"
	"time"
)

// HumanDuration returns Docker's approximation of a duration, exactly as
// docker/go-units: "Less than a second", "1 second", "N seconds",
// "About a minute", "N minutes", "About an hour", "N hours", "N days",
// "N weeks", "N months", "N years". It is used for CREATED ("… ago") and
// for STATUS ("Up …").
func HumanDuration(d time.Duration) string {
	if seconds := int(d.Seconds()); seconds < 1 {
		return "Less than a second"
	} else if seconds == 1 {
		return "1 second"
	} else if seconds < 60 {
		return fmt.Sprintf("%d seconds", seconds)
	} else if minutes := int(d.Minutes()); minutes == 1 {
		return "About a minute"
	} else if minutes < 60 {
		return fmt.Sprintf("%d minutes", minutes)
	} else if hours := int(d.Hours() + 0.5); hours == 1 {
		return "About an hour"
	} else if hours < 48 {
		return fmt.Sprintf("%d hours", hours)
	} else if hours < 24*7*2 {
		return fmt.Sprintf("%d days", hours/24)
	} else if hours < 24*30*2 {
		return fmt.Sprintf("%d weeks", hours/24/7)
	} else if hours < 24*365*2 {
		return fmt.Sprintf("%d months", hours/24/30)
	}
	return fmt.Sprintf("%d years", int(d.Hours())/24/365)
}

// Since returns the CREATED column text for a creation time t: Docker
// truncates t to whole seconds (the API sends Unix seconds) and prints
// HumanDuration(now - t) + " ago", e.g. "2 minutes ago".
func Since(t, now time.Time) string {
	return HumanDuration(now.Sub(time.Unix(t.Unix(), 0))) + " ago"
}

// CreatedAt returns the .CreatedAt template field of ps and images: the
// time in whole seconds, in the local zone, as time.Time.String prints it
// ("2025-01-10 12:00:00 +0000 UTC").
func CreatedAt(t time.Time) string {
	return time.Unix(t.Unix(), 0).String()
}

var (
	decimalUnits = []string{"B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"}
	binaryUnits  = []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"}
)

// scale divides size by base until it is below base (or the units run
// out) and returns the scaled value and its unit.
func scale(size, base float64, units []string) (float64, string) {
	i := 0
	for size >= base && i < len(units)-1 {
		size /= base
		i++
	}
	return size, units[i]
}

// HumanSize returns a size the way docker ps, images and system df print
// it: go-units HumanSizeWithPrecision(size, 3), i.e. "%.3g" with decimal
// units and no space: "0B", "999B", "1kB", "5.59MB", "158MB", "1.22GB".
func HumanSize(size int64) string {
	return HumanSizeWithPrecision(float64(size), 3)
}

// HumanSizeWithPrecision is go-units HumanSizeWithPrecision: size in
// decimal units with the given number of significant digits. go-units
// HumanSize (used for e.g. the images SharedSize column) is precision 4.
func HumanSizeWithPrecision(size float64, precision int) string {
	size, unit := scale(size, 1000, decimalUnits)
	return fmt.Sprintf("%.*g%s", precision, size, unit)
}

// BytesSize returns a size in binary units with 4 significant digits, as
// go-units BytesSize: "15.5GiB", "512MiB", "1KiB". docker info uses it for
// Total Memory.
func BytesSize(size int64) string {
	size2, unit := scale(float64(size), 1024, binaryUnits)
	return fmt.Sprintf("%.4g%s", size2, unit)
}
