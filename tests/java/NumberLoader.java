package hztrio.test;

import com.hazelcast.map.MapLoader;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** A MapLoader with ten entries: 0..9 → "loaded-<n>" (for load_all, evict and LOADED events). */
public class NumberLoader implements MapLoader<Integer, String> {
    @Override
    public String load(Integer key) {
        return key != null && key >= 0 && key < 10 ? "loaded-" + key : null;
    }

    @Override
    public Map<Integer, String> loadAll(Collection<Integer> keys) {
        Map<Integer, String> result = new HashMap<>();
        for (Integer key : keys) {
            String value = load(key);
            if (value != null) {
                result.put(key, value);
            }
        }
        return result;
    }

    @Override
    public Iterable<Integer> loadAllKeys() {
        Collection<Integer> keys = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            keys.add(i);
        }
        return keys;
    }
}
