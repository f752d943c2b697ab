package hztrio.testing;

import com.hazelcast.nio.serialization.compact.CompactReader;
import com.hazelcast.nio.serialization.compact.CompactSerializer;
import com.hazelcast.nio.serialization.compact.CompactWriter;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Compact test classes: Inner (type name "Inner") and Sink (type name "Sink", a field of every kind). */
public final class CompactSamples {

    private CompactSamples() {
    }

    private static String r(Object value) {
        return SerializationHelper.render(value);
    }

    public static class Inner implements Rendered {
        public String s;
        public int n;

        public Inner() {
        }

        public Inner(String s, int n) {
            this.s = s;
            this.n = n;
        }

        @Override
        public String render() {
            return "Inner{" + r(s) + "," + n + "}";
        }
    }

    public static class InnerSerializer implements CompactSerializer<Inner> {
        @Override
        public Inner read(CompactReader reader) {
            return new Inner(reader.readString("s"), reader.readInt32("n"));
        }

        @Override
        public void write(CompactWriter writer, Inner value) {
            writer.writeString("s", value.s);
            writer.writeInt32("n", value.n);
        }

        @Override
        public String getTypeName() {
            return "Inner";
        }

        @Override
        public Class<Inner> getCompactClass() {
            return Inner.class;
        }
    }

    public static class Sink implements Rendered {
        boolean bool;
        byte i8;
        short i16;
        int i32;
        long i64;
        float f32;
        double f64;
        String str;
        String nullStr;
        BigDecimal dec;
        LocalTime time;
        LocalDate date;
        LocalDateTime ts;
        OffsetDateTime tstz;
        Inner inner;
        Inner nullInner;
        boolean[] bools;
        byte[] i8s;
        short[] i16s;
        int[] i32s;
        int[] nullI32s;
        long[] i64s;
        float[] f32s;
        double[] f64s;
        String[] strs;
        BigDecimal[] decs;
        LocalTime[] times;
        LocalDate[] dates;
        LocalDateTime[] tss;
        OffsetDateTime[] tstzs;
        Inner[] inners;
        Boolean nbool;
        Byte ni8;
        Short ni16;
        Integer ni32;
        Long ni64;
        Float nf32;
        Double nf64;
        Boolean[] nbools;
        Byte[] ni8s;
        Short[] ni16s;
        Integer[] ni32s;
        Long[] ni64s;
        Float[] nf32s;
        Double[] nf64s;

        public static Sink sample() {
            Sink k = new Sink();
            k.bool = true;
            k.i8 = -8;
            k.i16 = -1616;
            k.i32 = 32323232;
            k.i64 = -6464646464646464L;
            k.f32 = 3.25f;
            k.f64 = -6.5e-300;
            k.str = "s\u00fc\u00df \uD83D\uDE80";
            k.nullStr = null;
            k.dec = new BigDecimal("98765432109876543210.0001");
            k.time = LocalTime.of(1, 2, 3, 4000);
            k.date = LocalDate.of(1, 1, 1);
            k.ts = LocalDateTime.of(2038, 1, 19, 3, 14, 7, 999999000);
            k.tstz = OffsetDateTime.of(2010, 6, 15, 12, 0, 0, 0, ZoneOffset.ofHoursMinutes(-9, -30));
            k.inner = new Inner("in", 1);
            k.nullInner = null;
            k.bools = new boolean[]{true, false, false, true, true, false, true, false, true};
            k.i8s = new byte[]{-128, 0, 127};
            k.i16s = new short[]{-32768, 32767};
            k.i32s = new int[]{7, 8, 9};
            k.nullI32s = null;
            k.i64s = new long[]{Long.MIN_VALUE};
            k.f32s = new float[]{1.25f, -0.0f};
            k.f64s = new double[]{Double.MAX_VALUE, Double.MIN_VALUE};
            k.strs = new String[]{"x", null, ""};
            k.decs = new BigDecimal[]{new BigDecimal("-0.5"), null};
            k.times = new LocalTime[]{LocalTime.NOON, null};
            k.dates = new LocalDate[]{LocalDate.of(2000, 2, 29)};
            k.tss = new LocalDateTime[]{null, LocalDateTime.of(1999, 1, 1, 0, 0, 1)};
            k.tstzs = new OffsetDateTime[]{OffsetDateTime.of(2020, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC)};
            k.inners = new Inner[]{new Inner("a", 2), null, new Inner(null, 3)};
            k.nbool = Boolean.FALSE;
            k.ni8 = (byte) -1;
            k.ni16 = null;
            k.ni32 = 42;
            k.ni64 = null;
            k.nf32 = 0.5f;
            k.nf64 = null;
            k.nbools = new Boolean[]{true, null};
            k.ni8s = new Byte[]{1, null, -1};
            k.ni16s = new Short[]{null};
            k.ni32s = new Integer[]{1, 2, null};
            k.ni64s = new Long[]{Long.MAX_VALUE, null};
            k.nf32s = new Float[]{null, 2.5f};
            k.nf64s = new Double[]{-1.0, null};
            return k;
        }

