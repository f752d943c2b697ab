package hztrio.test;

import com.hazelcast.map.MapInterceptor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/** Upper-cases string values as they are read. */
public class UpperCaseInterceptor implements MapInterceptor, IdentifiedDataSerializable {
    static final int CLASS_ID = 3;

    @Override
    public Object interceptGet(Object value) {
        return value instanceof String ? ((String) value).toUpperCase() : value;
    }

    @Override
    public void afterGet(Object value) {
    }

    @Override
    public Object interceptPut(Object oldValue, Object newValue) {
        return null;
    }

    @Override
    public void afterPut(Object value) {
    }

    @Override
    public Object interceptRemove(Object removedValue) {
        return null;
    }

    @Override
    public void afterRemove(Object value) {
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

    @Override
    public boolean equals(Object other) {
        return other instanceof UpperCaseInterceptor;
    }

    @Override
    public int hashCode() {
        return CLASS_ID;
    }
}
