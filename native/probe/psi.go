package probe

import "bytes"

// psi is one line pair of a pressure file (/proc/pressure/memory, cgroup memory.pressure):
//
//	some avg10=0.12 avg60=0.00 avg300=0.00 total=12345
//	full avg10=0.00 avg60=0.00 avg300=0.00 total=0
type psi struct {
	SomeAvg10, FullAvg10 float64
	SomeTotal, FullTotal int64 // microseconds
	HasSome, HasFull     bool
}

func parsePSI(b []byte) psi {
	var p psi
	eachLine(b, func(line []byte) {
		scope, rest := keyValue(line)
		var avg *float64
		var total *int64
		switch string(scope) {
		case "some":
			avg, total, p.HasSome = &p.SomeAvg10, &p.SomeTotal, true
		case "full":
			avg, total, p.HasFull = &p.FullAvg10, &p.FullTotal, true
		default:
			return
		}
		for _, field := range bytes.Fields(rest) {
			k, v, ok := bytes.Cut(field, []byte("="))
			if !ok {
				continue
			}
			switch string(k) {
			case "avg10":
				*avg, _ = parseDecimal(v)
			case "total":
				*total, _, _ = parseUint(v)
			}
		}
	})
	return p
}