        @Override
        public String render() {
            return "Sink{bool=" + r(bool) + ",i8=" + r(i8) + ",i16=" + r(i16) + ",i32=" + r(i32) + ",i64=" + r(i64)
                    + ",f32=" + r(f32) + ",f64=" + r(f64) + ",str=" + r(str) + ",nullStr=" + r(nullStr)
                    + ",dec=" + r(dec) + ",time=" + r(time) + ",date=" + r(date) + ",ts=" + r(ts)
                    + ",tstz=" + r(tstz) + ",inner=" + r(inner) + ",nullInner=" + r(nullInner)
                    + ",bools=" + r(bools) + ",i8s=" + r(i8s) + ",i16s=" + r(i16s) + ",i32s=" + r(i32s)
                    + ",nullI32s=" + r(nullI32s) + ",i64s=" + r(i64s) + ",f32s=" + r(f32s) + ",f64s=" + r(f64s)
                    + ",strs=" + r(strs) + ",decs=" + r(decs) + ",times=" + r(times) + ",dates=" + r(dates)
                    + ",tss=" + r(tss) + ",tstzs=" + r(tstzs) + ",inners=" + r(inners) + ",nbool=" + r(nbool)
                    + ",ni8=" + r(ni8) + ",ni16=" + r(ni16) + ",ni32=" + r(ni32) + ",ni64=" + r(ni64)
                    + ",nf32=" + r(nf32) + ",nf64=" + r(nf64) + ",nbools=" + r(nbools) + ",ni8s=" + r(ni8s)
                    + ",ni16s=" + r(ni16s) + ",ni32s=" + r(ni32s) + ",ni64s=" + r(ni64s) + ",nf32s=" + r(nf32s)
                    + ",nf64s=" + r(nf64s) + "}";
        }
    }

    public static class SinkSerializer implements CompactSerializer<Sink> {
        @Override
        public Sink read(CompactReader rd) {
            Sink k = new Sink();
            k.bool = rd.readBoolean("bool");
            k.i8 = rd.readInt8("i8");
            k.i16 = rd.readInt16("i16");
            k.i32 = rd.readInt32("i32");
            k.i64 = rd.readInt64("i64");
            k.f32 = rd.readFloat32("f32");
            k.f64 = rd.readFloat64("f64");
            k.str = rd.readString("str");
            k.nullStr = rd.readString("nullStr");
            k.dec = rd.readDecimal("dec");
            k.time = rd.readTime("time");
            k.date = rd.readDate("date");
            k.ts = rd.readTimestamp("ts");
            k.tstz = rd.readTimestampWithTimezone("tstz");
            k.inner = rd.readCompact("inner");
            k.nullInner = rd.readCompact("nullInner");
            k.bools = rd.readArrayOfBoolean("bools");
            k.i8s = rd.readArrayOfInt8("i8s");
            k.i16s = rd.readArrayOfInt16("i16s");
            k.i32s = rd.readArrayOfInt32("i32s");
            k.nullI32s = rd.readArrayOfInt32("nullI32s");
            k.i64s = rd.readArrayOfInt64("i64s");
            k.f32s = rd.readArrayOfFloat32("f32s");
            k.f64s = rd.readArrayOfFloat64("f64s");
            k.strs = rd.readArrayOfString("strs");
            k.decs = rd.readArrayOfDecimal("decs");
            k.times = rd.readArrayOfTime("times");
            k.dates = rd.readArrayOfDate("dates");
            k.tss = rd.readArrayOfTimestamp("tss");
            k.tstzs = rd.readArrayOfTimestampWithTimezone("tstzs");
            k.inners = rd.readArrayOfCompact("inners", Inner.class);
            k.nbool = rd.readNullableBoolean("nbool");
            k.ni8 = rd.readNullableInt8("ni8");
            k.ni16 = rd.readNullableInt16("ni16");
            k.ni32 = rd.readNullableInt32("ni32");
            k.ni64 = rd.readNullableInt64("ni64");
            k.nf32 = rd.readNullableFloat32("nf32");
            k.nf64 = rd.readNullableFloat64("nf64");
            k.nbools = rd.readArrayOfNullableBoolean("nbools");
            k.ni8s = rd.readArrayOfNullableInt8("ni8s");
            k.ni16s = rd.readArrayOfNullableInt16("ni16s");
            k.ni32s = rd.readArrayOfNullableInt32("ni32s");
            k.ni64s = rd.readArrayOfNullableInt64("ni64s");
            k.nf32s = rd.readArrayOfNullableFloat32("nf32s");
            k.nf64s = rd.readArrayOfNullableFloat64("nf64s");
            return k;
        }

