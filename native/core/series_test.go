package core

import (
	"errors"
	"strings"
	"testing"

	"github.com/sparkotel/sparkotel/native/catalog"
)

func resolveSpec(spec string) (Series, error) {
	s, err := ParseSpec(spec)
	if err == nil {
		err = s.resolve()
	}
	return s, err
}

// TestEnumAttributesTakeOnlyDeclaredValues: a value outside an enum attribute's declared set
// is refused with the key, the value and the accepted ones; open attributes take any value.
func TestEnumAttributesTakeOnlyDeclaredValues(t *testing.T) {
	_, err := resolveSpec("jvm.memory.used\tjvm.memory.type=heep\tjvm.memory.pool.name=G1 Eden Space")
	if !errors.Is(err, ErrArg) {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{`jvm.memory.type="heep"`, "accepted: heap, non_heap"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	s, err := resolveSpec("jvm.memory.used\tjvm.memory.type=non_heap\tjvm.memory.pool.name=any pool at all")
	if err != nil || s.Metric != catalog.JvmMemoryUsed || s.Set.Len() != 2 {
		t.Fatalf("declared value refused: %+v %v", s, err)
	}
	if _, err := resolveSpec("sparkotel.spark.memory.used\tsparkotel.spark.memory.pool=storage\tsparkotel.spark.memory.mode=offheap"); !errors.Is(err, ErrArg) {
		t.Errorf("second attribute's value not checked: %v", err)
	}
}

// TestEveryPushedEnumValueIsAccepted defines each pushed metric with every declared value of
// each of its enum attributes (an open attribute takes "any").
func TestEveryPushedEnumValueIsAccepted(t *testing.T) {
	for _, m := range catalog.Metrics {
		if !m.Pushed() {
			continue
		}
		for i := range m.Attributes {
			for _, v := range valuesOf(m.Attributes[i]) {
				spec := m.Name
				for j, k := range m.Attributes {
					val := valuesOf(k)[0]
					if j == i {
						val = v
					}
					spec += "\t" + k + "=" + val
				}
				if _, err := resolveSpec(spec); err != nil {
					t.Errorf("%q: %v", spec, err)
				}
			}
		}
	}
}

func valuesOf(key string) []string {
	if a, _ := catalog.AttributeByKey(key); a.Values != nil {
		return a.Values
	}
	return []string{"any"}
}
