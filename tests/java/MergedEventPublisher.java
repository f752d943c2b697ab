package hztrio.test;

import com.hazelcast.core.EntryEventType;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.instance.impl.HazelcastInstanceImpl;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.impl.MapService;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import com.hazelcast.spi.impl.NodeEngineImpl;
import java.io.IOException;
import java.util.Map;

/**
 * Publishes a MERGED entry event for its entry, through the member's own map event publisher
 * (the one a split-brain merge uses), with the entry's value as the old value and the given
 * value as the new and merging value. The entry itself is left as it is.
 */
public class MergedEventPublisher
        implements EntryProcessor<Object, Object, Object>,
                IdentifiedDataSerializable,
                HazelcastInstanceAware {
    static final int CLASS_ID = 4;
    private String mapName;
    private String value;
    private transient HazelcastInstance instance;

    public MergedEventPublisher() {
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        instance = hazelcastInstance;
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
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeString(mapName);
        out.writeString(value);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        mapName = in.readString();
        value = in.readString();
    }

    @Override
    public Object process(Map.Entry<Object, Object> entry) {
        HazelcastInstanceImpl impl = instance instanceof HazelcastInstanceProxy
                ? ((HazelcastInstanceProxy) instance).getOriginal()
                : (HazelcastInstanceImpl) instance;
        NodeEngineImpl nodeEngine = impl.node.getNodeEngine();
        MapService service = nodeEngine.getService(MapService.SERVICE_NAME);
        Data key = nodeEngine.toData(entry.getKey());
        Data oldValue = nodeEngine.toData(entry.getValue());
        Data newValue = nodeEngine.toData(value);
        service.getMapServiceContext().getMapEventPublisher().publishEvent(
                nodeEngine.getThisAddress(), mapName, EntryEventType.MERGED,
                key, oldValue, newValue, newValue);
        return null;
    }
}
