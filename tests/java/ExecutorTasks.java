package hztrio.test;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.concurrent.Callable;

/**
 * Factory 88: the tasks of the Executor tests (tests/integration/test_executor.py holds their
 * Python twins). Each task is a Callable the member runs in the executor's threads.
 */
public class ExecutorTasks implements DataSerializableFactory {
    public static final int FACTORY_ID = 88;

    @Override
    public IdentifiedDataSerializable create(int typeId) {
        switch (typeId) {
            case Describe.CLASS_ID:
                return new Describe();
            case Sleep.CLASS_ID:
                return new Sleep();
            case Fail.CLASS_ID:
                return new Fail();
            default:
                return null;
        }
    }

    /** A task that knows the member it runs on. */
    abstract static class Task implements IdentifiedDataSerializable, HazelcastInstanceAware {
        protected transient HazelcastInstance instance;

        @Override
        public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
            instance = hazelcastInstance;
        }

        @Override
        public int getFactoryId() {
            return FACTORY_ID;
        }

        Member localMember() {
            return instance.getCluster().getLocalMember();
        }
    }

    /**
     * Returns "INPUT-IN-UPPER-CASE|member uuid|host:port" of the member that ran it, or null
     * when its input is null.
     */
    public static class Describe extends Task implements Callable<String> {
        static final int CLASS_ID = 1;
        private String input;

        @Override
        public int getClassId() {
            return CLASS_ID;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeString(input);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            input = in.readString();
        }

        @Override
        public String call() {
            if (input == null) {
                return null;
            }
            Member member = localMember();
            return input.toUpperCase() + "|" + member.getUuid() + "|"
                    + member.getAddress().getHost() + ":" + member.getAddress().getPort();
        }
    }

    /**
     * Records its progress in the map mapName under "key@member-uuid": "started", then
     * "finished" after sleeping millis ms (returning "slept@member-uuid"), or "interrupted"
     * when the executor cancels it. On the member whose uuid is failOn it throws an
     * IllegalStateException right after "started" instead.
     */
    public static class Sleep extends Task implements Callable<String> {
        static final int CLASS_ID = 2;
        private String mapName;
        private String key;
        private long millis;
        private String failOn;

        @Override
        public int getClassId() {
            return CLASS_ID;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeString(mapName);
            out.writeString(key);
            out.writeLong(millis);
            out.writeString(failOn);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            mapName = in.readString();
            key = in.readString();
            millis = in.readLong();
            failOn = in.readString();
        }

        @Override
        public String call() throws Exception {
            String uuid = localMember().getUuid().toString();
            String entry = key + "@" + uuid;
            instance.getMap(mapName).put(entry, "started");
            if (uuid.equals(failOn)) {
                throw new IllegalStateException("failing on " + uuid);
            }
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                instance.getMap(mapName).put(entry, "interrupted");
                throw e;
            }
            instance.getMap(mapName).put(entry, "finished");
            return "slept@" + uuid;
        }
    }

    /** Throws an IllegalArgumentException with its message. */
    public static class Fail extends Task implements Callable<Object> {
        static final int CLASS_ID = 3;
        private String message;

        @Override
        public int getClassId() {
            return CLASS_ID;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeString(message);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            message = in.readString();
        }

        @Override
        public Object call() {
            throw new IllegalArgumentException(message);
        }
    }
}
