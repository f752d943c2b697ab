package hztrio.testing;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.LifecycleListener;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.serialization.FieldKind;
import com.hazelcast.nio.serialization.genericrecord.GenericRecord;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

/**
 * A member-side helper for hztrio's serialization tests, named in the member config's
 * {@code <listeners>}: once the member has started it listens on a loopback port (printed to
 * the member log as {@code HZTRIO-HELPER-PORT <port>}) for one-line, tab-separated commands:
 *
 * <ul>
 *   <li>{@code DESCRIBE map key}: {@code OK class render} of the value the member reads;</li>
 *   <li>{@code SAMPLES map}: put Java's sample values under their names; {@code OK count};</li>
 *   <li>{@code ECHO map key newKey}: read the value and write it back under newKey with Java's
 *       serializers; {@code OK class};</li>
 *   <li>{@code PING}: {@code OK pong}.</li>
 * </ul>
 *
 * Errors answer {@code ERR message}. {@link #render(Object)} is the canonical text form both
 * sides compute: exact (floats by their bits) and independent of Java's toString().
 */
public class SerializationHelper implements LifecycleListener, HazelcastInstanceAware {

    private volatile HazelcastInstance instance;
    private volatile boolean started;

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        this.instance = hazelcastInstance;
    }

    @Override
    public synchronized void stateChanged(LifecycleEvent event) {
        if (event.getState() == LifecycleEvent.LifecycleState.STARTED && !started) {
            started = true;
            Thread thread = new Thread(this::serve, "hztrio-serialization-helper");
            thread.setDaemon(true);
            thread.start();
        }
    }

    private void serve() {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            System.out.println("HZTRIO-HELPER-PORT " + server.getLocalPort());
            System.out.flush();
            while (true) {
                Socket socket = server.accept();
                Thread thread = new Thread(() -> handle(socket), "hztrio-serialization-helper-connection");
                thread.setDaemon(true);
                thread.start();
            }
        } catch (IOException e) {
            System.out.println("HZTRIO-HELPER-FAILED " + e);
        }
    }

    private void handle(Socket socket) {
        try (Socket s = socket;
             BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
             Writer out = new OutputStreamWriter(s.getOutputStream(), StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                String answer;
                try {
                    answer = "OK\t" + execute(line.split("\t", -1));
                } catch (Throwable t) {
                    answer = "ERR\t" + (t.toString() + "").replace('\n', ' ').replace('\t', ' ');
                }
                out.write(answer + "\n");
                out.flush();
            }
        } catch (IOException e) {
            // the test closed the connection
        }
    }

    private String execute(String[] command) {
        switch (command[0]) {
            case "PING":
                return "pong";
            case "DESCRIBE": {
                IMap<Object, Object> map = instance.getMap(command[1]);
                Object value = map.get(command[2]);
                String type = value == null ? "null" : value.getClass().getName();
                return type + "\t" + render(value);
            }
            case "ECHO": {
                IMap<Object, Object> map = instance.getMap(command[1]);
                Object value = map.get(command[2]);
                map.put(command[3], value);
                return value == null ? "null" : value.getClass().getName();
            }
            case "SAMPLES": {
                IMap<Object, Object> map = instance.getMap(command[1]);
                Map<String, Object> samples = samples();
                map.putAll(samples);
                return Integer.toString(samples.size());
            }
            default:
                throw new IllegalArgumentException("unknown command " + command[0]);
        }
    }

    /** Java's sample values, by name (the Python tests hold the expected Python values). */
    static Map<String, Object> samples() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("boolean", Boolean.TRUE);
        s.put("byte", (byte) -7);
        s.put("short", (short) -1234);
        s.put("int", 123456789);
        s.put("long", -1234567890123456789L);
        s.put("biginteger", new BigInteger("-123456789012345678901234567890"));
        s.put("float", 1.5f);
        s.put("double", -2.25e300);
        s.put("char", 'Z');
        s.put("string", "h\u00e9llo w\u00f6rld \u2603 \uD83D\uDE00");
        s.put("uuid", UUID.fromString("1862c7d2-f89c-4151-981d-07a6287089d3"));
        s.put("bytes", new byte[]{1, -2, 127, -128});
        s.put("booleans", new boolean[]{true, false, true});
        s.put("chars", new char[]{'a', '\u20ac'});
        s.put("shorts", new short[]{1, -1, 32767});
        s.put("ints", new int[]{1, -1, Integer.MIN_VALUE});
        s.put("longs", new long[]{Long.MAX_VALUE, -5});
        s.put("floats", new float[]{0.5f, -0.25f});
        s.put("doubles", new double[]{1e300, -0.0});
        s.put("strings", new String[]{"a", null, "\uD83D\uDE00"});
        List<Object> list = new ArrayList<>(Arrays.asList(1, "two", 3.0, null, true));
        s.put("arraylist", list);
        s.put("linkedlist", new LinkedList<>(Arrays.asList(1, 2)));
        s.put("decimal", new BigDecimal("-123.4500"));
        s.put("localdate", LocalDate.of(2024, 2, 29));
        s.put("localtime", LocalTime.of(13, 45, 59, 123456789));
        s.put("localdatetime", LocalDateTime.of(2024, 2, 29, 13, 45, 59, 123456000));
        s.put("offsetdatetime", OffsetDateTime.of(2024, 2, 29, 13, 45, 59, 123456000, ZoneOffset.ofHoursMinutes(-3, -30)));
        s.put("json", new HazelcastJsonValue("{\"a\": [1, 2]}"));
        Map<String, Integer> hashMap = new HashMap<>();
        hashMap.put("a", 1);
        s.put("hashmap", hashMap);
        s.put("date", new Date(1700000000123L));
        s.put("address", new IdsSamples.Address("Main St", 12345, "Springfield", "IL"));
        s.put("foo", new PortableSamples.Foo("bar"));
        s.put("kitchensink", PortableSamples.KitchenSink.sample());
        s.put("employee", PortableSamples.employee("java-emp", 28, true));
        s.put("inner", new CompactSamples.Inner("java", 7));
        s.put("sink", CompactSamples.Sink.sample());
        s.put("musician", new CustomSamples.Musician("Freddie"));
        s.put("tagged", new CustomSamples.Tagged("from java"));
        return s;
    }

    public static String render(Object o) {
        if (o == null) {
            return "null";
        }
        if (o instanceof Rendered) {
            return ((Rendered) o).render();
        }
        if (o instanceof String) {
            return quote((String) o);
        }
        if (o instanceof Boolean || o instanceof Byte || o instanceof Short || o instanceof Integer
                || o instanceof Long || o instanceof BigInteger) {
            return o.toString();
        }
        if (o instanceof Float) {
            return "f:" + Integer.toHexString(Float.floatToRawIntBits((Float) o));
        }
        if (o instanceof Double) {
            return "d:" + Long.toHexString(Double.doubleToRawLongBits((Double) o));
        }
        if (o instanceof Character) {
            return "c:" + (int) (Character) o;
        }
        if (o instanceof BigDecimal) {
            BigDecimal d = (BigDecimal) o;
            return "dec:" + d.unscaledValue() + ":" + d.scale();
        }
        if (o instanceof LocalDate) {
            return "date:" + date((LocalDate) o);
        }
        if (o instanceof LocalTime) {
            return "time:" + time((LocalTime) o);
        }
        if (o instanceof LocalDateTime) {
            LocalDateTime t = (LocalDateTime) o;
            return "ldt:" + date(t.toLocalDate()) + "T" + time(t.toLocalTime());
        }
        if (o instanceof OffsetDateTime) {
            OffsetDateTime t = (OffsetDateTime) o;
            return "odt:" + date(t.toLocalDate()) + "T" + time(t.toLocalTime()) + "@"
                    + t.getOffset().getTotalSeconds();
        }
        if (o instanceof UUID) {
            return "uuid:" + o;
        }
        if (o instanceof HazelcastJsonValue) {
            return "json:" + quote(o.toString());
        }
        if (o.getClass().isArray()) {
            StringBuilder sb = new StringBuilder("[");
            int length = Array.getLength(o);
            for (int i = 0; i < length; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append(render(Array.get(o, i)));
            }
            return sb.append(']').toString();
        }
        if (o instanceof Collection) {
            StringBuilder sb = new StringBuilder("[");
            boolean first = true;
            for (Object item : (Collection<?>) o) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                sb.append(render(item));
            }
            return sb.append(']').toString();
        }
        if (o instanceof GenericRecord) {
            GenericRecord record = (GenericRecord) o;
            StringBuilder sb = new StringBuilder("rec{");
            boolean first = true;
            for (String name : new TreeSet<>(record.getFieldNames())) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                sb.append(name).append('=').append(field(record, name));
            }
            return sb.append('}').toString();
        }
        return "obj:" + quote(o.toString());
    }

    private static String field(GenericRecord record, String name) {
        FieldKind kind = record.getFieldKind(name);
        switch (kind) {
            case BOOLEAN:
                return render(record.getBoolean(name));
            case INT8:
                return render(record.getInt8(name));
            case INT16:
                return render(record.getInt16(name));
            case INT32:
                return render(record.getInt32(name));
            case INT64:
                return render(record.getInt64(name));
            case FLOAT32:
                return render(record.getFloat32(name));
            case FLOAT64:
                return render(record.getFloat64(name));
            case STRING:
                return render(record.getString(name));
            case DECIMAL:
                return render(record.getDecimal(name));
            case TIME:
                return render(record.getTime(name));
            case DATE:
                return render(record.getDate(name));
            case TIMESTAMP:
                return render(record.getTimestamp(name));
            case TIMESTAMP_WITH_TIMEZONE:
                return render(record.getTimestampWithTimezone(name));
            case COMPACT:
            case PORTABLE:
                return render(record.getGenericRecord(name));
            case ARRAY_OF_INT32:
                return render(record.getArrayOfInt32(name));
            case ARRAY_OF_STRING:
                return render(record.getArrayOfString(name));
            case NULLABLE_INT32:
                return render(record.getNullableInt32(name));
            case NULLABLE_INT64:
                return render(record.getNullableInt64(name));
            default:
                return "?" + kind;
        }
    }

    private static String date(LocalDate d) {
        return d.getYear() + "-" + d.getMonthValue() + "-" + d.getDayOfMonth();
    }

    private static String time(LocalTime t) {
        return t.getHour() + ":" + t.getMinute() + ":" + t.getSecond() + "." + t.getNano();
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\') {
                sb.append(ch);
            } else {
                sb.append(String.format("\\u%04x", (int) ch));
            }
        }
        return sb.append('"').toString();
    }
}
