import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The Java client's side of benchmarks/suite.py: the same scenarios, driven by the official
 * Java client ({@code com.hazelcast.client.HazelcastClient}) of the member's own jar.
 *
 * <p>Arguments are {@code key=value} pairs (see {@link #main}); the results are printed on
 * stdout, one JSON object per line, each prefixed with {@code RESULT }. Everything else goes to
 * stderr. Concurrency N in the map scenario means N operations in flight through the async API
 * ({@code IMap.setAsync/getAsync}): each completion callback records its operation and starts
 * the next one, on the thread that completed the future (as the Python "official-sync" driver
 * does with its futures; see {@link #DIRECT}).
 */
public final class MapBench {
    static final int WARMUP = 0;
    static final int MEASURE = 1;
    static final int STOP = 2;

    /**
     * Runs completion callbacks on the thread that completes the future. Hazelcast's plain
     * {@code whenComplete} hands callbacks to its default async executor, which is
     * ForkJoinPool.commonPool() only when the common pool's parallelism is above 1; on a
     * machine with 2 CPUs or fewer (parallelism 1) it starts a new thread for every callback.
     */
    static final Executor DIRECT = Runnable::run;

    final Map<String, String> args;
    final IMap<String, byte[]> map;
    final HazelcastInstance client;
    final long memberPid;
    final String clientName;

    MapBench(Map<String, String> args, HazelcastInstance client) {
        this.args = args;
        this.client = client;
        this.map = client.getMap(arg("map", "map-bench"));
        this.memberPid = Long.parseLong(arg("member_pid", "0"));
        this.clientName = arg("client", "java");
    }

    String arg(String key, String fallback) {
        String value = args.get(key);
        return value == null || value.isEmpty() ? fallback : value;
    }

    int intArg(String key, int fallback) {
        return Integer.parseInt(arg(key, Integer.toString(fallback)));
    }

    double doubleArg(String key, double fallback) {
        return Double.parseDouble(arg(key, Double.toString(fallback)));
    }

    // -- measurement --------------------------------------------------------------------------

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    static final long CLOCK_TICKS_PER_S = 100; // _SC_CLK_TCK on Linux

    /** User + system CPU seconds of another process, from /proc; -1 if unknown. */
    static double memberCpuSeconds(long pid) {
        if (pid <= 0) {
            return -1;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12]))
                    / (double) CLOCK_TICKS_PER_S;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Latencies recorded from any thread; beyond the capacity only the count grows. */
    static final class Recorder {
        final long[] latencies = new long[1 << 22];
        final AtomicInteger count = new AtomicInteger();

        void record(long nanos) {
            int index = count.getAndIncrement();
            if (index < latencies.length) {
                latencies[index] = nanos;
            }
        }

        long[] sorted() {
            int n = Math.min(count.get(), latencies.length);
            long[] copy = Arrays.copyOf(latencies, n);
            Arrays.sort(copy);
            return copy;
        }
    }

    /** Wall clock, CPU and member CPU at the start and end of a measured window. */
    final class Window {
        volatile int phase = WARMUP;
        final Recorder recorder = new Recorder();
        long startNs;
        long endNs;
        long cpuStart;
        long cpuEnd;
        double memberStart;
        double memberEnd;

        void begin() {
            memberStart = memberCpuSeconds(memberPid);
            cpuStart = processCpuNanos();
            startNs = System.nanoTime();
            phase = MEASURE;
        }

        void end() {
            phase = STOP;
            endNs = System.nanoTime();
            cpuEnd = processCpuNanos();
            memberEnd = memberCpuSeconds(memberPid);
        }

        Map<String, Object> result(String scenario) {
            long[] sorted = recorder.sorted();
            int ops = recorder.count.get();
            double seconds = (endNs - startNs) / 1e9;
            Map<String, Object> out = baseResult(scenario, ops, seconds, sorted);
            double perOp = ops > 0 ? 1e6 / ops : Double.NaN;
            out.put("cpu_us_per_op", (cpuEnd - cpuStart) / 1e9 * perOp);
            out.put(
                    "member_cpu_us_per_op",
                    memberStart >= 0 && memberEnd >= 0 ? (memberEnd - memberStart) * perOp : null);
            return out;
        }
    }

    Map<String, Object> baseResult(String scenario, int ops, double seconds, long[] sorted) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("client", clientName);
        out.put("scenario", scenario);
        out.put("ops", ops);
        out.put("seconds", seconds);
        out.put("ops_per_s", seconds > 0 ? ops / seconds : 0.0);
        out.put("p50_us", percentile(sorted, 0.50) / 1e3);
        out.put("p99_us", percentile(sorted, 0.99) / 1e3);
        double sum = 0;
        for (long value : sorted) {
            sum += value;
        }
        out.put("mean_us", sorted.length > 0 ? sum / sorted.length / 1e3 : 0.0);
        out.put("max_us", sorted.length > 0 ? sorted[sorted.length - 1] / 1e3 : 0.0);
        return out;
    }

    /** Nearest-rank percentile, as benchmarks/map_bench.py computes it. */
    static double percentile(long[] sorted, double fraction) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = Math.max(1, (int) Math.ceil(fraction * sorted.length));
        return sorted[rank - 1];
    }

    static void emit(Map<String, Object> result) {
        StringBuilder json = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<String, Object> entry : result.entrySet()) {
            if (!first) {
                json.append(", ");
            }
            first = false;
            json.append('"').append(entry.getKey()).append("\": ");
            appendJson(json, entry.getValue());
        }
        json.append('}');
        System.out.println("RESULT " + json);
        System.out.flush();
    }

    @SuppressWarnings("unchecked")
    static void appendJson(StringBuilder json, Object value) {
        if (value == null) {
            json.append("null");
        } else if (value instanceof String) {
            json.append('"').append(((String) value).replace("\\", "\\\\").replace("\"", "\\\""))
                    .append('"');
        } else if (value instanceof Double) {
            double d = (Double) value;
            json.append(Double.isFinite(d) ? Double.toString(d) : "null");
        } else if (value instanceof Map) {
            json.append('{');
            boolean first = true;
            for (Map.Entry<String, Object> entry : ((Map<String, Object>) value).entrySet()) {
                if (!first) {
                    json.append(", ");
                }
                first = false;
                json.append('"').append(entry.getKey()).append("\": ");
                appendJson(json, entry.getValue());
            }
            json.append('}');
        } else {
            json.append(value);
        }
    }

    // -- the workload -------------------------------------------------------------------------

    List<String> keys(int count) {
        List<String> keys = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            keys.add(String.format("key-%05d", i));
        }
        return keys;
    }

    byte[] value(int size) {
        byte[] value = new byte[size];
        new SplittableRandom(12024).nextBytes(value);
        return value;
    }

    void fill(List<String> keys, byte[] value) {
        Map<String, byte[]> all = new HashMap<>();
        for (String key : keys) {
            all.put(key, value);
        }
        map.putAll(all);
    }

    // -- map set/get --------------------------------------------------------------------------

    /** N operations in flight: every completion starts the next one until the phase is STOP. */
    Window mapCell(
            String[] scheduleKeys,
            boolean[] scheduleSets,
            byte[] value,
            int concurrency,
            double warmup,
            double duration)
            throws InterruptedException {
        Window window = new Window();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger active = new AtomicInteger(concurrency);
        CountDownLatch allDone = new CountDownLatch(1);
        AtomicReference<Throwable> error = new AtomicReference<>();
        int mask = scheduleKeys.length - 1;

        final class Worker {
            void start() {
                int i = next.getAndIncrement() & mask;
                long started = System.nanoTime();
                CompletableFuture<?> future =
                        scheduleSets[i]
                                ? map.setAsync(scheduleKeys[i], value).toCompletableFuture()
                                : map.getAsync(scheduleKeys[i]).toCompletableFuture();
                future.whenCompleteAsync((result, failure) -> done(started, failure), DIRECT);
            }

            void done(long started, Throwable failure) {
                long finished = System.nanoTime();
                if (failure != null) {
                    error.compareAndSet(null, failure);
                    allDone.countDown();
                    return;
                }
                int phase = window.phase;
                if (phase == MEASURE) {
                    window.recorder.record(finished - started);
                }
                if (phase != STOP) {
                    start();
                } else if (active.decrementAndGet() == 0) {
                    allDone.countDown();
                }
            }
        }

        Worker worker = new Worker();
        for (int i = 0; i < concurrency; i++) {
            worker.start();
        }
        Thread.sleep((long) (warmup * 1000));
        if (duration > 0) {
            window.begin();
            Thread.sleep((long) (duration * 1000));
            window.end();
        } else {
            window.phase = STOP;
        }
        if (!allDone.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("operations still in flight long after the cell");
        }
        if (error.get() != null) {
            throw new IllegalStateException(error.get());
        }
        return window;
    }

    void mapScenario() throws InterruptedException {
        int keyCount = intArg("keys", 10000);
        List<String> keys = keys(keyCount);
        byte[] value = value(intArg("value_size", 100));
        int scheduleLength = 1 << 16;
        SplittableRandom random = new SplittableRandom(12025);
        String[] scheduleKeys = new String[scheduleLength];
        boolean[] scheduleSets = new boolean[scheduleLength];
        for (int i = 0; i < scheduleLength; i++) {
            scheduleKeys[i] = keys.get(random.nextInt(keyCount));
            scheduleSets[i] = random.nextDouble() < 0.5;
        }
        fill(keys, value);
        double duration = doubleArg("duration", 5);
        double warmup = doubleArg("warmup", 1.5);
        double clientWarmup = doubleArg("client_warmup", 2);
        int[] levels =
                Arrays.stream(arg("concurrency", "1").split(",")).mapToInt(Integer::parseInt).toArray();
        int highest = Arrays.stream(levels).max().orElse(1);
        if (clientWarmup > 0) {
            mapCell(scheduleKeys, scheduleSets, value, highest, clientWarmup, 0);
        }
        for (int level : levels) {
            Window window = mapCell(scheduleKeys, scheduleSets, value, level, warmup, duration);
            emit(window.result("map-" + level));
        }
    }

    // -- get_all / put_all --------------------------------------------------------------------

    interface Op {
        void run(int iteration) throws Exception;
    }

    /** One operation after another for {@code duration} seconds after {@code warmup}. */
    Window sequentialCell(Op op, double warmup, double duration) throws Exception {
        Window window = new Window();
        long measureAt = System.nanoTime() + (long) (warmup * 1e9);
        int iteration = 0;
        while (System.nanoTime() < measureAt) {
            op.run(iteration++);
        }
        window.begin();
        long stopAt = window.startNs + (long) (duration * 1e9);
        while (true) {
            long started = System.nanoTime();
            op.run(iteration++);
            long finished = System.nanoTime();
            window.recorder.record(finished - started);
            if (finished >= stopAt) {
                break;
            }
        }
        window.end();
        return window;
    }

    void bulkScenario(Set<String> which) throws Exception {
        int keyCount = intArg("keys", 10000);
        int batch = intArg("batch", 1000);
        List<String> keys = keys(keyCount);
        byte[] value = value(intArg("value_size", 100));
        fill(keys, value);
        int batches = Math.max(1, keyCount / batch);
        List<Map<String, byte[]>> putBatches = new ArrayList<>();
        List<Set<String>> getBatches = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            Map<String, byte[]> entries = new HashMap<>();
            Set<String> keySet = new HashSet<>();
            for (String key : keys.subList(b * batch, Math.min(keyCount, (b + 1) * batch))) {
                entries.put(key, value);
                keySet.add(key);
            }
            putBatches.add(entries);
            getBatches.add(keySet);
        }
        double duration = doubleArg("bulk_duration", 5);
        double warmup = doubleArg("bulk_warmup", 1);
        if (which.contains("put-all")) {
            Window window =
                    sequentialCell(i -> map.putAll(putBatches.get(i % batches)), warmup, duration);
            Map<String, Object> result = window.result("put-all");
            result.put("extra", Map.of("entries_per_op", (Object) batch));
            emit(result);
        }
        if (which.contains("get-all")) {
            Window window =
                    sequentialCell(
                            i -> {
                                Map<String, byte[]> got = map.getAll(getBatches.get(i % batches));
                                if (got.size() != getBatches.get(i % batches).size()) {
                                    throw new IllegalStateException("getAll: " + got.size());
                                }
                            },
                            warmup,
                            duration);
            Map<String, Object> result = window.result("get-all");
            result.put("extra", Map.of("entries_per_op", (Object) batch));
            emit(result);
        }
    }

    // -- iterations: entry_set and the 16 MB value ---------------------------------------------

    /** {@code warmupIterations} unmeasured, then {@code iterations} measured runs of op. */
    Window iterations(Op op, int warmupIterations, int iterations) throws Exception {
        for (int i = 0; i < warmupIterations; i++) {
            op.run(-1 - i);
        }
        System.gc();
        Window window = new Window();
        window.begin();
        for (int i = 0; i < iterations; i++) {
            long started = System.nanoTime();
            op.run(i);
            window.recorder.record(System.nanoTime() - started);
        }
        window.end();
        return window;
    }

    void entrySetScenario() throws Exception {
        IMap<String, byte[]> entries = client.getMap(arg("entries_map", "entries-bench"));
        int expected = intArg("entries", 100000);
        Window window =
                iterations(
                        i -> {
                            long touched = 0;
                            int count = 0;
                            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                                touched += entry.getKey().length() + entry.getValue().length;
                                count++;
                            }
                            if (count != expected || touched == 0) {
                                throw new IllegalStateException("entrySet: " + count + " entries");
                            }
                        },
                        intArg("warmup_iterations", 1),
                        intArg("iterations", 3));
        Map<String, Object> result = window.result("entry-set");
        result.put("extra", Map.of("entries_per_op", (Object) expected));
        emit(result);
    }

    void largeValueScenario() throws Exception {
        int size = intArg("large_size", 16 << 20);
        byte[] big = value(size);
        long[] putNs = new long[1];
        long[] getNs = new long[1];
        List<Long> puts = new ArrayList<>();
        List<Long> gets = new ArrayList<>();
        Window window =
                iterations(
                        i -> {
                            String key = "big-" + clientName + "-" + i;
                            long t0 = System.nanoTime();
                            byte[] old = map.put(key, big);
                            long t1 = System.nanoTime();
                            byte[] got = map.get(key);
                            long t2 = System.nanoTime();
                            if (old != null || got == null || got.length != size) {
                                throw new IllegalStateException("16 MB value: wrong answer");
                            }
                            if (i >= 0) {
                                puts.add(t1 - t0);
                                gets.add(t2 - t1);
                            }
                            map.delete(key);
                        },
                        intArg("warmup_iterations", 1),
                        intArg("iterations", 3));
        Map<String, Object> result = window.result("value-16mb");
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("value_bytes", size);
        extra.put("put_ms_median", medianMs(puts));
        extra.put("get_ms_median", medianMs(gets));
        result.put("extra", extra);
        emit(result);
    }

    static double medianMs(List<Long> values) {
        long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
        return percentile(sorted, 0.5) / 1e6;
    }

    // -- 10,000 invocations in flight ----------------------------------------------------------

    static long statusKb(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
            }
        }
        return -1;
    }

    void inFlightScenario() throws Exception {
        int count = intArg("in_flight", 10000);
        int keyCount = intArg("keys", 10000);
        List<String> keys = keys(keyCount);
        byte[] value = value(intArg("value_size", 100));
        fill(keys, value);
        for (int i = 0; i < 256; i++) { // warm the code path up, not the memory
            map.get(keys.get(i % keyCount));
        }
        System.gc();
        boolean reset = true;
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException e) {
            reset = false;
        }
        long before = statusKb("VmRSS");
        long hwmBefore = statusKb("VmHWM");
        Window window = new Window();
        long[] started = new long[count];
        long[] finished = new long[count];
        AtomicInteger completed = new AtomicInteger();
        List<CompletableFuture<byte[]>> futures = new ArrayList<>(count);
        window.begin();
        for (int i = 0; i < count; i++) {
            final int index = i;
            started[i] = System.nanoTime();
            CompletableFuture<byte[]> future =
                    map.getAsync(keys.get(i % keyCount)).toCompletableFuture();
            futures.add(
                    future.whenCompleteAsync(
                            (result, failure) -> {
                                finished[index] = System.nanoTime();
                                if (failure == null && result != null) {
                                    completed.incrementAndGet();
                                }
                            },
                            DIRECT));
        }
        CompletableFuture.allOf(futures.toArray(new CompletableFuture[0])).get(120, TimeUnit.SECONDS);
        window.end();
        long peak = statusKb("VmHWM");
        long after = statusKb("VmRSS");
        long[] latencies = new long[count];
        for (int i = 0; i < count; i++) {
            latencies[i] = finished[i] - started[i];
        }
        Arrays.sort(latencies);
        double seconds = (window.endNs - window.startNs) / 1e9;
        Map<String, Object> result = baseResult("in-flight", count, seconds, latencies);
        result.put("cpu_us_per_op", (window.cpuEnd - window.cpuStart) / 1e3 / count);
        result.put(
                "member_cpu_us_per_op",
                window.memberStart >= 0 && window.memberEnd >= 0
                        ? (window.memberEnd - window.memberStart) * 1e6 / count
                        : null);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("in_flight", count);
        extra.put("completed", completed.get());
        extra.put("rss_before_mb", before / 1024.0);
        extra.put("rss_peak_mb", (reset ? peak : Math.max(peak, hwmBefore)) / 1024.0);
        extra.put("rss_after_mb", after / 1024.0);
        extra.put("rss_added_mb", (peak - before) / 1024.0);
        extra.put("hwm_reset", reset);
        result.put("extra", extra);
        emit(result);
    }

    // -- main ----------------------------------------------------------------------------------

    void run(List<String> scenarios) throws Exception {
        Set<String> bulk = new HashSet<>();
        for (String scenario : scenarios) {
            if (scenario.equals("put-all") || scenario.equals("get-all")) {
                bulk.add(scenario);
            }
        }
        boolean bulkDone = false;
        for (String scenario : scenarios) {
            switch (scenario) {
                case "map":
                    mapScenario();
                    break;
                case "put-all":
                case "get-all":
                    if (!bulkDone) {
                        bulkScenario(bulk);
                        bulkDone = true;
                    }
                    break;
                case "entry-set":
                    entrySetScenario();
                    break;
                case "value-16mb":
                    largeValueScenario();
                    break;
                case "in-flight":
                    inFlightScenario();
                    break;
                default:
                    throw new IllegalArgumentException("unknown scenario " + scenario);
            }
        }
    }

    /**
     * Arguments: {@code key=value} pairs. {@code addresses} (comma-separated host:port),
     * {@code cluster}, {@code scenarios} (comma-separated: map, put-all, get-all, entry-set,
     * value-16mb, in-flight), {@code concurrency} (comma-separated), {@code duration},
     * {@code warmup}, {@code client_warmup}, {@code bulk_duration}, {@code bulk_warmup},
     * {@code keys}, {@code value_size}, {@code batch},
     * {@code entries}, {@code entries_map}, {@code large_size}, {@code iterations},
     * {@code warmup_iterations}, {@code in_flight}, {@code member_pid}, {@code client}.
     */
    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new HashMap<>();
        for (String arg : argv) {
            int eq = arg.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("expected key=value, got " + arg);
            }
            args.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        ClientConfig config = new ClientConfig();
        config.setClusterName(args.getOrDefault("cluster", "dev"));
        config.setProperty("hazelcast.logging.type", "none");
        for (String address : args.getOrDefault("addresses", "127.0.0.1:5701").split(",")) {
            config.getNetworkConfig().addAddress(address);
        }
        HazelcastInstance client = HazelcastClient.newHazelcastClient(config);
        try {
            new MapBench(args, client).run(Arrays.asList(args.getOrDefault("scenarios", "map").split(",")));
        } finally {
            client.shutdown();
        }
        System.exit(0);
    }
}
