package export

import (
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/sparkotel/sparkotel/native/catalog"
)

// A histogram comes from the JVM side as ready cumulative state (per-bucket counts and a
// sum, kept by a GC notification listener), one entry per part (bridge/sparkotel.h), so like
// every other pushed value it becomes a data point as it is, not through an SDK instrument.

// cumulativeHistogram is a histogram series' last cumulative state, for delta temporality.
type cumulativeHistogram struct {
	sum    float64
	counts []uint64
}

// addHistogramPart records one part of histogram m's value in the collection in progress:
// part 0 its sum, part 1+i the count of bucket i. The core passes only parts m takes.
func (s *snapshot) addHistogramPart(m catalog.ID, attrs attribute.Set, part int, v float64) {
	dps := s.pts.hists[m]
	i := len(dps) - 1
	for ; i >= 0 && !dps[i].Attributes.Equals(&attrs); i-- {
	}
	if i < 0 {
		bounds := catalog.Metrics[m].Buckets
		// Fresh counts every collection: the batching keeps copies of the points (not of
		// the slices they hold) until its send, so these must not be reused.
		s.pts.hists[m] = append(dps, metricdata.HistogramDataPoint[float64]{Attributes: attrs, StartTime: s.start, Time: s.now,
			Bounds: bounds, BucketCounts: make([]uint64, len(bounds)+1)})
		i = len(s.pts.hists[m]) - 1
	}
	dp := &s.pts.hists[m][i]
	if part == 0 {
		dp.Sum = v
	} else if v > 0 {
		dp.BucketCounts[part-1] = uint64(v)
	}
}

// histogram is metric m's points of this collection: their counts totalled and, with delta
// temporality, each the change since the previous collection's.
func (s *snapshot) histogram(m catalog.ID) metricdata.Aggregation {
	dps := s.pts.hists[m]
	t := metricdata.CumulativeTemporality
	if s.delta {
		t = metricdata.DeltaTemporality
	}
	for i := range dps {
		dp := &dps[i]
		if s.delta {
			k := seriesKey{m, dp.Attributes.Equivalent()}
			prev, seen := s.prevH[k]
			now := cumulativeHistogram{sum: dp.Sum, counts: append(prev.counts[:0:0], dp.BucketCounts...)}
			s.prevH[k] = now
			dp.StartTime = s.begin
			if seen && !fell(prev, now) {
				dp.Sum -= prev.sum
				for b := range dp.BucketCounts {
					dp.BucketCounts[b] -= prev.counts[b]
				}
			}
		}
		dp.Count = 0
		for _, c := range dp.BucketCounts {
			dp.Count += c
		}
	}
	return metricdata.Histogram[float64]{DataPoints: dps, Temporality: t}
}

// fell reports whether a count went down: the JVM side began counting afresh, so the whole
// new state is the change.
func fell(prev, now cumulativeHistogram) bool {
	for b, c := range now.counts {
		if b >= len(prev.counts) || c < prev.counts[b] {
			return true
		}
	}
	return false
}