        @Override
        public void write(CompactWriter w, Sink k) {
            w.writeBoolean("bool", k.bool);
            w.writeInt8("i8", k.i8);
            w.writeInt16("i16", k.i16);
            w.writeInt32("i32", k.i32);
            w.writeInt64("i64", k.i64);
            w.writeFloat32("f32", k.f32);
            w.writeFloat64("f64", k.f64);
            w.writeString("str", k.str);
            w.writeString("nullStr", k.nullStr);
            w.writeDecimal("dec", k.dec);
            w.writeTime("time", k.time);
            w.writeDate("date", k.date);
            w.writeTimestamp("ts", k.ts);
            w.writeTimestampWithTimezone("tstz", k.tstz);
            w.writeCompact("inner", k.inner);
            w.writeCompact("nullInner", k.nullInner);
            w.writeArrayOfBoolean("bools", k.bools);
            w.writeArrayOfInt8("i8s", k.i8s);
            w.writeArrayOfInt16("i16s", k.i16s);
            w.writeArrayOfInt32("i32s", k.i32s);
            w.writeArrayOfInt32("nullI32s", k.nullI32s);
            w.writeArrayOfInt64("i64s", k.i64s);
            w.writeArrayOfFloat32("f32s", k.f32s);
            w.writeArrayOfFloat64("f64s", k.f64s);
            w.writeArrayOfString("strs", k.strs);
            w.writeArrayOfDecimal("decs", k.decs);
            w.writeArrayOfTime("times", k.times);
            w.writeArrayOfDate("dates", k.dates);
            w.writeArrayOfTimestamp("tss", k.tss);
            w.writeArrayOfTimestampWithTimezone("tstzs", k.tstzs);
            w.writeArrayOfCompact("inners", k.inners);
            w.writeNullableBoolean("nbool", k.nbool);
            w.writeNullableInt8("ni8", k.ni8);
            w.writeNullableInt16("ni16", k.ni16);
            w.writeNullableInt32("ni32", k.ni32);
            w.writeNullableInt64("ni64", k.ni64);
            w.writeNullableFloat32("nf32", k.nf32);
            w.writeNullableFloat64("nf64", k.nf64);
            w.writeArrayOfNullableBoolean("nbools", k.nbools);
            w.writeArrayOfNullableInt8("ni8s", k.ni8s);
            w.writeArrayOfNullableInt16("ni16s", k.ni16s);
            w.writeArrayOfNullableInt32("ni32s", k.ni32s);
            w.writeArrayOfNullableInt64("ni64s", k.ni64s);
            w.writeArrayOfNullableFloat32("nf32s", k.nf32s);
            w.writeArrayOfNullableFloat64("nf64s", k.nf64s);
        }

        @Override
        public String getTypeName() {
            return "Sink";
        }

        @Override
        public Class<Sink> getCompactClass() {
            return Sink.class;
        }
    }
}
