package hztrio.test;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.util.Comparator;
import java.util.Map;

/** Orders map entries by value, greatest first (values must be Comparable). */
public class ReverseValueComparator
        implements Comparator<Map.Entry<Object, Object>>, IdentifiedDataSerializable {
    static final int CLASS_ID = 2;

    @Override
    @SuppressWarnings("unchecked")
    public int compare(Map.Entry<Object, Object> a, Map.Entry<Object, Object> b) {
        return ((Comparable<Object>) b.getValue()).compareTo(a.getValue());
    }

    @Override
    public int getFactoryId() {
        return IdentifiedFactory.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return CLASS_ID;
    }

    @Override
    public void writeData(ObjectDataOutput out) {
    }

    @Override
    public void readData(ObjectDataInput in) {
    }
}
