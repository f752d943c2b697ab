package hztrio.test;

import com.hazelcast.client.impl.statistics.ClientStatistics;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.instance.impl.HazelcastInstanceImpl;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import com.hazelcast.internal.metrics.MetricConsumer;
import com.hazelcast.internal.metrics.MetricDescriptor;
import com.hazelcast.internal.metrics.impl.MetricsCompressor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * Factory 71: what a member knows of a client's statistics (tests/integration/test_statistics.py).
 *
 * <p>{@link StatisticsOf} runs on a member (an executor task) and returns the last
 * Client.statistics report the member's ClientEngine keeps for one client, with the metrics blob
 * decoded by the member's own MetricsCompressor: the first line is the report's timestamp, the
 * second its attribute text, then one line per metric, tab-separated: prefix, metric,
 * discriminator, discriminator value, unit, LONG or DOUBLE, value (absent parts are empty).
 * It returns null when the member has no report of that client.
 */
public class ClientStatisticsProbe implements DataSerializableFactory {
    public static final int FACTORY_ID = 71;

    @Override
    public IdentifiedDataSerializable create(int typeId) {
        return typeId == StatisticsOf.CLASS_ID ? new StatisticsOf() : null;
    }

    /** The decoded statistics of the client whose UUID it carries. */
    public static class StatisticsOf
            implements IdentifiedDataSerializable, HazelcastInstanceAware, Callable<String> {
        static final int CLASS_ID = 1;
        private String clientUuid;
        private transient HazelcastInstance instance;

        @Override
        public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
            instance = hazelcastInstance;
        }

        @Override
        public int getFactoryId() {
            return FACTORY_ID;
        }

        @Override
        public int getClassId() {
            return CLASS_ID;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeString(clientUuid);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            clientUuid = in.readString();
        }

        @Override
        public String call() {
            HazelcastInstance hz = instance;
            if (hz instanceof HazelcastInstanceProxy) {
                hz = ((HazelcastInstanceProxy) hz).getOriginal();
            }
            ClientStatistics statistics = ((HazelcastInstanceImpl) hz).node.getClientEngine()
                    .getClientStatistics().get(UUID.fromString(clientUuid));
            if (statistics == null) {
                return null;
            }
            StringBuilder text = new StringBuilder();
            text.append(statistics.timestamp()).append('\n');
            text.append(statistics.clientAttributes()).append('\n');
            MetricsCompressor.extractMetrics(statistics.metricsBlob(), new MetricConsumer() {
                @Override
                public void consumeLong(MetricDescriptor descriptor, long value) {
                    line(descriptor, "LONG", Long.toString(value));
                }

                @Override
                public void consumeDouble(MetricDescriptor descriptor, double value) {
                    line(descriptor, "DOUBLE", Double.toString(value));
                }

                private void line(MetricDescriptor descriptor, String type, String value) {
                    text.append(orEmpty(descriptor.prefix())).append('\t')
                            .append(orEmpty(descriptor.metric())).append('\t')
                            .append(orEmpty(descriptor.discriminator())).append('\t')
                            .append(orEmpty(descriptor.discriminatorValue())).append('\t')
                            .append(descriptor.unit() == null ? "" : descriptor.unit().name())
                            .append('\t').append(type).append('\t').append(value).append('\n');
                }
            });
            return text.toString();
        }

        private static String orEmpty(String text) {
            return text == null ? "" : text;
        }
    }
}
