package hztrio.test;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import java.util.concurrent.Callable;

/**
 * An executor task in the Compact format, without a serializer: the member reads it with its
 * zero-config (reflective) Compact serializer, the type name being this class's name. Returns
 * a copy of itself whose text is "COMPACT:" + TEXT + "|" + the member's uuid.
 */
public class CompactDescribeTask implements Callable<CompactDescribeTask>, HazelcastInstanceAware {
    private String text;
    private transient HazelcastInstance instance;

    public CompactDescribeTask() {
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        instance = hazelcastInstance;
    }

    @Override
    public CompactDescribeTask call() {
        CompactDescribeTask result = new CompactDescribeTask();
        result.text = "COMPACT:" + text.toUpperCase() + "|"
                + instance.getCluster().getLocalMember().getUuid();
        return result;
    }
}
