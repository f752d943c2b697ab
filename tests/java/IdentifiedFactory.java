package hztrio.test;

import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/** Factory 5 of the Map tests (entry processors, comparator, interceptor). */
public class IdentifiedFactory implements DataSerializableFactory {
    public static final int FACTORY_ID = 5;

    @Override
    public IdentifiedDataSerializable create(int typeId) {
        switch (typeId) {
            case IdentifiedEntryProcessor.CLASS_ID:
                return new IdentifiedEntryProcessor();
            case ReverseValueComparator.CLASS_ID:
                return new ReverseValueComparator();
            case UpperCaseInterceptor.CLASS_ID:
                return new UpperCaseInterceptor();
            case MergedEventPublisher.CLASS_ID:
                return new MergedEventPublisher();
            default:
                return null;
        }
    }
}
